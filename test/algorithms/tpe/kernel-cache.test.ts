import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createKernelCache, matchPoints } from '../../../algorithms/tpe/kernel-cache.js';
import { buildKernels, type DimensionKind, type Kernel, type Point } from '../../../algorithms/tpe/parzen.js';
import { scottWidth } from '../../../algorithms/tpe/sampler.js';
import { createRng } from '../../../src/rng.js';

const dims: DimensionKind[] = [{ kind: 'continuous' }, { kind: 'cells' }, { kind: 'categorical', size: 3 }, { kind: 'continuous' }];

const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSameKernels(actual: Kernel[], expected: Kernel[], context: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((kernel, d) => {
    const other = expected[d] as Kernel;
    expect(kernel.kind, context).toBe(other.kind);
    if (kernel.kind === 'categorical' && other.kind === 'categorical') {
      expect(bytes(kernel.logP).equals(bytes(other.logP)), `${context} dim ${d} logP`).toBe(true);
    } else if (kernel.kind === 'numeric' && other.kind === 'numeric') {
      expect(kernel.cells).toBe(other.cells);
      for (const field of ['mu', 'sigma', 'logMass', 'inverseSigma', 'logScale'] as const) {
        expect(bytes(kernel[field]).equals(bytes(other[field])), `${context} dim ${d} ${field}`).toBe(true);
      }
    }
  });
}

describe('the bad group kernel cache', () => {
  test('matches a new list of points to the earlier one: appended, inserted, dropped and replaced points', () => {
    const earlier: Point[] = [[0.1], [0.2], [0.3], [0.4], [0.5]];
    const columns = [Float64Array.from(earlier, (p) => p[0] as number)];
    const match = (points: Point[]) => [...(matchPoints(columns, earlier.length, points) ?? [])];
    expect(match([...earlier, [0.9]])).toEqual([0, 1, 2, 3, 4, -1]);
    expect(match([[0.1], [0.2], [0.25], [0.3], [0.4], [0.5], [0.9]])).toEqual([0, 1, -1, 2, 3, 4, -1]);
    expect(match([[0.1], [0.3], [0.4], [0.5]])).toEqual([0, 2, 3, 4]);
    expect(match([[0.1], [0.2], [0.35], [0.4], [0.5]])).toEqual([0, 1, -1, 3, 4]);
    // Equal coordinates are the same point to the kernels, whichever trial they came from.
    expect(match([[0.1], [0.2], [0.3], [0.4], [0.5]].map((p) => [...p]))).toEqual([0, 1, 2, 3, 4]);
    // Too many edits: built afresh.
    expect(matchPoints(columns, earlier.length, Array.from({ length: 40 }, (_, i) => [i / 100 + 0.001]))).toBeUndefined();
  });

  test('returns what buildKernels returns, bit for bit, over random sequences of edits', () => {
    const edit = fc.record({
      kind: fc.constantFrom('append', 'insert', 'drop', 'replace', 'duplicate', 'shuffle', 'fresh'),
      count: fc.integer({ min: 1, max: 6 }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 1e6 }), fc.array(edit, { minLength: 1, maxLength: 10 }), fc.constantFrom(1, 0.5), fc.boolean(), (n, seed, edits, priorWeight, scott) => {
        // Neighbour widths, or multivariate TPE's one width per group, which changes with n.
        const options = (size: number) => ({ priorWeight, ...(scott ? { width: scottWidth(size, dims.length) } : {}) });
        const width = (size: number) => options(size).width;
        const rng = createRng(seed, 'kernel-cache');
        // Cell coordinates take 5 values, so columns have ties.
        const point = (): Point => [rng.next(), (Math.floor(rng.next() * 5) + 0.5) / 5, rng.int(3), rng.next() < 0.1 ? 0 : rng.next()];
        let points = Array.from({ length: n }, point);
        const cache = createKernelCache();
        expectSameKernels(cache(points, dims, priorWeight, width(points.length)), buildKernels(points, dims, options(points.length)), `seed ${seed} start`);
        edits.forEach(({ kind, count, at }, step) => {
          const position = Math.floor(at * points.length);
          points = [...points];
          if (kind === 'append') points.push(...Array.from({ length: count }, point));
          if (kind === 'insert') points.splice(position, 0, ...Array.from({ length: count }, point));
          if (kind === 'drop') points.splice(position, count);
          if (kind === 'replace') points.splice(position, count, ...Array.from({ length: count }, point));
          if (kind === 'duplicate' && points.length) points.splice(position, 0, [...(points[position % points.length] as Point)]);
          if (kind === 'shuffle') points.reverse();
          if (kind === 'fresh') points = Array.from({ length: count * 20 }, point);
          expectSameKernels(cache(points, dims, priorWeight, width(points.length)), buildKernels(points, dims, options(points.length)), `seed ${seed} step ${step} ${kind}`);
        });
      }),
      { numRuns: 150 },
    );
  });
});
