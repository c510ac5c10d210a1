import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/rng.js';
import type { Primitive } from './arguments.js';
import { batchNorm, type NetState, type Pass, pointwise, weight } from './layers.js';
import { edgeOutputs, factorizedReduce, operationWeights, stateInput, type StateInput, weightedSum } from './operations.js';

/**
 * The DARTS supernet (Liu et al. 2019, §2.1 and §3.1.1) as Katib's trial builds it: a 3×3
 * convolution stem with stem_multiplier·init_channels channels, then num-layers cells. A
 * cell has two input states (the outputs of the two cells before it, each through a ReLU–1×1
 * conv–BN, or a factorized reduction when the previous cell halved the size), num_nodes
 * intermediate nodes each summing mixed operations over all earlier states (eq. 2), and
 * concatenates its intermediate nodes. Reduction cells — at 1/3 and 2/3 of the depth, the
 * second of two cells, none in a one-cell net — double the channels and use stride 2 on the
 * edges from the inputs. Global average pooling and a linear classifier end the net.
 */
export interface CellSpec {
  reduction: boolean;
  reductionPrev: boolean;
  cPrevPrev: number;
  cPrev: number;
  c: number;
}

export interface NetworkSpec {
  primitives: Primitive[];
  numNodes: number;
  inputChannels: number;
  classes: number;
  stemChannels: number;
  cells: CellSpec[];
  /** Katib keeps reduce-cell α only when there are two or more layers. */
  hasReduce: boolean;
}

export function networkSpec(o: { numLayers: number; numNodes: number; initChannels: number; stemMultiplier: number; primitives: Primitive[]; inputChannels: number; classes: number }): NetworkSpec {
  const stemChannels = o.stemMultiplier * o.initChannels;
  let [cPrevPrev, cPrev, c] = [stemChannels, stemChannels, o.initChannels];
  let reductionPrev = false;
  const cells: CellSpec[] = [];
  for (let i = 0; i < o.numLayers; i++) {
    const reduction = o.numLayers === 2 ? i === 1 : o.numLayers > 2 && (i === Math.floor(o.numLayers / 3) || i === Math.floor((2 * o.numLayers) / 3));
    if (reduction) c *= 2;
    cells.push({ reduction, reductionPrev, cPrevPrev, cPrev, c });
    reductionPrev = reduction;
    [cPrevPrev, cPrev] = [cPrev, c * o.numNodes];
  }
  return { primitives: o.primitives, numNodes: o.numNodes, inputChannels: o.inputChannels, classes: o.classes, stemChannels, cells, hasReduce: o.numLayers > 1 };
}

/** α: per node i an [i + 2, K] matrix, for normal and for reduction cells. */
export interface Alphas {
  normal: tf.Variable[];
  reduce: tf.Variable[];
}

/** α initialised as 1e-3·N(0, 1), as in the paper's code and Katib's. */
export function initAlphas(spec: NetworkSpec, seed: number): Alphas {
  const k = spec.primitives.length;
  const make = (kind: string) => {
    const rng = createRng(seed, 'darts', 'alpha', kind);
    return Array.from({ length: spec.numNodes }, (_, i) => {
      const data = Float32Array.from({ length: (i + 2) * k }, () => 1e-3 * rng.normal());
      const initial = tf.tensor2d(data, [i + 2, k]);
      const v = tf.variable(initial, true);
      initial.dispose();
      return v;
    });
  };
  return { normal: make('normal'), reduce: spec.hasReduce ? make('reduce') : [] };
}

/** Lays out every weight and batch norm by one forward pass over a dummy batch. */
export function initNetwork(spec: NetworkSpec, alphas: Alphas, imageSize: number, seed: number): NetState {
  const net: NetState = { weights: new Map(), running: new Map() };
  tf.tidy(() => {
    const x = tf.zeros([1, imageSize, imageSize, spec.inputChannels]) as tf.Tensor4D;
    forward({ net, mode: 'train', init: createRng(seed, 'darts', 'weights') }, spec, alphas, x);
  });
  return net;
}

