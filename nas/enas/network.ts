import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/rng.js';
import { sumRows } from '../gradients.js';
import type { LayerPlan, NetworkPlan, ParamSpec } from './plan.js';

/** The trainable tensors of a network, by ParamSpec name. */
export type Params = Readonly<Record<string, tf.Tensor>>;

/** Per-channel statistics of one batch normalisation, by layer index. */
export interface NormStats {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}
export type NormStatsByLayer = ReadonlyMap<number, NormStats>;

/** Keras's BatchNormalization epsilon. */
export const NORM_EPSILON = 1e-3;

/**
 * Glorot & Bengio 2010 (eq. 16) uniform initialisation for kernels, zeros for biases and
 * offsets, ones for scales: Keras's defaults. Each tensor draws from its own stream,
 * seeded by (seed, name), so adding a layer does not change the others' weights.
 */
export function initialValues(spec: ParamSpec, seed: number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  if (spec.init === 'ones') values.fill(1);
  if (spec.init !== 'glorot') return values;
  const limit = Math.sqrt(6 / (spec.fanIn + spec.fanOut));
  const rng = createRng(seed, 'enas-init', spec.name);
  for (let i = 0; i < n; i++) values[i] = (2 * rng.next() - 1) * limit;
  return values;
}

/** Fresh trainable variables for a plan, seeded. */
export function initParams(plan: NetworkPlan, seed: number): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  for (const spec of [...plan.layers.flatMap((l) => l.params), ...plan.head]) {
    // Unnamed: variable names are global to TensorFlow.js, and several networks may coexist.
    const initial = tf.tensor(initialValues(spec, seed), spec.shape);
    params[spec.name] = tf.variable(initial, true);
    initial.dispose();
  }
  return params;
}

/**
 * Training normalises each batch by its own statistics (and returns them, for the
 * population statistics); inference uses the given statistics (Ioffe & Szegedy 2015, Alg. 2).
 */
export type ForwardMode = { training: true } | { training: false; stats: NormStatsByLayer };

export interface ForwardResult {
  /** Class scores before the softmax. */
  logits: tf.Tensor2D;
  /** The batch's statistics per normalised layer (training mode only). */
  batchStats: Map<number, NormStats>;
  /** Every layer's output, all-layers[0] the input (for inspection and tests). */
  outputs: tf.Tensor4D[];
}

/** The network's forward pass on a batch NHWC `x`; call inside tf.tidy or a gradient. */
export function forward(plan: NetworkPlan, params: Params, x: tf.Tensor4D, mode: ForwardMode): ForwardResult {
  const outputs: tf.Tensor4D[] = [x];
  const batchStats = new Map<number, NormStats>();
  for (const layer of plan.layers) {
    const input = layerInput(layer, outputs);
    const { y, stats } = applyLayer(layer, params, input, mode);
    if (stats) batchStats.set(layer.index, stats);
    outputs.push(y);
  }
  const last = outputs[outputs.length - 1] as tf.Tensor4D;
  const pooled = tf.mean(last, [1, 2]) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(pooled, param(params, 'head/kernel')), param(params, 'head/bias')) as tf.Tensor2D;
  return { logits, batchStats, outputs };
}

/** Katib's concat: zero-pad each input to the largest, then join along channels. */
export function layerInput(layer: LayerPlan, outputs: readonly tf.Tensor4D[]): tf.Tensor4D {
  const parts = layer.inputs.map((i, n) => {
    const t = outputs[i];
    if (!t) throw new Error(`layer ${layer.index}: input ${i} is not built yet`);
    const [top, bottom, left, right] = layer.pads[n] ?? [0, 0, 0, 0];
    if (top + bottom + left + right === 0) return t;
    return tf.pad(t, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  });
  return parts.length === 1 ? (parts[0] as tf.Tensor4D) : tf.concat(parts, 3);
}

function applyLayer(layer: LayerPlan, params: Params, x: tf.Tensor4D, mode: ForwardMode): { y: tf.Tensor4D; stats?: NormStats } {
  const op = layer.operation;
  const p = (name: string) => param(params, `layer${layer.index}/${name}`);
  if (op.type === 'reduction') {
    if (layer.identity) return { y: x };
    const pool = op.reductionType === 'max_pooling' ? tf.maxPool : tf.avgPool;
    return { y: pool(x, op.poolSize, op.stride, 'valid') };
  }
  const activated = tf.relu(x);
  const stride: [number, number] = [op.stride, op.stride];
  let conved: tf.Tensor4D;
  if (op.type === 'convolution') conved = tf.conv2d(activated, p('kernel') as tf.Tensor4D, stride, 'same');
  else if (op.type === 'separable_convolution') {
    conved = tf.separableConv2d(activated, p('depthwise') as tf.Tensor4D, p('pointwise') as tf.Tensor4D, stride, 'same');
  } else conved = tf.depthwiseConv2d(activated, p('depthwise') as tf.Tensor4D, stride, 'same');
  const biased = tf.add(conved, p('bias')) as tf.Tensor4D;
  return batchNorm(biased, p('gamma') as tf.Tensor1D, p('beta') as tf.Tensor1D, mode.training ? undefined : mode.stats.get(layer.index));
}

/**
 * Ioffe & Szegedy 2015, Alg. 1: y = γ (x − μ) / sqrt(σ² + ε) + β per channel, μ and σ²
 * the batch's (biased) moments over batch, height and width, or the given statistics at
 * inference. Training uses elementary ops, whose gradients gradients.ts provides.
 */
export function batchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, given?: NormStats): { y: tf.Tensor4D; stats?: NormStats } {
  if (given) return { y: tf.batchNorm(x, given.mean, given.variance, beta, gamma, NORM_EPSILON) };
  const mean = channelMean(x);
  const centred = tf.sub(x, mean) as tf.Tensor4D;
  const variance = channelMean(tf.square(centred));
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, NORM_EPSILON)));
  return { y: tf.add(tf.mul(centred, scale), beta) as tf.Tensor4D, stats: { mean, variance } };
}

/** The mean of each channel over batch, height and width, as one matMul (fast on every backend). */
function channelMean(x: tf.Tensor4D): tf.Tensor1D {
  const channels = x.shape[3];
  return tf.mul(sumRows(tf.reshape(x, [-1, channels]) as tf.Tensor2D), channels / x.size) as tf.Tensor1D;
}

function param(params: Params, name: string): tf.Tensor {
  const t = params[name];
  if (!t) throw new Error(`network parameter ${name} is missing`);
  return t;
}
