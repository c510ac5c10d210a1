import { ScribaError } from '../../src/errors.js';
import { mapLimited, READ_CONCURRENCY } from '../map-limited.js';
import { checkEarlyStoppingSettings, earlyStoppingNumber } from '../settings.js';
import type { EarlyStoppingAlgorithm, EarlyStoppingRule, StoppingJudge } from '../types.js';
import { meanOfFirst, median, startStepMean } from './median.js';
import { insertSorted } from '../sorted.js';

export const MEDIANSTOP_DEFAULTS = { minTrialsRequired: 3, startStep: 4 } as const;

/**
 * Median stopping (Katib's `medianstop`, katib-spec §5; Golovin et al. 2017, §3.2.2).
 *
 * For every Succeeded trial, the mean of its first `start_step` objective values; once
 * at least `min_trials_required` trials have one, the rule says: stop a trial whose best
 * value so far after `start_step` reports is worse than the median of those means
 * (LESS for maximize, GREATER for minimize). Before that there is no rule.
 *
 * Settings: `min_trials_required` (int > 0, default 3), `start_step` (int >= 1, default 4).
 * Katib's service returns the arithmetic mean of the means under the name "median";
 * this one returns the true median, which one diverging trial cannot drag.
 */
export function createMedianStop(): EarlyStoppingAlgorithm {
  const name = 'medianstop';
  return {
    name,
    validateSettings: (spec) =>
      checkEarlyStoppingSettings(spec, name, {
        min_trials_required: { type: 'int', above: 0 },
        start_step: { type: 'int', min: 1 },
      }),
    async getEarlyStoppingRules({ experiment, trials, readLog }) {
      const objective = experiment.spec.objective;
      if (!objective?.objectiveMetricName) {
        throw new ScribaError('invalid-argument', 'medianstop needs the experiment objective and its objectiveMetricName', [
          { path: 'spec.objective', message: 'must be specified for early stopping' },
        ]);
      }
      const settings = experiment.spec.earlyStopping;
      const minTrials = earlyStoppingNumber(settings, 'min_trials_required', MEDIANSTOP_DEFAULTS.minTrialsRequired);
      const startStep = earlyStoppingNumber(settings, 'start_step', MEDIANSTOP_DEFAULTS.startStep);
      const succeeded = trials.filter((t) => t.condition === 'Succeeded');
      if (succeeded.length < minTrials) return [];
      const means = await mapLimited(succeeded, READ_CONCURRENCY, async (t) =>
        startStepMean(await readLog(t.name, objective.objectiveMetricName), startStep),
      );
      const known = means.filter((m): m is number => m !== undefined);
      if (known.length < minTrials) return [];
      const rule: EarlyStoppingRule = {
        name: objective.objectiveMetricName,
        value: String(median(known)),
        comparison: objective.type === 'maximize' ? 'less' : 'greater',
        startStep,
      };
      return [rule];
    },
    createJudge(experiment) {
      const settings = experiment.spec.earlyStopping;
      return createMedianJudge(
        experiment.spec.objective?.type === 'maximize',
        earlyStoppingNumber(settings, 'min_trials_required', MEDIANSTOP_DEFAULTS.minTrialsRequired),
        earlyStoppingNumber(settings, 'start_step', MEDIANSTOP_DEFAULTS.startStep),
      );
    },
  };
}

/**
 * medianstop applied live: the start-step means of Succeeded trials kept sorted; a running
 * trial stops at any report from `start_step` on whose best value so far is worse than
 * their median (Katib's sidecar compares the best-so-far too, but only once, §5). A trial
 * told of twice (a rebuilt judge fed the ended trials, then told again) counts once.
 */
export function createMedianJudge(maximize: boolean, minTrials: number, startStep: number): StoppingJudge {
  const means: number[] = [];
  const counted = new Set<string>();
  return {
    trialEnded(trial, values) {
      if (trial.condition !== 'Succeeded' || values.length === 0 || counted.has(trial.name)) return;
      counted.add(trial.name);
      insertSorted(means, meanOfFirst(values, Math.min(values.length, startStep)));
    },
    shouldStop(_trial, values) {
      if (means.length < minTrials || values.length < startStep) return false;
      const cut = sortedMedian(means);
      let best = values[0] as number;
      for (const v of values) best = maximize ? Math.max(best, v) : Math.min(best, v);
      return maximize ? best < cut : best > cut;
    },
  };
}

function sortedMedian(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : median([sorted[mid - 1] as number, sorted[mid] as number]);
}
