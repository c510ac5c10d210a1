/**
 * Katib's NAS services hand their trials Python `json.dumps(...)` text with every `"`
 * turned into `'` (katib-spec §4.7, §4.8), and Katib's trial programs parse it back after
 * undoing that replacement. To be read by those programs unchanged, the text must be the
 * same byte for byte: Python's default separators (`, ` and `: `), its `ensure_ascii`
 * escapes, and Python's spelling of ints and floats (`5.0`, `0.0003`, `1e-05`).
 */

/** A Python float: printed with `repr` (always with a point or an exponent). */
export interface PyFloat {
  readonly pyFloat: number;
}

/** A Python dict, keys in insertion order. */
export interface PyDict {
  readonly pyDict: ReadonlyArray<readonly [string, PyJson]>;
}

/** A value as Python's json module sees it; a plain integral `number` is a Python int. */
export type PyJson = null | boolean | string | number | PyFloat | PyDict | readonly PyJson[];

export function pyFloat(x: number): PyFloat {
  return { pyFloat: x };
}

export function pyDict(entries: ReadonlyArray<readonly [string, PyJson]>): PyDict {
  return { pyDict: entries };
}

/** Python's `json.dumps(value)` with its defaults. */
export function pyJsonDumps(value: PyJson): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return pyJsonString(value);
  if (typeof value === 'number') return Number.isInteger(value) ? pyInt(value) : pyFloatRepr(value);
  if (Array.isArray(value)) return `[${value.map((v: PyJson) => pyJsonDumps(v)).join(', ')}]`;
  if ('pyFloat' in (value as object)) return pyFloatRepr((value as PyFloat).pyFloat);
  const entries = (value as PyDict).pyDict;
  return `{${entries.map(([k, v]) => `${pyJsonString(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
}

/** Katib's final step on every NAS assignment: each `"` becomes `'`. */
export function katibQuotes(json: string): string {
  return json.replaceAll('"', "'");
}

function pyInt(x: number): string {
  // Python ints have no exponent form; exact integers beyond 2^53 are not expected here.
  return Object.is(x, -0) ? '0' : BigInt(x).toString();
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (as JavaScript's), laid out
 * in fixed notation when the decimal exponent is in [-4, 16), else as `d.ddde±XX`.
 * json.dumps spells the non-finite ones `NaN`, `Infinity`, `-Infinity`.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa = '', exp = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(e)).padStart(2, '0');
    return `${sign}${body}e${e < 0 ? '-' : '+'}${magnitude}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const fraction = digits.slice(e + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

/** A JSON string as Python writes it with ensure_ascii: only printable ASCII is left as is. */
function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
