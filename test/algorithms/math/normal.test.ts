import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { erfc, logNdtr, logNdtrDiff, ndtr, ndtri } from '../../../algorithms/math/normal.js';

/*
 * Reference values. Unless a row says otherwise they were produced with
 *
 *   Python 3.11.7  math.erfc(x)                         (erfc)
 *   Python 3.11.7  statistics.NormalDist().inv_cdf(p)   (ndtri; Wichura's AS241)
 *   mpmath 1.3.0   mp.dps = 50: ncdf(z), log(ncdf(z)), log(ncdf(b) - ncdf(a))
 *                  (ndtr, logNdtr, logNdtrDiff; the double nearest the 50-digit value)
 *
 * mpmath is used where the standard library is not exact: NormalDist().cdf(z) is
 * 0.5·(1 + erf(z/√2)), which cancels for z below about −1 (it is 0.0 at z = −10), and
 * math.log of it cancels for z above about 2. Where the standard library is exact the two
 * agree to the last digit or one ulp (e.g. Φ(−1): 0.15865525393145707 vs ...705).
 *
 * A row's relative error is |actual − expected| / |expected|; an expected 0 is compared
 * absolutely.
 */

function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

function expectRelative(name: string, input: string, actual: number, expected: number, tolerance: number): void {
  const error = relativeError(actual, expected);
  expect(error <= tolerance, `${name}(${input}) = ${actual}, expected ${expected} (relative error ${error.toExponential(2)} > ${tolerance})`).toBe(true);
}

function expectAbsolute(name: string, input: string, actual: number, expected: number, tolerance: number): void {
  const error = Math.abs(actual - expected);
  expect(error <= tolerance, `${name}(${input}) = ${actual}, expected ${expected} (absolute error ${error.toExponential(2)} > ${tolerance})`).toBe(true);
}

/** 2⁻⁵², the spacing of doubles just above 1: the rounding scale of anything computed as 1 − small. */
const ULP1 = 2 ** -52;

describe('erfc', () => {
  // Python 3.11.7 math.erfc. Rows at and above 2.5 use the continued fraction; −2.5 is 2 − erfc(2.5).
  const rows: Array<[x: number, expected: number]> = [
    [0, 1],
    [0.5, 0.4795001221869535],
    [-0.5, 1.5204998778130465],
    [1, 0.15729920705028513],
    [-1, 1.842700792949715],
    [2.5, 0.0004069520174449589],
    [-2.5, 1.999593047982555],
    [2.51, 0.0003857054817242798],
    [5, 1.5374597944280351e-12],
    [-5, 1.9999999999984626],
    [10, 2.088487583762545e-45],
    [26, 5.663192408856143e-296],
    [-10, 2],
  ];
  test.each(rows)('erfc(%d) to 1e-13 relative', (x, expected) => {
    expectRelative('erfc', String(x), erfc(x), expected, 1e-13);
  });

  // mpmath 1.3.0 erfc at 40 digits. Between 0.5 and 6.5 erfc is expanded around a table of
  // nodes 1/32 apart: these rows sit on nodes, halfway between them and at the table's ends.
  // 5e-15 allows for the rounding of x² inside e^(−x²) (about 2x²·2⁻⁵³) and a few ulps.
  const tableRows: Array<[x: number, expected: number]> = [
    [0.5078125, 0.47266152076216564494],
    [0.99, 0.16149193044463020018],
    [1.3848110214062368, 0.050180922454861610387],
    [1.4921875, 0.034834951130245263758],
    [2.2, 0.0018628462979818898586],
    [3.0078125, 0.000021027708114369228607],
    [4.4, 4.8917102706058727478e-10],
    [5.5, 7.3578479179743980631e-15],
    [6.4921875, 4.2576136914260680145e-20],
    [6.4999, 3.847204192707447969e-20],
  ];
  test.each(tableRows)('erfc(%d) from the node table to 5e-15 relative', (x, expected) => {
    expectRelative('erfc', String(x), erfc(x), expected, 5e-15);
  });

  // Below 2.5 erfc is 1 − (2/√π)·(alternating series for erf), so the result carries the
  // absolute rounding of that series (its largest term is about 12 at x = 2.5), a few ulp of
  // 1, whatever the size of erfc(x). This is the bound the series branch meets today.
  const seriesRows: Array<[x: number, expected: number]> = [
    [1.8, 0.010909498364269285],
    [2, 0.004677734981047265],
    [2.3, 0.0011431765973566523],
    [2.4, 0.0006885138966450789],
    [2.45, 0.0005305801122510539],
    [2.48, 0.000452764186334081],
    [2.49, 0.000429287867733913],
  ];
  test.each(seriesRows)('erfc(%d) below the series/continued-fraction switch to 64 ulp(1) absolute', (x, expected) => {
    expectAbsolute('erfc', String(x), erfc(x), expected, 64 * ULP1);
  });

  // Around 2.5, where a plain Maclaurin series of erf would lose 1e-11 relative in 1 − erf:
  // the continued fraction must hold 1e-13 relative here.
  const seriesBoundary: Array<[x: number, expected: number]> = [
    [2.3, 0.0011431765973566523],
    [2.45, 0.0005305801122510539],
    [2.48, 0.000452764186334081],
  ];
  test.each(seriesBoundary)('erfc(%d) to 1e-13 relative', (x, expected) => {
    expectRelative('erfc', String(x), erfc(x), expected, 1e-13);
  });

  test('is odd about 1: erfc(−x) = 2 − erfc(x)', () => {
    for (const x of [0.1, 0.7, 1.3, 2.2, 3, 4.5]) expect(erfc(-x), `x = ${x}`).toBe(2 - erfc(x));
  });

  test('underflows to 0 past x ≈ 26.6 and propagates NaN', () => {
    expect(erfc(27.5)).toBe(0);
    expect(erfc(Number.NaN)).toBeNaN();
  });

  // The limits: erfc(+∞) = 0 and erfc(−∞) = 2 (not ∞·0 = NaN in the continued fraction).
  test.each([
    [Infinity, 0],
    [-Infinity, 2],
  ])('erfc(%d) = %d', (x, expected) => {
    expect(erfc(x)).toBe(expected);
  });
});

