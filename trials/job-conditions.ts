/**
 * Katib's trial success and failure conditions: GJSON paths (github.com/tidwall/gjson)
 * evaluated on the JSON of the trial's job (Job, PyTorchJob, TrainJob, Argo Workflow,
 * Tekton PipelineRun, ...).
 *
 * Supported GJSON syntax: keys with `\` escapes and `*` / `?` wildcards, array indices,
 * `#` (length), `#.path` (map over the elements), queries `#(path op value)` (first match)
 * and `#(...)#` (all matches; also the older `#[...]`) with `==` `=` `!=` `<` `<=` `>` `>=`
 * `%` `!%` and `~` booleans, `|` versus `.` after arrays, multipaths `[p1,p2]` and
 * `{p1,"name":p2}`, modifiers @this, @reverse, @flatten and the formatting-only @pretty,
 * @ugly, @valid. Not supported, and reported by gjsonSyntaxIssue: JSON lines (`..`),
 * static values (`!true`), other modifiers.
 */

export interface JobConditionResult {
  state: 'succeeded' | 'failed' | 'running';
  reason?: string;
  message?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

type Op = '' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '%' | '!%';
type ModifierName = 'this' | 'reverse' | 'flatten' | 'pretty' | 'ugly' | 'valid';
const MODIFIERS = new Set<string>(['this', 'reverse', 'flatten', 'pretty', 'ugly', 'valid']);

type Step =
  | { kind: 'key'; name: string; pattern?: string } // pattern (escapes kept) when the key has wildcards
  | { kind: 'count' } // `#` at the end or before `|`
  | { kind: 'map' } // `#.rest`: rest, up to the next `|`, is applied to each element
  | { kind: 'query'; path: Path | undefined; op: Op; value: string; all: boolean; dotted: boolean } // dotted: '.' or '|' in its text
  | { kind: 'modifier'; name: ModifierName; arg: unknown }
  | { kind: 'multi'; object: boolean; items: { name: string; path: Path }[] };
/** A component and the separator before it (the first one's is '.'). */
type Path = { sep: '.' | '|'; step: Step }[];

class PathSyntaxError extends Error {}
const fail = (problem: string, offset: number): never => {
  throw new PathSyntaxError(`${problem} at offset ${offset}`);
};

// ---- parser ----

const trimLeft = (s: string) => s.length - s.replace(/^[\x00-\x20]+/, '').length;
const trim = (s: string) => s.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');

/** Index after the bracket group or string starting at `i`, or -1 when it is not closed. */
function skipGroup(src: string, i: number): number {
  let depth = 0;
  for (let k = i; k < src.length; k++) {
    const ch = src[k];
    if (ch === '\\') k++;
    else if (ch === '"') {
      for (k++; k < src.length && src[k] !== '"'; k++) if (src[k] === '\\') k++;
      if (k >= src.length) return -1;
      if (depth === 0) return k + 1;
    } else if (ch === '[' || ch === '(' || ch === '{') depth++;
    else if (ch === ']' || ch === ')' || ch === '}') {
      if (--depth === 0) return k + 1;
    }
  }
  return -1;
}

/** Offsets of `ch` in src[from, to) outside strings and bracket groups. */
function topLevel(src: string, from: number, to: number, ch: string): number[] {
  const found: number[] = [];
  for (let k = from; k < to; k++) {
    const c = src[k];
    if (c === ch) found.push(k);
    else if (c === '\\') k++;
    else if (c === '"' || c === '[' || c === '(' || c === '{') {
      const end = skipGroup(src, k);
      if (end < 0) break;
      k = end - 1;
    }
  }
  return found;
}

function parsePath(src: string, base: number): Path {
  if (src === '') fail('empty path', base);
  if (src.startsWith('..')) fail('JSON-lines paths ("..") are not supported', base);
  const path: Path = [];
  let sep: '.' | '|' = '.';
  for (let i = 0; ; ) {
    if (src[i] === '!' && (i === 0 || sep === '|')) fail('static values ("!...") are not supported', base + i);
    const [step, end] = parseComponent(src, i, base);
    path.push({ sep, step });
    if (end >= src.length) return path;
    sep = src[end] === '|' ? '|' : '.';
    i = end + 1;
    if (i >= src.length) fail(`path ends with "${sep}"`, base + end);
  }
}

/** One component starting at i; returns it and the index of the '.' or '|' after it (or the end). */
function parseComponent(src: string, i: number, base: number): [Step, number] {
  const c = src[i];
  if (c === '.' || c === '|') return fail('empty path component', base + i);
  if (c === '@') return parseModifier(src, i, base);
  if (c === '[' || c === '{') return parseMulti(src, i, base);
  if (c === '#') {
    const next = src[i + 1];
    if (next === '(' || next === '[') return parseQuery(src, i, base);
    if (next === undefined || next === '|') return [{ kind: 'count' }, i + 1];
    if (next === '.') return [{ kind: 'map' }, i + 1];
  }
  let name = '';
  let pattern = '';
  let wild = false;
  let k = i;
  for (; k < src.length && src[k] !== '.' && src[k] !== '|'; k++) {
    let ch = src[k] as string;
    if (ch === '\\') {
      if (++k >= src.length) fail('dangling "\\" at the end', base + k - 1);
      ch = src[k] as string;
      pattern += '\\';
    } else if (ch === '*' || ch === '?') wild = true;
    name += ch;
    pattern += ch;
  }
  return [wild ? { kind: 'key', name, pattern } : { kind: 'key', name }, k];
}

function expectSeparator(src: string, k: number, base: number, after: string): number {
  if (k < src.length && src[k] !== '.' && src[k] !== '|') fail(`unexpected "${src[k]}" after ${after}`, base + k);
  return k;
}

function parseModifier(src: string, i: number, base: number): [Step, number] {
  let k = i + 1;
  while (k < src.length && !'.|:'.includes(src[k] as string)) k++;
  const name = src.slice(i + 1, k);
  if (!MODIFIERS.has(name)) fail(`unknown modifier "@${name}"`, base + i);
  let arg: unknown;
  if (src[k] === ':' && ++k < src.length) {
    const start = k;
    const end = '{["'.includes(src[start] as string) ? skipGroup(src, start) : -1;
    arg = end > 0 ? jsonOrUndefined(src.slice(start, end)) : undefined;
    if (arg !== undefined) k = expectSeparator(src, end, base, 'modifier argument');
    else {
      // GJSON: an argument that is not JSON runs to the next '|'
      k = topLevel(src, start, src.length, '|')[0] ?? src.length;
      arg = src.slice(start, k);
    }
  }
  return [{ kind: 'modifier', name: name as ModifierName, arg }, k];
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseMulti(src: string, i: number, base: number): [Step, number] {
  const object = src[i] === '{';
  const end = skipGroup(src, i);
  if (end < 0 || src[end - 1] !== (object ? '}' : ']')) return fail(`unclosed multipath "${src[i]}"`, base + i);
  const items: { name: string; path: Path }[] = [];
  if (end - i > 2) {
    const commas = [...topLevel(src, i + 1, end - 1, ','), end - 1];
    let start = i + 1;
    for (const comma of commas) {
      // an optional `name:` (GJSON splits it off in both kinds; arrays ignore it), before any modifier
      let modifierAt = comma;
      for (let k = start; k < comma; k++) if (src[k] === '@' && (k === start || src[k - 1] === '.' || src[k - 1] === '|')) modifierAt = Math.min(modifierAt, k);
      const colon = topLevel(src, start, modifierAt, ':')[0];
      const rawName = colon === undefined ? '' : src.slice(start, colon);
      const pathStart = colon === undefined ? start : colon + 1;
      const text = src.slice(pathStart, comma);
      const path = parsePath(text, base + pathStart);
      items.push({ name: rawName === '' ? nameOfLast(text) : unquote(rawName), path });
      start = comma + 1;
    }
  }
  return [{ kind: 'multi', object, items }, expectSeparator(src, end, base, 'multipath')];
}

/** GJSON's key for an unnamed `{...}` member: its last component if that is a simple name, else "_". */
function nameOfLast(path: string): string {
  let k = path.length - 1;
  while (k >= 0 && !((path[k] === '.' || path[k] === '|') && path[k - 1] !== '\\')) k--;
  const last = path.slice(k + 1);
  return /^[^\x00-\x1f[\]{}()#|!]*$/.test(last) ? last : '_';
}

const ESCAPES: Record<string, string> = { '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '"': '"' };

/** A quoted string's text, unescaped as GJSON does: it stops at a control character or a bad escape. */
function unquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  const s = text.slice(1, -1);
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k] as string;
    if (c < ' ') break;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++k];
    const hex = s.slice(k + 1, k + 5);
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
      out += String.fromCharCode(parseInt(hex, 16));
      k += 4;
      continue;
    }
    const r = e === undefined ? undefined : ESCAPES[e];
    if (r === undefined) break;
    out += r;
  }
  return out;
}

