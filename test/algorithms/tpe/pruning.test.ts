import fc from 'fast-check';
import { expect, test } from 'vitest';
import { buildMixture, logDensity, type CellOf, type DimensionKind } from '../../../algorithms/tpe/parzen.js';
import { createRng } from '../../../src/rng.js';
import { plainLogDensity } from './plain-density.js';

// logDensity drops components that cannot matter (branch and bound) when a mixture has more
// than 64 components and more than one dimension. It must agree with the plain sum over all
// components: log Σ_k w_k Π_d kernel_kd(x_d), to 1e-12, also after it has switched to
// evaluating every component because most survived the bounds.
// Two continuous dimensions (the grid's two axes), one (a single axis), or none.
const layouts: DimensionKind[][] = [
  [{ kind: 'continuous' }, { kind: 'cells' }, { kind: 'categorical', size: 3 }, { kind: 'continuous' }],
  [{ kind: 'cells' }, { kind: 'continuous' }, { kind: 'categorical', size: 3 }],
  [{ kind: 'categorical', size: 3 }, { kind: 'cells' }],
];
const cellOf: CellOf = (_, u) => {
  const i = Math.min(4, Math.floor(u * 5));
  return [i / 5, (i + 1) / 5];
};

test('pruned log densities equal the plain sum over every component', () => {
  fc.assert(
    fc.property(fc.integer({ min: 65, max: 400 }), fc.integer({ min: 0, max: 1e6 }), fc.boolean(), fc.constantFrom(...layouts), (n, seed, clustered, dims) => {
      const rng = createRng(seed, 'pruning');
      const coordinate = () => (clustered ? 0.4 + 0.05 * rng.next() : rng.next());
      const point = () => dims.map((dim) => (dim.kind === 'categorical' ? rng.int(dim.size) : coordinate()));
      const observations = Array.from({ length: n }, point);
      const mixture = buildMixture(observations, observations.map(() => 0.5 + rng.next()), dims, { priorWeight: 1 });
      // More than 8 candidates: after 8, a clustered history switches to evaluating every component.
      const candidates = Array.from({ length: 20 }, point);
      const fast = logDensity(mixture, candidates, cellOf);
      candidates.forEach((x, p) => {
        const plain = plainLogDensity(mixture, x, cellOf);
        expect(Math.abs((fast[p] as number) - plain), `n=${n} seed=${seed} dims=${dims.map((d) => d.kind)} x=${x}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(plain)));
      });
    }),
    { numRuns: 90 },
  );
});
