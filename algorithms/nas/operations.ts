import type { NasConfig, NasOperation, ParameterSpec, ValidationIssue } from '../../src/experiment/types.js';
import { parseNumber } from '../../src/search-space/check.js';

/**
 * The checks Katib's NAS services make on `spec.nasConfig` (katib-spec §4.7, §4.8), as
 * typed issues located by field path. Katib answers with the first problem only; these
 * list every one, in Katib's order.
 */

export const NAS_PATH = 'spec.nasConfig';
const OPERATIONS_PATH = `${NAS_PATH}.operations`;
const GRAPH_PATH = `${NAS_PATH}.graphConfig`;

const KNOWN_TYPES: ReadonlySet<string> = new Set(['double', 'int', 'discrete', 'categorical']);

/** How an operation is named in messages: its type, or its position when it has none. */
function operationName(op: NasOperation, i: number): string {
  return op.operationType ? `operation ${op.operationType}` : `operation ${i}`;
}

function parameterName(p: ParameterSpec, j: number): string {
  return p.name ? `parameter ${p.name}` : `parameter ${j}`;
}

/**
 * Katib's "NAS operation checks" (katib-spec §4.8): each operation has an operationType
 * and at least one parameter; each parameter a name and a type; categorical and discrete
 * ones a non-empty list; int and double ones a min or a max; double ones a step > 0.
 */
export function checkOperations(nasConfig: NasConfig | undefined, options: { parameterless?: readonly string[] } = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (nasConfig?.operations ?? []).forEach((op, i) => {
    const at = `${OPERATIONS_PATH}[${i}]`;
    const opName = operationName(op, i);
    if (!op.operationType) issues.push({ path: `${at}.operationType`, message: `operation ${i} needs an operationType` });
    const parameters = op.parameters ?? [];
    if (parameters.length === 0 && !options.parameterless?.includes(op.operationType)) {
      issues.push({ path: `${at}.parameters`, message: `${opName} needs at least one parameter` });
    }
    parameters.forEach((p, j) => issues.push(...checkOperationParameter(p, `${at}.parameters[${j}]`, `${parameterName(p, j)} of ${opName}`)));
  });
  return issues;
}

function checkOperationParameter(p: ParameterSpec, at: string, what: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!p.name) issues.push({ path: `${at}.name`, message: `${what} needs a name` });
  const type = p.parameterType;
  if (!type || !KNOWN_TYPES.has(type)) {
    issues.push({ path: `${at}.parameterType`, message: `${what} needs a parameterType: double, int, discrete or categorical` });
    return issues;
  }
  const fs = p.feasibleSpace ?? {};
  if (type === 'categorical' || type === 'discrete') {
    if (!fs.list || fs.list.length === 0) {
      issues.push({ path: `${at}.feasibleSpace.list`, message: `${type} ${what} needs a non-empty feasibleSpace.list` });
    }
    return issues;
  }
  if (!fs.min && !fs.max) {
    issues.push({ path: `${at}.feasibleSpace`, message: `${type} ${what} needs feasibleSpace.min or feasibleSpace.max` });
  }
  if (type === 'double') {
    const step = parseNumber(fs.step);
    if (fs.step && step === undefined) {
      issues.push({ path: `${at}.feasibleSpace.step`, message: `double ${what}: feasibleSpace.step must be a number, got "${fs.step}"` });
    } else if (step === undefined || !(step > 0)) {
      issues.push({ path: `${at}.feasibleSpace.step`, message: `double ${what} needs feasibleSpace.step > 0` });
    }
  }
  return issues;
}

/**
 * What enumerating the operations (enas) needs beyond Katib's checks. Katib accepts these
 * and then fails while building its search space; Scriba says so at validation instead:
 * at least one operation; int and double parameters with both bounds, as numbers
 * (integers for int), min <= max; an int step, when given, a positive integer; parameter
 * names unique within an operation.
 */
export function checkEnumerable(nasConfig: NasConfig | undefined): ValidationIssue[] {
  const operations = nasConfig?.operations ?? [];
  if (operations.length === 0) return [{ path: OPERATIONS_PATH, message: 'enas needs at least one operation' }];
  const issues: ValidationIssue[] = [];
  operations.forEach((op, i) => {
    const seen = new Set<string>();
    (op.parameters ?? []).forEach((p, j) => {
      const at = `${OPERATIONS_PATH}[${i}].parameters[${j}]`;
      const what = `${parameterName(p, j)} of ${operationName(op, i)}`;
      if (p.name && seen.has(p.name)) issues.push({ path: `${at}.name`, message: `${what} is named twice in its operation` });
      seen.add(p.name);
      if (p.parameterType === 'int' || p.parameterType === 'double') issues.push(...checkRange(p, at, what));
    });
  });
  return issues;
}

function checkRange(p: ParameterSpec, at: string, what: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const fs = p.feasibleSpace ?? {};
  const int = p.parameterType === 'int';
  const bound = (field: 'min' | 'max'): number | undefined => {
    const text = fs[field];
    if (!text) {
      // Both missing is Katib's own rejection (checkOperations).
      if (fs.min || fs.max) issues.push({ path: `${at}.feasibleSpace.${field}`, message: `enas lists every value of ${p.parameterType} ${what}, so it needs feasibleSpace.${field}` });
      return undefined;
    }
    const x = parseNumber(text);
    if (x === undefined || (int && !Number.isInteger(x))) {
      issues.push({ path: `${at}.feasibleSpace.${field}`, message: `${p.parameterType} ${what}: feasibleSpace.${field} must be ${int ? 'an integer' : 'a number'}, got "${text}"` });
      return undefined;
    }
    return x;
  };
  const min = bound('min');
  const max = bound('max');
  if (min !== undefined && max !== undefined && min > max) {
    issues.push({ path: `${at}.feasibleSpace.max`, message: `${p.parameterType} ${what}: feasibleSpace.max (${fs.max}) is below feasibleSpace.min (${fs.min})` });
  }
  if (int && fs.step) {
    const step = parseNumber(fs.step);
    if (step === undefined || !Number.isInteger(step) || step <= 0) {
      issues.push({ path: `${at}.feasibleSpace.step`, message: `int ${what}: feasibleSpace.step must be a positive integer, got "${fs.step}"` });
    }
  }
  return issues;
}

/** enas's checks of graphConfig (katib-spec §4.7): inputSizes, outputSizes and numLayers set. */
export function checkGraphConfig(nasConfig: NasConfig | undefined): ValidationIssue[] {
  const graph = nasConfig?.graphConfig;
  const issues: ValidationIssue[] = [];
  if (!graph?.inputSizes || graph.inputSizes.length === 0) {
    issues.push({ path: `${GRAPH_PATH}.inputSizes`, message: 'enas needs graphConfig.inputSizes (at least one size)' });
  }
  if (!graph?.outputSizes || graph.outputSizes.length === 0) {
    issues.push({ path: `${GRAPH_PATH}.outputSizes`, message: 'enas needs graphConfig.outputSizes (at least one size)' });
  }
  const layers = graph?.numLayers;
  if (layers === undefined || !Number.isInteger(layers) || layers < 1) {
    // Katib rejects only 0 (unset); a negative count fails later in its controller.
    issues.push({ path: `${GRAPH_PATH}.numLayers`, message: `enas needs graphConfig.numLayers, an integer >= 1${layers === undefined ? '' : `, got ${layers}`}` });
  }
  return issues;
}
