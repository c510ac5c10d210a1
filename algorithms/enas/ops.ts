import * as tf from '@tensorflow/tfjs-core';

/**
 * The differentiable operations the controller is built from, each a `tf.customGrad`
 * with its derivative written out. The Node.js build of tfjs-core registers no gradient
 * functions; defining them here keeps the controller independent of whatever another part
 * of the process registers globally (and registers nothing itself).
 *
 * Shapes are 2-D ([rows, cols]) unless said otherwise. Constant numbers are closed over;
 * constant tensors are saved (`save`), since the forward pass's tensors are disposed
 * before the backward pass runs.
 */

type T2 = tf.Tensor2D;

function grad1(forward: (x: tf.Tensor) => tf.Tensor, backward: (dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const y = forward(x);
    save([x, y]);
    return { value: y, gradFunc: (dy, saved) => backward(dy, saved[0] as tf.Tensor, saved[1] as tf.Tensor) };
  });
}

/** dy summed over the axes along which an operand of `shape` was broadcast. */
function unbroadcast(dy: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = shape.flatMap((d, i) => (d === 1 && (dy.shape[i] ?? 1) > 1 ? [i] : []));
  return axes.length > 0 ? tf.reshape(tf.sum(dy, axes, true), [...shape]) : dy;
}

const matMulOp = tf.customGrad((...args) => {
  const [a, b, save] = args as [T2, T2, tf.GradSaveFunc];
  save([a, b]);
  // d(ab)/da = dy·bᵀ, d(ab)/db = aᵀ·dy
  return { value: tf.matMul(a, b), gradFunc: (dy, [sa, sb]) => [tf.matMul(dy as T2, sb as T2, false, true), tf.matMul(sa as T2, dy as T2, true, false)] };
});
export const matMul = (a: T2, b: T2): T2 => matMulOp(a, b) as T2;

const addOp = tf.customGrad((...args) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return { value: tf.add(a, b), gradFunc: (dy, [sa, sb]) => [unbroadcast(dy, (sa as tf.Tensor).shape), unbroadcast(dy, (sb as tf.Tensor).shape)] };
});
/** a + b, either broadcast along rows. */
export const add = <R extends tf.Tensor>(a: R, b: tf.Tensor): R => addOp(a, b) as R;

const mulOp = tf.customGrad((...args) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return { value: tf.mul(a, b), gradFunc: (dy, [sa, sb]) => [tf.mul(dy, sb as tf.Tensor), tf.mul(dy, sa as tf.Tensor)] };
});
/** Elementwise a·b, same shapes. */
export const mul = <R extends tf.Tensor>(a: R, b: R): R => mulOp(a, b) as R;

const sigmoidOp = grad1(tf.sigmoid, (dy, _x, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y))));
export const sigmoid = <R extends tf.Tensor>(x: R): R => sigmoidOp(x) as R;

const tanhOp = grad1(tf.tanh, (dy, _x, y) => tf.mul(dy, tf.sub(1, tf.square(y))));
export const tanh = <R extends tf.Tensor>(x: R): R => tanhOp(x) as R;

const negOp = grad1(tf.neg, (dy) => tf.neg(dy));
export const neg = <R extends tf.Tensor>(x: R): R => negOp(x) as R;

/** x·c for a constant c. */
export function scale<R extends tf.Tensor>(x: R, c: number): R {
  return grad1((v) => tf.mul(v, c), (dy) => tf.mul(dy, c))(x) as R;
}

/** x / c for a constant c. */
export function divide<R extends tf.Tensor>(x: R, c: number): R {
  return grad1((v) => tf.div(v, c), (dy) => tf.div(dy, c))(x) as R;
}

/** Concatenation along `axis`; the gradient splits dy back into the parts. */
export function concat(xs: readonly T2[], axis: 0 | 1): T2 {
  const sizes = xs.map((x) => x.shape[axis]);
  return tf.customGrad((...args) => {
    const parts = args.slice(0, -1) as T2[];
    return { value: tf.concat(parts, axis), gradFunc: (dy) => tf.split(dy, sizes, axis) };
  })(...xs) as T2;
}

/** Columns [start, start + size) of x; the gradient pads dy with zeros back to x's width. */
export function columns(x: T2, start: number, size: number): T2 {
  const [rows, width] = x.shape;
  return grad1(
    (v) => tf.slice(v, [0, start], [rows, size]),
    (dy) => tf.pad(dy as T2, [
      [0, 0],
      [start, width - start - size],
    ]),
  )(x) as T2;
}

/** Row i of w as [1, cols] (an embedding lookup); the gradient is dy in row i, zeros elsewhere. */
export function row(w: T2, i: number): T2 {
  const [rows] = w.shape;
  return grad1(
    (v) => tf.slice(v, [i, 0], [1, v.shape[1] ?? 0]),
    (dy) => tf.pad(dy as T2, [
      [i, rows - i - 1],
      [0, 0],
    ]),
  )(w) as T2;
}

/** Σ x·mask for a constant 0/1 mask: the log-probability of the picked entries of a log-softmax. */
export function maskedSum(x: T2, mask: T2): tf.Scalar {
  return tf.customGrad((...args) => {
    const [v, save] = args as [T2, tf.GradSaveFunc];
    // Saved, not closed over: tensors of the forward pass are disposed before the backward one.
    save([mask]);
    return { value: tf.sum(tf.mul(v, mask)), gradFunc: (dy, [m]) => tf.mul(dy, m as tf.Tensor) };
  })(x) as tf.Scalar;
}

/** Σ of scalars. */
export function sumScalars(xs: readonly tf.Scalar[]): tf.Scalar {
  return tf.customGrad((...args) => {
    const parts = args.slice(0, -1) as tf.Scalar[];
    return { value: tf.addN(parts), gradFunc: (dy) => parts.map(() => tf.clone(dy)) };
  })(...xs) as tf.Scalar;
}

/** Mean of scalars. */
export function meanScalars(xs: readonly tf.Scalar[]): tf.Scalar {
  return scale(sumScalars(xs), 1 / xs.length);
}

/**
 * Katib's skip penalty for one layer: Σ p·log(p/t), p = σ(z), over the [k, 2] logits z
 * against the target row t = [1 − skip_target, skip_target]. With q = log(p/t),
 * d/dz = (q + 1)·p·(1 − p).
 */
export function skipKl(z: T2, targets: tf.Tensor1D): tf.Scalar {
  return tf.customGrad((...args) => {
    const [x, save] = args as [T2, tf.GradSaveFunc];
    const p = tf.sigmoid(x);
    const q = tf.log(tf.div(p, targets));
    save([p, q]);
    return {
      value: tf.sum(tf.mul(p, q)),
      gradFunc: (dy, [sp, sq]) => tf.mul(dy, tf.mul(tf.add(sq as tf.Tensor, 1), tf.mul(sp as tf.Tensor, tf.sub(1, sp as tf.Tensor)))),
    };
  })(z) as tf.Scalar;
}
