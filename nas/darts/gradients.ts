import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of the kernels the DARTS supernet is built from. The Node.js build of
 * `@tensorflow/tfjs-core` (dist/tf-core.node.js) registers no gradient functions at all —
 * they ship only in its browser ES modules, which Node cannot load — so each one used here
 * is written out: the textbook derivative of each kernel, broadcasting undone by summing dy
 * over the broadcast axes. Registering is idempotent and leaves existing gradients alone.
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
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
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
    const parts = tf.split(dy, s.map((t) => t.shape[axis] as number), axis);
    return parts.map((p) => () => p);
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
      filter: () => run('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape }),
    };
  }),
  grad('DepthwiseConv2dNative', { inputs: ['x', 'filter'] }, (dy, s, a) => {
    const [x, filter] = [at(s, 0), at(s, 1)];
    const common = { strides: a.strides, pad: a.pad, dimRoundingMode: a.dimRoundingMode, dilations: a.dilations ?? [1, 1] };
    return {
      x: () => run('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...common, inputShape: x.shape }),
      filter: () => run('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape }),
    };
  }),
  grad('MaxPool', { inputs: ['x'], outputs: true }, (dy, s, a) => ({ x: () => run('MaxPoolGrad', { dy, input: at(s, 0), output: at(s, 1) }, a) })),
  grad('AvgPool', { inputs: ['x'] }, (dy, s, a) => ({ x: () => run('AvgPoolGrad', { dy, input: at(s, 0) }, a) })),
  grad('SpaceToBatchND', {}, (dy, _s, a) => ({ x: () => tf.batchToSpaceND(dy, a.blockShape as number[], a.paddings as number[][]) })),
  grad('BatchToSpaceND', {}, (dy, _s, a) => ({ x: () => tf.spaceToBatchND(dy, a.blockShape as number[], a.crops as number[][]) })),
];
