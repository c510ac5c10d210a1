import type { AlgorithmSetting, Experiment, ObjectiveSpec } from '../experiment/types.js';
import { createRng } from '../rng.js';
import { isText, metricNames, objectiveAvailable, objectiveText, objectiveValue, observe } from '../trial/observation.js';
import type {
  MetricLog,
  ParameterAssignment,
  TrialCondition,
  TrialConditionType,
  TrialRecord,
} from '../trial/types.js';
import { isCompleted } from '../trial/types.js';
import {
  activeCount,
  canRank,
  countTrials,
  failedCount,
  findBestTrial,
  MAX_FAILED_PREFIX,
  maxFailedMessage,
  REASONS,
  terminalCondition,
  type TerminalCondition,
  type TrialCounts,
} from './status.js';

/**
 * An experiment in progress: its trials, their observation logs and the experiment's
 * conditions. Plain data, changed only through the functions of this module, so every
 * way in (the loop, the Study, later the store and the controller) shares one set of rules.
 */
export interface ExperimentState {
  experiment: Experiment;
  seed: number;
  trials: TrialRecord[];
  logs: Map<string, MetricLog[]>;
  conditions: ExperimentCondition[];
  /** Set once a terminal rule fired; the experiment then creates no more trials. */
  outcome?: TerminalCondition;
  /** The algorithm said it has no more suggestions (a finished grid). */
  exhausted: boolean;
  /** What the algorithm returned with its state (Katib's Suggestion status): its settings, why it ended. */
  suggestion?: SuggestionStatus;
  /** Receives every change as it happens, before the change is acted on (the store). */
  recorder?: StateRecorder;
  /** Counts, best trial and trial positions, kept up to date by this module's functions. */
  derived?: Derived;
}

interface Derived {
  counts: TrialCounts;
  best: TrialRecord | undefined;
  bestValue: number | undefined;
  index: Map<string, number>;
}

/**
 * What the loop asks after every change, maintained incrementally so that a run of n trials
 * costs O(n), not O(n^2). Built from the trials the first time it is needed.
 */
function derived(state: ExperimentState): Derived {
  if (!state.derived) {
    const best = findBestTrial(state.trials, objectiveOf(state));
    state.derived = {
      counts: countTrials(state.trials),
      best,
      bestValue: best ? objectiveValue(best, objectiveOf(state)) : undefined,
      index: new Map(state.trials.map((t, i) => [t.name, i])),
    };
  }
  return state.derived;
}

/**
 * A finished trial may become best: when strictly better, or equally good and earlier in
 * the list, which is exactly the trial Katib's in-order scan (findBestTrial) would pick.
 */
function considerBest(state: ExperimentState, trial: TrialRecord): void {
  const d = derived(state);
  if (!canRank(trial)) return;
  const value = objectiveValue(trial, objectiveOf(state));
  if (value === undefined) return;
  const minimize = objectiveOf(state).type === 'minimize';
  const better =
    d.bestValue === undefined ||
    (minimize ? value < d.bestValue : value > d.bestValue) ||
    (value === d.bestValue && (d.index.get(trial.name) as number) < (d.index.get(d.best?.name ?? '') as number));
  if (better) {
    d.best = trial;
    d.bestValue = value;
  }
}

/** Persists changes of an experiment; called synchronously after each change. */
export interface StateRecorder {
  experimentChanged(state: ExperimentState): void;
  trialChanged(state: ExperimentState, trial: TrialRecord): void;
  logsAppended(state: ExperimentState, trialName: string, logs: readonly MetricLog[]): void;
  /** The trial's observation log is discarded (the trial runs again from the start). */
  logsCleared(state: ExperimentState, trialName: string): void;
}

/** Katib's Suggestion status, the part a local run keeps: state settings and the algorithm's end. */
export interface SuggestionStatus {
  /** Settings the algorithm returned, overlaid by name on the experiment's for its next request. */
  algorithmSettings?: AlgorithmSetting[];
  /** Why the algorithm has no more suggestions, when it said. */
  exhaustedMessage?: string;
}