/** `#(path op value)` or `#(...)#`, scanned as GJSON does: the operator is the first of `!=<>%` outside brackets and strings. */
function parseQuery(src: string, i: number, base: number): [Step, number] {
  let depth = 1;
  let opAt = -1;
  let k = i + 2;
  for (; k < src.length; k++) {
    const ch = src[k];
    if (depth === 1 && opAt < 0 && '!=<>%'.includes(ch as string)) opAt = k;
    else if (ch === '\\') k++;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') {
      if (--depth === 0) break;
    } else if (ch === '"') {
      for (k++; k < src.length && src[k] !== '"'; k++) if (src[k] === '\\') k++;
    }
  }
  if (depth > 0) fail(`unclosed query "#${src[i + 1]}"`, base + i);
  const pathRaw = src.slice(i + 2, opAt < 0 ? k : opAt);
  const pathText = trim(pathRaw);
  let op: Op = '';
  let value = '';
  if (opAt >= 0) {
    const rest = trim(src.slice(opAt, k));
    const two = rest.slice(0, 2);
    let size = 1;
    if (two === '!=' || two === '!%' || two === '<=' || two === '>=' || two === '==') size = 2;
    else if (rest[0] === '!') fail(`unknown operator "${two}" in query`, base + opAt);
    op = (two === '==' || rest[0] === '=' ? '==' : rest.slice(0, size)) as Op;
    value = trim(rest.slice(size));
    if (value.startsWith('"')) {
      if (skipGroup(value, 0) !== value.length) {
        fail(`malformed string ${value} in query`, base + opAt);
      }
      value = unquote(value);
    }
  }
  if (pathText === '' && op === '') fail('empty query', base + i);
  const path = pathText === '' ? undefined : parsePath(pathText, base + i + 2 + trimLeft(pathRaw));
  let end = k + 1;
  const all = src[end] === '#';
  if (all) end++;
  const dotted = /[.|]/.test(src.slice(i, end));
  return [{ kind: 'query', path, op, value, all, dotted }, expectSeparator(src, end, base, 'query')];
}

