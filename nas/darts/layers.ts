import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../src/rng.js';

/**
 * The few layers the supernet needs, as parameter tensors and pure forward functions over a
 * Pass. A weight is looked up by name; in an initialising pass (`init` set) a missing one
 * is created, so one forward pass over a dummy batch lays out every weight in a fixed
 * order from one seeded generator, and the forward code is the only description of the net.
 */
export interface NetState {
  /** The network weights w (not the architecture α). */
  weights: Map<string, tf.Variable>;
  /** Batch-norm running mean and variance, for evaluation (PyTorch's buffers). */
  running: Map<string, { mean: tf.Tensor; variance: tf.Tensor }>;
}

export interface Pass {
  net: NetState;
  /** train: batch statistics (Ioffe & Szegedy 2015, Alg. 1); eval: running statistics. */
  mode: 'train' | 'eval';
  /** Set only while laying out the weights. */
  init?: Rng;
  /** When set in train mode, each batch norm's batch mean and (biased) variance, kept, by name. */
  batchStats?: Map<string, { mean: tf.Tensor; variance: tf.Tensor; count: number }>;
}

export const BN_EPSILON = 1e-5;
export const BN_MOMENTUM = 0.1;

/**
 * A weight; created as PyTorch's default for convolutions and linear layers, uniform on
 * ±1/√fan_in (kaiming_uniform with a = √5), or as a constant.
 */
export function weight(pass: Pass, name: string, shape: number[], init: { fanIn: number } | { constant: number }): tf.Variable {
  const found = pass.net.weights.get(name);
  if (found) return found;
  if (!pass.init) throw new Error(`weight ${name} does not exist`);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  if ('fanIn' in init) {
    const bound = 1 / Math.sqrt(init.fanIn);
    for (let i = 0; i < size; i++) data[i] = (2 * pass.init.next() - 1) * bound;
  } else data.fill(init.constant);
  const initial = tf.tensor(data, shape);
  const v = tf.variable(initial, true);
  initial.dispose();
  pass.net.weights.set(name, v);
  return v;
}

/**
 * Batch norm over N, H, W per channel. Train mode normalises by the batch's mean and biased
 * variance and reports them (the running estimates are updated after the step, with the
 * unbiased variance, as PyTorch does); eval mode uses the running estimates.
 */
export function batchNorm(pass: Pass, name: string, x: tf.Tensor4D, affine: boolean): tf.Tensor4D {
  const c = x.shape[3];
  if (!pass.net.running.has(name)) {
    if (!pass.init) throw new Error(`batch norm ${name} does not exist`);
    pass.net.running.set(name, { mean: tf.keep(tf.zeros([c])), variance: tf.keep(tf.ones([c])) });
  }
  let y: tf.Tensor4D;
  if (pass.mode === 'train') {
    const mean = tf.mean(x, [0, 1, 2], true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), [0, 1, 2], true);
    y = tf.mul(centred, tf.rsqrt(tf.add(variance, tf.scalar(BN_EPSILON))));
    if (pass.batchStats) {
      const count = x.shape[0] * x.shape[1] * x.shape[2];
      pass.batchStats.set(name, { mean: tf.keep(tf.reshape(mean, [c])), variance: tf.keep(tf.reshape(variance, [c])), count });
    }
  } else {
    const r = pass.net.running.get(name) as { mean: tf.Tensor; variance: tf.Tensor };
    y = tf.mul(tf.sub(x, r.mean), tf.rsqrt(tf.add(r.variance, tf.scalar(BN_EPSILON))));
  }
  if (!affine) return y;
  const gamma = weight(pass, `${name}.gamma`, [c], { constant: 1 });
  const beta = weight(pass, `${name}.beta`, [c], { constant: 0 });
  return tf.add(tf.mul(y, gamma), beta);
}

/** running ← (1 − m)·running + m·batch, the variance unbiased by n/(n − 1) (PyTorch BatchNorm2d). */
export function updateRunningStats(net: NetState, stats: Map<string, { mean: tf.Tensor; variance: tf.Tensor; count: number }>): void {
  for (const [name, s] of stats) {
    const r = net.running.get(name);
    if (!r) continue;
    const unbias = s.count > 1 ? s.count / (s.count - 1) : 1;
    const next = tf.tidy(() => ({
      mean: tf.add(tf.mul(r.mean, tf.scalar(1 - BN_MOMENTUM)), tf.mul(s.mean, tf.scalar(BN_MOMENTUM))),
      variance: tf.add(tf.mul(r.variance, tf.scalar(1 - BN_MOMENTUM)), tf.mul(s.variance, tf.scalar(BN_MOMENTUM * unbias))),
    }));
    tf.dispose([r.mean, r.variance, s.mean, s.variance]);
    net.running.set(name, next);
  }
  stats.clear();
}