describe('ndtr', () => {
  // mpmath 1.3.0 ncdf; NormalDist().cdf gives the same doubles for z ≥ −1.
  const rows: Array<[z: number, expected: number]> = [
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [-0.5, 0.3085375387259869],
    [1, 0.8413447460685429],
    [-1, 0.15865525393145705],
    [2.5, 0.9937903346742238],
    [-2.5, 0.006209665325776135],
    [5, 0.9999997133484281],
    [-5, 2.866515718791939e-7],
    [10, 1],
    [-10, 7.619853024160525e-24],
    [-20, 2.7536241186062337e-89],
    [-30, 4.906713927148187e-198],
  ];
  // Tolerance: 1e-13, widened in the far tail by the conditioning of Φ(z) = erfc(−z/√2)/2.
  // The quotient z/√2 is rounded (relative 2⁻⁵³), and exp(−x²) turns a relative error δ in
  // x into 2x²δ = z²δ in the result: 900 · 2⁻⁵³ ≈ 1e-13 at z = −30. We allow twice that.
  const tolerance = (z: number): number => Math.max(1e-13, 2 * z * z * 2 ** -53);
  test.each(rows)('ndtr(%d)', (z, expected) => {
    expectRelative('ndtr', String(z), ndtr(z), expected, tolerance(z));
  });

  test('subnormal and underflowing tail: Φ(−38) to 2 subnormal steps, Φ(−50) = Φ(−100) = 0', () => {
    // mpmath: Φ(−38) = 2.8854283600687843e-316, whose nearest double is 2.88542835e-316;
    // Φ(−50) ≈ 1.08e-545 and Φ(−100) ≈ 1.34e-2174 are below the smallest double.
    expectAbsolute('ndtr', '-38', ndtr(-38), 2.88542835e-316, 2 * Number.MIN_VALUE);
    expect(ndtr(-50)).toBe(0);
    expect(ndtr(-100)).toBe(0);
  });

  // ndtr(−3.5) = erfc(2.4749)/2, near the series/continued-fraction boundary (mpmath: 0.00023262907903552504).
  test('ndtr(−3.5) to 1e-13 relative', () => {
    expectRelative('ndtr', '-3.5', ndtr(-3.5), 0.00023262907903552504, 1e-13);
  });

  test('Φ(z) + Φ(−z) = 1 to 2 ulp(1)', () => {
    for (const z of [0.1, 0.5, 1, 2, 3, 5, 8]) expectAbsolute('ndtr(z) + ndtr', `-${z}`, ndtr(z) + ndtr(-z), 1, 2 * ULP1);
  });

  // The limits: 1 and 0 at ±∞.
  test.each([
    [Infinity, 1],
    [-Infinity, 0],
  ])('ndtr(%d) = %d', (z, expected) => {
    expect(ndtr(z)).toBe(expected);
  });
});