const cache = new Map<string, Path | PathSyntaxError>();
function compile(expression: string): Path {
  let compiled = cache.get(expression);
  if (compiled === undefined) {
    try {
      compiled = parsePath(expression, 0);
    } catch (e) {
      if (!(e instanceof PathSyntaxError)) throw e;
      compiled = e;
    }
    if (cache.size >= 500) cache.clear();
    cache.set(expression, compiled);
  }
  if (compiled instanceof PathSyntaxError) throw new Error(`invalid GJSON path ${JSON.stringify(expression)}: ${compiled.message}`);
  return compiled;
}

// ---- evaluator ----

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The member or element `name`; numeric names index arrays, objects are looked up literally. */
function child(v: Json | undefined, name: string): Json | undefined {
  if (Array.isArray(v)) return /^\d+$/.test(name) ? v[Number(name)] : undefined;
  if (isObject(v)) return Object.hasOwn(v, name) ? v[name] : undefined;
  return undefined;
}

/** Index of the first component in [from, to) reached through '|', else `to`. */
function segmentEnd(path: Path, from: number, to: number): number {
  for (let k = from; k < to; k++) if (path[k]?.sep === '|') return k;
  return to;
}

/** Like segmentEnd, also stopping where GJSON reads a '.' after a key as a pipe (before a modifier or multipath). */
function pipeEnd(path: Path, from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const part = path[k] as Path[number];
    if (part.sep === '|' || ((part.step.kind === 'multi' || part.step.kind === 'modifier') && path[k - 1]?.step.kind === 'key')) return k;
  }
  return to;
}

