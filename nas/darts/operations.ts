import * as tf from '@tensorflow/tfjs-core';
import type { Primitive } from './arguments.js';
import { avgPool, batchNorm, depthwise, type Pass, pointwise, pointwiseStride2, weight } from './layers.js';

/**
 * The candidate operations of DARTS (Liu et al. 2019, §3.1.1, after Zoph et al. 2018), in
 * the form of Katib's trial program (ReLU–conv–BN order, BN without affine parameters):
 *   separable_convolution_k: (ReLU, depthwise k×k, pointwise, BN) twice, the stride on the first;
 *   dilated_convolution_k:   ReLU, depthwise k×k with dilation 2, pointwise, BN;
 *   max_pooling_k / avg_pooling_k: the pooling (padding not counted in the mean), BN;
 *   skip_connection: identity, or a factorized reduction at stride 2;
 *   none: zero — it adds nothing to the sum, so it is never computed; its weight still
 *   takes its share of the softmax.
 */

/** What the operations reading one state share: the state, its ReLU, pooled outputs. */
export interface StateInput {
  x: tf.Tensor4D;
  relu: tf.Tensor4D;
  /** The BN'd pooling outputs, by `<primitive>@<stride>`: batch norm without affine weights
   * over one input gives one output for every edge that reads the state. */
  pooled: Map<string, tf.Tensor4D>;
  /** Name of the state, for naming the shared pooling batch norms. */
  name: string;
}

export function stateInput(x: tf.Tensor4D, name: string): StateInput {
  return { x, relu: tf.relu(x), pooled: new Map(), name };
}

/** ReLU (done by the caller) – depthwise k×k – pointwise – BN: Katib's DilConv. */
function reluConvBn(pass: Pass, name: string, r: tf.Tensor4D, k: number, stride: number, pad: number, dilation: number): tf.Tensor4D {
  const c = r.shape[3];
  const filter = weight(pass, `${name}.dw`, [k, k, c, 1], { fanIn: k * k });
  const y = pointwise(pass, `${name}.pw`, depthwise(r, filter as unknown as tf.Tensor4D, stride, pad, dilation), c);
  return batchNorm(pass, `${name}.bn`, y, false);
}

/**
 * Halves H and W with two 1×1 stride-2 convolutions, the second shifted by one pixel, their
 * outputs concatenated (Zoph et al. 2018; Katib's FactorizedReduce). For an odd size the
 * shifted branch reads a zero row and column past the edge, so both branches give ⌈H/2⌉.
 */
export function factorizedReduce(pass: Pass, name: string, r: tf.Tensor4D, cOut: number): tf.Tensor4D {
  const [n, h, w, c] = r.shape;
  const half = Math.floor(cOut / 2);
  const a = pointwiseStride2(pass, `${name}.conv1`, r, half);
  const padded = h % 2 === 1 || w % 2 === 1 ? tf.pad(r, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]) : r;
  const shifted = tf.slice(padded, [0, 1, 1, 0], [n, padded.shape[1] - 1, padded.shape[2] - 1, c]);
  const b = pointwiseStride2(pass, `${name}.conv2`, shifted, cOut - half);
  return batchNorm(pass, `${name}.bn`, tf.concat([a, b], 3), false);
}

/** One operation on one edge; `name` names the edge's weights. None gives undefined. */
export function operation(pass: Pass, name: string, p: Primitive, input: StateInput, stride: number): tf.Tensor4D | undefined {
  const k = p.size;
  switch (p.kind) {
    case 'none':
      return undefined;
    case 'skip_connection':
      return stride === 1 ? input.x : factorizedReduce(pass, `${name}.${p.name}`, input.relu, input.x.shape[3]);
    case 'separable_convolution': {
      const first = reluConvBn(pass, `${name}.${p.name}.0`, input.relu, k, stride, (k - 1) / 2, 1);
      return reluConvBn(pass, `${name}.${p.name}.1`, tf.relu(first), k, 1, (k - 1) / 2, 1);
    }
    case 'dilated_convolution':
      return reluConvBn(pass, `${name}.${p.name}`, input.relu, k, stride, k - 1, 2);
    case 'max_pooling':
    case 'avg_pooling': {
      const key = `${p.name}@${stride}`;
      let out = input.pooled.get(key);
      if (!out) {
        const pooled = p.kind === 'max_pooling' ? tf.maxPool(input.x, k, stride, (k - 1) / 2) : avgPool(input.x, k, stride, (k - 1) / 2);
        out = batchNorm(pass, `${input.name}.${key}.bn`, pooled, false);
        input.pooled.set(key, out);
      }
      return out;
    }
  }
}

