import type { EarlyStoppingSpec } from '../../src/experiment/types.js';
import { ScribaError } from '../../src/errors.js';
import { mapLimited, READ_CONCURRENCY } from '../map-limited.js';
import { checkEarlyStoppingSettings, earlyStoppingNumber } from '../settings.js';
import type { EarlyStoppingAlgorithm, EarlyStoppingRule, StoppingJudge } from '../types.js';
import { bestOfFirst, firstRungResource, recordAndJudge, rungValue, type AshaSettings } from './rungs.js';

export type { AshaSettings } from './rungs.js';

export const ASHA_DEFAULTS: Readonly<AshaSettings> = { minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 0 };

/**
 * Asynchronous successive halving as an early-stopping rule (`asha`, a Scriba extension;
 * Li et al. 2020, "A System for Massively Parallel Hyperparameter Tuning", Alg. 2, with
 * its promotion test applied once per rung to decide whether a running trial goes on).
 *
 * A trial's resource is its step, the number of objective values it has reported.
 * Rung k sits at step r_k = min_resource · reduction_factor^(min_early_stopping_rate + k).
 * When a trial reaches r_k, its best value so far (what Katib's metrics collector compares
 * too) is recorded in rung k, and the trial goes on only if that value is among the top
 * ⌊m/η⌋ of the m values recorded there, itself included; while m < η, only if it is the
 * best so far. Every trial that reached a rung counts there once, whatever became of it.
 * Nothing waits and nothing pauses, so any parallelTrialCount works.
 *
 * Settings: `min_resource` (int >= 1, default 1), `reduction_factor` (int >= 2,
 * default 3), `min_early_stopping_rate` (int >= 0, default 0).
 *
 * @example
 * const judge = createAsha().createJudge(experiment);
 * if (judge.shouldStop(trial, valuesSoFar)) stop(trial);
 */
export function createAsha(): EarlyStoppingAlgorithm {
  const name = 'asha';
  return {
    name,
    validateSettings: (spec) =>
      checkEarlyStoppingSettings(spec, name, {
        min_resource: { type: 'int', min: 1 },
        reduction_factor: { type: 'int', min: 2 },
        min_early_stopping_rate: { type: 'int', min: 0 },
      }),

    /**
     * Katib's metrics collector stops a trial only when all its rules are met, each
     * tested once, at its start_step: a list of rules cannot say "stop at rung 0, or
     * else at rung 1". So this is the rule of the first rung alone, from the objective
     * logs of every trial in the request: once m >= η trials have reached r_0, stop a
     * new trial whose best value at step r_0 is worse than the ⌊(m+1)/η⌋-th best of
     * their values (GREATER for minimize, LESS for maximize), the cut it would face
     * were it the (m+1)-th value of the rung. Before that, no rule (a rule made from one
     * or two values would stop nearly every trial created meanwhile, and Katib never
     * tests it again). Later rungs apply only in local runs (`createJudge`).
     */
    async getEarlyStoppingRules({ experiment, trials, readLog }) {
      const objective = experiment.spec.objective;
      if (!objective?.objectiveMetricName) {
        throw new ScribaError('invalid-argument', 'asha needs the experiment objective and its objectiveMetricName', [
          { path: 'spec.objective', message: 'must be specified for early stopping' },
        ]);
      }
      const maximize = objective.type === 'maximize';
      const settings = ashaSettings(experiment.spec.earlyStopping);
      const r0 = firstRungResource(settings);
      if (!Number.isFinite(r0)) return [];
      const values = await mapLimited(trials, READ_CONCURRENCY, async (t) => rungValue(await readLog(t.name, objective.objectiveMetricName), r0, maximize));
      const rung = values.filter((v): v is number => v !== undefined);
      const eta = settings.reductionFactor;
      if (rung.length < eta) return [];
      rung.sort(maximize ? (a, b) => b - a : (a, b) => a - b);
      const rule: EarlyStoppingRule = {
        name: objective.objectiveMetricName,
        value: String(rung[Math.floor((rung.length + 1) / eta) - 1]),
        comparison: maximize ? 'less' : 'greater',
        startStep: r0,
      };
      return [rule];
    },

    createJudge(experiment) {
      return createAshaJudge(experiment.spec.objective?.type === 'maximize', ashaSettings(experiment.spec.earlyStopping));
    },
  };
}

/** asha's settings from a validated spec, defaults filled in. */
export function ashaSettings(spec: EarlyStoppingSpec | undefined): AshaSettings {
  return {
    minResource: earlyStoppingNumber(spec, 'min_resource', ASHA_DEFAULTS.minResource),
    reductionFactor: earlyStoppingNumber(spec, 'reduction_factor', ASHA_DEFAULTS.reductionFactor),
    minEarlyStoppingRate: earlyStoppingNumber(spec, 'min_early_stopping_rate', ASHA_DEFAULTS.minEarlyStoppingRate),
  };
}

/**
 * asha applied live. Each rung holds its values as losses (negated when maximizing),
 * sorted, so a decision at a rung is a binary search and an insertion (O(log m) + O(m)
 * moves) plus one pass over the trial's own first r_k values for its best; any other
 * report costs O(1), and no decision looks at the other trials one by one. Per trial it
 * keeps how many rungs it is recorded in (so each counts once, whether the judge saw it
 * report or only end: a judge rebuilt from the ended trials holds the same rungs) and
 * whether it was told to stop (it is told so again if it reports again).
 */
export function createAshaJudge(maximize: boolean, settings: AshaSettings): StoppingJudge {
  const eta = settings.reductionFactor;
  const resources = [firstRungResource(settings)];
  const resource = (k: number): number => {
    while (resources.length <= k) resources.push((resources.at(-1) as number) * eta);
    return resources[k] as number;
  };
  const rungs: number[][] = [];
  const reached = new Map<string, number>();
  const stopped = new Set<string>();

  /** Records the trial in every rung its values reach and it is not in yet; whether it passed them all. */
  const record = (name: string, values: readonly number[]): boolean => {
    let k = reached.get(name) ?? 0;
    let passed = true;
    for (; resource(k) <= values.length; k++) {
      const best = bestOfFirst(values, resource(k), maximize);
      // Rung k is reached only through rung k - 1, so rungs fills in order.
      if (rungs.length === k) rungs.push([]);
      if (!recordAndJudge(rungs[k] as number[], maximize ? -best : best, eta)) passed = false;
    }
    reached.set(name, k);
    return passed;
  };

  return {
    trialEnded(trial, values) {
      record(trial.name, values);
      stopped.delete(trial.name);
    },
    shouldStop(trial, values) {
      if (stopped.has(trial.name)) return true;
      if (record(trial.name, values)) return false;
      stopped.add(trial.name);
      return true;
    },
  };
}
