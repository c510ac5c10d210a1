import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkpointDirectories, checkpointMount, checkpointRoot } from '../../trials/checkpoints.js';
import { createFunctionRunner, type Objective, type ObjectiveContext, type Metrics } from '../../trials/function-runner.js';
import type { TrialRecord } from '../trial/types.js';
import type { ExperimentState } from '../loop/state.js';
import { runExperiment } from '../loop/run.js';
import type { ValidationIssue } from '../experiment/types.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { prepareStudy, STUDY_OPTION_KEYS, type StudyOptions } from './options.js';
import { toResult, toTrialResult, type ExperimentResult, type TrialResult } from './result.js';
import type { ParameterValues, SearchSpaceOptions } from './search.js';
import { openStored } from './stored.js';
import { checkTimeout, timeoutStop } from './timeout.js';
import { checkQueueUrl } from '../../trials/queue/connection.js';
import { experimentNamespace } from '../../trials/queue/keys.js';
import { createQueueRunner, queueNamespace, type QueueRunner } from '../../trials/queue/producer.js';
import { errorMessage } from '../errors.js';

export interface TuneOptions<S extends SearchSpaceOptions = SearchSpaceOptions> extends StudyOptions<S> {
  /**
   * Trains and evaluates one configuration. It receives the typed parameters and a
   * context whose `report(metrics)` records intermediate values; it returns the final
   * metrics (`{ loss: 0.1, accuracy: 0.97 }`, or a bare number for the objective metric).
   * A thrown error fails the trial with the error's message.
   */
  objective: (parameters: ParameterValues<S>, context: ObjectiveContext) => Metrics | number | void | Promise<Metrics | number | void>;
  /** Called after each trial ends, with the trial as `result.trials` will hold it (e.g. for progress output). */
  onTrialComplete?: (trial: TrialResult<ParameterValues<S>>) => void;
  /**
   * Seconds after which no new trial starts (Optuna's `optimize(timeout=)`). Trials running
   * then finish and are recorded; the experiment ends `Succeeded` with reason
   * `ExperimentTimeoutReached`, unless a goal or maxTrialCount ended it first. With `store`,
   * the timeout ends this call, not the experiment: the next call continues it.
   */
  timeout?: number;
  /**
   * Seconds one trial may take (Katib's Job `activeDeadlineSeconds`, `scriba run --timeout`).
   * Past it the trial is Failed with "timed out after N s", the context's `signal` aborts, and
   * what the objective reports or returns afterwards is not recorded.
   */
  trialTimeout?: number;
  /**
   * A SQLite file to record the experiment in, as `scriba run` does (`scriba get trials NAME
   * --db FILE` then shows it). An unfinished experiment of the same name found there
   * continues where it stopped: its finished trials are kept, interrupted ones run again.
   * A finished one continues when maxTrialCount is raised (see `resumePolicy`).
   */
  store?: string;
  /**
   * Whether a finished experiment in `store` may be continued by raising maxTrialCount:
   * `LongRunning` (default) allows it, `Never` keeps it finished (Katib's resumePolicy).
   * Recorded with the experiment, so it cannot change afterwards. Needs `store`.
   */
  resumePolicy?: 'LongRunning' | 'Never';
  /**
   * A Redis URL (`redis://HOST:PORT[/DB]`, `rediss://` for TLS, `redis://:PASSWORD@...`): trials
   * are enqueued there and run by `scriba worker --queue URL --objective MODULE#EXPORT`
   * processes, which load the objective from its module; this process only suggests and
   * records. The objective given here must be the same function (the name is checked), so
   * export it from a module that both this program and the workers import.
   */
  queue?: string;
}

const TUNE_OPTION_KEYS: readonly string[] = [...STUDY_OPTION_KEYS, 'objective', 'onTrialComplete', 'timeout', 'trialTimeout', 'store', 'resumePolicy', 'queue'];
const RESUME_POLICIES = ['LongRunning', 'Never'];

/**
 * Runs a whole experiment in this process and resolves to its result. The objective's
 * parameters are typed from `parameters`:
 *
 * ```ts
 * const result = await tune({
 *   objective: ({ x }) => ({ loss: (x - 2) ** 2 }),
 *   parameters: { x: search.double({ min: -5, max: 5 }) },
 *   objectiveMetricName: 'loss', objectiveType: 'minimize', maxTrialCount: 20,
 * });
 * console.log(result.bestTrial?.parameters.x);
 * ```
 */
