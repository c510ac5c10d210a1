import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { convFilterGrad } from '../../../nas/filter-grad.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function ramp(shape: number[], phase: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  // some exact zeros, as after a ReLU
  return tf.tensor(Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : Math.cos(i * 0.61 + phase))), shape);
}

describe('convFilterGrad', () => {
  it('is 1·1 + 2·2 + ... for a 1×1 filter on one pixel row (by hand)', () => {
    // x = [1, 2, 3] (1×1×3×1), dy = [1, 2, 3]: dW = Σ x·dy = 14
    const dW = convFilterGrad(Float32Array.of(1, 2, 3), Float32Array.of(1, 2, 3), {
      x: [1, 1, 3, 1],
      out: [1, 3],
      filter: [1, 1],
      strides: [1, 1],
      padTop: 0,
      padLeft: 0,
      outChannels: 1,
      depthwise: false,
    });
    expect(Array.from(dW)).toEqual([14]);
  });

  // the reference: tfjs-backend-cpu's own (slow) backprop-filter kernels, on small shapes
  const cases: Array<[string, boolean, number, 'same' | 'valid', number[], number]> = [
    ['dense 3×3 stride 1 same', false, 1, 'same', [2, 6, 6, 3], 4],
    ['dense 5×5 stride 2 same', false, 2, 'same', [2, 7, 7, 2], 3],
    ['dense 3×3 stride 2 valid', false, 2, 'valid', [1, 8, 8, 2], 2],
    ['depthwise 3×3 stride 1 same, multiplier 2', true, 1, 'same', [2, 6, 6, 3], 2],
    ['depthwise 7×7 stride 2 same, multiplier 1', true, 2, 'same', [2, 9, 9, 2], 1],
  ];
  it.each(cases)("matches the cpu backend's kernel: %s", (_name, depthwise, stride, pad, xShape, outs) => {
    const k = Number(/(\d)×/.exec(_name)?.[1]);
    const channels = xShape[3] as number;
    const filterShape: [number, number, number, number] = [k, k, channels, outs];
    const x = ramp(xShape, 0) as tf.Tensor4D;
    const filter = ramp(filterShape, 1) as tf.Tensor4D;
    const y = depthwise ? tf.depthwiseConv2d(x, filter, stride, pad) : tf.conv2d(x, filter, stride, pad);
    const dy = ramp(y.shape, 2);
    const attrs = depthwise ? { strides: stride, pad, dilations: 1, filterShape } : { strides: stride, pad, dataFormat: 'NHWC', filterShape };
    const reference = tf.engine().runKernel(depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, stride, 1, pad, undefined, depthwise);
    const got = convFilterGrad(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, {
      x: x.shape,
      out: [info.outHeight, info.outWidth],
      filter: [k, k],
      strides: [stride, stride],
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
      outChannels: outs,
      depthwise,
    });
    const want = reference.dataSync();
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(Math.abs((got[i] as number) - w), `index ${i}`).toBeLessThan(1e-4 * (1 + Math.abs(w))));
    tf.dispose([x, filter, y, dy, reference]);
  });
});
