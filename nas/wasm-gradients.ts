import * as tf from '@tensorflow/tfjs-core';

/**
 * The convolution gradients the wasm backend does not ship (tfjs-backend-wasm 4.22 has
 * Conv2D, Conv2DBackpropInput and DepthwiseConv2dNative, but no Conv2DBackpropFilter and no
 * depthwise backprop kernels). Each is written here with forward ops wasm does have, so the
 * arithmetic runs in XNNPACK:
 *
 *   patches  — im2col as one depthwise convolution whose filter is one-hot: channel c,
 *              multiplier k = i·kw + j copies x[y·s + i·d − top, x·s + j·d − left, c];
 *              strides, dilations and any padding are the forward convolution's own;
 *   Conv2DBackpropFilter            dW[i,j,ci,co] = Σ_p patches[p, ci, k] · dy[p, co]  (one matMul);
 *   DepthwiseConv2dNativeBackpropFilter  dW[i,j,c,m] = Σ_p patches[p, c, k] · dy[p, c·M+m]  (a matMul batched over c);
 *   DepthwiseConv2dNativeBackpropInput   the transposed convolution: dy with s−1 zeros inserted
 *              between rows and columns, padded by (effective size − 1 − forward padding), convolved
 *              with the spatially reversed filter at the forward dilation (Dumoulin & Visin 2016, §4.5).
 *
 * MaxPoolGrad and AvgPoolGrad exist in wasm and are left alone. Registering is idempotent.
 */
export function registerWasmGradients(): void {
  for (const config of WASM_GRADIENT_KERNELS) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
}

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;
type Pair = [number, number];

interface ConvAttrs {
  strides: Pair | number;
  pad: Pad;
  dimRoundingMode?: Rounding;
  dilations?: Pair | number;
}

/** A kernel receives tensor infos; the ops below need tensors over the same data. */
function asTensor(info: tf.TensorInfo): tf.Tensor {
  return info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info);
}

function pair(v: Pair | number | undefined): Pair {
  if (v === undefined) return [1, 1];
  return typeof v === 'number' ? [v, v] : v;
}

/** The forward convolution's geometry, as the forward kernel computed it. */
function geometry(xShape: number[], filterShape: number[], a: ConvAttrs, depthwise: boolean) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    pair(a.dilations),
    a.pad,
    a.dimRoundingMode,
    depthwise,
  );
}

type Info = ReturnType<typeof geometry>;

/** im2col: [N, outH, outW, C·kh·kw], channel c·K + (i·kw + j). */
export function patches(x: tf.Tensor4D, info: Info): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw, inChannels: c } = info;
  const k = kh * kw;
  if (k === 1 && info.padInfo.top === 0 && info.padInfo.left === 0) {
    // A 1×1 filter needs no copies: the strided input is its own patch matrix.
    const [sh, sw] = [info.strideHeight, info.strideWidth];
    return tf.stridedSlice(x, [0, 0, 0, 0], [info.batchSize, (info.outHeight - 1) * sh + 1, (info.outWidth - 1) * sw + 1, c], [1, sh, sw, 1]) as tf.Tensor4D;
  }
  const eye = new Float32Array(k * c * k);
  for (let q = 0; q < k; q++) for (let ch = 0; ch < c; ch++) eye[(q * c + ch) * k + q] = 1;
  const oneHot = tf.tensor4d(eye, [kh, kw, c, k]);
  const p = info.padInfo;
  const explicit: tf.backend_util.ExplicitPadding = [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
  return tf.depthwiseConv2d(x, oneHot, [info.strideHeight, info.strideWidth], explicit, 'NHWC', [info.dilationHeight, info.dilationWidth]);
}

function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], a: ConvAttrs): tf.Tensor4D {
  const info = geometry(x.shape, filterShape, a, false);
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const cols = tf.reshape(patches(x, info), [rows, ci * kh * kw]);
  const g = tf.matMul(cols, tf.reshape(dy, [rows, co]), true, false); // [ci·K, co]
  return tf.transpose(tf.reshape(g, [ci, kh, kw, co]), [1, 2, 0, 3]);
}

function depthwiseBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], a: ConvAttrs): tf.Tensor4D {
  const info = geometry(x.shape, filterShape, a, true);
  const { filterHeight: kh, filterWidth: kw, inChannels: c } = info;
  const m = filterShape[3] ?? 1;
  const k = kh * kw;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const cols = tf.transpose(tf.reshape(patches(x, info), [rows, c, k]), [1, 0, 2]); // [c, P, K]
  const d = tf.transpose(tf.reshape(dy, [rows, c, m]), [1, 0, 2]); // [c, P, M]
  const g = tf.matMul(cols, d, true, false); // [c, K, M]
  return tf.transpose(tf.reshape(g, [c, kh, kw, m]), [1, 2, 0, 3]);
}

function depthwiseBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], a: ConvAttrs): tf.Tensor4D {
  const info = geometry(inputShape, filter.shape, a, true);
  const [n, h, w, c] = inputShape as [number, number, number, number];
  const [kh, kw, , m] = filter.shape;
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [dh, dw] = [info.dilationHeight, info.dilationWidth];
  const cm = c * m;
  let up: tf.Tensor4D = dy;
  if (sh > 1 || sw > 1) {
    // s − 1 zeros after every row and column: [N, outH·sh, outW·sw, C·M].
    const spread = tf.pad(tf.reshape(dy, [n, info.outHeight, 1, info.outWidth, 1, cm]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    up = tf.reshape(spread, [n, info.outHeight * sh, info.outWidth * sw, cm]);
  }
  const top = info.effectiveFilterHeight - 1 - info.padInfo.top;
  const left = info.effectiveFilterWidth - 1 - info.padInfo.left;
  // Rows the forward pass never read (floor rounding) need no gradient rows: crop or pad to fit.
  const bottom = h + info.effectiveFilterHeight - 1 - up.shape[1] - top;
  const right = w + info.effectiveFilterWidth - 1 - up.shape[2] - left;
  const padded = cropOrPad(up, top, bottom, left, right);
  const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, cm, 1]) as tf.Tensor4D;
  const out = tf.depthwiseConv2d(padded, flipped, 1, 'valid', 'NHWC', [dh, dw]); // [N, H, W, C·M]
  return m === 1 ? out : tf.sum(tf.reshape(out, [n, h, w, c, m]), 4);
}

function cropOrPad(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  const keepH = h - cropTop - Math.max(0, -bottom);
  const keepW = w - cropLeft - Math.max(0, -right);
  const kept = cropTop || cropLeft || keepH < h || keepW < w ? tf.slice(x, [0, cropTop, cropLeft, 0], [n, keepH, keepW, c]) : x;
  return tf.pad(kept, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
}

function kernel(kernelName: string, body: (inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) => tf.Tensor): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) =>
      tf.tidy(() => {
        const tensors: Record<string, tf.Tensor> = {};
        for (const [name, info] of Object.entries(inputs)) if (info) tensors[name] = asTensor(info);
        return body(tensors, attrs as Record<string, unknown>);
      }),
  };
}

function input(inputs: Record<string, tf.Tensor>, name: string): tf.Tensor4D {
  const t = inputs[name];
  if (!t || t.rank !== 4) throw new Error(`wasm gradient kernel: input ${name} must be a rank-4 tensor`);
  return t as tf.Tensor4D;
}

/** The kernels registerWasmGradients adds, in the shape tf.registerKernel takes. */
export const WASM_GRADIENT_KERNELS: readonly tf.KernelConfig[] = [
  kernel('Conv2DBackpropFilter', (i, a) => {
    if (a.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter: only NHWC is supported');
    return conv2dBackpropFilter(input(i, 'x'), input(i, 'dy'), a.filterShape as number[], a as unknown as ConvAttrs);
  }),
  kernel('DepthwiseConv2dNativeBackpropFilter', (i, a) => depthwiseBackpropFilter(input(i, 'x'), input(i, 'dy'), a.filterShape as number[], a as unknown as ConvAttrs)),
  kernel('DepthwiseConv2dNativeBackpropInput', (i, a) => depthwiseBackpropInput(input(i, 'dy'), input(i, 'filter'), a.inputShape as number[], a as unknown as ConvAttrs)),
];
