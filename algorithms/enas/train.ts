import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../src/rng.js';
import { adamStep } from './adam.js';
import * as ops from './ops.js';
import {
  initialWeights,
  runPolicy,
  sampler,
  trainedParams,
  weightTensors,
  zeroWeights,
  type ControllerDims,
  type Decide,
  type ParamName,
  type PolicyOptions,
  type Weights,
} from './controller.js';
import type { EnasSettings } from './settings.js';

/** Everything the controller carries from one request to the next (Katib keeps it in a checkpoint). */
export interface ControllerState {
  weights: Weights;
  /** Adam's first and second moments, per weight. */
  m: Weights;
  v: Weights;
  /** Adam steps taken so far. */
  step: number;
  /** The moving-average reward baseline, starting at 0. */
  baseline: number;
}

export function initialState(d: ControllerDims, rng: Rng): ControllerState {
  return { weights: initialWeights(d, rng), m: zeroWeights(d), v: zeroWeights(d), step: 0, baseline: 0 };
}

export function policyOptions(s: EnasSettings): PolicyOptions {
  return { temperature: s.temperature, tanhConst: s.tanhConst, skipTarget: s.skipTarget };
}

export interface StepResult {
  state: ControllerState;
  arc: number[][];
  loss: number;
}

/**
 * One REINFORCE update (Williams 1992; Pham et al. 2018 §2.2) on the decisions `decide`
 * makes, as Katib's trainer: with R = reward + w_H·H (H the sampled entropy term, no gradient),
 *   b ← b − (1 − decay)·(b − R)                      (moving-average baseline)
 *   loss = (−log π(arc))·(R − b) + w_skip·KL_skip   (minimised by Adam)
 * so an architecture with R above the baseline becomes more likely and one below it less.
 * Katib uses the baseline after its update; scalars are rounded to float32 as its variables.
 */
export function reinforceStep(state: ControllerState, d: ControllerDims, s: EnasSettings, decide: Decide, reward: number): StepResult {
  const names = trainedParams(d);
  let arc: number[][] = [];
  let baseline = state.baseline;
  let loss = NaN;
  let grads: Float32Array[] = [];
  // The arrays are read inside the scope and kept outside it (tidy would walk their elements).
  tf.tidy(() => {
    const tensors = weightTensors(state.weights, d);
    const lossOf = (...xs: tf.Tensor[]): tf.Scalar => {
      const w = { ...tensors };
      names.forEach((n, i) => (w[n] = xs[i] as tf.Tensor2D));
      const pass = runPolicy(w, d, policyOptions(s), decide);
      arc = pass.arc;
      const r = Math.fround(s.entropyWeight === null ? reward : reward + s.entropyWeight * pass.entropy);
      baseline = Math.fround(state.baseline - (1 - s.baselineDecay) * (state.baseline - r));
      let out = ops.scale(pass.negLogProb, r - baseline);
      if (s.skipWeight !== null && pass.skipPenalty) out = ops.add(out, ops.scale(pass.skipPenalty, s.skipWeight));
      return out;
    };
    const result = tf.valueAndGrads(lossOf)(names.map((n) => tensors[n]));
    loss = result.value.dataSync()[0] as number;
    grads = result.grads.map((g) => g.dataSync() as Float32Array);
  });

  const t = state.step + 1;
  const weights: Record<ParamName, Float32Array> = { ...state.weights };
  const m: Record<ParamName, Float32Array> = { ...state.m };
  const v: Record<ParamName, Float32Array> = { ...state.v };
  names.forEach((n, i) => {
    const next = adamStep({ theta: state.weights[n], m: state.m[n], v: state.v[n] }, grads[i] as Float32Array, s.learningRate, t);
    weights[n] = next.theta;
    m[n] = next.m;
    v[n] = next.v;
  });
  return { state: { weights, m, v, step: t, baseline }, arc, loss };
}

/**
 * A request's training, as Katib's: `controller_train_steps` updates, each on a fresh
 * architecture sampled from the current policy (drawn from `rng`) and the one reward of
 * the request. (Katib's trainer samples anew inside every step, so the reward is not that
 * of the sampled architecture; it is the mean result of the experiment's trials.)
 */
export function trainController(state: ControllerState, d: ControllerDims, s: EnasSettings, reward: number, rng: Rng): ControllerState {
  const decide = sampler(rng);
  let current = state;
  for (let k = 0; k < s.trainSteps; k++) current = reinforceStep(current, d, s, decide, reward).state;
  return current;
}
