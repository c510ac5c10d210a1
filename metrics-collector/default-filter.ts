/**
 * A linear scanner equivalent to Katib's default metricsFormat filter (katib-spec §6),
 * `([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)`, as Go's RE2 runs it: every match,
 * leftmost first, with RE2's ASCII classes (`\w` = [0-9A-Za-z_], `\s` = [\t\n\f\r ]).
 *
 * The name run is greedy and cannot contain space or `=`, so a match starting inside a
 * run exists only if the run ends in `\s*=`; a run that does not is skipped whole. Each
 * character is looked at a bounded number of times: O(n), where a backtracking regexp
 * takes O(n²) on a long run of word characters.
 */
export function scanDefaultFilter(line: string): Array<[name: string, value: string]> {
  const pairs: Array<[string, string]> = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    if (!isNameChar(line.charCodeAt(i))) {
      i += 1;
      continue;
    }
    const start = i;
    while (i < n && isNameChar(line.charCodeAt(i))) i += 1;
    const nameEnd = i;
    let j = skipSpace(line, i);
    if (line.charCodeAt(j) !== EQUALS) continue; // no match anywhere in this run
    j = skipSpace(line, j + 1);
    const valueStart = j;
    j = scanNumber(line, j);
    pairs.push([line.slice(start, nameEnd), line.slice(valueStart, j)]);
    i = j;
  }
  return pairs;
}

const EQUALS = 0x3d;

function isNameChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f /* _ */ || c === 0x7c /* | */ || c === 0x2d /* - */
  );
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function skipSpace(line: string, i: number): number {
  while (i < line.length && isSpace(line.charCodeAt(i))) i += 1;
  return i;
}

function skipDigits(line: string, i: number): number {
  while (i < line.length && isDigit(line.charCodeAt(i))) i += 1;
  return i;
}

/** `[+-]?\d*(\.\d+)?([Ee][+-]?\d+)?`, greedy; it always matches, possibly empty. */
function scanNumber(line: string, i: number): number {
  const sign = (k: number) => line.charCodeAt(k) === 0x2b || line.charCodeAt(k) === 0x2d;
  if (sign(i)) i += 1;
  i = skipDigits(line, i);
  if (line.charCodeAt(i) === 0x2e && isDigit(line.charCodeAt(i + 1))) i = skipDigits(line, i + 1);
  const e = line.charCodeAt(i);
  if (e === 0x45 || e === 0x65) {
    const k = sign(i + 1) ? i + 2 : i + 1;
    if (isDigit(line.charCodeAt(k))) i = skipDigits(line, k);
  }
  return i;
}
