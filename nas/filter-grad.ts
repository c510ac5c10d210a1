/**
 * ∂L/∂W of a 2-D convolution, NHWC, dilation 1, on plain arrays, for the cpu backend: its
 * own Conv2DBackpropFilter and DepthwiseConv2dNativeBackpropFilter kernels read every
 * element through TensorBuffer.get and run some fifty times slower than its forward
 * convolution. For each output pixel p = (n, y, x) and filter tap (i, j) the input pixel
 * q = (n, y·s + i − top, x·s + j − left) meets dy at p (outside the image: zero padding):
 *   dense      dW[i, j, c, f] = Σ_p x[q, c] · dy[p, f]
 *   depthwise  dW[i, j, c, m] = Σ_p x[q, c] · dy[p, c·M + m]
 * The inputs are mostly ReLU outputs, so zero input values are skipped.
 */
export interface FilterGradGeometry {
  /** Input batch, height, width, channels. */
  x: readonly [number, number, number, number];
  /** Output height and width. */
  out: readonly [number, number];
  /** Filter height and width. */
  filter: readonly [number, number];
  strides: readonly [number, number];
  /** Zero padding before the first row and column. */
  padTop: number;
  padLeft: number;
  /** Output channels (dense) or the channel multiplier M (depthwise). */
  outChannels: number;
  depthwise: boolean;
}

export function convFilterGrad(x: Float32Array, dy: Float32Array, g: FilterGradGeometry): Float32Array {
  const [batch, height, width, channels] = g.x;
  const [outH, outW] = g.out;
  const [kh, kw] = g.filter;
  const [sh, sw] = g.strides;
  const outs = g.outChannels;
  const dyChannels = g.depthwise ? channels * outs : outs;
  const dW = new Float32Array(kh * kw * channels * outs);
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyOff = ((n * outH + oy) * outW + ox) * dyChannels;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh + i - g.padTop;
          if (iy < 0 || iy >= height) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw + j - g.padLeft;
            if (ix < 0 || ix >= width) continue;
            const xOff = ((n * height + iy) * width + ix) * channels;
            const wOff = (i * kw + j) * channels * outs;
            for (let c = 0; c < channels; c++) {
              const xv = x[xOff + c] as number;
              if (xv === 0) continue;
              const base = wOff + c * outs;
              const dyBase = g.depthwise ? dyOff + c * outs : dyOff;
              for (let f = 0; f < outs; f++) dW[base + f] = (dW[base + f] as number) + xv * (dy[dyBase + f] as number);
            }
          }
        }
      }
    }
  }
  return dW;
}
