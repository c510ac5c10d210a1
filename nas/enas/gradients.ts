import * as tf from '@tensorflow/tfjs-core';
import { convFilterGrad } from './filter-grad.js';

/**
 * The gradients of the kernels the ENAS network uses. tfjs-core's Node.js bundle ships no
 * gradient functions (they come as separate ES modules that only a bundler can load, and
 * the `@tensorflow/tfjs` package that registers them is not a dependency), so the ones
 * this network's backward pass needs are written here from the chain rule, each in terms
 * of forward ops or of the backend's own backprop kernels (Conv2DBackpropInput/Filter,
 * DepthwiseConv2dNativeBackpropInput/Filter, MaxPoolGrad, AvgPoolGrad). A gradient that
 * is already registered (by another module) is left alone, so registering is idempotent.
 */
export function registerEnasGradients(): void {
  for (const config of GRADIENTS) {
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
}

type Attrs = tf.NamedAttrMap;
type GradMap = Record<string, () => tf.Tensor>;

/** ∂/∂a of a broadcast elementwise op: sum dy over the broadcast axes, back to a's shape. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  if (axes.length === 0) return tf.reshape(dy, shape);
  const inner = shape.reduce((a, b) => a * b, 1);
  // a per-channel tensor against NHWC (bias, γ, β): the sum over the rows as one matMul,
  // which the cpu backend does far faster than a reduction over the leading axes
  if (inner === dy.shape[dy.shape.length - 1] && axes.length === dy.rank - 1) {
    return tf.reshape(sumRows(tf.reshape(dy, [-1, inner]) as tf.Tensor2D), shape);
  }
  return tf.reshape(tf.sum(dy, axes), shape);
}

/** Σ over the rows of a matrix: ones(1, rows) · m, shape [cols]. */
export function sumRows(m: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, m.shape[0]]), m), [m.shape[1]]);
}

/** dy of a reduction over `axis`, broadcast back to the input's shape. */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const kept = tf.backend_util.expandShapeToKeepDim(dy.shape, axes);
  return tf.mul(tf.reshape(dy, kept), tf.ones(x.shape));
}

function saved2(saved: tf.Tensor[]): [tf.Tensor, tf.Tensor] {
  const [a, b] = saved;
  if (!a || !b) throw new Error('gradient: saved tensors are missing');
  return [a, b];
}

function saved1(saved: tf.Tensor[]): tf.Tensor {
  return saved2([...saved, ...saved])[0];
}

/** The filter gradient on the cpu backend, by convFilterGrad (filter-grad.ts). */
function cpuFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: Attrs, depthwise: boolean): tf.Tensor {
  const [kh, kw, channels, outs] = filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    [kh, kw, channels, outs],
    attrs['strides'] as number | [number, number],
    1,
    attrs['pad'] as 'same' | 'valid',
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
  );
  const values = convFilterGrad(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, {
    x: x.shape,
    out: [info.outHeight, info.outWidth],
    filter: [kh, kw],
    strides: [info.strideHeight, info.strideWidth],
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    outChannels: outs,
    depthwise,
  });
  return tf.tensor4d(values, [kh, kw, channels, outs]);
}

/** Splits the rows of a [rows, Σ sizes] array into [rows, size] arrays. */
export function splitLastAxis(values: Float32Array, sizes: readonly number[]): Float32Array[] {
  const width = sizes.reduce((a, b) => a + b, 0);
  const rows = width === 0 ? 0 : values.length / width;
  let offset = 0;
  return sizes.map((size) => {
    const out = new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) out.set(values.subarray(r * width + offset, r * width + offset + size), r * size);
    offset += size;
    return out;
  });
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: Attrs): tf.Tensor =>
  tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;