export async function tune<S extends SearchSpaceOptions>(options: TuneOptions<S>): Promise<ExperimentResult<ParameterValues<S>>> {
  type P = ParameterValues<S>;
  const issues: ValidationIssue[] = [];
  if (typeof options?.objective !== 'function') {
    issues.push({ path: 'objective', message: 'expected a function (parameters, context) => metrics' });
  }
  issues.push(...checkTimeout(options?.timeout), ...checkTimeout(options?.trialTimeout, 'trialTimeout'), ...checkStoreOptions(options), ...checkQueueOption(options?.queue));
  const usesStore = typeof options?.store === 'string';
  const { experiment, algorithm, seed } = prepareStudy(options, {
    knownKeys: TUNE_OPTION_KEYS,
    issues,
    requireEnd: { timeout: options?.timeout !== undefined },
    ...(usesStore ? { resumePolicy: options.resumePolicy ?? 'LongRunning' } : {}),
  });
  const store = usesStore ? new SqliteStore(options.store as string) : undefined;
  // PBT's checkpoints: beside the store, or in a temporary folder that ends with the call.
  const scratch = !store && checkpointMount(experiment) !== undefined ? mkdtempSync(join(tmpdir(), 'scriba-checkpoints-')) : undefined;
  const checkpoints = checkpointDirectories(store ? checkpointRoot(dirname(resolve(store.path))) : (scratch ?? ''), experiment);
  let queue: QueueRunner | undefined;
  try {
    const name = experiment.metadata.name;
    const timeoutMs = options.trialTimeout !== undefined ? { timeoutMs: options.trialTimeout * 1000 } : {};
    const stored = store && openStored(store, experiment, { seed, seedGiven: options.seed !== undefined, keepRunning: options.queue !== undefined });
    store?.claim(name);
    const objective = options.objective as Objective;
    if (options.queue !== undefined) {
      queue = await createQueueRunner({
        url: options.queue,
        // A stored experiment keeps its namespace across calls (its running trials are re-attached).
        namespace: stored ? queueNamespace(stored) : experimentNamespace(name, randomUUID()),
        kind: 'function',
        ...(objective.name ? { objective: objective.name } : {}),
        ...timeoutMs,
      });
    }
    const onTrialComplete = options.onTrialComplete;
    const state = await runExperiment({
      experiment: stored ?? experiment,
      algorithm,
      seed,
      runner: queue ?? createFunctionRunner(objective, timeoutMs),
      ...(options.timeout !== undefined ? { stop: timeoutStop(options.timeout) } : {}),
      ...(checkpoints ? { checkpointDir: checkpoints } : {}),
      ...(onTrialComplete
        ? { onTrialComplete: (trial: TrialRecord, s: ExperimentState) => onTrialComplete(toTrialResult(s, trial) as TrialResult<P>) }
        : {}),
    });
    // The experiment's keys and jobs leave Redis (after a timeout no trial is left running).
    if (queue && state.outcome) await queue.cleanup();
    return toResult(state) as ExperimentResult<P>;
  } finally {
    await queue?.close();
    // Also when the objective or onTrialComplete threw: nothing runs the experiment any more.
    store?.release(experiment.metadata.name);
    store?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

function checkQueueOption(queue: unknown): ValidationIssue[] {
  if (queue === undefined) return [];
  if (typeof queue !== 'string') return [{ path: 'queue', message: `expected a redis:// or rediss:// URL, got ${JSON.stringify(queue)}` }];
  try {
    checkQueueUrl(queue, 'queue');
    return [];
  } catch (error) {
    return [{ path: 'queue', message: errorMessage(error).replace(/^queue: /, '') }];
  }
}

function checkStoreOptions(o: { store?: unknown; resumePolicy?: unknown; onTrialComplete?: unknown } | undefined): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (o?.store !== undefined && (typeof o.store !== 'string' || o.store === '')) {
    issues.push({ path: 'store', message: `expected the path of a SQLite file, got ${JSON.stringify(o.store)}` });
  }
  if (o?.resumePolicy !== undefined) {
    if (typeof o.resumePolicy !== 'string' || !RESUME_POLICIES.includes(o.resumePolicy)) {
      const hint = o.resumePolicy === 'FromVolume' ? ' (FromVolume keeps a Kubernetes volume; tune() has none)' : '';
      issues.push({ path: 'resumePolicy', message: `expected LongRunning or Never, got ${JSON.stringify(o.resumePolicy)}${hint}` });
    } else if (o.store === undefined) {
      issues.push({ path: 'resumePolicy', message: 'applies only to an experiment recorded in a store: set store as well' });
    }
  }
  if (o?.onTrialComplete !== undefined && typeof o.onTrialComplete !== 'function') {
    issues.push({ path: 'onTrialComplete', message: 'expected a function (trial) => void' });
  }
  return issues;
}

