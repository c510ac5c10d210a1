import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../../src/rng.js';
import type { ImageSet } from '../data.js';
import type { DartsSettings } from './arguments.js';
import { deriveGene, type Genotype } from './genotype.js';
import { type NetState, type Pass, updateRunningStats } from './layers.js';
import { type Alphas, alphaWeights, crossEntropy, forward, type NetworkSpec } from './network.js';
import { adamState, adamStep, clipGlobalNorm, cosineLr, disposeOptimizers, sgdStep, type SgdState } from './optimizers.js';
import { percent, trainLine, type Meter, meter, record, validLine } from './report.js';

/**
 * The DARTS search loop (Liu et al. 2019, Alg. 1) with the first-order approximation
 * (§2.3, ξ = 0): each step moves α by ∇_α L_val(w, α) on a validation batch (Adam), then w by
 * ∇_w L_train(w, α) on a training batch (SGD). Katib's trial takes the second-order step
 * (eq. 7, finite-difference Hessian–vector product); that is not done here. Batches pair a
 * training and a validation batch per step as Katib's zip of the two loaders does.
 */
export interface SearchInput {
  spec: NetworkSpec;
  net: NetState;
  alphas: Alphas;
  settings: DartsSettings;
  train: ImageSet;
  validation: ImageSet;
  seed: number;
  print: (line: string) => void;
}

export interface EpochResult {
  epoch: number;
  genotype: Genotype;
  top1: number;
  seconds: number;
}

/** Digits normalised as the PyTorch MNIST example does (mean 0.1307, std 0.3081). */
const MEAN = 0.1307;
const STD = 0.3081;

export function batches(n: number, size: number | null, rng: Rng): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const b = size ?? n;
  const out: number[][] = [];
  for (let i = 0; i < n; i += b) out.push(order.slice(i, i + b));
  return out;
}

export function batchTensors(set: ImageSet, indices: number[]): { x: tf.Tensor4D; y: tf.Tensor2D; labels: Int32Array } {
  const pixels = set.size * set.size * set.channels;
  const data = new Float32Array(indices.length * pixels);
  const labels = new Int32Array(indices.length);
  indices.forEach((idx, k) => {
    for (let p = 0; p < pixels; p++) data[k * pixels + p] = ((set.images[idx * pixels + p] ?? 0) - MEAN) / STD;
    labels[k] = set.labels[idx] ?? 0;
  });
  const x = tf.tensor4d(data, [indices.length, set.size, set.size, set.channels]);
  // Built here: the wasm backend's OneHot writes int32 data whatever dtype is asked for.
  const hot = new Float32Array(indices.length * set.classes);
  labels.forEach((label, k) => (hot[k * set.classes + label] = 1));
  const y = tf.tensor2d(hot, [indices.length, set.classes]);
  return { x, y, labels };
}

export function genotypeOf(spec: NetworkSpec, alphas: Alphas): Genotype {
  const names = spec.primitives.map((p) => p.name);
  return { normal: deriveGene(alphaWeights(alphas.normal), names), reduce: deriveGene(alphaWeights(alphas.reduce), names), numNodes: spec.numNodes };
}

/** One epoch of the bilevel search; returns the mean training top-1. */
export function trainEpoch(s: SearchInput, epoch: number, state: { sgd: SgdState; adam: ReturnType<typeof adamState> }): Meter {
  const st = s.settings;
  const lr = cosineLr(epoch, st.numEpochs, st.wLr, st.wLrMin);
  const rng = createRng(s.seed, 'darts', 'batches', epoch);
  const trainBatches = batches(s.train.count, st.batchSize, rng);
  const validBatches = batches(s.validation.count, st.batchSize, rng);
  const steps = Math.min(trainBatches.length, validBatches.length);
  const weights = [...s.net.weights.values()];
  const alphaList = [...s.alphas.normal, ...s.alphas.reduce];
  const m = meter();
  for (let step = 0; step < steps; step++) {
    const t = batchTensors(s.train, trainBatches[step] as number[]);
    const v = batchTensors(s.validation, validBatches[step] as number[]);
    // Phase 1, α: ∇_α L_val(w, α), BN on the validation batch's own statistics.
    const archPass: Pass = { net: s.net, mode: 'train' };
    const arch = tf.variableGrads(() => crossEntropy(forward(archPass, s.spec, s.alphas, v.x), v.y), alphaList);
    adamStep(alphaList, alphaList.map((a) => arch.grads[a.name] as tf.Tensor), state.adam, { lr: st.alphaLr, weightDecay: st.alphaWeightDecay });
    tf.dispose([arch.value, ...Object.values(arch.grads)]);
    // Phase 2, w: ∇_w L_train(w, α), clipped, SGD; the BN running estimates follow this pass.
    const pass: Pass = { net: s.net, mode: 'train', batchStats: new Map() };
    let logits: tf.Tensor2D | undefined;
    const w = tf.variableGrads(() => {
      const out = forward(pass, s.spec, s.alphas, t.x);
      logits = tf.keep(out);
      return crossEntropy(out, t.y);
    }, weights);
    const clipped = clipGlobalNorm(weights.map((x) => w.grads[x.name] as tf.Tensor), st.wGradClip);
    sgdStep(weights, clipped.grads, state.sgd, { lr, momentum: st.wMomentum, weightDecay: st.wWeightDecay });
    updateRunningStats(s.net, pass.batchStats as NonNullable<Pass['batchStats']>);
    record(m, (w.value.dataSync()[0] ?? NaN), logits as tf.Tensor2D, t.labels);
    tf.dispose([w.value, ...Object.values(w.grads), ...clipped.grads, logits as tf.Tensor, t.x, t.y, v.x, v.y]);
    if (step % st.printStep === 0 || step === steps - 1) s.print(trainLine('Train', epoch, st.numEpochs, step, steps, m));
  }
  s.print(`Train: [${String(epoch + 1).padStart(2)}/${st.numEpochs}] Final Prec@1 ${percent(m.top1 / Math.max(1, m.count), 4)}`);
  return m;
}

/** Top-1 on the whole validation split, BN on its running estimates (Katib's validate). */
export function validate(s: SearchInput, epoch: number): number {
  const st = s.settings;
  const order = Array.from({ length: s.validation.count }, (_, i) => i);
  const size = st.batchSize ?? order.length;
  const steps = Math.ceil(order.length / size);
  const m = meter();
  for (let step = 0; step < steps; step++) {
    const v = batchTensors(s.validation, order.slice(step * size, (step + 1) * size));
    const pass: Pass = { net: s.net, mode: 'eval' };
    tf.tidy(() => {
      const logits = forward(pass, s.spec, s.alphas, v.x);
      record(m, crossEntropy(logits, v.y, false).dataSync()[0] ?? NaN, logits, v.labels);
    });
    tf.dispose([v.x, v.y]);
    if (step % st.printStep === 0 || step === steps - 1) s.print(trainLine('Validation', epoch, st.numEpochs, step, steps, m));
  }
  const top1 = m.top1 / Math.max(1, m.count);
  s.print(validLine(epoch, st.numEpochs, top1));
  return top1;
}

export { adamState, disposeOptimizers };
