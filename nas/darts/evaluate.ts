import * as tf from '@tensorflow/tfjs-core';
import { ScribaError } from '../../src/errors.js';
import { createRng } from '../../src/rng.js';
import { type BackendChoice, useBackend } from '../backend.js';
import { type ImageSet, loadDigits } from '../data.js';
import type { Primitive } from './arguments.js';
import type { Genotype } from './genotype.js';
import { parseGenotype, primitiveOf } from './genotype-text.js';
import { registerCoreGradients } from '../gradients.js';
import { batchNorm, type NetState, type Pass, pointwise, updateRunningStats, weight } from './layers.js';
import { type CellSpec, crossEntropy, networkSpec, type NetworkSpec } from './network.js';
import { factorizedReduce, operation, stateInput, type StateInput } from './operations.js';
import { clipGlobalNorm, cosineLr, sgdStep, type SgdState } from './optimizers.js';
import { meter, record } from './report.js';
import { batches, batchTensors } from './search.js';

export { parseGenotype, randomGenotype } from './genotype-text.js';

/**
 * The evaluation network of a genotype (Liu et al. 2019, §2.4 and §3.3), reduced: the
 * discrete cells stacked as the supernet stacks its cells (networkSpec: reduction cells at
 * 1/3 and 2/3 of the depth, channels doubled there, each cell reading the two cells before
 * it through the same preprocessing), the same 3×3 stem and the same pooling–linear
 * classifier. In a cell, node i sums its two kept operations, each on its chosen state
 * (eq. 2 with one operation per kept edge, the others dropped); the cell concatenates all its
 * nodes (range(2, n+2)). Edges from the two inputs of a reduction cell have stride 2.
 *
 * The operations are the supernet's (operations.ts: their batch norms without affine
 * weights). Left out, as the budget here is minutes, not GPU-days: the auxiliary head,
 * drop-path, cutout and the 600 epochs of the paper's CIFAR-10 evaluation.
 */

/** Gene with each operation name resolved to the primitive the network builds. */
type DiscreteGene = Array<Array<[Primitive, number]>>;

interface EvaluationNet {
  spec: NetworkSpec;
  normal: DiscreteGene;
  reduce: DiscreteGene;
  net: NetState;
}

export interface NetworkSize {
  initChannels?: number;
  numLayers?: number;
  stemMultiplier?: number;
  imageSize?: number;
  seed?: number;
}

export interface TrainGenotypeOptions extends NetworkSize {
  epochs: number;
  batchSize?: number;
  /** η_max of the cosine schedule (η_min is 0, as in the paper's train.py). */
  learningRate?: number;
  momentum?: number;
  weightDecay?: number;
  gradClip?: number;
  trainImages?: number;
  validationImages?: number;
  backend?: BackendChoice;
}

/**
 * The optimiser of the paper's evaluation (its train.py: SGD, η = 0.025 cosine to 0,
 * momentum 0.9, weight decay 3e-4, gradient norm clipped at 5) with a network at the digits'
 * scale: 5 cells of 8 channels (§3.3: 20 cells of 36), batch 64 (§3.3: 96).
 */
export const EVALUATION_DEFAULTS = {
  initChannels: 8,
  numLayers: 5,
  stemMultiplier: 3,
  imageSize: 14,
  seed: 0,
  batchSize: 64,
  learningRate: 0.025,
  momentum: 0.9,
  weightDecay: 3e-4,
  gradClip: 5,
  trainImages: 1000,
  validationImages: 500,
} as const;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ScribaError('invalid-argument', `${name}: expected a positive integer, got ${value}`);
  return value;
}

function discrete(gene: Genotype['normal']): DiscreteGene {
  return gene.map((node) => node.map(([op, input]): [Primitive, number] => [primitiveOf(op), input]));
}