/**
 * What run gives when GJSON finds nothing and stops. A plain undefined is a miss on an
 * object or array that GJSON carries through a pipe: a later multipath then still
 * builds [] or {}, a modifier keeps nothing.
 */
const DEAD = Symbol('nothing');
type Out = Json | undefined | typeof DEAD;
const found = (r: Out): r is Json => r !== undefined && r !== DEAD;

/** Applies path[i+1 .. next '|') to each element, keeps the results that exist, then the rest to that array. */
function mapRest(elements: Json[], path: Path, i: number, to: number): Out {
  const stop = segmentEnd(path, i + 1, to);
  const out = elements.map((e) => run(e, path, i + 1, stop)).filter(found);
  return run(out, path, stop, to);
}

/** Evaluates path[from, to) on v. */
function run(value: Json | undefined, path: Path, from: number, to: number): Out {
  let v = value;
  for (let i = from; i < to; i++) {
    const step = (path[i] as Path[number]).step;
    // a key, `#` or query on nothing or on a scalar: GJSON stops
    if (step.kind !== 'multi' && step.kind !== 'modifier' && (typeof v !== 'object' || v === null)) return DEAD;
    switch (step.kind) {
      case 'key':
        if (step.pattern !== undefined && isObject(v)) {
          // the first matching key whose path, up to the next pipe, finds something
          const stop = pipeEnd(path, i + 1, to);
          let r: Out = stop === i + 1 ? undefined : DEAD;
          for (const key of Object.keys(v)) {
            if (!wildMatch(key, step.pattern)) continue;
            const attempt = run(v[key], path, i + 1, stop);
            if (attempt !== DEAD) r = attempt;
            if (found(r)) break;
          }
          if (r === DEAD) return DEAD;
          v = r;
          i = stop - 1;
          break;
        }
        v = child(v, step.name);
        break;
      case 'count':
        v = Array.isArray(v) ? v.length : child(v, '#');
        break;
      case 'map':
        if (Array.isArray(v)) return mapRest(v, path, i, to);
        v = child(v, '#');
        break;
      case 'query': {
        // on an object GJSON looks the text up as a key, cut at its first '.' or '|'
        if (!Array.isArray(v)) {
          if (step.dotted) return DEAD;
          v = undefined;
          break;
        }
        if (!step.all) {
          v = v.find((e) => queryMatches(step, e));
          // after a query a '.' is no pipe: nothing found ends the path
          if (v === undefined && path[i + 1]?.sep === '.') return DEAD;
          break;
        }
        const hits = v.filter((e) => queryMatches(step, e));
        // after `#(...)#`, '.' maps over the matches and '|' takes the array as a whole;
        // GJSON drops what follows the '.' when nothing matched
        if (i + 1 < to && path[i + 1]?.sep === '.') return hits.length === 0 ? [] : mapRest(hits, path, i, to);
        v = hits;
        break;
      }
      case 'modifier':
        if (v !== undefined) v = modify(step.name, step.arg, v);
        break;
      case 'multi':
        v = multipath(step, v);
        break;
    }
  }
  return v;
}

