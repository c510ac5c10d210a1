import { compileSpace, decodeAssignments, type ParameterValue } from '../src/search-space/index.js';
import type { TrialOutcome } from '../src/loop/state.js';
import { now } from '../src/loop/state.js';
import type { MetricLog } from '../src/trial/types.js';
import { errorMessage } from '../src/errors.js';
import type { TrialRunner } from './types.js';

/** Metric values by name; a bare number is the objective metric. */
export type Metrics = Readonly<Record<string, number | string>>;

export interface ObjectiveContext {
  /** The trial's name, e.g. for a checkpoint directory. */
  trialName: string;
  /** Reports intermediate metric values (one observation-log row each), e.g. per epoch. */
  report(metrics: Metrics): void;
}

export type Objective<P extends Record<string, ParameterValue> = Record<string, ParameterValue>> = (
  parameters: P,
  context: ObjectiveContext,
) => Metrics | number | void | Promise<Metrics | number | void>;

/** Rows of the observation log for a set of metric values, all stamped now. */
export function metricLogs(metrics: Metrics | number, objectiveMetricName: string): MetricLog[] {
  const timeStamp = now();
  const entries = typeof metrics === 'number' ? [[objectiveMetricName, metrics] as const] : Object.entries(metrics);
  return entries.map(([name, value]) => ({ timeStamp, name, value: String(value) }));
}

/**
 * The in-process runner: calls an async function with the trial's typed parameters.
 * Its returned metrics are the trial's final values; a thrown error fails the trial
 * with the error's message.
 */
export function createFunctionRunner(objective: Objective): TrialRunner {
  return {
    async run({ experiment, trial, report }): Promise<TrialOutcome> {
      const metricName = experiment.spec.objective?.objectiveMetricName ?? 'objective';
      const space = compileSpace(experiment.spec.parameters ?? []);
      try {
        const parameters = decodeAssignments(space, trial.parameterAssignments);
        const result = await objective(parameters, {
          trialName: trial.name,
          report: (metrics) => report(metricLogs(metrics, metricName)),
        });
        if (result === undefined || result === null) return { status: 'completed' };
        if (typeof result !== 'number' && (typeof result !== 'object' || Array.isArray(result))) {
          return {
            status: 'failed',
            message: `the objective returned ${JSON.stringify(result)}; expected a number or an object of metric values such as { ${metricName}: 0.5 }`,
          };
        }
        report(metricLogs(result, metricName));
        return { status: 'completed' };
      } catch (error) {
        return { status: 'failed', message: errorMessage(error) };
      }
    },
  };
}
