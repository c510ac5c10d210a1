import * as tf from '@tensorflow/tfjs-core';
import { convFilterGrad } from './filter-grad.js';

/**
 * Gradients of the kernels the NAS trial programs (the ENAS network, the DARTS supernet)
 * are built from. The Node.js build of `@tensorflow/tfjs-core` (dist/tf-core.node.js)
 * registers no gradient functions at all — they ship only in its browser ES modules, which
 * Node cannot load — so each one used here is written out: the textbook derivative of each
 * kernel, broadcasting undone by summing dy over the broadcast axes, in terms of forward
 * ops or of the backend's own backprop kernels. One set for every program in a process:
 * registering is idempotent and leaves existing gradients alone. On the cpu backend, whose
 * filter-gradient kernels are about 50× slower than its forward pass, the filter gradients
 * of undilated convolutions are computed by convFilterGrad (filter-grad.ts).
 */
export function registerCoreGradients(): void {
  for (const config of CORE_GRADIENTS) {
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
}

type Grads = Record<string, () => tf.Tensor>;
type Attrs = Record<string, unknown>;

const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Attrs): tf.Tensor =>
  tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;

/** dy summed back to the shape of an operand that was broadcast. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, dy.shape);
  if (axes.length === 0) return tf.reshape(dy, shape);
  const inner = shape.reduce((a, b) => a * b, 1);
  // A per-channel operand against NHWC (bias, γ, β): the sum over the rows as one matMul,
  // which the cpu backend does far faster than a reduction over the leading axes.
  if (inner === dy.shape[dy.shape.length - 1] && axes.length === dy.rank - 1) {
    return tf.reshape(sumRows(tf.reshape(dy, [-1, inner]) as tf.Tensor2D), shape);
  }
  return tf.reshape(tf.sum(dy, axes), shape);
}

/** Σ over the rows of a matrix: ones(1, rows) · m, shape [cols]. */
export function sumRows(m: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, m.shape[0]]), m), [m.shape[1]]);
}

/** The filter gradient by convFilterGrad, for the cpu backend and undilated convolutions. */
function cpuFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: Attrs, depthwise: boolean): tf.Tensor {
  const [kh, kw, channels, outs] = filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    [kh, kw, channels, outs],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid',
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
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

/** Whether the cpu fast path applies: the cpu backend, no dilation, a numeric padding mode. */
function cpuFast(attrs: Attrs): boolean {
  const d = attrs.dilations ?? 1;
  const undilated = Array.isArray(d) ? d.every((v) => v === 1) : d === 1;
  return tf.getBackend() === 'cpu' && undilated && (attrs.pad === 'same' || attrs.pad === 'valid');
}

/** dy of a reduction, broadcast back over the reduced axes. */
function expandReduced(dy: tf.Tensor, xShape: number[], axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], xShape);
  const kept = xShape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.mul(tf.reshape(dy, kept), tf.ones(xShape));
}

function grad(kernelName: string, save: { inputs?: string[]; all?: boolean; outputs?: boolean }, f: (dy: tf.Tensor, saved: tf.Tensor[], attrs: Attrs) => Grads | Array<() => tf.Tensor>): tf.GradConfig {
  return {
    kernelName,
    ...(save.inputs ? { inputsToSave: save.inputs } : {}),
    ...(save.all ? { saveAllInputs: true } : {}),
    ...(save.outputs ? { outputsToSave: [true] } : {}),
    gradFunc: (dy, saved, attrs) => f(dy as tf.Tensor, saved, attrs as Attrs) as Grads,
  };
}

const at = (saved: tf.Tensor[], i: number): tf.Tensor => saved[i] as tf.Tensor;