function cell(pass: Pass, name: string, cs: CellSpec, gene: DiscreteGene, s0: tf.Tensor4D, s1: tf.Tensor4D): tf.Tensor4D {
  // The supernet's preprocessing (network.ts), under the same weight names.
  const p0 = cs.reductionPrev ? factorizedReduce(pass, `${name}.pre0`, tf.relu(s0), cs.c) : batchNorm(pass, `${name}.pre0.bn`, pointwise(pass, `${name}.pre0.conv`, tf.relu(s0), cs.c), false);
  const p1 = batchNorm(pass, `${name}.pre1.bn`, pointwise(pass, `${name}.pre1.conv`, tf.relu(s1), cs.c), false);
  const states: StateInput[] = [stateInput(p0, `${name}.s0`), stateInput(p1, `${name}.s1`)];
  gene.forEach((node, i) => {
    const outs = node.map(([p, j], k) => {
      const input = states[j];
      if (!input) throw new Error(`cell ${name}: node ${i} reads state ${j}, which does not exist`);
      return operation(pass, `${name}.n${i}.e${k}`, p, input, cs.reduction && j < 2 ? 2 : 1) as tf.Tensor4D;
    });
    states.push(stateInput(outs.length === 1 ? (outs[0] as tf.Tensor4D) : tf.addN(outs), `${name}.s${i + 2}`));
  });
  return tf.concat(states.slice(2).map((s) => s.x), 3);
}

/** Logits [N, classes]; the stem and classifier are network.ts's, under the same names. */
function forward(pass: Pass, e: Omit<EvaluationNet, 'net'>, x: tf.Tensor4D): tf.Tensor2D {
  const { spec } = e;
  const stemFilter = weight(pass, 'stem.conv', [3, 3, spec.inputChannels, spec.stemChannels], { fanIn: 9 * spec.inputChannels });
  const stem = batchNorm(pass, 'stem.bn', tf.conv2d(x, stemFilter as unknown as tf.Tensor4D, 1, 1), true);
  let [s0, s1] = [stem, stem];
  spec.cells.forEach((cs, l) => {
    [s0, s1] = [s1, cell(pass, `cell${l}`, cs, cs.reduction ? e.reduce : e.normal, s0, s1)];
  });
  const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D;
  const c = pooled.shape[1];
  const w = weight(pass, 'classifier.weight', [c, spec.classes], { fanIn: c });
  const b = weight(pass, 'classifier.bias', [spec.classes], { fanIn: c });
  return tf.add(tf.matMul(pooled, w), b);
}

/** Resolves the genotype and lays out every weight by one pass over a dummy batch. */
function buildNet(genotype: string, o: NetworkSize): EvaluationNet {
  const g = parseGenotype(genotype);
  const numLayers = positiveInteger('numLayers', o.numLayers ?? EVALUATION_DEFAULTS.numLayers);
  const spec = networkSpec({
    numLayers,
    numNodes: g.numNodes,
    initChannels: positiveInteger('initChannels', o.initChannels ?? EVALUATION_DEFAULTS.initChannels),
    stemMultiplier: positiveInteger('stemMultiplier', o.stemMultiplier ?? EVALUATION_DEFAULTS.stemMultiplier),
    primitives: [],
    inputChannels: 1,
    classes: 10,
  });
  if (spec.cells.some((c) => c.reduction) && g.reduce.length === 0) {
    throw new ScribaError('invalid-argument', `genotype: a ${numLayers}-layer network has reduction cells, but the genotype's reduce cell is empty (it came from a one-layer search)`);
  }
  const shape = { spec, normal: discrete(g.normal), reduce: discrete(g.reduce) };
  const net: NetState = { weights: new Map(), running: new Map() };
  const size = positiveInteger('imageSize', o.imageSize ?? EVALUATION_DEFAULTS.imageSize);
  tf.tidy(() => {
    forward({ net, mode: 'train', init: createRng(o.seed ?? EVALUATION_DEFAULTS.seed, 'darts-eval', 'weights') }, shape, tf.zeros([1, size, size, 1]) as tf.Tensor4D);
  });
  return { ...shape, net };
}

function disposeNet(net: NetState): void {
  for (const v of net.weights.values()) v.dispose();
  for (const r of net.running.values()) tf.dispose([r.mean, r.variance]);
  net.weights.clear();
  net.running.clear();
}

