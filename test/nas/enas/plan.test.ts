import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { forward, initParams } from '../../../nas/enas/network.js';
import type { LayerSpec, Operation } from '../../../nas/enas/operations.js';
import { nonTrainableCount, planNetwork, trainableCount } from '../../../nas/enas/plan.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const conv = (filterSize: number, numFilter: number, stride: number): Operation => ({ type: 'convolution', filterSize, numFilter, stride });
const layer = (operation: Operation, ...skips: number[]): LayerSpec => ({ opId: 0, operation, skips: skips.map((s) => s === 1) });

/**
 * Input 8×8×1; by hand, with Keras's parameter counting (kernel, bias, BN γ and β trainable;
 * BN moving mean and variance not):
 *  1 conv 3×3, 4 filters        from input                  8×8×1 → 8×8×4   3·3·1·4 + 4 + 4 + 4 = 48, non-trainable 8
 *  2 max pool 2 (stride 2)      from layer 1 + input (skip) 8×8×5 → 4×4×5   0
 *  3 separable 3×3, 6 filters, depth multiplier 2
 *                               from layer 2 + layer 1: layer 2 padded 2 each side to 8×8, 8×8×9 → 8×8×6
 *                               depthwise 3·3·9·2 = 162, pointwise 18·6 = 108, bias 6, γ 6, β 6 = 288, non-trainable 12
 *  4 depthwise 3×3, stride 2    from layer 3 + input        8×8×7 → 4×4×7   3·3·7·1 + 7 + 7 + 7 = 84, non-trainable 14
 *  head: dense 7 → 10           7·10 + 10 = 80
 *  trainable 48 + 288 + 84 + 80 = 500; non-trainable 8 + 12 + 14 = 34.
 */
const HAND: LayerSpec[] = [
  layer(conv(3, 4, 1)),
  layer({ type: 'reduction', reductionType: 'max_pooling', poolSize: 2, stride: 2 }, 1),
  layer({ type: 'separable_convolution', filterSize: 3, numFilter: 6, stride: 1, depthMultiplier: 2 }, 0, 1),
  layer({ type: 'depthwise_convolution', filterSize: 3, stride: 2, depthMultiplier: 1 }, 1, 0, 0),
];

describe("the network of Katib's ModelConstructor", () => {
  it('has the hand-derived shapes, inputs, paddings and parameter counts', () => {
    const plan = planNetwork(HAND, [8, 8, 1], 10);
    expect(plan.layers.map((l) => l.inputs)).toEqual([[0], [1, 0], [2, 1], [3, 0]]);
    expect(plan.layers.map((l) => l.inputShape)).toEqual([
      [8, 8, 1],
      [8, 8, 5],
      [8, 8, 9],
      [8, 8, 7],
    ]);
    expect(plan.layers.map((l) => l.outputShape)).toEqual([
      [8, 8, 4],
      [4, 4, 5],
      [8, 8, 6],
      [4, 4, 7],
    ]);
    expect(plan.layers[2]?.pads).toEqual([
      [2, 2, 2, 2],
      [0, 0, 0, 0],
    ]);
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    expect(plan.layers.map((l) => l.params.reduce((n, p) => n + size(p.shape), 0))).toEqual([48, 0, 288, 84]);
    expect(trainableCount(plan)).toBe(500);
    expect(nonTrainableCount(plan)).toBe(34);
  });

  it('builds tensors of those shapes', () => {
    const plan = planNetwork(HAND, [8, 8, 1], 10);
    const params = initParams(plan, 1);
    expect(Object.values(params).reduce((n, p) => n + p.size, 0)).toBe(500);
    tf.tidy(() => {
      const out = forward(plan, params, tf.ones([3, 8, 8, 1]), { training: true });
      expect(out.outputs.slice(1).map((t) => t.shape)).toEqual(plan.layers.map((l) => [3, ...l.outputShape]));
      expect(out.logits.shape).toEqual([3, 10]);
      expect([...out.batchStats.keys()]).toEqual([1, 3, 4]);
    });
    tf.dispose(Object.values(params));
  });

  it('pads an odd difference with the extra pixel after (bottom, right), as Keras ZeroPadding2D is given it', () => {
    // 7×7 → pool 3 (stride 3): floor((7 − 3) / 3) + 1 = 2; skip from the 7×7 input: diff 5 = 2 + 3
    const plan = planNetwork([layer({ type: 'reduction', reductionType: 'avg_pooling', poolSize: 3, stride: 3 }), layer(conv(3, 2, 1), 1)], [7, 7, 1], 10);
    expect(plan.layers[0]?.outputShape).toEqual([2, 2, 1]);
    expect(plan.layers[1]?.pads).toEqual([
      [2, 3, 2, 3],
      [0, 0, 0, 0],
    ]);
    expect(plan.layers[1]?.inputShape).toEqual([7, 7, 2]);
  });

  it("passes an input too small to pool through unchanged (Katib's 1×1 rule)", () => {
    const pool = (poolSize: number): Operation => ({ type: 'reduction', reductionType: 'max_pooling', poolSize, stride: poolSize });
    const plan = planNetwork([layer(conv(3, 2, 2)), layer(pool(3)), layer(pool(2)), layer(conv(3, 2, 2)), layer(pool(2))], [4, 4, 1], 10);
    // 4 → conv stride 2: 2 → pool 3 > 2: identity → pool 2: 1 → conv: 1 → pool on 1×1: identity
    expect(plan.layers.map((l) => [l.outputShape[0], l.identity])).toEqual([
      [2, false],
      [2, true],
      [1, false],
      [1, false],
      [1, true],
    ]);
  });

  it("uses 'same' padding for convolutions: ceil(n / stride)", () => {
    const plan = planNetwork([layer(conv(7, 3, 2)), layer(conv(5, 3, 2)), layer(conv(3, 3, 2))], [14, 14, 1], 10);
    expect(plan.layers.map((l) => l.outputShape[0])).toEqual([7, 4, 2]);
  });
});
