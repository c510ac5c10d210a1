import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../nas/backend.js';
import { parseSearchSpace } from '../../../nas/darts/arguments.js';
import { registerCoreGradients } from '../../../nas/gradients.js';
import type { Pass } from '../../../nas/darts/layers.js';
import { type Alphas, crossEntropy, disposeNetwork, forward, initAlphas, initNetwork, networkSpec } from '../../../nas/darts/network.js';
import { mixedOp, operation, stateInput } from '../../../nas/darts/operations.js';
import { createRng } from '../../../src/rng.js';

const ALL_OPS =
  "['separable_convolution_3x3', 'separable_convolution_5x5', 'dilated_convolution_3x3', 'dilated_convolution_5x5', 'max_pooling_3x3', 'avg_pooling_3x3', 'skip_connection']";

function random(shape: number[], seed: number, scale = 1): tf.Tensor {
  const rng = createRng(seed, 'darts-network-test');
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()), shape);
}

describe('DARTS supernet', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    registerCoreGradients();
  });

  for (const stride of [1, 2]) {
    it(`a mixed operation (stride ${stride}) is the softmax-weighted sum of its operations (eq. 1)`, () => {
      const primitives = parseSearchSpace(ALL_OPS);
      const pass: Pass = { net: { weights: new Map(), running: new Map() }, mode: 'train', init: createRng(1, 'mixed-op-test') };
      tf.tidy(() => {
        const x = random([2, 7, 7, 4], 2) as tf.Tensor4D;
        const alpha = random([1, primitives.length], 3) as tf.Tensor2D;
        const mixed = mixedOp(pass, 'edge', primitives, stateInput(x, 'x'), stride, alpha).arraySync() as number[][][][];
        // Expected, op by op in plain numbers: Σ_o softmax(α)_o · o(x), none contributing 0.
        const a = alpha.dataSync();
        const z = Array.from(a).reduce((s, v) => s + Math.exp(v), 0);
        const input = stateInput(x, 'x');
        const expected = new Float64Array(tf.util.sizeFromShape([2, Math.ceil(7 / stride), Math.ceil(7 / stride), 4]));
        primitives.forEach((p, o) => {
          const y = operation(pass, 'edge', p, input, stride);
          if (!y) return;
          const w = Math.exp(a[o] ?? 0) / z;
          y.dataSync().forEach((v, i) => (expected[i] = (expected[i] ?? 0) + w * v));
        });
        const flat = mixed.flat(3);
        expect(flat.length).toBe(expected.length);
        flat.forEach((v, i) => expect(Math.abs(v - (expected[i] ?? 0)), `element ${i}`).toBeLessThan(1e-5));
      });
      for (const v of pass.net.weights.values()) v.dispose();
      for (const r of pass.net.running.values()) tf.dispose([r.mean, r.variance]);
    });
  }

  it('lays out reduction cells at 1/3 and 2/3 of the depth, doubling the channels', () => {
    const primitives = parseSearchSpace("['skip_connection']");
    const spec = networkSpec({ numLayers: 8, numNodes: 4, initChannels: 16, stemMultiplier: 3, primitives, inputChannels: 3, classes: 10 });
    expect(spec.cells.map((c) => c.reduction)).toEqual([false, false, true, false, false, true, false, false]);
    expect(spec.cells.map((c) => c.c)).toEqual([16, 16, 32, 32, 32, 64, 64, 64]);
    expect(spec.cells[3]?.reductionPrev).toBe(true);
    expect(networkSpec({ numLayers: 2, numNodes: 1, initChannels: 1, stemMultiplier: 1, primitives, inputChannels: 1, classes: 10 }).cells.map((c) => c.reduction)).toEqual([false, true]);
    expect(networkSpec({ numLayers: 1, numNodes: 1, initChannels: 1, stemMultiplier: 1, primitives, inputChannels: 1, classes: 10 }).hasReduce).toBe(false);
  });

  /**
   * d L_val / d α against central differences (L(α + εe) − L(α − εe)) / 2ε on a two-cell net
   * (one normal, one reduction cell) of 2 channels, one node, all operations, 6×6 inputs,
   * batch 4. float32: the loss (~2.3) carries rounding ~3e-7, so with ε = 3e-3 the quotient is
   * good to ~5e-5 absolute plus O(ε²) truncation; a larger ε (1e-2) lets ReLUs and max pools
   * switch inside the interval and biases the quotient by ~5e-4. α is drawn with scale 1 so the
   * gradients are ~1e-2, and each component must agree within 1e-2 · max|g| (1e-2 relative).
   */
  it('architecture gradients match central finite differences', () => {
    const primitives = parseSearchSpace(ALL_OPS);
    const spec = networkSpec({ numLayers: 2, numNodes: 1, initChannels: 2, stemMultiplier: 1, primitives, inputChannels: 1, classes: 10 });
    const alphas: Alphas = initAlphas(spec, 5);
    [...alphas.normal, ...alphas.reduce].forEach((a, i) => a.assign(random(a.shape, 40 + i) as tf.Tensor2D));
    const net = initNetwork(spec, alphas, 6, 5);
    const x = random([4, 6, 6, 1], 6) as tf.Tensor4D;
    const y = tf.cast(tf.oneHot(tf.tensor1d([1, 3, 5, 7], 'int32'), 10), 'float32') as tf.Tensor2D;
    const loss = () => crossEntropy(forward({ net, mode: 'train' }, spec, alphas, x), y);
    const list = [...alphas.normal, ...alphas.reduce];
    const { value, grads } = tf.variableGrads(loss, list);
    const analytic = list.map((a) => Array.from((grads[a.name] as tf.Tensor).dataSync()));
    const scale = Math.max(...analytic.flat().map(Math.abs));
    expect(scale).toBeGreaterThan(1e-3);
    const eps = 3e-3;
    list.forEach((a, v) => {
      const base = a.dataSync().slice();
      for (let i = 0; i < base.length; i++) {
        const at = (d: number) => {
          const moved = base.slice();
          moved[i] = (moved[i] ?? 0) + d;
          a.assign(tf.tensor(moved, a.shape));
          return tf.tidy(() => loss().dataSync()[0] ?? NaN);
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        const g = analytic[v]?.[i] ?? NaN;
        expect(Math.abs(numeric - g), `alpha ${v}[${i}]: analytic ${g}, numeric ${numeric}`).toBeLessThan(1e-2 * scale);
      }
      a.assign(tf.tensor(base, a.shape));
    });
    tf.dispose([value, ...Object.values(grads), x, y]);
    disposeNetwork(net, alphas);
  });
});