describe('logNdtr', () => {
  // mpmath 1.3.0 log(ncdf(z)). Hand check of the deepest row with Abramowitz & Stegun
  // 26.2.12, log Φ(z) = −z²/2 − ½ln 2π − ln|z| + ln(1 − 1/z² + 3/z⁴ − …): at z = −100,
  // −5000 − 0.9189385332046727 − 4.605170185988091 − 1.0002999850e-4 = −5005.524208694205.
  const rows: Array<[z: number, expected: number]> = [
    [0, -0.6931471805599453],
    [0.5, -0.3689464152886564],
    [-0.5, -1.1759117615936185],
    [1, -0.17275377902344988],
    [-1, -1.8410216450092636],
    [2.5, -0.006229025485860002],
    [-2.5, -5.08164827727869],
    [-5, -15.064998393988725],
    [-10, -53.23128515051247],
    [-30, -454.3212439563432],
    [-38, -726.5572160188201],
    [-50, -1254.8313611394199],
    [-100, -5005.524208694205],
  ];
  test.each(rows)('logNdtr(%d) to 1e-12 relative', (z, expected) => {
    expectRelative('logNdtr', String(z), logNdtr(z), expected, 1e-12);
  });

  // The deep lower tail (mpmath, 50 digits): an asymptotic series cut after the z⁻⁶ term
  // would be off by about 105/z⁸ here (4e-9 at z = −20).
  const deepTail: Array<[z: number, expected: number]> = [
    [-20, -203.91715537109727],
    [-20.001, -203.93720562293421],
    [-25, -316.63940800802027],
  ];
  test.each(deepTail)('logNdtr(%d) to 1e-12 relative', (z, expected) => {
    expectRelative('logNdtr', String(z), logNdtr(z), expected, 1e-12);
  });

  // For z > 0, log Φ(z) is tiny and is computed as log(ndtr(z)) (z ≤ 6) or −ndtr(−z) (z > 6).
  // What the truncation normalisers need is its absolute accuracy, which the rounding of
  // Φ(z) near 1 limits to 2⁻⁵³; the rows hold it to 2⁻⁵².
  const upperRows: Array<[z: number, expected: number]> = [
    [2, -0.02301290932896349],
    [3, -0.0013508099647481938],
    [5, -2.866516129637636e-7],
    [6, -9.865876455243758e-10],
    [6.5, -4.016000583939759e-11],
    [8, -6.220960574271786e-16],
    [10, -7.619853024160525e-24],
  ];
  test.each(upperRows)('logNdtr(%d) to 2^-52 absolute', (z, expected) => {
    expectAbsolute('logNdtr', String(z), logNdtr(z), expected, ULP1);
  });

  // The upper tail, where log(ndtr(z)) would cancel (5.6e-8 relative at z = 6):
  // log1p(−ndtr(−z)) keeps full relative accuracy.
  const upperTail: Array<[z: number, expected: number]> = [
    [5, -2.866516129637636e-7],
    [6, -9.865876455243758e-10],
    [6.5, -4.016000583939759e-11],
  ];
  test.each(upperTail)('logNdtr(%d) to 1e-12 relative', (z, expected) => {
    expectRelative('logNdtr', String(z), logNdtr(z), expected, 1e-12);
  });

  test('is increasing across its branch switches (−20, 6) and finite for every finite z', () => {
    const zs = [-1e6, -1000, -100, -20.5, -20, -19.5, -10, -1, 0, 1, 5.5, 6, 6.5, 30, 1000];
    const values = zs.map(logNdtr);
    for (let i = 1; i < zs.length; i++) {
      expect(values[i]! >= values[i - 1]!, `logNdtr(${zs[i]}) = ${values[i]} < logNdtr(${zs[i - 1]}) = ${values[i - 1]}`).toBe(true);
    }
    for (const [i, v] of values.entries()) expect(Number.isFinite(v) && v <= 0, `logNdtr(${zs[i]}) = ${v}`).toBe(true);
  });
});

