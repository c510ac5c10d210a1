/**
 * Checks of the balance properties of digital nets (Niederreiter 1992, Def. 4.1). A set of
 * 2^m points is a (0,m,2)-net in base 2 when every elementary interval
 * [i/2^a, (i+1)/2^a) × [j/2^b, (j+1)/2^b) with a + b = m holds exactly one point.
 */

/** Exactly one of the 2^m points in each interval [i/2^m, (i+1)/2^m) of coordinate j. */
export function isStratified(points: readonly (readonly number[])[], j: number, m: number): boolean {
  const cells = 2 ** m;
  if (points.length !== cells) return false;
  const seen = new Uint8Array(cells);
  for (const p of points) {
    const cell = Math.floor((p[j] as number) * cells);
    if (!(cell >= 0 && cell < cells) || seen[cell]) return false;
    seen[cell] = 1;
  }
  return true;
}

/** Exactly one of the 2^m points in each elementary interval of area 2^-m of coordinates (j, l). */
export function isNet(points: readonly (readonly number[])[], j: number, l: number, m: number): boolean {
  if (points.length !== 2 ** m) return false;
  for (let a = 0; a <= m; a++) {
    const rows = 2 ** a;
    const columns = 2 ** (m - a);
    const seen = new Uint8Array(rows * columns);
    for (const p of points) {
      const cell = Math.floor((p[j] as number) * rows) * columns + Math.floor((p[l] as number) * columns);
      if (!(cell >= 0 && cell < rows * columns) || seen[cell]) return false;
      seen[cell] = 1;
    }
  }
  return true;
}
