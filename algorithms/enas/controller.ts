import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../src/rng.js';
import * as ops from './ops.js';

/**
 * The ENAS controller of Pham et al. 2018 ("Efficient Neural Architecture Search via
 * Parameter Sharing", ICML), macro search space (§2.3), with Katib's sizes and details:
 * one LSTM layer of `hiddenSize` units; for layer k it first samples an operation id from
 * a softmax over `numOperations`, then, for k > 0, one skip flag per earlier layer from
 * an attention over the earlier layers' hidden states (Pham et al. §2.3, Fig. 4; Zoph
 * and Le 2017 §3.3). Weights start uniform in [-0.01, 0.01] (Katib's initializer).
 */

export interface ControllerDims {
  numLayers: number;
  numOperations: number;
  hiddenSize: number;
}

/** The policy's knobs from the settings; `null` leaves the term out (Katib's "None"). */
export interface PolicyOptions {
  temperature: number | null;
  tanhConst: number | null;
  skipTarget: number;
}

export const PARAM_NAMES = ['wLstm', 'gEmb', 'wEmb', 'wSoft', 'attnW1', 'attnW2', 'attnV'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

/** The controller's weights as plain row-major arrays (the state a replay rebuilds). */
export type Weights = Readonly<Record<ParamName, Float32Array>>;

export function paramShape(name: ParamName, d: ControllerDims): [number, number] {
  const h = d.hiddenSize;
  switch (name) {
    case 'wLstm':
      return [2 * h, 4 * h];
    case 'gEmb':
      return [1, h];
    case 'wEmb':
      return [d.numOperations, h];
    case 'wSoft':
      return [h, d.numOperations];
    case 'attnV':
      return [h, 1];
    default:
      return [h, h];
  }
}

/**
 * The weights the loss depends on. With a single layer there are no skips, and the op's
 * embedding feeds only later layers, so the attention and the embedding get no gradient
 * (TensorFlow's optimizer then leaves them alone, and so does this one).
 */
export function trainedParams(d: ControllerDims): ParamName[] {
  return d.numLayers > 1 ? [...PARAM_NAMES] : ['wLstm', 'gEmb', 'wSoft'];
}

/** Katib's initializer: every weight uniform in [-0.01, 0.01], drawn in PARAM_NAMES order, row-major. */
export function initialWeights(d: ControllerDims, rng: Rng): Weights {
  const entries = PARAM_NAMES.map((name) => {
    const [rows, cols] = paramShape(name, d);
    const w = new Float32Array(rows * cols);
    for (let i = 0; i < w.length; i++) w[i] = -0.01 + 0.02 * rng.next();
    return [name, w] as const;
  });
  return Object.fromEntries(entries) as Record<ParamName, Float32Array>;
}

export function zeroWeights(d: ControllerDims): Weights {
  return Object.fromEntries(PARAM_NAMES.map((name) => [name, new Float32Array(paramShape(name, d).reduce((a, b) => a * b))])) as Record<ParamName, Float32Array>;
}

/**
 * Picks the decisions of one step from its logits (rows × cols, row-major): one op id
 * (rows = 1, cols = numOperations) or one 0/1 skip flag per earlier layer (cols = 2).
 */
export type Decide = (kind: 'op' | 'skip', layer: number, logits: Float32Array, rows: number, cols: number) => number[];

/** One pass of the controller over all layers, with the terms of its training loss. */
export interface PolicyPass {
  /** Row k: the op id of layer k, then k skip flags (1 = layer k reads layer j's output). */
  arc: number[][];
  /** Σ −log π(decision) over all decisions: Katib's `sample_log_probs`, differentiable. */
  negLogProb: tf.Scalar;
  /** Katib's "entropy" bonus term, Σ −log π(a)·π(a) over the sampled decisions (no gradient). */
  entropy: number;
  /** Mean over layers k >= 1 of Katib's skip KL term (no term with one layer). */
  skipPenalty: tf.Scalar | null;
}

/**
 * Runs the controller, asking `decide` for each decision. Must run inside `tf.tidy` (or a
 * gradient function): every tensor it makes is left to the caller's scope.
 */
export function runPolicy(w: Readonly<Record<ParamName, tf.Tensor2D>>, d: ControllerDims, o: PolicyOptions, decide: Decide): PolicyPass {
  const h0 = tf.zeros([1, d.hiddenSize]) as tf.Tensor2D; // Katib's zero initial state
  let c = h0;
  let h = h0;
  let inputs: tf.Tensor2D = w.gEmb;
  const allH: tf.Tensor2D[] = [];
  const allHW: tf.Tensor2D[] = [];
  const logProbs: tf.Scalar[] = [];
  const penalties: tf.Scalar[] = [];
  const targets = tf.tensor1d([1 - o.skipTarget, o.skipTarget]);
  let entropy = 0;
  const arc: number[][] = [];

  for (let layer = 0; layer < d.numLayers; layer++) {
    [c, h] = lstm(inputs, c, h, w.wLstm, d.hiddenSize);
    const opLogits = shapeLogits(ops.matMul(h, w.wSoft), o);
    const op = choose('op', layer, opLogits, decide);
    logProbs.push(op.logProb);
    entropy += op.entropy;
    const picked = [...op.picks];
    inputs = ops.row(w.wEmb, op.picks[0] ?? 0);
    [c, h] = lstm(inputs, c, h, w.wLstm, d.hiddenSize);

    if (layer > 0) {
      // Attention over earlier layers (Pham et al. §2.3): q_j = v·tanh(W1·h_j + W2·h_k), logits [−q, q].
      const query = ops.matMul(ops.tanh(ops.add(ops.concat(allHW, 0), ops.matMul(h, w.attnW2))), w.attnV);
      const skipLogits = shapeLogits(ops.concat([ops.neg(query), query], 1), o);
      const skip = choose('skip', layer, skipLogits, decide);
      logProbs.push(skip.logProb);
      entropy += skip.entropy;
      picked.push(...skip.picks);
      penalties.push(ops.skipKl(skipLogits, targets));
      // The next input is the sum of the chosen earlier layers' states over 1 + their count (as Katib).
      const flags = tf.tensor2d(skip.picks, [1, layer]);
      const chosen = skip.picks.reduce((a, b) => a + b, 0);
      inputs = ops.divide(ops.matMul(flags, ops.concat(allH, 0)), 1 + chosen);
    } else {
      inputs = w.gEmb;
    }
    arc.push(picked);
    allH.push(h);
    allHW.push(ops.matMul(h, w.attnW1));
  }
  const negLogProb = ops.neg(ops.sumScalars(logProbs));
  const skipPenalty = penalties.length > 0 ? ops.meanScalars(penalties) : null;
  return { arc, negLogProb, entropy, skipPenalty };
}

/** Katib's logits: divided by the temperature, then squashed to C·tanh(·) (Pham et al. §3.1). */
function shapeLogits(logits: tf.Tensor2D, o: PolicyOptions): tf.Tensor2D {
  let out = logits;
  if (o.temperature !== null) out = ops.divide(out, o.temperature);
  if (o.tanhConst !== null) out = ops.scale(ops.tanh(out), o.tanhConst);
  return out;
}

interface Choice {
  picks: number[];
  /** Σ log π of the picks, differentiable. */
  logProb: tf.Scalar;
  entropy: number;
}

function choose(kind: 'op' | 'skip', layer: number, logits: tf.Tensor2D, decide: Decide): Choice {
  const [rows, cols] = logits.shape;
  const values = logits.dataSync() as Float32Array;
  const picks = decide(kind, layer, values, rows, cols);
  const mask = new Float32Array(rows * cols);
  let entropy = 0;
  picks.forEach((pick, r) => {
    mask[r * cols + pick] = 1;
    const lp = logSoftmaxAt(values, r, cols, pick);
    entropy += -lp * Math.exp(lp);
  });
  const logProb = ops.maskedSum(tf.logSoftmax(logits), tf.tensor2d(mask, [rows, cols]));
  return { picks, logProb, entropy };
}

/** One LSTM step (Hochreiter and Schmidhuber 1997), Katib's layout: [i, f, o, g] = [x, h]·W. */
function lstm(x: tf.Tensor2D, c: tf.Tensor2D, h: tf.Tensor2D, wLstm: tf.Tensor2D, size: number): [tf.Tensor2D, tf.Tensor2D] {
  const gates = ops.matMul(ops.concat([x, h], 1), wLstm);
  const gate = (k: number) => ops.columns(gates, k * size, size);
  const [i, f, o, g] = [ops.sigmoid(gate(0)), ops.sigmoid(gate(1)), ops.sigmoid(gate(2)), ops.tanh(gate(3))];
  const nextC = ops.add(ops.mul(i, g), ops.mul(f, c));
  const nextH = ops.mul(o, ops.tanh(nextC));
  return [nextC, nextH];
}

/** log softmax of row r at column k, in double precision. */
export function logSoftmaxAt(values: Float32Array, r: number, cols: number, k: number): number {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) max = Math.max(max, values[r * cols + j] as number);
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp((values[r * cols + j] as number) - max);
  return (values[r * cols + k] as number) - max - Math.log(sum);
}

