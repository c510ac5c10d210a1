import { describe, expect, test } from 'vitest';
import { buildKernels, type DimensionKind, type NumericKernel } from '../../../algorithms/tpe/parzen.js';
import { groupWidth, scottWidth } from '../../../algorithms/tpe/sampler.js';

describe('kernel widths of multivariate TPE', () => {
  test("Scott's rule as Optuna applies it: 0.2 · n^(−1/(d+4)) of the unit range", () => {
    // 20^(−0.1) = e^(−0.1 · ln 20) = e^(−0.299573) = 0.741134.
    expect(scottWidth(20, 6)).toBeCloseTo(0.2 * 0.741134, 6);
    expect(scottWidth(1, 3)).toBe(0.2);
    expect(scottWidth(0, 3)).toBe(0.2); // an empty group counts as one point, as max(n, 1) in Optuna
  });

  test('one width for a space with a categorical parameter in multivariate mode; neighbour widths otherwise', () => {
    const mixed: DimensionKind[] = [{ kind: 'continuous' }, { kind: 'categorical', size: 3 }];
    const numeric: DimensionKind[] = [{ kind: 'continuous' }, { kind: 'cells' }];
    expect(groupWidth(true, mixed, 50)).toBe(scottWidth(50, 2));
    expect(groupWidth(false, mixed, 50)).toBeUndefined();
    expect(groupWidth(true, numeric, 50)).toBeUndefined();
  });

  test('a given width replaces the neighbour widths; the prior keeps the whole range and the magic clip still holds', () => {
    const points = [[0.1], [0.15], [0.9]];
    const wide = buildKernels(points, [{ kind: 'continuous' }], { priorWeight: 1, width: 0.3 })[0] as NumericKernel;
    expect([...wide.sigma]).toEqual([0.3, 0.3, 0.3, 1]);
    // Neighbour widths: the ends take their inner gap (0.05 for 0.1, raised to the clip 1/5; 0.75
    // for 0.9), the middle point the larger gap to a neighbour (0.75).
    const neighbour = buildKernels(points, [{ kind: 'continuous' }], { priorWeight: 1 })[0] as NumericKernel;
    expect([...neighbour.sigma].map((s) => +s.toFixed(12))).toEqual([0.2, 0.75, 0.75, 1]);
    // No kernel narrower than 1 / min(100, K + 1) = 1/5 with K = 4 components.
    const narrow = buildKernels(points, [{ kind: 'continuous' }], { priorWeight: 1, width: 0.01 })[0] as NumericKernel;
    expect([...narrow.sigma]).toEqual([0.2, 0.2, 0.2, 1]);
  });
});
