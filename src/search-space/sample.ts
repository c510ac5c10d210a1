import type { Rng } from '../rng.js';
import type { Domain, NumericDomain, ParameterValue } from './domain.js';
import { choiceValue } from './domain.js';
import { fromUnit, snap } from './transform.js';

/**
 * Draws a value of a domain by its distribution, with Katib's meaning (katib-spec §4.1):
 *
 * - uniform: uniform on [min, max]; on a grid, each grid point equally likely.
 * - logUniform: uniform in ln x on [min, max], snapped to the grid if any.
 * - normal: mean (min+max)/2, standard deviation (max-min)/6.
 * - logNormal: the same on ln min .. ln max.
 * - lists: each value equally likely, whatever the distribution.
 *
 * Unlike hyperopt, normal and logNormal draws are truncated to [min, max] (by rejection;
 * 99.7 % of draws land inside) so that every suggestion lies in the feasible space.
 */
export function sampleValue(d: Domain, rng: Rng): ParameterValue {
  if (d.kind === 'choice') return choiceValue(d, rng.int(d.values.length));
  if (d.distribution === 'normal' || d.distribution === 'logNormal') return sampleNormal(d, rng);
  return fromUnit(d, rng.next());
}

function sampleNormal(d: NumericDomain, rng: Rng): number {
  const lo = d.log ? Math.log(d.min) : d.min;
  const hi = d.log ? Math.log(d.max) : d.max;
  if (hi === lo) return d.min;
  const mean = (lo + hi) / 2;
  const sd = (hi - lo) / 6;
  let y = mean;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const z = mean + sd * rng.normal();
    if (z >= lo && z <= hi) {
      y = z;
      break;
    }
  }
  return snap(d, d.log ? Math.exp(y) : y);
}
