import type { Experiment } from '../src/experiment/types.js';
import { bestTrial, counts, type ExperimentCondition, type ExperimentState } from '../src/loop/state.js';
import type { TrialCondition, TrialConditionType, TrialRecord } from '../src/trial/types.js';
import { GROUP, VERSION, type KubeObject, type OwnerReference } from '../trials/kubernetes/client.js';
import { EXPERIMENT_LABEL } from '../trials/kubernetes/job.js';

/**
 * The Katib resources' status, computed from the experiment's state (katib-spec §2.1, §2.4,
 * §2.5): pure functions, so what `kubectl get experiment -o yaml` shows is exactly what the
 * loop decided.
 */


const LISTS: Array<[TrialConditionType | 'Pending', string]> = [
  ['Pending', 'pendingTrialList'],
  ['Running', 'runningTrialList'],
  ['Succeeded', 'succeededTrialList'],
  ['Failed', 'failedTrialList'],
  ['Killed', 'killedTrialList'],
  ['EarlyStopped', 'earlyStoppedTrialList'],
  ['MetricsUnavailable', 'metricsUnavailableTrialList'],
];

export function experimentStatus(state: ExperimentState, time: string): Record<string, unknown> {
  const c = counts(state);
  const lists = new Map<string, string[]>(LISTS.map(([, field]) => [field, []]));
  for (const trial of state.trials) {
    const type = trial.condition === 'Created' ? 'Pending' : trial.condition;
    const field = LISTS.find(([t]) => t === type)?.[1];
    if (field) lists.get(field)?.push(trial.name);
  }
  const created = state.conditions.find((x) => x.type === 'Created');
  const best = bestTrial(state);
  const status: Record<string, unknown> = {
    ...(created ? { startTime: seconds(created.lastTransitionTime) } : {}),
    ...(state.outcome ? { completionTime: seconds(state.conditions.find((x) => x.type === state.outcome?.type)?.lastTransitionTime ?? time) } : {}),
    lastReconcileTime: seconds(time),
    conditions: state.conditions.map(experimentCondition),
    currentOptimalTrial: best
      ? { bestTrialName: best.name, parameterAssignments: best.parameterAssignments, observation: best.observation ?? { metrics: [] } }
      : { bestTrialName: '', parameterAssignments: [], observation: { metrics: [] } },
    trials: c.total,
    trialsSucceeded: c.succeeded,
    trialsFailed: c.failed,
    trialsKilled: c.killed,
    trialsPending: c.pending,
    trialsRunning: c.running,
    trialsEarlyStopped: c.earlyStopped,
    trialMetricsUnavailable: c.metricsUnavailable,
  };
  for (const [field, names] of lists) if (names.length > 0) status[field] = names;
  return status;
}

/** The status of an experiment that is not run: Created, then Failed with why. */
export function invalidExperimentStatus(message: string, time: string, startTime?: string): Record<string, unknown> {
  return {
    startTime: startTime ?? seconds(time),
    completionTime: seconds(time),
    lastReconcileTime: seconds(time),
    conditions: [
      experimentCondition({ type: 'Created', status: 'True', reason: 'ExperimentCreated', message: 'Experiment is created', lastTransitionTime: time }),
      experimentCondition({ type: 'Failed', status: 'True', reason: 'ExperimentFailed', message, lastTransitionTime: time }),
    ],
    trials: 0,
  };
}

function experimentCondition(c: ExperimentCondition): Record<string, string> {
  const t = seconds(c.lastTransitionTime);
  return { type: c.type, status: c.status, reason: c.reason, message: c.message, lastUpdateTime: t, lastTransitionTime: t };
}

function trialCondition(c: TrialCondition): Record<string, string> {
  const t = seconds(c.lastTransitionTime);
  return { type: c.type, status: c.status, reason: c.reason, message: c.message, lastUpdateTime: t, lastTransitionTime: t };
}

/** The Trial resource of a trial (§3.2 "Trial"): labels, objective, assignments, template fields. */
export function trialObject(experiment: Experiment, owner: OwnerReference, trial: TrialRecord, runSpec: Record<string, unknown>): KubeObject {
  const spec = experiment.spec;
  const template = spec.trialTemplate;
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Trial',
    metadata: {
      name: trial.name,
      namespace: experiment.metadata.namespace ?? 'default',
      labels: { ...experiment.metadata.labels, [EXPERIMENT_LABEL]: experiment.metadata.name, ...trial.labels },
      ownerReferences: [owner],
    },
    spec: {
      objective: spec.objective,
      parameterAssignments: trial.parameterAssignments,
      runSpec,
      ...(template?.retain !== undefined ? { retainRun: template.retain } : {}),
      ...(spec.metricsCollectorSpec ? { metricsCollector: spec.metricsCollectorSpec } : {}),
      ...(template?.primaryPodLabels ? { primaryPodLabels: template.primaryPodLabels } : {}),
      ...(template?.primaryContainerName ? { primaryContainerName: template.primaryContainerName } : {}),
      ...(template?.successCondition && template.failureCondition
        ? { successCondition: template.successCondition, failureCondition: template.failureCondition }
        : {}),
      ...(trial.labels ? { labels: trial.labels } : {}),
    },
  };
}

export function trialStatus(trial: TrialRecord, time: string): Record<string, unknown> {
  return {
    ...(trial.startTime ? { startTime: seconds(trial.startTime) } : {}),
    ...(trial.completionTime ? { completionTime: seconds(trial.completionTime) } : {}),
    lastReconcileTime: seconds(time),
    conditions: trial.conditions.map(trialCondition),
    ...(trial.observation ? { observation: trial.observation } : {}),
  };
}

/** The Suggestion (name = the experiment's, §2.4): what was asked for and what was handed out. */
export function suggestionObject(experiment: Experiment, owner: OwnerReference): KubeObject {
  const spec = experiment.spec;
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Suggestion',
    metadata: {
      name: experiment.metadata.name,
      namespace: experiment.metadata.namespace ?? 'default',
      labels: { ...experiment.metadata.labels },
      ownerReferences: [owner],
    },
    spec: {
      algorithm: spec.algorithm,
      ...(spec.earlyStopping ? { earlyStopping: spec.earlyStopping } : {}),
      requests: 0,
      resumePolicy: spec.resumePolicy ?? 'Never',
    },
  };
}

export function suggestionStatus(state: ExperimentState, time: string): Record<string, unknown> {
  const created = state.conditions.find((x) => x.type === 'Created')?.lastTransitionTime ?? time;
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type, status, reason, message, lastUpdateTime: seconds(time), lastTransitionTime: seconds(time),
  });
  const conditions = [condition('Created', 'True', 'SuggestionCreated', 'Suggestion is created')];
  const done = state.outcome !== undefined && (state.experiment.spec.resumePolicy ?? 'Never') !== 'LongRunning';
  conditions.push(condition('Running', done ? 'False' : 'True', 'SuggestionRunning', 'Suggestion is running'));
  if (done) conditions.push(condition('Succeeded', 'True', 'SuggestionSucceeded', 'Experiment is succeeded'));
  return {
    startTime: seconds(created),
    ...(done ? { completionTime: seconds(time) } : {}),
    lastReconcileTime: seconds(time),
    suggestionCount: state.trials.length,
    suggestions: state.trials.map((t) => ({ name: t.name, parameterAssignments: t.parameterAssignments, ...(t.labels ? { labels: t.labels } : {}) })),
    ...(state.suggestion?.algorithmSettings ? { algorithmSettings: state.suggestion.algorithmSettings } : {}),
    conditions,
  };
}

/** metav1.Time has second precision on the wire. */
function seconds(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}