function cell(pass: Pass, name: string, spec: NetworkSpec, cs: CellSpec, s0: tf.Tensor4D, s1: tf.Tensor4D, alphas: readonly tf.Tensor2D[]): tf.Tensor4D {
  const p0 = cs.reductionPrev ? factorizedReduce(pass, `${name}.pre0`, tf.relu(s0), cs.c) : batchNorm(pass, `${name}.pre0.bn`, pointwise(pass, `${name}.pre0.conv`, tf.relu(s0), cs.c), false);
  const p1 = batchNorm(pass, `${name}.pre1.bn`, pointwise(pass, `${name}.pre1.conv`, tf.relu(s1), cs.c), false);
  const states: StateInput[] = [stateInput(p0, `${name}.s0`), stateInput(p1, `${name}.s1`)];
  for (let i = 0; i < spec.numNodes; i++) {
    const alpha = alphas[i];
    if (!alpha) throw new Error(`cell ${name}: no alpha for node ${i}`);
    const outs: tf.Tensor4D[] = [];
    states.forEach((input, j) => {
      const stride = cs.reduction && j < 2 ? 2 : 1;
      outs.push(...edgeOutputs(pass, `${name}.n${i}.e${j}`, spec.primitives, input, stride));
    });
    states.push(stateInput(weightedSum(outs, operationWeights(alpha), pass.mode === 'train'), `${name}.s${i + 2}`));
  }
  return tf.concat(states.slice(2).map((s) => s.x), 3);
}

/** Logits [N, classes] for images x [N, H, W, C]. */
export function forward(pass: Pass, spec: NetworkSpec, alphas: Alphas, x: tf.Tensor4D): tf.Tensor2D {
  const stemFilter = weight(pass, 'stem.conv', [3, 3, spec.inputChannels, spec.stemChannels], { fanIn: 9 * spec.inputChannels });
  const stem = batchNorm(pass, 'stem.bn', tf.conv2d(x, stemFilter as unknown as tf.Tensor4D, 1, 1), true);
  let [s0, s1] = [stem, stem];
  spec.cells.forEach((cs, l) => {
    const a = cs.reduction ? alphas.reduce : alphas.normal;
    [s0, s1] = [s1, cell(pass, `cell${l}`, spec, cs, s0, s1, a as unknown as tf.Tensor2D[])];
  });
  const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D;
  const c = pooled.shape[1];
  const w = weight(pass, 'classifier.weight', [c, spec.classes], { fanIn: c });
  const b = weight(pass, 'classifier.bias', [spec.classes], { fanIn: c });
  return tf.add(tf.matMul(pooled, w), b);
}

/**
 * Mean cross entropy of logits against one-hot labels. Differentiated through logSoftmax's
 * custom gradient; for evaluation (`differentiable` false) through plain log-sum-exp, since
 * tfjs keeps a custom gradient's saved tensors when no gradient is taken.
 */
export function crossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, differentiable = true): tf.Scalar {
  const logProbs = differentiable ? tf.logSoftmax(logits) : tf.sub(logits, tf.logSumExp(logits, 1, true));
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbs), 1))) as tf.Scalar;
}

/** softmax(α) per node as plain numbers: [node][edge][op]. */
export function alphaWeights(alphas: readonly tf.Tensor[]): number[][][] {
  return alphas.map((a) => tf.tidy(() => tf.softmax(a).arraySync() as number[][]));
}

export function disposeNetwork(net: NetState, alphas: Alphas): void {
  for (const v of net.weights.values()) v.dispose();
  for (const r of net.running.values()) tf.dispose([r.mean, r.variance]);
  tf.dispose([...alphas.normal, ...alphas.reduce]);
  net.weights.clear();
  net.running.clear();
}
