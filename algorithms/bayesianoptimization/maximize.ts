import type { Rng } from '../../src/rng.js';
import { score, scoreValue, type AcquisitionName } from './acquisition.js';
import { latinHypercube } from './design.js';
import { isSmooth, placeInPlace, type Encoding } from './encoding.js';
import { minimizeInBox } from './lbfgsb.js';
import { predict, type GpModel, type Workspace } from './posterior.js';

export interface SearchOptions {
  encoding: Encoding;
  /** The acquisition functions to maximise; one nominee each. */
  names: readonly AcquisitionName[];
  rng: Rng;
  /** Space-filling candidates screened by value. */
  candidates: number;
  /** Points (GP coordinates) around which a quarter as many local candidates are drawn. */
  anchors: readonly Float64Array[];
  /** Best candidates of each function refined by gradient (0: screening only, skopt's "sampling"). */
  starts: number;
  /** Acquisition evaluations per refinement. */
  maxEvaluations?: number;
}

export interface Nominee {
  point: Float64Array;
  value: number;
  mean: number;
  sd: number;
}

/**
 * Maximises each acquisition function over the search space: screen a Latin hypercube
 * of candidates plus local perturbations of the incumbents (the improvement is usually
 * near them, and a global design at 200 points rarely lands close enough), refine the
 * best few by projected L-BFGS on the smooth coordinates, then sweep each coordinate that
 * takes finitely many values over all of them, once.
 */
export function maximizeAcquisitions(model: GpModel, work: Workspace, options: SearchOptions): Nominee[] {
  const { encoding, rng } = options;
  const d = encoding.coordinates.length;
  const points = candidatePoints(encoding, options.candidates, options.anchors, rng);
  const count = points.length / d;
  const means = new Float64Array(count);
  const sds = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    const { mean, variance } = predict(model, points.subarray(c * d, (c + 1) * d), work);
    means[c] = mean;
    sds[c] = Math.sqrt(variance);
  }
  const smooth = Int32Array.from(encoding.coordinates.flatMap((c, j) => (isSmooth(c) ? [j] : [])));
  return options.names.map((name) => {
    const values = new Float64Array(count);
    for (let c = 0; c < count; c++) values[c] = scoreValue(name, means[c] as number, sds[c] as number, model.best);
    const order = Array.from({ length: count }, (_, c) => c).sort((a, b) => (values[b] as number) - (values[a] as number));
    let best: Nominee = nomineeAt(model, work, name, points.slice((order[0] as number) * d, ((order[0] as number) + 1) * d));
    const starts = Math.min(options.starts, count);
    for (let k = 0; k < starts; k++) {
      const c = order[k] as number;
      let point: Float64Array = points.slice(c * d, (c + 1) * d);
      if (smooth.length > 0) point = refine(model, work, name, point, smooth, options.maxEvaluations ?? 30);
      placeInPlace(encoding, point); // ordered coordinates refined as smooth go back to their cells
      const nominee = sweep(model, work, name, encoding, point);
      if (nominee.value > best.value) best = nominee;
    }
    return best;
  });
}

function nomineeAt(model: GpModel, work: Workspace, name: AcquisitionName, point: Float64Array): Nominee {
  const { mean, variance } = predict(model, point, work);
  const sd = Math.sqrt(variance);
  return { point, value: scoreValue(name, mean, sd, model.best), mean, sd };
}

/**
 * The Latin hypercube (placed onto valid GP points), then local candidates around the
 * incumbents, of two kinds in turn: every coordinate moved by a normal step whose scale is
 * log-uniform in [1e-3, 0.2] of the cube (fine convergence and the nearby basin), or a few
 * coordinates (each with probability 2/d, at least one) moved by a scale log-uniform in
 * [0.01, 1] (the perturbation of TuRBO, Eriksson et al. 2019, §3): a jump along one or two
 * axes that the global design almost never proposes, and which a separable landscape with
 * a wrong basin in one coordinate needs. Categorical values are kept.
 */
function candidatePoints(encoding: Encoding, count: number, anchors: readonly Float64Array[], rng: Rng): Float64Array {
  const d = encoding.coordinates.length;
  const global = latinHypercube(count, d, rng);
  const local = anchors.length > 0 ? Math.ceil(count / 4) : 0;
  const points = new Float64Array((count + local) * d);
  points.set(global);
  const logUniform = (lo: number, hi: number): number => Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
  for (let k = 0; k < local; k++) {
    const anchor = anchors[rng.int(anchors.length)] as Float64Array;
    const o = (count + k) * d;
    const everywhere = k % 2 === 0;
    const scale = everywhere ? logUniform(1e-3, 0.2) : logUniform(1e-2, 1);
    const forced = rng.int(d);
    encoding.coordinates.forEach((c, j) => {
      const a = anchor[j] as number;
      const moved = everywhere || j === forced || rng.next() < 2 / d;
      points[o + j] = c.kind === 'categorical' || !moved ? a : Math.min(1, Math.max(0, a + scale * rng.normal()));
    });
  }
  for (let c = 0; c < count + local; c++) {
    // Categorical anchors already hold an index; only the global rows are draws in [0, 1].
    if (c < count) placeInPlace(encoding, points, c * d);
    else placeOrdered(encoding, points, c * d);
  }
  return points;
}

function placeOrdered(encoding: Encoding, points: Float64Array, offset: number): void {
  encoding.coordinates.forEach((c, j) => {
    if (c.kind === 'ordered') points[offset + j] = c.snap(points[offset + j] as number);
  });
}

/** Gradient ascent of the acquisition on the smooth coordinates, the others held. */
function refine(model: GpModel, work: Workspace, name: AcquisitionName, start: Float64Array, smooth: Int32Array, maxEvaluations: number): Float64Array {
  const point = Float64Array.from(start);
  const d = point.length;
  const gradient = { mean: new Float64Array(d), variance: new Float64Array(d) };
  const m = smooth.length;
  const result = minimizeInBox(
    {
      lower: new Float64Array(m),
      upper: new Float64Array(m).fill(1),
      evaluate: (z, g) => {
        for (let k = 0; k < m; k++) point[smooth[k] as number] = z[k] as number;
        const { mean, variance } = predict(model, point, work, gradient);
        const sd = Math.sqrt(variance);
        const s = score(name, mean, sd, model.best);
        for (let k = 0; k < m; k++) {
          const j = smooth[k] as number;
          g[k] = -(s.dMean * (gradient.mean[j] as number) + (s.dSd * (gradient.variance[j] as number)) / (2 * sd));
        }
        return -s.value;
      },
    },
    Float64Array.from(smooth, (j) => start[j] as number),
    { maxEvaluations, gradientTolerance: 1e-7, relativeTolerance: 1e-9 },
  );
  for (let k = 0; k < m; k++) point[smooth[k] as number] = result.x[k] as number;
  return point;
}

/** One pass over the coordinates with finitely many values, each set to its best value given the rest. */
function sweep(model: GpModel, work: Workspace, name: AcquisitionName, encoding: Encoding, point: Float64Array): Nominee {
  let best = nomineeAt(model, work, name, point);
  encoding.coordinates.forEach((c, j) => {
    if (c.kind === 'continuous' || isSmooth(c)) return;
    const options = c.kind === 'categorical' ? Array.from({ length: c.size }, (_, i) => i) : c.centres;
    for (const v of options) {
      if (v === best.point[j]) continue;
      const trial = Float64Array.from(best.point);
      trial[j] = v;
      const nominee = nomineeAt(model, work, name, trial);
      if (nominee.value > best.value) best = nominee;
    }
  });
  return best;
}
