/**
 * Adam (Kingma and Ba 2015, Alg. 1) in the form of TensorFlow's AdamOptimizer, which
 * Katib's controller uses: the bias corrections folded into the step size,
 *   m ← β1·m + (1−β1)·g,   v ← β2·v + (1−β2)·g²,
 *   α_t = α·√(1−β2^t)/(1−β1^t),   θ ← θ − α_t·m/(√v + ε̂),
 * with TensorFlow's defaults β1 = 0.9, β2 = 0.999, ε̂ = 1e-8 (the "epsilon hat" of §2 of
 * the paper). Arrays stay float32, as the variables they stand for.
 */

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

export interface AdamSlot {
  theta: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** One Adam step `t` (1-based) on one variable; returns new arrays, the inputs unchanged. */
export function adamStep(slot: AdamSlot, grad: Float32Array, learningRate: number, t: number): AdamSlot {
  const alpha = (learningRate * Math.sqrt(1 - ADAM_BETA2 ** t)) / (1 - ADAM_BETA1 ** t);
  const n = slot.theta.length;
  const theta = new Float32Array(n);
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const g = grad[i] as number;
    const mi = ADAM_BETA1 * (slot.m[i] as number) + (1 - ADAM_BETA1) * g;
    const vi = ADAM_BETA2 * (slot.v[i] as number) + (1 - ADAM_BETA2) * g * g;
    m[i] = mi;
    v[i] = vi;
    theta[i] = (slot.theta[i] as number) - (alpha * (m[i] as number)) / (Math.sqrt(v[i] as number) + ADAM_EPSILON);
  }
  return { theta, m, v };
}
