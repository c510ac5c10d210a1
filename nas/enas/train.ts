import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/rng.js';
import type { ImageSet } from '../data.js';
import { registerCoreGradients } from '../gradients.js';
import { forward, initParams, type NormStats } from './network.js';
import { disposeStats, populationStats } from './population-stats.js';
import type { NetworkPlan } from './plan.js';

export interface TrainSettings {
  batchSize: number;
  /** Adam's step size (Kingma & Ba 2015); Katib's trial uses 1e-3. */
  learningRate: number;
  /** Seeds the weights and the order of the batches. */
  seed: number;
  /** Training images batch normalisation's population statistics are estimated on (population-stats.ts). */
  normImages: number;
}

/** A network being trained: its plan, weights, optimiser and inference statistics. */
export interface TrainState {
  plan: NetworkPlan;
  params: Record<string, tf.Variable>;
  optimizer: tf.Optimizer;
  /** Batch normalisation's population statistics, estimated after the last epoch. */
  population: Map<number, NormStats>;
  settings: TrainSettings;
}

/** Accuracy and mean categorical cross-entropy over a set, as Keras's fit reports them. */
export interface SetMetrics {
  accuracy: number;
  loss: number;
}

export function createTrainState(plan: NetworkPlan, settings: TrainSettings): TrainState {
  registerCoreGradients();
  return {
    plan,
    params: initParams(plan, settings.seed),
    // Keras's Adam defaults: β1 0.9, β2 0.999, ε 1e-7.
    optimizer: tf.train.adam(settings.learningRate, 0.9, 0.999, 1e-7),
    population: new Map(),
    settings,
  };
}

export function disposeTrainState(state: TrainState): void {
  tf.dispose(Object.values(state.params));
  state.optimizer.dispose();
  disposeStats(state.population);
}

/**
 * One pass over the training set in a seeded order, one Adam step per batch (the last
 * one may be smaller), then batch normalisation's population statistics are estimated
 * anew. Like Keras's history, the accuracy and loss are the averages over
 * the epoch's batches as they were trained, weighted by batch size.
 */
export function trainEpoch(state: TrainState, data: ImageSet, epoch: number): SetMetrics {
  const order = shuffled(data.count, createRng(state.settings.seed, 'enas-batches', epoch));
  const varList = Object.values(state.params);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < data.count; start += state.settings.batchSize) {
    const batch = order.slice(start, start + state.settings.batchSize);
    let logits: tf.Tensor2D | undefined;
    const { x, labels, y } = batchTensors(data, batch, state.plan.classes);
    const { value, grads } = tf.variableGrads(() => {
      const out = forward(state.plan, state.params, x, { training: true });
      logits = tf.keep(out.logits);
      return crossEntropy(out.logits, y);
    }, varList);
    state.optimizer.applyGradients(grads);
    if (!logits) throw new Error('the forward pass did not run');
    lossSum += (value.dataSync()[0] ?? NaN) * batch.length;
    correct += countCorrect(logits, labels);
    tf.dispose([value, logits, x, labels, y, ...Object.values(grads)]);
  }
  disposeStats(state.population);
  state.population = populationStats(state.plan, state.params, data, state.settings.batchSize, state.settings.normImages);
  return { accuracy: correct / data.count, loss: lossSum / data.count };
}

/** Accuracy and loss on a set in inference mode (population statistics), as Keras's validation. */
export function evaluate(state: TrainState, data: ImageSet, batchSize = 250): SetMetrics {
  // before the first epoch there are no population statistics: layers then use the batch's own
  const stats = state.population;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, data.count - start) }, (_, i) => start + i);
    const { x, labels, y } = batchTensors(data, batch, state.plan.classes);
    const logits = tf.tidy(() => forward(state.plan, state.params, x, { training: false, stats }).logits);
    const loss = tf.tidy(() => crossEntropy(logits, y));
    lossSum += (loss.dataSync()[0] ?? NaN) * batch.length;
    correct += countCorrect(logits, labels);
    tf.dispose([x, labels, y, logits, loss]);
  }
  return { accuracy: correct / data.count, loss: lossSum / data.count };
}

/** Mean categorical cross-entropy of softmax(logits) against one-hot targets. */
export function crossEntropy(logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')).dataSync()[0] ?? 0);
}

function batchTensors(data: ImageSet, indices: readonly number[], classes: number): { x: tf.Tensor4D; labels: tf.Tensor1D; y: tf.Tensor2D } {
  const pixels = data.size * data.size * data.channels;
  const images = new Float32Array(indices.length * pixels);
  const labels = new Int32Array(indices.length);
  indices.forEach((i, n) => {
    images.set(data.images.subarray(i * pixels, (i + 1) * pixels), n * pixels);
    labels[n] = data.labels[i] ?? 0;
  });
  const x = tf.tensor4d(images, [indices.length, data.size, data.size, data.channels]);
  const labelTensor = tf.tensor1d(labels, 'int32');
  return { x, labels: labelTensor, y: tf.tidy(() => tf.cast(tf.oneHot(labelTensor, classes), 'float32') as tf.Tensor2D) };
}

/** 0..n−1 in a seeded Fisher–Yates order. */
function shuffled(n: number, rng: { int(n: number): number }): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
