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
  /**
   * Reports intermediate metric values (one observation-log row each), e.g. per epoch.
   * Returns true when the trial should stop now (early stopping decided it, or the trial
   * timed out): the objective should then return (or throw `TrialPruned`); the trial is
   * already EarlyStopped (or Failed), and what it reports or returns afterwards is ignored.
   */
  report(metrics: Metrics): boolean;
  /** Whether the trial should stop now (Optuna's `should_prune()`); the same as the last report's answer. */
  shouldStop(): boolean;
  /**
   * Aborted when the trial must stop (early stopping, `trialTimeout`): what the objective
   * reports or returns afterwards is ignored, so a long objective should check
   * `signal.aborted` (or pass the signal to `fetch` and the like) and return.
   */
  signal: AbortSignal;
  /**
   * The trial's checkpoint directory (PBT): created for the trial, holding a copy of its
   * parent's directory when it has one. Absent when the experiment keeps no checkpoints.
   */
  checkpointDir?: string;
}

/**
 * Thrown by an objective to say it stopped early (Optuna's `TrialPruned`): the trial ends
 * EarlyStopped with what it reported so far.
 */
export class TrialPruned extends Error {
  constructor(message = 'the trial stopped early') {
    super(message);
    this.name = 'TrialPruned';
  }
}

export interface FunctionRunnerOptions {
  /** Milliseconds a trial may take; past it the trial fails with "timed out after N s". */
  timeoutMs?: number;
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
 * with the error's message, a thrown `TrialPruned` ends it EarlyStopped. A function
 * cannot be killed: when the trial is stopped (early stopping) or times out, its signal
 * aborts, `report()` and `shouldStop()` answer true, the trial ends at once, and whatever
 * the function does afterwards is not recorded.
 */
export function createFunctionRunner(objective: Objective, options: FunctionRunnerOptions = {}): TrialRunner {
  return {
    async run({ experiment, trial, report, signal, checkpointDir }): Promise<TrialOutcome> {
      const metricName = experiment.spec.objective?.objectiveMetricName ?? 'objective';
      const space = compileSpace(experiment.spec.parameters ?? []);
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      let onStop: (() => void) | undefined;
      const interrupted = new Promise<TrialOutcome>((resolve) => {
        onStop = () => {
          controller.abort(signal.reason);
          resolve({ status: 'earlyStopped' });
        };
        if (signal.aborted) onStop();
        else signal.addEventListener('abort', onStop, { once: true });
        if (options.timeoutMs === undefined) return;
        timer = setTimeout(() => {
          controller.abort(new Error('trial timed out'));
          resolve({ status: 'failed', message: `timed out after ${formatSeconds(options.timeoutMs as number)} s` });
        }, options.timeoutMs);
      });
      const record = (logs: MetricLog[]) => {
        if (!controller.signal.aborted) report(logs);
      };
      const called = (async (): Promise<TrialOutcome> => {
        const parameters = decodeAssignments(space, trial.parameterAssignments);
        const result = await objective(parameters, {
          trialName: trial.name,
          report: (metrics) => {
            record(metricLogs(metrics, metricName));
            return controller.signal.aborted;
          },
          shouldStop: () => controller.signal.aborted,
          signal: controller.signal,
          ...(checkpointDir !== undefined ? { checkpointDir } : {}),
        });
        if (result === undefined || result === null) return { status: 'completed' };
        if (typeof result !== 'number' && (typeof result !== 'object' || Array.isArray(result))) {
          return {
            status: 'failed',
            message: `the objective returned ${JSON.stringify(result)}; expected a number or an object of metric values such as { ${metricName}: 0.5 }`,
          };
        }
        record(metricLogs(result, metricName));
        return { status: 'completed' };
      })().catch((error: unknown): TrialOutcome =>
        error instanceof TrialPruned ? { status: 'earlyStopped' } : { status: 'failed', message: errorMessage(error) },
      );
      try {
        return await Promise.race([called, interrupted]);
      } finally {
        clearTimeout(timer);
        if (onStop) signal.removeEventListener('abort', onStop);
        controller.abort(new Error('trial ended'));
      }
    },
  };
}

function formatSeconds(ms: number): string {
  return String(Number((ms / 1000).toPrecision(6)));
}