describe('logNdtrDiff', () => {
  // mpmath 1.3.0 log(ncdf(b) − ncdf(a)) (for a ≥ 0 as log(ncdf(−a) − ncdf(−b)), which does
  // not cancel). Python's math.log(NormalDist().cdf(b) − NormalDist().cdf(a)) gives the same
  // values to 1e-15 on the rows that straddle 0 and on (0, 1), (0.5, 1), (−3, −2).
  const rows: Array<[a: number, b: number, expected: number]> = [
    // lower tail
    [-40, -39, -765.0831565643775],
    [-30, -29, -424.7874199097303],
    [-10, -5, -15.064998393988725],
    [-5, -4, -10.369193541521652],
    [-3, -2, -3.8443534263342056],
    // straddling 0
    [-1, 1, -0.38171514630212605],
    [-0.5, 2, -0.4024013123385751],
    [-2, 0.5, -0.4024013123385751],
    [-3, 3, -0.002703447085475963],
    [-0.1, 0.1, -2.5300420015472382],
    // upper tail
    [0, 1, -1.0748623268620714],
    [0.5, 1, -1.897905061013982],
    [2, 3, -3.8443534263342056],
    [4, 5, -10.369193541521652],
    [5, 10, -15.064998393988725],
    [29, 30, -424.7874199097303],
    [39, 40, -765.0831565643775],
  ];
  test.each(rows)('logNdtrDiff(%d, %d) to 1e-12 relative', (a, b, expected) => {
    expectRelative('logNdtrDiff', `${a}, ${b}`, logNdtrDiff(a, b), expected, 1e-12);
  });

  test('the whole line has log mass 0, an empty interval −∞', () => {
    expectAbsolute('logNdtrDiff', '-50, 50', logNdtrDiff(-50, 50), 0, 1e-300);
    expect(logNdtrDiff(0.3, 0.3)).toBe(-Infinity);
    expect(logNdtrDiff(-0.3, -0.3)).toBe(-Infinity);
  });

  // Both ends in one deep tail (mpmath).
  test.each([
    [-30, -20, -203.91715537109727],
    [20, 30, -203.91715537109727],
  ])('logNdtrDiff(%d, %d) to 1e-12 relative', (a, b, expected) => {
    expectRelative('logNdtrDiff', `${a}, ${b}`, logNdtrDiff(a, b), expected, 1e-12);
  });

  // Narrow intervals: the mass is Φ(b)·(1 − exp(la − lb)), and la − lb is a difference of two
  // logs, so the relative error of the mass grows like 2⁻⁵³/(b − a)·φ/Φ. Intervals of width
  // 1e-3 (a cell of a thousand-value parameter under a unit-width kernel) keep 1e-12.
  // mpmath 1.3.0, as above.
  const narrowRows: Array<[a: number, b: number, expected: number]> = [
    [-0.0005, 0.0005, -7.826693853853476],
    [-0.001, 0, -7.8266939788534655],
    [0.1, 0.101, -7.831743978432631],
    [-0.101, -0.1, -7.831743978432631],
    [1, 1.001, -8.327193937145244],
    [0.4, 0.41, -5.606124702417363],
    [-2.5, -2.49, -8.63659944846935],
  ];
  test.each(narrowRows)('narrow interval logNdtrDiff(%d, %d) to 1e-12 relative', (a, b, expected) => {
    expectRelative('logNdtrDiff', `${a}, ${b}`, logNdtrDiff(a, b), expected, 1e-12);
  });

  // Narrow intervals: one of width 2e-6 at 0, where Φ(b) − Φ(a) would cancel, and (3, 3.001)
  // in the upper tail.
  test.each([
    [-1e-6, 1e-6, -14.041301910609167],
    [3, 3.001, -12.328193603728616],
  ])('narrow interval logNdtrDiff(%d, %d) to 1e-12 relative', (a, b, expected) => {
    expectRelative('logNdtrDiff', `${a}, ${b}`, logNdtrDiff(a, b), expected, 1e-12);
  });
});

