import * as tf from '@tensorflow/tfjs-core';

/**
 * The two optimisers of the DARTS search (Liu et al. 2019, §3.1.2), with PyTorch's
 * semantics as Katib's trial uses them: SGD with momentum and L2 weight decay for w, on a
 * cosine schedule (Loshchilov & Hutter 2017, eq. 5), after clipping the global gradient norm;
 * Adam (Kingma & Ba 2015, Alg. 1) with β = (0.5, 0.999) and L2 weight decay for α.
 */

/** η_t = η_min + (η_max − η_min)·(1 + cos(π·t/T))/2 at epoch t of T (PyTorch CosineAnnealingLR). */
export function cosineLr(epoch: number, epochs: number, lrMax: number, lrMin: number): number {
  return lrMin + ((lrMax - lrMin) * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}

/**
 * g·min(1, c/(‖g‖ + 1e-6)) with ‖g‖ the norm of all gradients together (PyTorch
 * clip_grad_norm_). Returns the clipped gradients (new tensors) and the norm before clipping.
 */
export function clipGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: number } {
  const norm = Math.sqrt(tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0] ?? 0));
  const coef = maxNorm / (norm + 1e-6);
  return { grads: grads.map((g) => (coef < 1 ? tf.mul(g, tf.scalar(coef)) : tf.clone(g))), norm };
}

export interface SgdState {
  /** Momentum buffers, created on the first step. */
  buffers: tf.Tensor[] | null;
}

/** d = g + λw; b ← μb + d (b = d on the first step); w ← w − ηb (PyTorch SGD, dampening 0). */
export function sgdStep(weights: tf.Variable[], grads: tf.Tensor[], state: SgdState, o: { lr: number; momentum: number; weightDecay: number }): void {
  const next = tf.tidy(() =>
    weights.map((w, i) => {
      const g = grads[i] as tf.Tensor;
      const d = o.weightDecay > 0 ? tf.add(g, tf.mul(w, tf.scalar(o.weightDecay))) : g;
      const prev = state.buffers?.[i];
      const b = prev && o.momentum > 0 ? tf.add(tf.mul(prev, tf.scalar(o.momentum)), d) : tf.clone(d);
      w.assign(tf.sub(w, tf.mul(b, tf.scalar(o.lr))));
      return b;
    }),
  );
  if (state.buffers) tf.dispose(state.buffers);
  state.buffers = next;
}

export interface AdamState {
  m: tf.Tensor[];
  v: tf.Tensor[];
  step: number;
}

export function adamState(params: tf.Variable[]): AdamState {
  return { m: params.map((p) => tf.zerosLike(p)), v: params.map((p) => tf.zerosLike(p)), step: 0 };
}

/**
 * g ← g + λθ; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * θ ← θ − η·(m/(1−β₁ᵗ)) / (√v/√(1−β₂ᵗ) + ε)  (PyTorch Adam with weight_decay, ε = 1e-8).
 */
export function adamStep(params: tf.Variable[], grads: tf.Tensor[], state: AdamState, o: { lr: number; weightDecay: number; beta1?: number; beta2?: number; epsilon?: number }): void {
  const b1 = o.beta1 ?? 0.5;
  const b2 = o.beta2 ?? 0.999;
  const eps = o.epsilon ?? 1e-8;
  state.step += 1;
  const c1 = 1 - b1 ** state.step;
  const c2 = 1 - b2 ** state.step;
  const next = tf.tidy(() =>
    params.map((p, i) => {
      const g0 = grads[i] as tf.Tensor;
      const g = o.weightDecay > 0 ? tf.add(g0, tf.mul(p, tf.scalar(o.weightDecay))) : g0;
      const m = tf.add(tf.mul(state.m[i] as tf.Tensor, tf.scalar(b1)), tf.mul(g, tf.scalar(1 - b1)));
      const v = tf.add(tf.mul(state.v[i] as tf.Tensor, tf.scalar(b2)), tf.mul(tf.square(g), tf.scalar(1 - b2)));
      const denom = tf.add(tf.div(tf.sqrt(v), tf.scalar(Math.sqrt(c2))), tf.scalar(eps));
      p.assign(tf.sub(p, tf.mul(tf.div(m, denom), tf.scalar(o.lr / c1))));
      return { m, v };
    }),
  );
  tf.dispose([...state.m, ...state.v]);
  state.m = next.map((n) => n.m);
  state.v = next.map((n) => n.v);
}

export function disposeOptimizers(sgd: SgdState, adam: AdamState): void {
  if (sgd.buffers) tf.dispose(sgd.buffers);
  sgd.buffers = null;
  tf.dispose([...adam.m, ...adam.v]);
}
