import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { adamStep } from '../../../algorithms/enas/adam.js';
import {
  initialWeights,
  logProbability,
  PARAM_NAMES,
  fixed,
  runPolicy,
  sampleArchitecture,
  weightTensors,
  type ControllerDims,
  type PolicyOptions,
  type Weights,
} from '../../../algorithms/enas/controller.js';
import type { EnasSettings } from '../../../algorithms/enas/settings.js';
import * as ops from '../../../algorithms/enas/ops.js';
import { baselineOf, initialState, reinforceStep, trainController } from '../../../algorithms/enas/train.js';
import { createRng } from '../../../src/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const dims: ControllerDims = { numLayers: 4, numOperations: 5, hiddenSize: 6 };
const katibPolicy: PolicyOptions = { temperature: 5, tanhConst: 2.25, skipTarget: 0.4 };

/** Only the policy-gradient term: no entropy bonus, no skip penalty; a learning rate that shows in one step. */
const plain: EnasSettings = {
  hiddenSize: 6,
  temperature: 5,
  tanhConst: 2.25,
  entropyWeight: null,
  baselineDecay: 0.999,
  learningRate: 0.05,
  skipTarget: 0.4,
  skipWeight: null,
  trainSteps: 1,
  logEverySteps: 10,
};

describe('ENAS controller sampling', () => {
  test('an architecture has numLayers rows, row k = op id < m then k skip flags', () => {
    const w = initialWeights(dims, createRng(1, 'init'));
    for (let i = 0; i < 20; i++) {
      const arc = sampleArchitecture(w, dims, katibPolicy, createRng(1, 'sample', i));
      expect(arc).toHaveLength(dims.numLayers);
      arc.forEach((row, k) => {
        expect(row).toHaveLength(k + 1);
        expect(Number.isInteger(row[0]) && (row[0] as number) >= 0 && (row[0] as number) < dims.numOperations).toBe(true);
        for (const flag of row.slice(1)) expect([0, 1]).toContain(flag);
      });
    }
  });

  test('the same seed gives the same weights and samples; another seed others', () => {
    const a = initialWeights(dims, createRng(7, 'init'));
    const b = initialWeights(dims, createRng(7, 'init'));
    expect(a).toEqual(b);
    const draw = (w: Weights, seed: number) => Array.from({ length: 8 }, (_, i) => sampleArchitecture(w, dims, katibPolicy, createRng(seed, i)));
    expect(draw(a, 3)).toEqual(draw(b, 3));
    expect(draw(a, 3)).not.toEqual(draw(a, 4));
  });

  test("weights start in Katib's [-0.01, 0.01]", () => {
    const w = initialWeights(dims, createRng(2, 'init'));
    for (const n of PARAM_NAMES) for (const x of w[n]) expect(Math.abs(x)).toBeLessThanOrEqual(0.01);
  });
});

describe('REINFORCE update (Williams 1992; Pham et al. 2018 §2.2)', () => {
  const arc = [[2], [4, 1], [0, 0, 1], [3, 1, 1, 0]];
  // Weights of order 0.01 and logits through /5 and 2.25·tanh make one step's change small
  // (about 5e-4 here), far above float32 noise in log π (about 1e-6).
  test('a reward above the baseline raises log π(arc)', () => {
    const state = initialState(dims, createRng(5, 'init'));
    const before = logProbability(state.weights, dims, katibPolicy, arc);
    const after = reinforceStep(state, dims, plain, [{ arc, reward: 1 }], 0).state;
    expect(after.step).toBe(1);
    expect(logProbability(after.weights, dims, katibPolicy, arc)).toBeGreaterThan(before + 5e-5);
  });

  test('a reward below the baseline lowers it', () => {
    const state = initialState(dims, createRng(5, 'init'));
    const before = logProbability(state.weights, dims, katibPolicy, arc);
    const after = reinforceStep(state, dims, plain, [{ arc, reward: 0.2 }], 0.7).state;
    expect(logProbability(after.weights, dims, katibPolicy, arc)).toBeLessThan(before - 5e-5);
  });

  test('each architecture by its own reward: the better of two rises, the worse falls', () => {
    const worse = [[0], [1, 0], [3, 0, 0], [4, 0, 0, 1]];
    const state = initialState(dims, createRng(6, 'init'));
    const after = trainController(state, dims, { ...plain, trainSteps: 3 }, [
      { arc, reward: 0.9 },
      { arc: worse, reward: 0.5 },
    ]);
    expect(after.step).toBe(3);
    expect(logProbability(after.weights, dims, katibPolicy, arc)).toBeGreaterThan(logProbability(state.weights, dims, katibPolicy, arc) + 5e-5);
    expect(logProbability(after.weights, dims, katibPolicy, worse)).toBeLessThan(logProbability(state.weights, dims, katibPolicy, worse) - 5e-5);
  });

  test('the baseline is the moving average without its start-up bias (by hand)', () => {
    const state = initialState(dims, createRng(5, 'init'));
    const half = { ...plain, baselineDecay: 0.5 };
    // Rewards 1 then 3 with decay 1/2: (0.5·1 + 3) / (0.5 + 1) = 7/3.
    const once = trainController(state, dims, half, [{ arc, reward: 1 }]);
    expect(baselineOf(once)).toBe(1);
    expect(baselineOf(trainController(once, dims, half, [{ arc, reward: 3 }]))).toBeCloseTo(7 / 3, 12);
    // Decay 1 is the plain mean; Katib's 0.999 is close to it over a few trials.
    expect(baselineOf(trainController(state, dims, { ...plain, baselineDecay: 1 }, [1, 2, 6].map((reward) => ({ arc, reward }))))).toBe(3);
    expect(baselineOf(trainController(state, dims, plain, [1, 2, 6].map((reward) => ({ arc, reward }))))).toBeCloseTo((0.998001 + 2 * 0.999 + 6) / (0.998001 + 0.999 + 1), 12);
    // Nothing to learn from: the state is returned as it was.
    expect(trainController(state, dims, plain, [])).toBe(state);
  });

  test('the step returns new state and leaves the old one unchanged', () => {
    const state = initialState(dims, createRng(5, 'init'));
    const copy = structuredClone(state);
    reinforceStep(state, dims, { ...plain, entropyWeight: 1e-5, skipWeight: 0.8 }, [{ arc, reward: 0.5 }], 0.1);
    expect(state).toEqual(copy);
  });
});