/** The GJSON result of a whole path (undefined when it does not exist). */
function get(v: Json | undefined, path: Path): Json | undefined {
  const r = run(v, path, 0, path.length);
  return r === DEAD ? undefined : r;
}

function multipath(step: Extract<Step, { kind: 'multi' }>, v: Json | undefined): Json {
  const results = step.items.map((item) => ({ name: item.name, r: get(v, item.path) }));
  if (!step.object) return results.flatMap(({ r }) => (r === undefined ? [] : [r]));
  const out: JsonObject = {};
  for (const { name, r } of results) {
    if (r !== undefined && !Object.hasOwn(out, name)) Object.defineProperty(out, name, { value: r, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function modify(name: ModifierName, arg: unknown, v: Json): Json {
  if (name === 'reverse') {
    if (Array.isArray(v)) return [...v].reverse();
    if (isObject(v)) return Object.fromEntries(Object.keys(v).reverse().map((k) => [k, v[k] as Json]));
    return v;
  }
  if (name === 'flatten') {
    const deep = isObject(arg as Json) && trueish((arg as JsonObject)['deep']);
    const flatten = (a: Json[]): Json[] => a.flatMap((e) => (Array.isArray(e) ? (deep ? flatten(e) : e) : [e]));
    return Array.isArray(v) ? flatten(v) : v;
  }
  return v; // @this; @pretty, @ugly and @valid only change formatting
}

// ---- queries ----

/** Go's strconv.ParseFloat as GJSON uses it: anything it rejects reads as 0. */
function goFloat(s: string): number {
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?inf(inity)?$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return /^nan$/i.test(s) ? NaN : 0;
}

/** strconv.ParseBool on the lower-cased string. */
const boolString = (s: string): boolean | undefined =>
  ['1', 't', 'true'].includes(s.toLowerCase()) ? true : ['0', 'f', 'false'].includes(s.toLowerCase()) ? false : undefined;
const trueish = (v: Json | undefined): boolean =>
  v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'string' && boolString(v) === true);
const falseish = (v: Json | undefined): boolean =>
  v === null || v === undefined || v === false || v === 0 || (typeof v === 'string' && boolString(v) === false);

function queryMatches(q: Extract<Step, { kind: 'query' }>, element: Json): boolean {
  const container = typeof element === 'object' && element !== null;
  if (!container && q.path !== undefined) return false;
  let v = !container ? element : q.path ? get(element, q.path) : child(element, '');
  let rpv = q.value;
  if (rpv.startsWith('~')) {
    // `~true`, `~false`, `~null`, `~*`: compare the truthiness (a missing value is false and null)
    const kind = rpv.slice(1);
    const ish =
      kind === '*' ? v !== undefined : kind === 'null' ? v === null || v === undefined : kind === 'true' ? trueish(v) : kind === 'false' ? falseish(v) : undefined;
    if (ish === undefined) return false;
    v = ish;
    rpv = 'true';
  }
  if (v === undefined) return false;
  if (q.op === '') return true;
  // GJSON compares by the type of the value found: the right side is read as a string, a number or a boolean to suit
  if (typeof v === 'string') {
    switch (q.op) {
      case '==': return v === rpv;
      case '!=': return v !== rpv;
      case '<': return v < rpv;
      case '<=': return v <= rpv;
      case '>': return v > rpv;
      case '>=': return v >= rpv;
      case '%': return wildMatch(v, rpv);
      case '!%': return !wildMatch(v, rpv);
    }
  }
  if (typeof v === 'number') {
    const n = goFloat(rpv);
    switch (q.op) {
      case '==': return v === n;
      case '!=': return v !== n;
      case '<': return v < n;
      case '<=': return v <= n;
      case '>': return v > n;
      case '>=': return v >= n;
      default: return false;
    }
  }
  if (v === true) return q.op === '==' ? rpv === 'true' : q.op === '!=' ? rpv !== 'true' : q.op === '>' ? rpv === 'false' : q.op === '>=';
  if (v === false) return q.op === '==' ? rpv === 'false' : q.op === '!=' ? rpv !== 'false' : q.op === '<' ? rpv === 'true' : q.op === '<=';
  return false; // null, objects and arrays never compare
}

/** tidwall/match: `*` any run of characters, `?` one character, `\c` the character c. */
function wildMatch(str: string, pattern: string): boolean {
  const s = Array.from(str);
  const p: { any?: true; one?: true; ch?: string }[] = [];
  const pc = Array.from(pattern);
  for (let k = 0; k < pc.length; k++) {
    const c = pc[k] as string;
    if (c === '\\') p.push({ ch: pc[++k] ?? '\\\\' }); // a trailing '\' matches nothing
    else p.push(c === '*' ? { any: true } : c === '?' ? { one: true } : { ch: c });
  }
  let si = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    const t = p[pi];
    if (t && (t.one || (t.ch !== undefined && t.ch === s[si]))) {
      si++;
      pi++;
    } else if (t?.any) {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else return false;
  }
  while (p[pi]?.any) pi++;
  return pi === p.length;
}

// ---- public API ----

/**
 * The value as Katib sees it: its JSON, with object keys sorted as Go's encoding/json
 * writes them (the order wildcards and @reverse see).
 */
function toJson(value: unknown): Json | undefined {
  const text = JSON.stringify(value);
  if (text === undefined) return undefined;
  return JSON.parse(text, (_key, v: Json) => (isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k] as Json])) : v)) as Json;
}

