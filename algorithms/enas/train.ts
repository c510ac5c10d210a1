import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../src/rng.js';
import { adamStep } from './adam.js';
import * as ops from './ops.js';
import {
  initialWeights,
  fixed,
  runPolicy,
  trainedParams,
  weightTensors,
  zeroWeights,
  type ControllerDims,
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
  /**
   * The reward baseline as a decayed sum and its decayed weight: after rewards r_1..r_n,
   * sum = Σ d^(n−i)·r_i and weight = Σ d^(n−i), so baseline = sum/weight is the moving
   * average with its start-up bias removed (Kingma and Ba 2015 §3); with d = 1 the mean.
   */
  baselineSum: number;
  baselineWeight: number;
}

export function initialState(d: ControllerDims, rng: Rng): ControllerState {
  return { weights: initialWeights(d, rng), m: zeroWeights(d), v: zeroWeights(d), step: 0, baselineSum: 0, baselineWeight: 0 };
}

export function baselineOf(state: ControllerState): number {
  return state.baselineWeight === 0 ? 0 : state.baselineSum / state.baselineWeight;
}

export function policyOptions(s: EnasSettings): PolicyOptions {
  return { temperature: s.temperature, tanhConst: s.tanhConst, skipTarget: s.skipTarget };
}

/** One architecture and its reward (the trial's objective, maximised). */
export interface Sample {
  arc: readonly (readonly number[])[];
  reward: number;
}

export interface StepResult {
  state: ControllerState;
  loss: number;
}

/**
 * One REINFORCE update (Williams 1992; Pham et al. 2018 §2.2) on a batch of architectures
 * with their own rewards. With R_i = r_i + w_H·H_i (H_i the policy's entropy along arc i,
 * no gradient) and the baseline b,
 *   loss = (1/n)·Σ_i (−log π(arc_i))·(R_i − b) + w_skip·(1/n)·Σ_i KL_skip(arc_i)
 * is minimised by one Adam step, so an architecture that did better than the baseline
 * becomes more likely and one that did worse less likely.
 */
export function reinforceStep(state: ControllerState, d: ControllerDims, s: EnasSettings, batch: readonly Sample[], baseline: number): StepResult {
  const names = trainedParams(d);
  let loss = NaN;
  let grads: Float32Array[] = [];
  // The arrays are read inside the scope and kept outside it (tidy would walk their elements).
  tf.tidy(() => {
    const tensors = weightTensors(state.weights, d);
    const lossOf = (...xs: tf.Tensor[]): tf.Scalar => {
      const w = { ...tensors };
      names.forEach((n, i) => (w[n] = xs[i] as tf.Tensor2D));
      const terms = batch.map(({ arc, reward }) => {
        const pass = runPolicy(w, d, policyOptions(s), fixed(arc));
        const r = s.entropyWeight === null ? reward : reward + s.entropyWeight * pass.entropy;
        let out = ops.scale(pass.negLogProb, r - baseline);
        if (s.skipWeight !== null && pass.skipPenalty) out = ops.add(out, ops.scale(pass.skipPenalty, s.skipWeight));
        return out;
      });
      return ops.meanScalars(terms);
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
  return { state: { ...state, weights, m, v, step: t }, loss };
}

/**
 * A request's training: the baseline takes in the new trials' rewards (decay
 * `controller_baseline_decay`), then `controller_train_steps` REINFORCE updates on those
 * trials, each rewarded by its own result. (Katib's trainer instead rewards architectures
 * it samples afresh with the mean result of all trials, which says nothing about them.)
 */
export function trainController(state: ControllerState, d: ControllerDims, s: EnasSettings, batch: readonly Sample[]): ControllerState {
  if (batch.length === 0) return state;
  let sum = state.baselineSum;
  let weight = state.baselineWeight;
  for (const { reward } of batch) {
    sum = s.baselineDecay * sum + reward;
    weight = s.baselineDecay * weight + 1;
  }
  let current: ControllerState = { ...state, baselineSum: sum, baselineWeight: weight };
  const baseline = baselineOf(current);
  for (let k = 0; k < s.trainSteps; k++) current = reinforceStep(current, d, s, batch, baseline).state;
  return current;
}
