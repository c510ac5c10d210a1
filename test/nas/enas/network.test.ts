import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCoreGradients } from '../../../nas/gradients.js';
import { forward, initParams, layerInput } from '../../../nas/enas/network.js';
import type { LayerSpec, Operation } from '../../../nas/enas/operations.js';
import { planNetwork } from '../../../nas/enas/plan.js';
import { crossEntropy } from '../../../nas/enas/train.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCoreGradients();
});

const conv = (numFilter: number, stride = 1): Operation => ({ type: 'convolution', filterSize: 3, numFilter, stride });
const layer = (operation: Operation, ...skips: number[]): LayerSpec => ({ opId: 0, operation, skips: skips.map((s) => s === 1) });
const maxPool: Operation = { type: 'reduction', reductionType: 'max_pooling', poolSize: 2, stride: 2 };

/** A batch with distinct values everywhere, so that any change in wiring shows. */
function ramp(shape: [number, number, number, number]): tf.Tensor4D {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + 0.1 * (i % 7)), shape);
}

describe('skip connections', () => {
  it("form a layer's input as ModelConstructor does: previous layer, then the flagged layers in order, zero-padded, along channels", () => {
    // layer 3 of [[c], [pool, 1], [c, 1, 1]]: layer 2 (4×4×3) padded to 8×8, then the input (8×8×1), then layer 1 (8×8×2)
    const plan = planNetwork([layer(conv(2)), layer(maxPool, 1), layer(conv(2), 1, 1)], [8, 8, 1], 10);
    const third = plan.layers[2];
    if (!third) throw new Error('no layer 3');
    expect(third.inputs).toEqual([2, 0, 1]);
    tf.tidy(() => {
      const outputs = [ramp([2, 8, 8, 1]), ramp([2, 8, 8, 2]), ramp([2, 4, 4, 3])];
      const got = layerInput(third, outputs);
      expect(got.shape).toEqual([2, 8, 8, 6]);
      const padded = tf.pad(outputs[2] as tf.Tensor4D, [[0, 0], [2, 2], [2, 2], [0, 0]]);
      const expected = tf.concat([padded, outputs[0] as tf.Tensor4D, outputs[1] as tf.Tensor4D], 3);
      expect(Array.from(got.dataSync())).toEqual(Array.from(expected.dataSync()));
      // the border of the padded part is zero
      expect(tf.slice(got, [0, 0, 0, 0], [2, 2, 8, 3]).dataSync().every((v) => v === 0)).toBe(true);
    });
  });

  it('a skip flag changes what the layer computes; the same weights with the skip input zero give the plain chain', () => {
    const x = ramp([4, 8, 8, 1]);
    const withSkip = planNetwork([layer(conv(3)), layer(conv(3), 1)], [8, 8, 1], 10);
    const without = planNetwork([layer(conv(3)), layer(conv(3), 0)], [8, 8, 1], 10);
    const params = initParams(withSkip, 5);
    tf.tidy(() => {
      const a = forward(withSkip, params, x, { training: true }).logits;
      // the chain's layer-2 kernel is the first 3 input channels of the skip network's [3, 3, 3 + 1, 3] kernel
      const chain = { ...params, 'layer2/kernel': tf.slice(params['layer2/kernel'] as tf.Tensor, [0, 0, 0, 0], [3, 3, 3, 3]) };
      const b = forward(without, chain, x, { training: true }).logits;
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(1e-3);
      // zeroing the kernel's slice for the skipped-in image makes the two networks agree
      const k = params['layer2/kernel'] as tf.Tensor;
      const zeroed = { ...params, 'layer2/kernel': tf.concat([tf.slice(k, [0, 0, 0, 0], [3, 3, 3, 3]), tf.zeros([3, 3, 1, 3])], 2) };
      const c = forward(withSkip, zeroed, x, { training: true }).logits;
      expect(tf.max(tf.abs(tf.sub(c, b))).dataSync()[0]).toBeLessThan(1e-5);
    });
    tf.dispose([x, ...Object.values(params)]);
  });

  it('the same seed gives the same weights; another seed other weights', () => {
    const plan = planNetwork([layer(conv(3)), layer(conv(3), 1)], [8, 8, 1], 10);
    const [a, b, c] = [initParams(plan, 1), initParams(plan, 1), initParams(plan, 2)];
    const kernel = (p: Record<string, tf.Tensor>) => Array.from((p['layer2/kernel'] as tf.Tensor).dataSync());
    expect(kernel(a)).toEqual(kernel(b));
    expect(kernel(a)).not.toEqual(kernel(c));
    // Glorot uniform: |w| ≤ sqrt(6 / (fan_in + fan_out)) = sqrt(6 / (3·3·4 + 3·3·3))
    expect(Math.max(...kernel(a).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 63));
    tf.dispose([...Object.values(a), ...Object.values(b), ...Object.values(c)]);
  });
});

describe('gradients', () => {
  it('of a network with every operation agree with central differences', () => {
    const ops: Operation[] = [
      conv(3, 2),
      { type: 'separable_convolution', filterSize: 3, numFilter: 4, stride: 1, depthMultiplier: 2 },
      { type: 'reduction', reductionType: 'avg_pooling', poolSize: 2, stride: 2 },
      { type: 'depthwise_convolution', filterSize: 3, stride: 1, depthMultiplier: 2 },
      maxPool,
    ];
    const plan = planNetwork(ops.map((op, k) => layer(op, ...Array.from({ length: k }, (_, j) => (j % 2 === 0 ? 1 : 0)))), [7, 7, 1], 10);
    const params = initParams(plan, 3);
    const x = ramp([3, 7, 7, 1]);
    const y = tf.oneHot(tf.tensor1d([1, 4, 7], 'int32'), 10) as tf.Tensor2D;
    const loss = () => crossEntropy(forward(plan, params, x, { training: true }).logits, y);
    const { grads } = tf.variableGrads(loss);
    let checked = 0;
    for (const [name, variable] of Object.entries(params)) {
      const g = grads[variable.name]?.dataSync();
      if (!g) throw new Error(`no gradient for ${name}`);
      const values = variable.dataSync().slice();
      for (const i of [0, Math.floor(values.length / 2), values.length - 1]) {
        const h = 1e-3;
        const at = (delta: number) => {
          const v = values.slice();
          v[i] = (v[i] as number) + delta;
          variable.assign(tf.tensor(v, variable.shape));
          return tf.tidy(() => loss().dataSync()[0] as number);
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        variable.assign(tf.tensor(values, variable.shape));
        // float32 central differences (h = 1e-3) across ReLU kinks: ~1e-3 off; a wrong gradient is off by far more
        expect(Math.abs(numeric - (g[i] as number)), `${name}[${i}]: numeric ${numeric}, analytic ${g[i]}`).toBeLessThan(5e-3 + 0.05 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBe(3 * Object.keys(params).length);
    tf.dispose([x, y, ...Object.values(params), ...Object.values(grads)]);
  });
});