function evaluate(doc: Json | undefined, path: string): Json | undefined {
  if (path === '') return undefined; // GJSON: an empty path finds nothing (gjsonSyntaxIssue still reports it)
  return get(doc, compile(path));
}

/** The GJSON result of `path` on `value` (undefined when it does not exist). Throws when the path does not parse. */
export function gjsonGet(value: unknown, path: string): unknown {
  return evaluate(toJson(value), path);
}

/**
 * Katib (trial/util/job_util.go) counts a result as a match when it is an object or a
 * non-empty array. Katib never matches a scalar; here a non-empty string, any number and
 * `true` also match, so that a condition such as `status.succeeded` can be used; false,
 * null, "" and a missing result do not.
 */
function isMatch(r: unknown): boolean {
  if (Array.isArray(r)) return r.length > 0;
  if (typeof r === 'string') return r !== '';
  return r === true || typeof r === 'number' || (typeof r === 'object' && r !== null);
}

export function gjsonMatches(value: unknown, path: string): boolean {
  return isMatch(gjsonGet(value, path));
}

/** A syntax check: undefined if the expression parses, else a message naming the problem (used to reject an Experiment whose condition can never be evaluated). */
export function gjsonSyntaxIssue(path: string): string | undefined {
  try {
    compile(path);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^invalid GJSON path .*?: /s, '');
  }
}

/** The reason and message strings of an object result, or of an array result's first element. */
function details(r: unknown): Pick<JobConditionResult, 'reason' | 'message'> {
  const first = Array.isArray(r) ? (r[0] as unknown) : r;
  if (typeof first !== 'object' || first === null || Array.isArray(first)) return {};
  const { reason, message } = first as Record<string, unknown>;
  return {
    ...(typeof reason === 'string' && reason !== '' ? { reason } : {}),
    ...(typeof message === 'string' && message !== '' ? { message } : {}),
  };
}

/**
 * Katib's order: failure first, then success; neither: running. Missing fields and an
 * empty expression are no match; an expression that does not parse throws (check it
 * with gjsonSyntaxIssue first).
 */
export function jobCondition(job: unknown, successCondition: string, failureCondition: string): JobConditionResult {
  const doc = toJson(job);
  for (const [state, expression] of [['failed', failureCondition], ['succeeded', successCondition]] as const) {
    const r = evaluate(doc, expression);
    if (isMatch(r)) return { state, ...details(r) };
  }
  return { state: 'running' };
}
