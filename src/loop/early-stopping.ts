import { getEarlyStopping } from '../../early-stopping/registry.js';
import type { StoppingJudge } from '../../early-stopping/types.js';
import { numericValue } from '../trial/observation.js';
import type { MetricLog, TrialRecord } from '../trial/types.js';
import { isCompleted } from '../trial/types.js';
import type { ExperimentState } from './state.js';

/**
 * An experiment's early stopping as every local way in applies it (the loop, tune(),
 * createStudy()): the plugin's judge, fed every ended trial, asked after every objective
 * report of a running trial. Katib attaches rules to a trial when it is created and its
 * collector tests them once; here the judge sees the history as it is at each report.
 */
export interface LiveStopping {
  /**
   * Rows a running trial reports, before they are recorded: undefined while it goes on, or
   * how many of them to keep when it stops (up to the deciding value and the other metrics
   * of the same report, i.e. with its timestamp).
   */
  reported(trial: TrialRecord, logs: readonly MetricLog[]): number | undefined;
  /** A trial ended (in any condition); the judge learns from it. */
  ended(trial: TrialRecord): void;
}

/** The live early stopping of an experiment, or undefined when it has none. */
export function liveStopping(state: ExperimentState): LiveStopping | undefined {
  const spec = state.experiment.spec;
  const name = spec.earlyStopping?.algorithmName;
  if (!name) return undefined;
  const metric = spec.objective?.objectiveMetricName ?? '';
  const judge: StoppingJudge = getEarlyStopping(name).createJudge({ name: state.experiment.metadata.name, spec });
  const values = new Map<string, number[]>();
  // A continued experiment: the judge first learns from the trials that ended before.
  for (const trial of state.trials) if (isCompleted(trial.condition)) judge.trialEnded(trial, objectiveValues(state.logs.get(trial.name) ?? [], metric));
  return {
    reported(trial, logs) {
      let v = values.get(trial.name);
      if (!v) {
        // The first report of a trial (or of a continued one) starts from what it logged before.
        v = objectiveValues(state.logs.get(trial.name) ?? [], metric);
        values.set(trial.name, v);
      }
      // Asked at every step, as the values arrive (a chunk of output may hold several).
      for (let i = 0; i < logs.length; i++) {
        const log = logs[i] as MetricLog;
        if (log.name !== metric) continue;
        const x = numericValue(log.value);
        if (x === undefined || !Number.isFinite(x)) continue;
        v.push(x);
        if (!judge.shouldStop(trial, v)) continue;
        let keep = i + 1;
        while (keep < logs.length && logs[keep]?.name !== metric && logs[keep]?.timeStamp === log.timeStamp) keep++;
        return keep;
      }
      return undefined;
    },
    ended(trial) {
      judge.trialEnded(trial, values.get(trial.name) ?? objectiveValues(state.logs.get(trial.name) ?? [], metric));
      values.delete(trial.name);
    },
  };
}

/** The finite values of one metric in a log, in report order. */
export function objectiveValues(logs: readonly MetricLog[], metric: string): number[] {
  const out: number[] = [];
  for (const log of logs) {
    if (log.name !== metric) continue;
    const x = numericValue(log.value);
    if (x !== undefined && Number.isFinite(x)) out.push(x);
  }
  return out;
}