/** A 1×1 convolution without bias, as a matrix product over the N·H·W pixels. */
export function pointwise(pass: Pass, name: string, x: tf.Tensor4D, cOut: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const k = weight(pass, name, [c, cOut], { fanIn: c });
  return tf.reshape(tf.matMul(tf.reshape(x, [n * h * w, c]), k), [n, h, w, cOut]);
}

/**
 * x[:, ::s, ::s] after padding `pad` on every side (and whatever more makes the size a
 * multiple of s): the first block of spaceToBatchND, whose gradient wasm and cpu both have.
 */
export function subsample(x: tf.Tensor4D, s: number, pad = 0): tf.Tensor4D {
  if (s === 1 && pad === 0) return x;
  const [n, h, w] = x.shape;
  const extra = (d: number) => (s - ((d + 2 * pad) % s)) % s;
  const blocks = tf.spaceToBatchND(x, [s, s], [[pad, pad + extra(h)], [pad, pad + extra(w)]]);
  return tf.slice(blocks, [0, 0, 0, 0], [n, -1, -1, -1]);
}

/**
 * Depthwise convolution with PyTorch's symmetric zero padding, stride s and dilation d
 * (groups = channels). On wasm the dilated kernel runs as it is (its gradients, registered in
 * wasm-gradients.ts, handle dilation). The cpu backend's depthwise gradient kernels ignore
 * dilation, so there a dilated one runs as the atrous algorithm does (Chen et al. 2018,
 * DeepLab, §3.1): spaceToBatchND splits the padded input into d×d phases, each phase is
 * convolved without dilation, and batchToSpaceND interleaves them back; with s = d the output
 * only reads phase (0, 0). Both give the same numbers.
 */
export function depthwise(x: tf.Tensor4D, filter: tf.Tensor4D, s: number, pad: number, d: number): tf.Tensor4D {
  if (d === 1 || tf.getBackend() === 'wasm') return tf.depthwiseConv2d(x, filter, s, pad, 'NHWC', d);
  return atrousDepthwise(x, filter, s, pad, d);
}

export function atrousDepthwise(x: tf.Tensor4D, filter: tf.Tensor4D, s: number, pad: number, d: number): tf.Tensor4D {
  if (s === d) return tf.depthwiseConv2d(subsample(x, d, pad), filter, 1, 'valid');
  if (s !== 1) throw new Error(`depthwise: stride ${s} with dilation ${d} is not supported`);
  const [, h, w] = x.shape;
  const extra = (n: number) => (d - ((n + 2 * pad) % d)) % d;
  const [eh, ew] = [extra(h), extra(w)];
  const phases = tf.spaceToBatchND(x, [d, d], [[pad, pad + eh], [pad, pad + ew]]);
  const y = tf.depthwiseConv2d(phases as tf.Tensor4D, filter, 1, 'valid');
  return tf.batchToSpaceND(y, [d, d], [[0, eh], [0, ew]]);
}

/** A 1×1 convolution at stride 2 without bias (a branch of the factorized reduction). */
export function pointwiseStride2(pass: Pass, name: string, x: tf.Tensor4D, cOut: number): tf.Tensor4D {
  const c = x.shape[3];
  const k = weight(pass, name, [c, cOut], { fanIn: c });
  return tf.conv2d(x, tf.reshape(k, [1, 1, c, cOut]) as tf.Tensor4D, 2, 'valid');
}

/**
 * Average pooling with padding left out of the mean (PyTorch count_include_pad=False), as a
 * depthwise convolution with a ones filter divided by each window's count of real pixels.
 * tfjs's AvgPoolGrad divides by k² everywhere, which is not the gradient of this forward.
 */
export function avgPool(x: tf.Tensor4D, k: number, s: number, pad: number): tf.Tensor4D {
  const [, h, w, c] = x.shape;
  const sums = tf.depthwiseConv2d(x, tf.ones([k, k, c, 1]) as tf.Tensor4D, s, pad);
  const counts = tf.depthwiseConv2d(tf.ones([1, h, w, 1]) as tf.Tensor4D, tf.ones([k, k, 1, 1]) as tf.Tensor4D, s, pad);
  return tf.div(sums, counts);
}
