import { dirname, join, resolve } from 'node:path';
import { trialDirectory } from '../../trials/process-runner.js';
import type { AlgorithmSpec, ParameterSpec } from '../experiment/types.js';
import { failureKey, formatFailureCause } from '../loop/failures.js';
import { objectiveOf } from '../loop/state.js';
import { metricNames, strategyFor } from '../trial/observation.js';
import type { TrialCondition, TrialRecord } from '../trial/types.js';
import { loadExperiment, notFound, withStore } from './get.js';
import type { Io } from './io.js';
import { age, formatAssignments, formatMetrics, formatNumber, table } from './output.js';
import { experimentView, INTERRUPTED } from './views.js';

/** `Key:   value` lines, aligned as kubectl describe aligns them. */
function fields(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 2;
  // An empty key continues the line above.
  return pairs.map(([k, v]) => `${(k === '' ? '' : `${k}:`).padEnd(width)}${v}`);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function settings(spec: AlgorithmSpec | undefined): string {
  if (!spec) return '<none>';
  const s = spec.algorithmSettings ?? [];
  return s.length === 0 ? spec.algorithmName : `${spec.algorithmName} (${s.map((x) => `${x.name}=${x.value}`).join(', ')})`;
}

function feasible(p: ParameterSpec): string {
  const f = p.feasibleSpace;
  if (f.list) return `list ${f.list.join(', ')}`;
  return [`min ${f.min ?? '-'}`, `max ${f.max ?? '-'}`, ...(f.step ? [`step ${f.step}`] : []), ...(f.distribution ? [f.distribution] : [])].join(', ');
}

function when(time: string | undefined): string {
  return time ? `${time} (${age(time)} ago)` : '-';
}

function conditions(list: readonly TrialCondition[] | readonly { type: string; status: string; reason: string; message: string; lastTransitionTime: string }[]): string {
  return table(['TYPE', 'STATUS', 'REASON', 'AGE', 'MESSAGE'], list.map((c) => [c.type, c.status, c.reason, age(c.lastTransitionTime), failureKey(c.message)]));
}

/** `scriba describe experiment NAME`: status, counts, best trial, failure causes, settings, parameters, conditions. */
export function describeExperiment(name: string, db: string, io: Io): number {
  return withStore(db, (store) => {
    const state = loadExperiment(store, name);
    const view = experimentView(store, state);
    const spec = state.experiment.spec;
    const objective = objectiveOf(state);
    const t = view.trials;
    const owner = view.owner.pid === undefined ? '<none>' : `process ${view.owner.pid}${view.owner.heartbeatAt ? `, heartbeat ${age(view.owner.heartbeatAt)} ago` : ''}${view.owner.alive ? '' : ' (gone)'}`;
    const goal = objective.goal === undefined ? '' : ` (goal ${formatNumber(objective.goal)})`;
    const extra = objective.additionalMetricNames?.length ? `; additional metrics: ${objective.additionalMetricNames.join(', ')}` : '';
    const lines = fields([
      ['Name', view.name],
      ['Status', `${view.status} (${view.reason})`],
      ['Message', view.message],
      ['Source', store.source(name) ?? '<none>'],
      ['Created', when(view.createdAt)],
      ['Owner', owner],
      ['Objective', `${objective.type} ${objective.objectiveMetricName}${goal}, strategy ${strategyFor(objective, objective.objectiveMetricName)}${extra}`],
      ['Algorithm', settings(spec.algorithm)],
      ['Early stopping', settings(spec.earlyStopping)],
      ['Counts', `parallel ${spec.parallelTrialCount ?? '-'}, max ${spec.maxTrialCount ?? '-'}, max failed ${spec.maxFailedTrialCount ?? '-'}; resumePolicy ${spec.resumePolicy ?? 'Never'}`],
      ['Trials', `${t.total} total, ${t.succeeded} succeeded, ${t.failed} failed, ${t.earlyStopped} early stopped, ${t.metricsUnavailable} metrics unavailable, ${t.killed} killed, ${t.running} running, ${t.pending} pending`],
      ['Best trial', view.bestTrial ? `${view.bestTrial.name}: ${formatAssignments(view.bestTrial.parameterAssignments)}` : '<none>'],
      ...(view.bestTrial ? [['', formatMetrics(view.bestTrial.observation)] as const] : []),
    ]);
    if (view.failures?.length) lines.push('Failures:', ...view.failures.map((c) => `  ${formatFailureCause(c)}`));
    const parameters = spec.parameters ?? [];
    if (parameters.length > 0) lines.push('Parameters:', indent(table(['NAME', 'TYPE', 'FEASIBLE SPACE'], parameters.map((p) => [p.name, p.parameterType, feasible(p)]))));
    lines.push('Conditions:', indent(conditions(state.conditions)));
    io.out(lines.join('\n'));
    if (view.status === INTERRUPTED) io.err(`Hint: scriba resume ${name}`);
    return 0;
  });
}

/** `scriba describe trial NAME`: status, times, parameters, metrics, conditions and where its files are. */
export function describeTrial(trialName: string, db: string, io: Io): number {
  return withStore(db, (store) => {
    const experiment = store.experimentOfTrial(trialName);
    if (!experiment) throw notFound('trials', trialName, store.path);
    const state = store.loadState(experiment);
    const trial = state.trials.find((x) => x.name === trialName) as TrialRecord;
    const latest = trial.conditions.at(-1);
    const log = store.observationLog(trialName);
    const dir = trialDirectory(join(dirname(resolve(store.path)), 'trials'), experiment, trialName);
    const lines = fields([
      ['Name', trial.name],
      ['Experiment', experiment],
      ['Status', `${trial.condition} (${latest?.reason ?? '-'})`],
      ['Message', latest ? failureKey(latest.message) : ''],
      ['Created', when(trial.creationTime)],
      ['Started', when(trial.startTime)],
      ['Completed', when(trial.completionTime)],
      ['Parameters', formatAssignments(trial.parameterAssignments) || '<none>'],
      ['Observation log', `${log.length} rows`],
      ['Directory', dir],
      ...(trial.labels ? [['Labels', Object.entries(trial.labels).map(([k, v]) => `${k}=${v}`).join(', ')] as const] : []),
    ]);
    const output = latest?.message.split(/; last output:\r?\n/)[1];
    if (output) lines.push('Last output:', indent(output));
    const metrics = trial.observation?.metrics ?? metricNames(objectiveOf(state)).map((name) => ({ name, min: '-', max: '-', latest: '-' }));
    lines.push('Metrics:', indent(table(['NAME', 'MIN', 'MAX', 'LATEST'], metrics.map((m) => [m.name, formatNumber(m.min), formatNumber(m.max), formatNumber(m.latest)]))));
    lines.push('Conditions:', indent(conditions(trial.conditions)));
    io.out(lines.join('\n'));
    return 0;
  });
}