/** The gradient configurations registerCoreGradients adds. */
export const CORE_GRADIENTS: readonly tf.GradConfig[] = [
  grad('Add', { inputs: ['a', 'b'] }, (dy, s) => ({ a: () => unbroadcast(dy, at(s, 0).shape), b: () => unbroadcast(dy, at(s, 1).shape) })),
  grad('AddN', { all: true }, (dy, s) => s.map(() => () => tf.clone(dy))),
  grad('Sub', { inputs: ['a', 'b'] }, (dy, s) => ({ a: () => unbroadcast(dy, at(s, 0).shape), b: () => unbroadcast(tf.neg(dy), at(s, 1).shape) })),
  grad('Multiply', { inputs: ['a', 'b'] }, (dy, s) => ({
    a: () => unbroadcast(tf.mul(dy, at(s, 1)), at(s, 0).shape),
    b: () => unbroadcast(tf.mul(dy, at(s, 0)), at(s, 1).shape),
  })),
  grad('RealDiv', { inputs: ['a', 'b'] }, (dy, s) => ({
    a: () => unbroadcast(tf.div(dy, at(s, 1)), at(s, 0).shape),
    b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy, at(s, 0)), tf.square(at(s, 1)))), at(s, 1).shape),
  })),
  grad('Neg', {}, (dy) => ({ x: () => tf.neg(dy) })),
  grad('Cast', {}, (dy) => ({ x: () => tf.clone(dy) })),
  grad('Identity', {}, (dy) => ({ x: () => tf.clone(dy) })),
  grad('Square', { inputs: ['x'] }, (dy, s) => ({ x: () => tf.mul(dy, tf.mul(at(s, 0), tf.scalar(2))) })),
  // d/dx x^(-1/2) = -x^(-3/2) / 2, written with the output y = x^(-1/2): -y³/2.
  grad('Rsqrt', { outputs: true }, (dy, s) => ({ x: () => tf.mul(dy, tf.mul(tf.pow(at(s, 0), tf.scalar(3)), tf.scalar(-0.5))) })),
  grad('Relu', { inputs: ['x'] }, (dy, s) => ({ x: () => tf.mul(dy, tf.step(at(s, 0))) })),
  grad('Reshape', { inputs: ['x'] }, (dy, s) => ({ x: () => tf.reshape(dy, at(s, 0).shape) })),
  grad('Transpose', {}, (dy, _s, a) => {
    const perm = a.perm as number[];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return { x: () => tf.transpose(dy, inverse) };
  }),
  grad('Sum', { inputs: ['x'] }, (dy, s, a) => ({ x: () => expandReduced(dy, at(s, 0).shape, a.axis) })),
  grad('Mean', { inputs: ['x'] }, (dy, s, a) => {
    const shape = at(s, 0).shape;
    const axes = tf.util.parseAxisParam(a.axis as number | number[], shape);
    const count = axes.reduce((n, i) => n * (shape[i] ?? 1), 1);
    return { x: () => tf.div(expandReduced(dy, shape, a.axis), tf.scalar(count)) };
  }),
  // Softmax: dx = y ⊙ (dy − Σ dy ⊙ y).
  grad('Softmax', { outputs: true }, (dy, s, a) => ({
    logits: () => {
      const y = at(s, 0);
      const dyY = tf.mul(dy, y);
      return tf.sub(dyY, tf.mul(tf.sum(dyY, [a.dim as number], true), y));
    },
  })),
  grad('Concat', { all: true }, (dy, s, a) => {
    const axis = tf.util.parseAxisParam(a.axis as number, at(s, 0).shape)[0] as number;
    const sizes = s.map((t) => t.shape[axis] as number);
    if (tf.getBackend() === 'cpu' && axis === dy.rank - 1) {
      // The cpu backend's SplitV copies element by element; channels-last parts are row blocks.
      return splitLastAxis(dy.dataSync() as Float32Array, sizes).map((values, i) => () => tf.tensor(values, at(s, i).shape));
    }
    return tf.split(dy, sizes, axis).map((p) => () => p);
  }),
  grad('Slice', { inputs: ['x'] }, (dy, s, a) => {
    const shape = at(s, 0).shape;
    const begin: number[] = tf.slice_util.parseSliceParams(at(s, 0), a.begin as number[], a.size as number[])[0] ?? [];
    return { x: () => tf.pad(dy, shape.map((d, i) => [begin[i] ?? 0, d - (begin[i] ?? 0) - (dy.shape[i] ?? 0)] as [number, number])) };
  }),
  grad('PadV2', { inputs: ['x'] }, (dy, s, a) => {
    const paddings = a.paddings as Array<[number, number]>;
    return { x: () => tf.slice(dy, paddings.map((p) => p[0]), at(s, 0).shape) };
  }),
  grad('BatchMatMul', { inputs: ['a', 'b'] }, (dy, s, attrs) => {
    const [a, b] = [at(s, 0), at(s, 1)];
    const ta = attrs.transposeA === true;
    const tb = attrs.transposeB === true;
    const mm = (x: tf.Tensor, y: tf.Tensor, tx: boolean, ty: boolean) => tf.matMul(x, y, tx, ty);
    if (!ta && !tb) return { a: () => mm(dy, b, false, true), b: () => mm(a, dy, true, false) };
    if (!ta && tb) return { a: () => mm(dy, b, false, false), b: () => mm(dy, a, true, false) };
    if (ta && !tb) return { a: () => mm(b, dy, false, true), b: () => mm(a, dy, false, false) };
    return { a: () => mm(b, dy, true, true), b: () => mm(dy, a, true, true) };
  }),
  grad('Conv2D', { inputs: ['x', 'filter'] }, (dy, s, a) => {
    const [x, filter] = [at(s, 0), at(s, 1)];
    const common = { strides: a.strides, pad: a.pad, dataFormat: a.dataFormat, dimRoundingMode: a.dimRoundingMode };
    return {
      x: () => run('Conv2DBackpropInput', { dy, filter }, { ...common, inputShape: x.shape }),
      filter: () => (cpuFast(a) ? cpuFilterGrad(x as tf.Tensor4D, dy as tf.Tensor4D, filter.shape, a, false) : run('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape })),
    };
  }),
  grad('DepthwiseConv2dNative', { inputs: ['x', 'filter'] }, (dy, s, a) => {
    const [x, filter] = [at(s, 0), at(s, 1)];
    const common = { strides: a.strides, pad: a.pad, dimRoundingMode: a.dimRoundingMode, dilations: a.dilations ?? [1, 1] };
    return {
      x: () => run('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...common, inputShape: x.shape }),
      filter: () =>
        cpuFast(a) ? cpuFilterGrad(x as tf.Tensor4D, dy as tf.Tensor4D, filter.shape, a, true) : run('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape }),
    };
  }),
  grad('MaxPool', { inputs: ['x'], outputs: true }, (dy, s, a) => ({ x: () => run('MaxPoolGrad', { dy, input: at(s, 0), output: at(s, 1) }, a) })),
  grad('AvgPool', { inputs: ['x'] }, (dy, s, a) => ({ x: () => run('AvgPoolGrad', { dy, input: at(s, 0) }, a) })),
  grad('SpaceToBatchND', {}, (dy, _s, a) => ({ x: () => tf.batchToSpaceND(dy, a.blockShape as number[], a.paddings as number[][]) })),
  grad('BatchToSpaceND', {}, (dy, _s, a) => ({ x: () => tf.spaceToBatchND(dy, a.blockShape as number[], a.crops as number[][]) })),
];

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