/**
 * The number of trained weights of a genotype's evaluation network (batch-norm running
 * estimates not counted). Builds the net on the current TensorFlow.js backend, which must be set.
 */
export function parameterCount(genotype: string, o: NetworkSize = {}): number {
  const e = buildNet(genotype, o);
  try {
    let n = 0;
    for (const v of e.net.weights.values()) n += v.size;
    return n;
  } finally {
    disposeNet(e.net);
  }
}

/** Top-1 on a whole split, batch norm on its running estimates. */
function accuracy(e: EvaluationNet, set: ImageSet, batchSize: number): number {
  const m = meter();
  for (let start = 0; start < set.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, set.count - start) }, (_, i) => start + i);
    const v = batchTensors(set, indices);
    tf.tidy(() => record(m, 0, forward({ net: e.net, mode: 'eval' }, e, v.x), v.labels));
    tf.dispose([v.x, v.y]);
  }
  return m.top1 / Math.max(1, m.count);
}

/** One epoch of SGD on the training split (the paper's train.py, without its auxiliary loss). */
function trainEpoch(e: EvaluationNet, train: ImageSet, sgd: SgdState, o: { epoch: number; epochs: number; batchSize: number; lr: number; momentum: number; weightDecay: number; gradClip: number; seed: number }): void {
  // Cosine annealing to 0 over the epochs (Loshchilov & Hutter 2017, eq. 5), per epoch as train.py.
  const lr = cosineLr(o.epoch, o.epochs, o.lr, 0);
  const weights = [...e.net.weights.values()];
  for (const indices of batches(train.count, o.batchSize, createRng(o.seed, 'darts-eval', 'batches', o.epoch))) {
    const t = batchTensors(train, indices);
    const pass: Pass = { net: e.net, mode: 'train', batchStats: new Map() };
    const w = tf.variableGrads(() => crossEntropy(forward(pass, e, t.x), t.y), weights);
    const clipped = clipGlobalNorm(weights.map((x) => w.grads[x.name] as tf.Tensor), o.gradClip);
    sgdStep(weights, clipped.grads, sgd, { lr, momentum: o.momentum, weightDecay: o.weightDecay });
    updateRunningStats(e.net, pass.batchStats as NonNullable<Pass['batchStats']>);
    tf.dispose([w.value, ...Object.values(w.grads), ...clipped.grads, t.x, t.y]);
  }
}

/**
 * Trains a genotype's evaluation network from scratch on the digits' training split and
 * returns its top-1 on the validation split. The same seed gives the same weights, data
 * split and batch order, so the same accuracy on the same backend.
 * @example
 *   const { validationAccuracy } = await trainGenotype(result.genotype, { epochs: 10, backend: 'wasm' });
 */
export async function trainGenotype(genotype: string, o: TrainGenotypeOptions): Promise<{ validationAccuracy: number; parameters: number }> {
  const d = EVALUATION_DEFAULTS;
  const epochs = positiveInteger('epochs', o.epochs);
  const batchSize = positiveInteger('batchSize', o.batchSize ?? d.batchSize);
  const seed = o.seed ?? d.seed;
  parseGenotype(genotype);
  const data = loadDigits({ size: o.imageSize ?? d.imageSize, train: o.trainImages ?? d.trainImages, validation: o.validationImages ?? d.validationImages, seed });
  await useBackend(o.backend ?? 'auto');
  registerCoreGradients();
  const e = buildNet(genotype, o);
  const sgd: SgdState = { buffers: null };
  try {
    const settings = { epochs, batchSize, seed, lr: o.learningRate ?? d.learningRate, momentum: o.momentum ?? d.momentum, weightDecay: o.weightDecay ?? d.weightDecay, gradClip: o.gradClip ?? d.gradClip };
    for (let epoch = 0; epoch < epochs; epoch++) trainEpoch(e, data.train, sgd, { ...settings, epoch });
    let parameters = 0;
    for (const v of e.net.weights.values()) parameters += v.size;
    return { validationAccuracy: accuracy(e, data.validation, batchSize), parameters };
  } finally {
    if (sgd.buffers) tf.dispose(sgd.buffers);
    disposeNet(e.net);
  }
}