export interface ExperimentCondition {
  type: 'Created' | 'Running' | 'Restarting' | 'Succeeded' | 'Failed';
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** How a runner says a trial ended; metrics arrive separately as observation logs. */
export type TrialOutcome =
  | { status: 'completed' }
  | { status: 'failed'; reason?: string; message: string }
  | { status: 'earlyStopped' };

export function now(): string {
  return new Date().toISOString();
}

export function createState(experiment: Experiment, seed: number, recorder?: StateRecorder): ExperimentState {
  const state: ExperimentState = { experiment, seed, trials: [], logs: new Map(), conditions: [], exhausted: false };
  if (recorder) state.recorder = recorder;
  setExperimentCondition(state, 'Created', 'ExperimentCreated', 'Experiment is created');
  return state;
}

export function objectiveOf(state: ExperimentState): ObjectiveSpec {
  return state.experiment.spec.objective as ObjectiveSpec;
}

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Katib's trial names: `<experiment>-` and 8 characters, drawn here from the experiment's seed. */
export function trialName(state: ExperimentState, index: number): string {
  const rng = createRng(state.seed, 'trial-name', index);
  let suffix = '';
  for (let i = 0; i < 8; i++) suffix += NAME_ALPHABET[rng.int(NAME_ALPHABET.length)];
  const name = `${state.experiment.metadata.name}-${suffix}`;
  return derived(state).index.has(name) ? trialName(state, index + 1_000_003) : name;
}

export function addTrial(
  state: ExperimentState,
  parameterAssignments: ParameterAssignment[],
  name?: string,
  labels?: Record<string, string>,
): TrialRecord {
  const time = now();
  const trial: TrialRecord = {
    name: name ?? trialName(state, state.trials.length),
    parameterAssignments,
    condition: 'Created',
    conditions: [],
    creationTime: time,
    ...(labels ? { labels } : {}),
  };
  const d = derived(state);
  d.index.set(trial.name, state.trials.length);
  state.trials.push(trial);
  appendCondition(state, trial, 'Created', 'TrialCreated', 'Trial is created');
  state.logs.set(trial.name, []);
  state.recorder?.trialChanged(state, trial);
  return trial;
}

export function getTrial(state: ExperimentState, name: string): TrialRecord {
  const index = derived(state).index.get(name);
  const trial = index === undefined ? undefined : state.trials[index];
  if (!trial) throw new Error(`no trial named ${name}`);
  return trial;
}

export function startTrial(state: ExperimentState, name: string): void {
  const trial = getTrial(state, name);
  trial.startTime = now();
  appendCondition(state, trial, 'Running', 'TrialRunning', 'Trial is running');
  state.recorder?.trialChanged(state, trial);
}

export function appendLogs(state: ExperimentState, name: string, logs: readonly MetricLog[]): void {
  const trial = getTrial(state, name);
  if (isCompleted(trial.condition) || logs.length === 0) return;
  state.logs.get(name)?.push(...logs);
  state.recorder?.logsAppended(state, name, logs);
}

/**
 * A DARTS trial's result is its genotype, text (Katib's darts example has the objective
 * `Best-Genotype`): such a trial succeeds, as in Katib, and never ranks. Elsewhere a text
 * objective value leaves the trial MetricsUnavailable.
 */
function textResult(state: ExperimentState, trial: TrialRecord): boolean {
  return state.experiment.spec.algorithm?.algorithmName === 'darts' && isText(objectiveText(trial, objectiveOf(state)));
}

/**
 * Ends a trial (§2.5): a failed run is Failed; an early-stopped run is EarlyStopped; a
 * completed run is Succeeded when its objective was observed, else MetricsUnavailable.
 */
export function finishTrial(state: ExperimentState, name: string, outcome: TrialOutcome): TrialRecord {
  const trial = getTrial(state, name);
  if (isCompleted(trial.condition)) return trial;
  const objective = objectiveOf(state);
  try {
    trial.observation = observe(state.logs.get(name) ?? [], metricNames(objective));
  } catch (error) {
    outcome = { status: 'failed', reason: 'TrialFailed', message: (error as Error).message };
  }
  trial.completionTime = now();
  if (outcome.status === 'failed') {
    appendCondition(state, trial, 'Failed', outcome.reason ?? 'TrialFailed', outcome.message);
  } else if (outcome.status === 'earlyStopped') {
    appendCondition(state, trial, 'EarlyStopped', 'TrialEarlyStopped', 'Trial is early stopped');
  } else if (objectiveValue(trial, objective) !== undefined || textResult(state, trial)) {
    appendCondition(state, trial, 'Succeeded', 'TrialSucceeded', 'Trial has succeeded');
  } else {
    const reported = objectiveAvailable(trial.observation, objective);
    appendCondition(
      state,
      trial,
      'MetricsUnavailable',
      'TrialMetricsUnavailable',
      reported
        ? `Metrics are not available: the objective metric ${objective.objectiveMetricName} has no usable value (${objectiveText(trial, objective)}); expected a finite number`
        : `Metrics are not available: the objective metric ${objective.objectiveMetricName} was never reported`,
    );
  }
  considerBest(state, trial);
  state.recorder?.trialChanged(state, trial);
  recountFailures(state);
  return trial;
}

/**
 * Trials still running when max failed count was reached finish afterwards; the
 * experiment's message keeps counting them, so it agrees with the trial counts.
 */
function recountFailures(state: ExperimentState): void {
  const max = state.experiment.spec.maxFailedTrialCount;
  const outcome = state.outcome;
  if (max === undefined || outcome?.type !== 'Failed' || !outcome.message.startsWith(MAX_FAILED_PREFIX)) return;
  const message = maxFailedMessage(failedCount(derived(state).counts), max);
  if (message === outcome.message) return;
  outcome.message = message;
  const condition = state.conditions.find((c) => c.type === 'Failed');
  if (condition) condition.message = message;
  state.recorder?.experimentChanged(state);
}

/** A running trial starts over where it runs (its queue worker was lost): its observation log so far is discarded. */
export function discardLogs(state: ExperimentState, name: string): void {
  const trial = getTrial(state, name);
  if (isCompleted(trial.condition)) return;
  state.logs.set(name, []);
  state.recorder?.logsCleared(state, name);
}

/**
 * A trial that was running when its runner went away (the process was killed) runs again
 * from the start: its partial observation log is discarded and it is pending once more.
 */
export function requeueTrial(state: ExperimentState, name: string, message: string): void {
  const trial = getTrial(state, name);
  if (isCompleted(trial.condition)) return;
  discardLogs(state, name);
  delete trial.startTime;
  appendCondition(state, trial, 'Created', 'TrialRestarted', message);
  state.recorder?.trialChanged(state, trial);
}

/** Marks the search space as used up; the experiment ends once its running trials finish. */
export function markExhausted(state: ExperimentState, message?: string): void {
  if (state.exhausted) return;
  state.exhausted = true;
  if (message) state.suggestion = { ...state.suggestion, exhaustedMessage: message };
  state.recorder?.experimentChanged(state);
}

export const EXHAUSTED_MESSAGE = 'Experiment has succeeded because the search space is exhausted: the algorithm has no more suggestions';

/** Ends an exhausted experiment whose trials have all finished, with the algorithm's reason if it gave one. */
export function endExhausted(state: ExperimentState): void {
  const why = state.suggestion?.exhaustedMessage;
  suggestionEnded(state, why ? `Experiment has succeeded because ${why}` : EXHAUSTED_MESSAGE);
}

/** Merges the settings an algorithm returned into the suggestion status, by name (Katib's controller). */
export function recordAlgorithmSettings(state: ExperimentState, update: readonly AlgorithmSetting[] | undefined): void {
  if (!update || update.length === 0) return;
  const merged = new Map((state.suggestion?.algorithmSettings ?? []).map((s) => [s.name, s.value]));
  for (const s of update) merged.set(s.name, s.value);
  state.suggestion = { ...state.suggestion, algorithmSettings: [...merged].map(([name, value]) => ({ name, value })) };
  state.recorder?.experimentChanged(state);
}

/** The experiment as the algorithm's next request carries it: its settings overlaid with the returned ones. */
export function requestExperiment(state: ExperimentState): { name: string; spec: Experiment['spec'] } {
  const { metadata, spec } = state.experiment;
  const returned = state.suggestion?.algorithmSettings;
  if (!returned || returned.length === 0) return { name: metadata.name, spec };
  const merged = new Map((spec.algorithm?.algorithmSettings ?? []).map((s) => [s.name, s.value]));
  for (const s of returned) merged.set(s.name, s.value);
  const algorithm = { ...spec.algorithm, algorithmName: spec.algorithm?.algorithmName ?? '', algorithmSettings: [...merged].map(([name, value]) => ({ name, value })) };
  return { name: metadata.name, spec: { ...spec, algorithm } };
}

/**
 * Katib's restart (katib-spec §3.4): an experiment that Succeeded by reaching
 * maxTrialCount, with resumePolicy LongRunning or FromVolume, runs on once maxTrialCount
 * is raised above its number of trials. Returns why not when it cannot.
 */
export function restart(state: ExperimentState, spec: Partial<Pick<Experiment['spec'], 'maxTrialCount' | 'parallelTrialCount' | 'maxFailedTrialCount'>>): string | undefined {
  const why = restartBlocker(state, spec.maxTrialCount ?? state.experiment.spec.maxTrialCount);
  if (why) return why;
  Object.assign(state.experiment.spec, spec);
  delete state.outcome;
  state.conditions = state.conditions.filter((c) => c.type !== 'Succeeded' && c.type !== 'Failed');
  setExperimentCondition(state, 'Restarting', 'ExperimentRestarting', 'Experiment is restarting');
  return undefined;
}

export function restartBlocker(state: ExperimentState, maxTrialCount: number | undefined): string | undefined {
  const policy = state.experiment.spec.resumePolicy ?? 'Never';
  if (state.outcome?.reason !== REASONS.maxTrialsReached) {
    return `only an experiment that succeeded by reaching maxTrialCount can restart; this one ended with ${state.outcome?.reason ?? 'nothing yet'}`;
  }
  if (policy !== 'LongRunning' && policy !== 'FromVolume') {
    return `resumePolicy ${policy} does not allow a restart; set spec.resumePolicy to LongRunning or FromVolume`;
  }
  if (maxTrialCount === undefined || maxTrialCount <= state.trials.length) {
    return `maxTrialCount must be raised above the ${state.trials.length} trials the experiment has, got ${maxTrialCount ?? 'none'}`;
  }
  return undefined;
}

export function counts(state: ExperimentState): TrialCounts {
  return { ...derived(state).counts };
}

/** A trial's position in creation order. */
export function trialIndex(state: ExperimentState, trial: TrialRecord): number {
  return derived(state).index.get(trial.name) ?? -1;
}

export function bestTrial(state: ExperimentState): TrialRecord | undefined {
  return derived(state).best;
}

/**
 * Applies Katib's terminal rules once (§3.1 step 6); after the experiment completes its
 * condition stays, while running trials still finish and are recorded.
 */
export function updateStatus(state: ExperimentState): void {
  if (state.outcome) return;
  const d = derived(state);
  const terminal = terminalCondition(state.experiment.spec, d.counts, d.bestValue);
  if (terminal) {
    complete(state, terminal);
  } else if (state.trials.length > 0) {
    setExperimentCondition(state, 'Running', 'ExperimentRunning', 'Experiment is running');
  }
}

/** The experiment's condition now: its outcome once complete, else its latest condition. */
export function experimentStatus(state: ExperimentState): { status: ExperimentCondition['type']; reason: string; message: string } {
  const latest = state.conditions[state.conditions.length - 1];
  return {
    status: state.outcome?.type ?? latest?.type ?? 'Created',
    reason: state.outcome?.reason ?? latest?.reason ?? '',
    message: state.outcome?.message ?? latest?.message ?? '',
  };
}

export function complete(state: ExperimentState, terminal: TerminalCondition): void {
  if (state.outcome) return;
  terminal = withoutResult(state, terminal);
  state.outcome = terminal;
  const running = state.conditions.find((c) => c.type === 'Running');
  if (running) running.status = 'False';
  setExperimentCondition(state, terminal.type, terminal.reason, terminal.message, true);
}

/**
 * An experiment that ends with no trial to use (every one failed or had no usable
 * objective value) has failed, whatever rule ended it: Katib would call it Succeeded.
 * Only when nothing is running, since a running trial may still succeed.
 */
function withoutResult(state: ExperimentState, terminal: TerminalCondition): TerminalCondition {
  const d = derived(state);
  // A darts trial succeeds with a text result and no best (textResult): it is a result.
  if (terminal.type !== 'Succeeded' || d.best !== undefined || d.counts.succeeded > 0 || activeCount(d.counts) > 0) return terminal;
  const c = d.counts;
  const parts = [`${c.failed} failed`, `${c.metricsUnavailable} without a usable objective value`];
  if (c.earlyStopped > 0) parts.push(`${c.earlyStopped} early stopped`);
  if (c.killed > 0) parts.push(`${c.killed} killed`);
  return {
    type: 'Failed',
    reason: REASONS.failed,
    message: `Experiment has failed because no trial succeeded (${c.total} trial${c.total === 1 ? '' : 's'}: ${parts.join(', ')})`,
  };
}

export function suggestionEnded(state: ExperimentState, message: string): void {
  complete(state, { type: 'Succeeded', reason: REASONS.suggestionEndReached, message });
}

export function suggestionFailed(state: ExperimentState, message: string): void {
  complete(state, { type: 'Failed', reason: REASONS.failed, message: `Suggestion has failed: ${message}` });
}

function setExperimentCondition(
  state: ExperimentState,
  type: ExperimentCondition['type'],
  reason: string,
  message: string,
  changed = false,
): void {
  const existing = state.conditions.find((c) => c.type === type);
  if (existing && existing.status === 'True' && existing.reason === reason) {
    if (changed) state.recorder?.experimentChanged(state);
    return;
  }
  if (type === 'Running') state.conditions = state.conditions.filter((c) => c.type !== 'Restarting');
  state.conditions = state.conditions.filter((c) => c.type !== type);
  state.conditions.push({ type, status: 'True', reason, message, lastTransitionTime: now() });
  state.recorder?.experimentChanged(state);
}

function appendCondition(state: ExperimentState, trial: TrialRecord, type: TrialConditionType, reason: string, message: string): void {
  const time = now();
  const c = derived(state).counts;
  if (trial.conditions.length > 0) c[countKey(trial.condition)]--;
  else c.total++;
  c[countKey(type)]++;
  if (type === 'Succeeded' || type === 'Failed' || type === 'MetricsUnavailable') {
    // Katib sets Running False when a trial ends this way (§2.5).
    for (const c of trial.conditions) if (c.type === 'Running') c.status = 'False';
  }
  const condition: TrialCondition = { type, status: 'True', reason, message, lastTransitionTime: time };
  trial.conditions.push(condition);
  trial.condition = type;
}

function countKey(type: TrialConditionType): Exclude<keyof TrialCounts, 'total'> {
  switch (type) {
    case 'Created': return 'pending';
    case 'Running': return 'running';
    case 'Succeeded': return 'succeeded';
    case 'Killed': return 'killed';
    case 'Failed': return 'failed';
    case 'EarlyStopped': return 'earlyStopped';
    case 'MetricsUnavailable': return 'metricsUnavailable';
  }
}