describe('gradients of the hand-written operations', () => {
  // Central differences in float32 on weights of order 0.3 (so the logits matter), h = 1e-2:
  // truncation O(h²) ≈ 1e-4 and rounding ≈ 1e-6/h ≈ 1e-4; tolerance 3e-3.
  test('d/dW of −log π(arc) + KL penalty matches central differences', () => {
    const d: ControllerDims = { numLayers: 3, numOperations: 3, hiddenSize: 3 };
    const rng = createRng(11, 'big');
    const base = initialWeights(d, rng);
    const weights = Object.fromEntries(PARAM_NAMES.map((n) => [n, base[n].map((x) => x * 30)])) as unknown as Weights;
    const policy: PolicyOptions = { temperature: 1.5, tanhConst: 2.5, skipTarget: 0.4 };
    const arc = [[1], [2, 1], [0, 1, 0]];
    const objective = (w: Weights): number =>
      tf.tidy(() => {
        const pass = runPolicy(weightTensors(w, d), d, policy, fixed(arc));
        return (pass.negLogProb.dataSync()[0] as number) + (pass.skipPenalty?.dataSync()[0] as number);
      });
    const grads = tf.tidy(() => {
      const t = weightTensors(weights, d);
      const f = (...xs: tf.Tensor[]) => {
        const w = { ...t };
        PARAM_NAMES.forEach((n, i) => (w[n] = xs[i] as tf.Tensor2D));
        const pass = runPolicy(w, d, policy, fixed(arc));
        return ops.add(pass.negLogProb, pass.skipPenalty as tf.Scalar);
      };
      return tf.grads(f)(PARAM_NAMES.map((n) => t[n])).map((g) => Array.from(g.dataSync()));
    });
    const h = 1e-2;
    PARAM_NAMES.forEach((n, p) => {
      for (const i of [0, 2]) {
        const shifted = (delta: number) => ({ ...weights, [n]: weights[n].map((x, j) => (j === i ? x + delta : x)) }) as Weights;
        const numeric = (objective(shifted(h)) - objective(shifted(-h))) / (2 * h);
        expect(grads[p]?.[i], `${n}[${i}]`).toBeCloseTo(numeric, 2);
        expect(Math.abs((grads[p]?.[i] ?? 0) - numeric), `${n}[${i}]: analytic ${grads[p]?.[i]}, numeric ${numeric}`).toBeLessThan(3e-3);
      }
    });
  });
});

describe('Adam as TensorFlow 1 (Kingma and Ba 2015, Alg. 1 with ε̂)', () => {
  test('first step from zero moments moves by about lr against the gradient', () => {
    // t = 1: m = 0.1·2 = 0.2, v = 0.001·4 = 0.004, α₁ = 0.1·√0.001/0.1 = 0.0316228,
    // step = α₁·0.2/(√0.004 + 1e-8) = 0.0316228·0.2/0.0632456 = 0.1 (to 1e-7).
    const next = adamStep({ theta: Float32Array.of(1, -1), m: new Float32Array(2), v: new Float32Array(2) }, Float32Array.of(2, 0), 0.1, 1);
    expect(next.theta[0]).toBeCloseTo(0.9, 6);
    expect(next.theta[1]).toBe(-1);
    expect(next.m[0]).toBeCloseTo(0.2, 7);
    expect(next.v[0]).toBeCloseTo(0.004, 9);
  });
});