describe('ndtri', () => {
  // Python 3.11.7 statistics.NormalDist().inv_cdf (AS241, accurate to about 1e-16).
  const rows: Array<[p: number, expected: number]> = [
    [1e-300, -37.0470962993612],
    [1e-100, -21.27345356096532],
    [1e-20, -9.262340089798405],
    [1e-10, -6.361340902404056],
    [1e-3, -3.090232306167813],
    [0.02425, -1.9729610513118845], // Acklam's lower/central switch
    [0.025, -1.9599639845400538],
    [0.3, -0.5244005127080407],
    [0.5, 0],
    [0.7, 0.5244005127080407],
    [0.975, 1.9599639845400536],
    [0.999, 3.090232306167813],
  ];
  test.each(rows)('ndtri(%d) to 1e-12 relative', (p, expected) => {
    expectRelative('ndtri', String(p), ndtri(p), expected, 1e-12);
  });

  // p near 1, where Φ(x) is rounded: the inverse works in the lower tail as −ndtri(1 − p).
  const upperTail: Array<[p: number, expected: number]> = [
    [1 - 1e-6, 4.753424308817089],
    [1 - 1e-10, 6.361340889697421],
  ];
  test.each(upperTail)('ndtri(%d) to 1e-12 relative', (p, expected) => {
    expectRelative('ndtri', String(p), ndtri(p), expected, 1e-12);
  });

  // Subnormal p, where exp(x²/2) overflows in a plain Halley step.
  // Python 3.11.7 NormalDist().inv_cdf(1e-316) = −38.027856673564244.
  test('ndtri(1e-316) is finite', () => {
    expectRelative('ndtri', '1e-316', ndtri(1e-316), -38.027856673564244, 1e-12);
  });

  test('the ends of [0, 1] and outside it', () => {
    expect(ndtri(0)).toBe(-Infinity);
    expect(ndtri(1)).toBe(Infinity);
    expect(ndtri(-0.5)).toBeNaN();
    expect(ndtri(1.5)).toBeNaN();
    expect(ndtri(Number.NaN)).toBeNaN();
  });

  // Round trips stop at z = 2.5: for z > 0, ndtr(z) is rounded near 1, which moves its
  // inverse by up to 2⁻⁵³/φ(z) (6e-15 at 2.5, but 7e-11 at 5) whatever ndtri does.
  test.each([-37, -30, -20, -10, -5, -2.5, -1, -0.5, 0, 0.5, 1, 2.5])('ndtri(ndtr(%d)) round-trips to 1e-12', (z) => {
    const back = ndtri(ndtr(z));
    const error = Math.abs(back - z) / Math.max(1, Math.abs(z));
    expect(error <= 1e-12, `ndtri(ndtr(${z})) = ${back}`).toBe(true);
  });

  test('ndtr(ndtri(p)) = p to 1e-12 relative for p = 10^−e, e in [3.7, 300] (fast-check)', () => {
    // p ≤ 2e-4 keeps ndtr on its continued-fraction branch (|z| ≥ 2.5·√2). The relative
    // condition number of Φ at x is |x|φ(x)/Φ(x) ≈ x² ≤ 37², so even a correctly rounded x
    // moves Φ by up to 1369 · 2⁻⁵³ ≈ 1.5e-13.
    fc.assert(
      fc.property(fc.double({ min: 3.7, max: 300, noNaN: true }), (e) => {
        const p = 10 ** -e;
        const back = ndtr(ndtri(p));
        expect(relativeError(back, p) <= 1e-12, `p = ${p}: ndtr(ndtri(p)) = ${back}`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('ndtr(ndtri(p)) = p to 1e-14 absolute for p in [2e-4, 1 − 2e-4] (fast-check)', () => {
    // Here ndtr runs on the erfc series branch, whose absolute error (up to 6e-15 in erfc,
    // half that in ndtr; see the erfc rows) is what the round trip can keep.
    fc.assert(
      fc.property(fc.double({ min: 2e-4, max: 1 - 2e-4, noNaN: true }), (p) => {
        const back = ndtr(ndtri(p));
        expect(Math.abs(back - p) <= 1e-14, `p = ${p}: ndtr(ndtri(p)) = ${back}`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
