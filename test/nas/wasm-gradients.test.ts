import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../nas/backend.js';
import { registerCoreGradients } from '../../nas/gradients.js';
import { depthwise } from '../../nas/darts/layers.js';
import { registerWasmGradients } from '../../nas/wasm-gradients.js';
import { createRng } from '../../src/rng.js';

/**
 * The wasm backend's registered convolution gradients against the CPU backend's built-in
 * kernels (tfjs-backend-cpu 4.22), on random shapes; gradient functions from nas/darts/gradients.ts. Tolerance: |wasm − cpu| ≤ 1e-5 · (max |cpu| + 1e-3)
 * per tensor, float32 sums of at most a few hundred terms.
 */
type Case = { x: number[]; f: number[]; strides: number; pad: 'same' | 'valid' | number; dilations: number };

const CONV_CASES: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same', dilations: 1 },
  { x: [2, 8, 8, 3], f: [3, 3, 3, 5], strides: 2, pad: 'same', dilations: 1 },
  { x: [1, 9, 6, 2], f: [5, 3, 2, 3], strides: 2, pad: 'valid', dilations: 1 },
  { x: [3, 6, 6, 4], f: [1, 1, 4, 6], strides: 2, pad: 'valid', dilations: 1 },
  { x: [2, 7, 7, 1], f: [3, 3, 1, 6], strides: 1, pad: 1, dilations: 1 },
  { x: [2, 5, 5, 2], f: [1, 1, 2, 3], strides: 1, pad: 0, dilations: 1 },
];

const DEPTHWISE_CASES: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 1], strides: 1, pad: 1, dilations: 1 },
  { x: [2, 14, 14, 4], f: [5, 5, 4, 1], strides: 2, pad: 2, dilations: 1 },
  { x: [2, 7, 7, 4], f: [3, 3, 4, 1], strides: 2, pad: 1, dilations: 1 },
  { x: [1, 8, 9, 2], f: [3, 3, 2, 2], strides: 1, pad: 'same', dilations: 1 },
  { x: [2, 9, 8, 3], f: [5, 3, 3, 1], strides: 2, pad: 'valid', dilations: 1 },
  { x: [1, 8, 8, 2], f: [3, 3, 2, 1], strides: 2, pad: 'same', dilations: 1 },
];

function values(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed, 'wasm-gradients-test');
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

async function gradients(backend: 'cpu' | 'wasm', c: Case, depthwise: boolean, seed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.x, seed), c.x as [number, number, number, number]);
    const f = tf.tensor4d(values(c.f, seed + 1), c.f as [number, number, number, number]);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) =>
      depthwise ? tf.depthwiseConv2d(a, b, c.strides, c.pad, 'NHWC', c.dilations) : tf.conv2d(a, b, c.strides, c.pad, 'NHWC', c.dilations);
    const outShape = conv(x, f).shape;
    const upstream = tf.tensor(values(outShape, seed + 2), outShape);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), upstream)))([x, f]);
    return [(dx as tf.Tensor).dataSync() as Float32Array, (df as tf.Tensor).dataSync() as Float32Array];
  });
}

function expectClose(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  let scale = 1e-3;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs((actual[i] ?? NaN) - (expected[i] ?? 0)));
  expect(worst / scale, `${label}: max |wasm - cpu| / max |cpu|`).toBeLessThan(1e-5);
}

describe('wasm convolution gradients', () => {
  beforeAll(async () => {
    registerCoreGradients();
    await useBackend('cpu');
    await useBackend('wasm');
  });

  it('registers the missing kernels once, and again without error', () => {
    registerWasmGradients();
    registerWasmGradients();
    for (const name of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
  });

  for (const [kind, cases] of [['conv2d', CONV_CASES], ['depthwiseConv2d', DEPTHWISE_CASES]] as const) {
    cases.forEach((c, n) => {
      it(`${kind} x=${c.x} filter=${c.f} strides=${c.strides} pad=${c.pad}: input and filter gradients match the cpu backend`, async () => {
        const depthwise = kind === 'depthwiseConv2d';
        const cpu = await gradients('cpu', c, depthwise, 10 * n);
        const wasm = await gradients('wasm', c, depthwise, 10 * n);
        expectClose(wasm[0] as Float32Array, cpu[0] as Float32Array, `${kind} case ${n} dx`);
        expectClose(wasm[1] as Float32Array, cpu[1] as Float32Array, `${kind} case ${n} dfilter`);
      });
    });
  }

  // The dilated convolutions of DARTS: wasm runs the dilated kernel (its gradients above with
  // dilation 2), cpu the atrous phases; both must give the same input and filter gradients.
  for (const [shape, k, stride] of [[[2, 7, 7, 3], 3, 1], [[2, 14, 14, 2], 5, 1], [[2, 7, 7, 3], 3, 2], [[1, 8, 8, 2], 5, 2]] as const) {
    it(`dilated depthwise ${k}x${k}, dilation 2, stride ${stride}, x=${shape}: wasm matches the cpu backend`, async () => {
      const run = async (backend: 'cpu' | 'wasm') => {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const x = tf.tensor4d(values([...shape], 7), [...shape] as [number, number, number, number]);
          const f = tf.tensor4d(values([k, k, shape[3], 1], 8), [k, k, shape[3], 1]);
          const conv = (a: tf.Tensor, b: tf.Tensor) => depthwise(a as tf.Tensor4D, b as tf.Tensor4D, stride, k - 1, 2);
          const out = conv(x, f);
          const up = tf.tensor(values(out.shape, 9), out.shape);
          const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), up)))([x, f]);
          return [out, dx, df].map((t) => (t as tf.Tensor).dataSync() as Float32Array);
        });
      };
      const cpu = await run('cpu');
      const wasm = await run('wasm');
      ['y', 'dx', 'dfilter'].forEach((label, i) => expectClose(wasm[i] as Float32Array, cpu[i] as Float32Array, label));
    });
  }

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    await gradients('wasm', DEPTHWISE_CASES[1] as Case, true, 3);
    await gradients('wasm', CONV_CASES[1] as Case, false, 3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