/** Every operation's output on one edge, in primitive order, none left out. */
export function edgeOutputs(pass: Pass, name: string, primitives: readonly Primitive[], input: StateInput, stride: number): tf.Tensor4D[] {
  const outs: tf.Tensor4D[] = [];
  for (const p of primitives) {
    const y = operation(pass, name, p, input, stride);
    if (y) outs.push(y);
  }
  return outs;
}

/**
 * Σ_m coefficients[m] · outputs[m], as one matrix product: [1, M] × [M, N·H·W·C].
 * With a row of softmax(α) this is the mixed operation ō(x) = Σ_o softmax(α)_o · o(x)
 * (Liu et al. 2019, eq. 1); a node sums the mixed operations of its edges (eq. 2) the same way.
 */
export function weightedSum(outputs: tf.Tensor4D[], coefficients: tf.Tensor2D, differentiable = true): tf.Tensor4D {
  const first = outputs[0];
  if (!first) throw new Error('weightedSum: no outputs');
  const shape = first.shape;
  const m = outputs.length;
  // tfjs keeps a custom gradient's saved tensors even when no gradient is taken: plain ops then.
  if (!differentiable) return tf.reshape(tf.matMul(coefficients, tf.concat(outputs.map((o) => tf.reshape(o, [1, -1])), 0)), shape);
  // The gradient is written out: tfjs would split d(stacked) with SplitV, slow on wasm.
  // d o_m = c_m · dy;  d c = dy · stackedᵀ.
  const op = tf.customGrad((...args: unknown[]) => {
    const save = args[m + 1] as (tensors: tf.Tensor[]) => void;
    const c = args[m] as tf.Tensor2D;
    const stacked = tf.concat((args.slice(0, m) as tf.Tensor[]).map((o) => tf.reshape(o, [1, -1])), 0);
    save([stacked, c]);
    return {
      value: tf.reshape(tf.matMul(c, stacked), shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [st, cs] = saved as [tf.Tensor2D, tf.Tensor2D];
        const flat = tf.reshape(dy, [1, -1]);
        const dOutputs = Array.from({ length: m }, (_, i) => tf.mul(dy, tf.reshape(tf.slice(cs, [0, i], [1, 1]), [])));
        return [...dOutputs, tf.matMul(flat, st, false, true)];
      },
    };
  }) as (...inputs: tf.Tensor[]) => tf.Tensor4D;
  return op(...outputs, coefficients);
}

/**
 * The softmax weights of the operations other than none, flattened over edges: [1, E·(K−1)].
 * `alpha` is one node's [E, K] architecture parameters, none in the last column.
 */
export function operationWeights(alpha: tf.Tensor2D): tf.Tensor2D {
  const [e, k] = alpha.shape;
  return tf.reshape(tf.slice(tf.softmax(alpha), [0, 0], [e, k - 1]), [1, e * (k - 1)]);
}

/** One edge's mixed operation, eq. 1. `alpha` is its [1, K] row. */
export function mixedOp(pass: Pass, name: string, primitives: readonly Primitive[], input: StateInput, stride: number, alpha: tf.Tensor2D): tf.Tensor4D {
  return weightedSum(edgeOutputs(pass, name, primitives, input, stride), operationWeights(alpha));
}