const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'Add',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const [a, b] = saved2(saved);
      return { a: () => unbroadcast(dy as tf.Tensor, a.shape), b: () => unbroadcast(dy as tf.Tensor, b.shape) };
    },
  },
  {
    kernelName: 'Sub',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const [a, b] = saved2(saved);
      return { a: () => unbroadcast(dy as tf.Tensor, a.shape), b: () => tf.neg(unbroadcast(dy as tf.Tensor, b.shape)) };
    },
  },
  {
    kernelName: 'Multiply',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const [a, b] = saved2(saved);
      return { a: () => unbroadcast(tf.mul(dy as tf.Tensor, b), a.shape), b: () => unbroadcast(tf.mul(dy as tf.Tensor, a), b.shape) };
    },
  },
  { kernelName: 'Neg', gradFunc: (dy): GradMap => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  { kernelName: 'Cast', gradFunc: (dy): GradMap => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  { kernelName: 'Identity', gradFunc: (dy): GradMap => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  {
    kernelName: 'Reshape',
    inputsToSave: ['x'],
    gradFunc: (dy, saved): GradMap => ({ x: () => tf.reshape(dy as tf.Tensor, saved1(saved).shape) }),
  },
  {
    kernelName: 'Square',
    inputsToSave: ['x'],
    gradFunc: (dy, saved): GradMap => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(saved1(saved), 2)) }),
  },
  {
    // d x^(−1/2) / dx = −x^(−1/2) / (2x)
    kernelName: 'Rsqrt',
    inputsToSave: ['x'],
    gradFunc: (dy, saved): GradMap => {
      const x = saved1(saved);
      return { x: () => tf.mul(dy as tf.Tensor, tf.div(tf.rsqrt(x), tf.mul(x, -2))) };
    },
  },
  {
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved): GradMap => ({ x: () => tf.mul(dy as tf.Tensor, tf.step(saved1(saved))) }),
  },
  {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => ({ x: () => expandReduced(dy as tf.Tensor, saved1(saved), attrs['axis']) }),
  },
  {
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const x = saved1(saved);
      const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
      const count = axes.reduce((n, a) => n * (x.shape[a] ?? 1), 1);
      return { x: () => tf.div(expandReduced(dy as tf.Tensor, x, axes), count) };
    },
  },
  {
    // C = op(A)·op(B): ∂A and ∂B for each combination of transposes.
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const [a, b] = saved2(saved);
      const g = dy as tf.Tensor;
      const ta = attrs['transposeA'] === true;
      const tb = attrs['transposeB'] === true;
      if (!ta && !tb) return { a: () => tf.matMul(g, b, false, true), b: () => tf.matMul(a, g, true, false) };
      if (!ta && tb) return { a: () => tf.matMul(g, b, false, false), b: () => tf.matMul(g, a, true, false) };
      if (ta && !tb) return { a: () => tf.matMul(b, g, false, true), b: () => tf.matMul(a, g, false, false) };
      return { a: () => tf.matMul(b, g, true, true), b: () => tf.matMul(g, a, true, true) };
    },
  },
  {
    kernelName: 'PadV2',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const x = saved1(saved);
      const begin = (attrs['paddings'] as Array<[number, number]>).map((p) => p[0]);
      return { x: () => tf.slice(dy as tf.Tensor, begin, x.shape) };
    },
  },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const first = saved[0];
      if (!first) throw new Error('gradient of Concat: no inputs');
      const axis = tf.util.parseAxisParam(attrs['axis'] as number, first.shape)[0] ?? 0;
      const sizes = saved.map((t) => t.shape[axis] ?? 0);
      const g = dy as tf.Tensor;
      if (tf.getBackend() === 'cpu' && axis === g.rank - 1) {
        // the cpu backend's SplitV copies element by element; channels-last parts are row blocks
        const parts = splitLastAxis(g.dataSync() as Float32Array, sizes);
        return parts.map((values, i) => () => tf.tensor(values, saved[i]?.shape)) as unknown as GradMap;
      }
      const parts = tf.split(g, sizes, axis);
      return parts.map((t) => () => t) as unknown as GradMap;
    },
  },
  {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const [x, filter] = saved2(saved);
      const common = { strides: attrs['strides'], pad: attrs['pad'], dataFormat: attrs['dataFormat'], dimRoundingMode: attrs['dimRoundingMode'] } as Attrs;
      return {
        x: () => run('Conv2DBackpropInput', { dy: dy as tf.Tensor, filter }, { ...common, inputShape: x.shape }),
        filter: () =>
          tf.getBackend() === 'cpu'
            ? cpuFilterGrad(x as tf.Tensor4D, dy as tf.Tensor4D, filter.shape, attrs, false)
            : run('Conv2DBackpropFilter', { x, dy: dy as tf.Tensor }, { ...common, filterShape: filter.shape }),
      };
    },
  },
  {
    kernelName: 'DepthwiseConv2dNative',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const [x, filter] = saved2(saved);
      const common = { strides: attrs['strides'], pad: attrs['pad'], dilations: attrs['dilations'], dimRoundingMode: attrs['dimRoundingMode'] } as Attrs;
      return {
        x: () => run('DepthwiseConv2dNativeBackpropInput', { dy: dy as tf.Tensor, filter }, { ...common, inputShape: x.shape }),
        filter: () =>
          tf.getBackend() === 'cpu'
            ? cpuFilterGrad(x as tf.Tensor4D, dy as tf.Tensor4D, filter.shape, attrs, true)
            : run('DepthwiseConv2dNativeBackpropFilter', { x, dy: dy as tf.Tensor }, { ...common, filterShape: filter.shape }),
      };
    },
  },
  {
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs): GradMap => {
      const [x, y] = saved2(saved);
      const a = { filterSize: attrs['filterSize'], strides: attrs['strides'], pad: attrs['pad'], dimRoundingMode: attrs['dimRoundingMode'] } as Attrs;
      return { x: () => run('MaxPoolGrad', { dy: dy as tf.Tensor, input: x, output: y }, a) };
    },
  },
  {
    kernelName: 'AvgPool',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const x = saved1(saved);
      const a = { filterSize: attrs['filterSize'], strides: attrs['strides'], pad: attrs['pad'] } as Attrs;
      return { x: () => run('AvgPoolGrad', { dy: dy as tf.Tensor, input: x }, a) };
    },
  },
];