/** Samples each row from its softmax with `rng` (inverse CDF), like `tf.random.categorical`. */
export function sampler(rng: Rng): Decide {
  return (_kind, _layer, values, rows, cols) => {
    const picks: number[] = [];
    for (let r = 0; r < rows; r++) {
      const u = rng.next();
      let acc = 0;
      let pick = cols - 1;
      for (let k = 0; k < cols; k++) {
        acc += Math.exp(logSoftmaxAt(values, r, cols, k));
        if (u < acc) {
          pick = k;
          break;
        }
      }
      picks.push(pick);
    }
    return picks;
  };
}

/** Replays a given architecture's decisions (to score or train on it). */
export function fixed(arc: readonly (readonly number[])[]): Decide {
  return (kind, layer, _values, rows) => {
    const row = arc[layer] ?? [];
    return kind === 'op' ? [row[0] ?? 0] : Array.from({ length: rows }, (_, j) => row[j + 1] ?? 0);
  };
}

/** Makes the weight tensors (in the caller's scope). */
export function weightTensors(weights: Weights, d: ControllerDims): Record<ParamName, tf.Tensor2D> {
  return Object.fromEntries(PARAM_NAMES.map((n) => [n, tf.tensor2d(weights[n], paramShape(n, d))])) as Record<ParamName, tf.Tensor2D>;
}

/** Samples one architecture from the policy. */
export function sampleArchitecture(weights: Weights, d: ControllerDims, o: PolicyOptions, rng: Rng): number[][] {
  return tf.tidy(() => runPolicy(weightTensors(weights, d), d, o, sampler(rng)).arc);
}

/** log π(arc): the policy's log-probability of an architecture. */
export function logProbability(weights: Weights, d: ControllerDims, o: PolicyOptions, arc: readonly (readonly number[])[]): number {
  return tf.tidy(() => -(runPolicy(weightTensors(weights, d), d, o, fixed(arc)).negLogProb.dataSync()[0] as number));
}
