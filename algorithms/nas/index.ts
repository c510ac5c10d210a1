/** What Katib's two NAS algorithms (enas, darts) share: nasConfig checks, operation enumeration, Python JSON. */
export { checkEnumerable, checkGraphConfig, checkOperations } from './operations.js';
export { countOperations, dartsSearchSpace, enumerateOperations, parameterValues, type EnumeratedOperation } from './enumerate.js';
export { katibQuotes, pyDict, pyFloat, pyFloatRepr, pyJsonDumps, type PyDict, type PyFloat, type PyJson } from './python-json.js';
