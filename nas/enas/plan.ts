import type { LayerSpec, Operation } from './operations.js';

/** Height, width, channels (NHWC without the batch). */
export type Shape3 = readonly [number, number, number];

/** A trainable tensor: its shape and Keras's initialiser for it. */
export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'glorot' | 'zeros' | 'ones';
  /** Glorot's fan-in and fan-out, as Keras reads them from the shape (receptive field × channels). */
  fanIn: number;
  fanOut: number;
}

/** Zero padding of one input before the concatenation: top, bottom, left, right. */
export type Padding = readonly [number, number, number, number];

export interface LayerPlan {
  /** 1..numLayers; all-layers[0] is the input image. */
  index: number;
  opId: number;
  operation: Operation;
  /** Indices into all-layers: the previous layer first, then the skip connections in order. */
  inputs: number[];
  pads: Padding[];
  inputShape: Shape3;
  outputShape: Shape3;
  /** A reduction whose input is too small to pool passes it through unchanged. */
  identity: boolean;
  params: ParamSpec[];
  /** Channels of the batch normalisation after the convolution (0 for a reduction). */
  normChannels: number;
}

export interface NetworkPlan {
  input: Shape3;
  classes: number;
  layers: LayerPlan[];
  /** Global average pooling, then a dense layer to the classes (softmax in the loss). */
  head: ParamSpec[];
}

/**
 * The shapes of the network Katib's ModelConstructor builds for an architecture. Layer l
 * reads the concatenation, along channels, of layer l − 1 and of every earlier layer j
 * (0 = the image) whose skip flag is set; inputs smaller than the largest are zero-padded
 * to its size, the odd pixel going to the bottom/right. Katib pads by the height
 * difference on both axes; with square images that is the same as padding each axis by
 * its own difference, which is what is done here.
 */
export function planNetwork(layers: readonly LayerSpec[], input: Shape3, classes: number): NetworkPlan {
  const shapes: Shape3[] = [input];
  const plans = layers.map((spec, k): LayerPlan => {
    const index = k + 1;
    const inputs = [index - 1, ...spec.skips.flatMap((on, j) => (on ? [j] : []))];
    const shapesIn = inputs.map((i) => shapes[i] as Shape3);
    const height = Math.max(...shapesIn.map((s) => s[0]));
    const width = Math.max(...shapesIn.map((s) => s[1]));
    const pads = shapesIn.map((s): Padding => [...split(height - s[0]), ...split(width - s[1])]);
    const inputShape: Shape3 = [height, width, shapesIn.reduce((c, s) => c + s[2], 0)];
    const layer = planLayer(index, spec.opId, spec.operation, inputShape);
    shapes.push(layer.outputShape);
    return { ...layer, inputs, pads };
  });
  const last = shapes[shapes.length - 1] as Shape3;
  const head = [dense('head/kernel', [last[2], classes]), zeros('head/bias', classes)];
  return { input, classes, layers: plans, head };
}

/** A padding difference split as Keras's ZeroPadding2D is given it in Katib's concat. */
function split(diff: number): [number, number] {
  const before = Math.floor(diff / 2);
  return [before, diff - before];
}

/** 'same' padding (TensorFlow): ceil(n / stride). */
function same(n: number, stride: number): number {
  return Math.ceil(n / stride);
}

function planLayer(index: number, opId: number, op: Operation, [h, w, c]: Shape3): Omit<LayerPlan, 'inputs' | 'pads'> {
  const p = `layer${index}`;
  const base = { index, opId, operation: op, inputShape: [h, w, c] as Shape3, identity: false };
  switch (op.type) {
    case 'convolution': {
      const k = op.filterSize;
      const params = [kernel(`${p}/kernel`, [k, k, c, op.numFilter]), zeros(`${p}/bias`, op.numFilter), ...norm(p, op.numFilter)];
      return { ...base, outputShape: [same(h, op.stride), same(w, op.stride), op.numFilter], params, normChannels: op.numFilter };
    }
    case 'separable_convolution': {
      const k = op.filterSize;
      const params = [
        kernel(`${p}/depthwise`, [k, k, c, op.depthMultiplier]),
        kernel(`${p}/pointwise`, [1, 1, c * op.depthMultiplier, op.numFilter]),
        zeros(`${p}/bias`, op.numFilter),
        ...norm(p, op.numFilter),
      ];
      return { ...base, outputShape: [same(h, op.stride), same(w, op.stride), op.numFilter], params, normChannels: op.numFilter };
    }
    case 'depthwise_convolution': {
      const k = op.filterSize;
      const out = c * op.depthMultiplier;
      const params = [kernel(`${p}/depthwise`, [k, k, c, op.depthMultiplier]), zeros(`${p}/bias`, out), ...norm(p, out)];
      return { ...base, outputShape: [same(h, op.stride), same(w, op.stride), out], params, normChannels: out };
    }
    case 'reduction': {
      // Katib passes a 1-pixel-wide input through; so do we for any input smaller than the pool.
      if (h === 1 || w === 1 || h < op.poolSize || w < op.poolSize) return { ...base, identity: true, outputShape: [h, w, c], params: [], normChannels: 0 };
      const out = (n: number) => Math.floor((n - op.poolSize) / op.stride) + 1;
      return { ...base, outputShape: [out(h), out(w), c], params: [], normChannels: 0 };
    }
  }
}

/** A 4-D kernel [kh, kw, in, out]: fans are the receptive field times the in and out channels. */
function kernel(name: string, shape: [number, number, number, number]): ParamSpec {
  const field = shape[0] * shape[1];
  return { name, shape, init: 'glorot', fanIn: field * shape[2], fanOut: field * shape[3] };
}

function dense(name: string, shape: [number, number]): ParamSpec {
  return { name, shape, init: 'glorot', fanIn: shape[0], fanOut: shape[1] };
}

function zeros(name: string, n: number): ParamSpec {
  return { name, shape: [n], init: 'zeros', fanIn: 0, fanOut: 0 };
}

/** Batch normalisation's trainable scale (γ) and offset (β); Ioffe & Szegedy 2015, Alg. 1. */
function norm(prefix: string, n: number): ParamSpec[] {
  return [{ name: `${prefix}/gamma`, shape: [n], init: 'ones', fanIn: 0, fanOut: 0 }, zeros(`${prefix}/beta`, n)];
}

/** Trainable parameters (Keras's "Trainable params"). */
export function trainableCount(plan: NetworkPlan): number {
  const size = (p: ParamSpec) => p.shape.reduce((a, b) => a * b, 1);
  return [...plan.layers.flatMap((l) => l.params), ...plan.head].reduce((n, p) => n + size(p), 0);
}

/** Non-trainable parameters: batch normalisation's moving mean and variance. */
export function nonTrainableCount(plan: NetworkPlan): number {
  return plan.layers.reduce((n, l) => n + 2 * l.normChannels, 0);
}
