import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from '../data.js';
import { forward, type NormStats, type NormStatsByLayer, type Params } from './network.js';
import type { NetworkPlan } from './plan.js';

/**
 * The population statistics batch normalisation uses at inference (Ioffe & Szegedy 2015,
 * §3.1), re-estimated after each epoch with the epoch's final weights: the average of the
 * batch means and of the batch variances over up to `maxImages` training images, taken
 * in training mode without updating anything ("PreciseBN", Wu & Johnson 2021, §3.1).
 *
 * Keras instead keeps moving averages (momentum 0.99) during training; that suits Katib's
 * 390 steps an epoch on CIFAR-10, but after the few dozen steps of a trial on the digits
 * the averages still remember the first, very different, weights, and validation accuracy
 * falls far below training accuracy.
 */
export function populationStats(plan: NetworkPlan, params: Params, data: ImageSet, batchSize: number, maxImages = 1000): Map<number, NormStats> {
  const count = Math.min(data.count, maxImages);
  const pixels = data.size * data.size * data.channels;
  const sums = new Map<number, NormStats>();
  let batches = 0;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    tf.tidy(() => {
      const x = tf.tensor4d(data.images.subarray(start * pixels, (start + n) * pixels), [n, data.size, data.size, data.channels]);
      const { batchStats } = forward(plan, params, x, { training: true });
      for (const [index, stats] of batchStats) {
        const old = sums.get(index);
        const next = old ? { mean: tf.add(old.mean, stats.mean) as tf.Tensor1D, variance: tf.add(old.variance, stats.variance) as tf.Tensor1D } : stats;
        sums.set(index, { mean: tf.keep(next.mean), variance: tf.keep(next.variance) });
        if (old) disposeStats(new Map([[index, old]]));
      }
    });
    batches++;
  }
  const averages = new Map<number, NormStats>();
  for (const [index, s] of sums) averages.set(index, { mean: tf.div(s.mean, batches), variance: tf.div(s.variance, batches) });
  disposeStats(sums);
  // a plan without a batch-normalised layer has nothing to estimate
  for (const layer of plan.layers) {
    if (layer.normChannels > 0 && !averages.has(layer.index)) {
      averages.set(layer.index, { mean: tf.zeros([layer.normChannels]), variance: tf.ones([layer.normChannels]) });
    }
  }
  return averages;
}

export function disposeStats(stats: NormStatsByLayer): void {
  for (const s of stats.values()) tf.dispose([s.mean, s.variance]);
}
