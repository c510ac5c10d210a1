import type { ValidationIssue } from '../experiment/types.js';
import type { StudyOptions } from './options.js';

const show = (value: unknown): string => (typeof value === 'function' ? 'a function' : JSON.stringify(value) ?? String(value));
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The checks Katib's validation cannot make because its input is already typed: each
 * option has the JavaScript type it needs. JavaScript callers get no type check.
 */
export function checkShape(o: StudyOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  if (!isObject(o.parameters) || Object.keys(o.parameters).length === 0) {
    add('parameters', 'expected an object of at least one parameter, e.g. { lr: search.double({ min: 0.001, max: 0.1 }) }');
  } else {
    for (const [name, p] of Object.entries(o.parameters)) {
      if (!isObject(p) || !isObject(p.feasibleSpace)) {
        add(`parameters.${name}`, 'expected a parameter made by search.double(), search.int(), search.discrete() or search.categorical()');
      }
    }
  }
  if (o.objectiveType !== 'minimize' && o.objectiveType !== 'maximize') {
    add('objectiveType', `expected "minimize" or "maximize", got ${show(o.objectiveType)}`);
  }
  if (o.name !== undefined && typeof o.name !== 'string') add('name', `expected a string, got ${show(o.name)}`);
  if (o.objectiveMetricName !== undefined && (typeof o.objectiveMetricName !== 'string' || o.objectiveMetricName === '')) {
    add('objectiveMetricName', `expected a metric name, got ${show(o.objectiveMetricName)}`);
  }
  if (o.additionalMetricNames !== undefined && (!Array.isArray(o.additionalMetricNames) || !o.additionalMetricNames.every((n) => typeof n === 'string' && n !== ''))) {
    add('additionalMetricNames', `expected a list of metric names, got ${show(o.additionalMetricNames)}`);
  }
  if (o.metricStrategies !== undefined && !isObject(o.metricStrategies)) {
    add('metricStrategies', `expected an object such as { loss: 'latest' }, got ${show(o.metricStrategies)}`);
  }
  if (o.algorithm !== undefined && (typeof o.algorithm !== 'string' || o.algorithm === '')) {
    add('algorithm', `expected an algorithm name such as "tpe" (register a plugin with registerAlgorithm(name, factory)), got ${show(o.algorithm)}`);
  }
  settingsShape(o.algorithmSettings, 'algorithmSettings', '{ random_state: 1 }', add);
  if (o.earlyStopping !== undefined && (typeof o.earlyStopping !== 'string' || o.earlyStopping === '')) {
    add('earlyStopping', `expected an early-stopping algorithm name such as "medianstop", got ${show(o.earlyStopping)}`);
  }
  settingsShape(o.earlyStoppingSettings, 'earlyStoppingSettings', '{ start_step: 4 }', add);
  if (o.earlyStoppingSettings !== undefined && o.earlyStopping === undefined) {
    add('earlyStoppingSettings', 'applies only with earlyStopping: name the algorithm, e.g. earlyStopping: "medianstop"');
  }
  for (const key of ['maxTrialCount', 'parallelTrialCount', 'maxFailedTrialCount'] as const) {
    const v = o[key];
    if (v !== undefined && !Number.isInteger(v)) add(key, `expected an integer, got ${show(v)}`);
  }
  if (o.goal !== undefined && (typeof o.goal !== 'number' || !Number.isFinite(o.goal))) {
    add('goal', `expected a finite number, got ${show(o.goal)}`);
  }
  if (o.seed !== undefined && (!Number.isInteger(o.seed) || (o.seed as number) < 0)) {
    add('seed', `expected an integer >= 0, got ${show(o.seed)}`);
  }
  return issues;
}

/** An object of settings whose values are strings or finite numbers. */
function settingsShape(settings: unknown, path: string, example: string, add: (path: string, message: string) => void): void {
  if (settings === undefined) return;
  if (!isObject(settings)) return add(path, `expected an object such as ${example}, got ${show(settings)}`);
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value !== 'string' && (typeof value !== 'number' || !Number.isFinite(value))) {
      add(`${path}.${name}`, `expected a string or a finite number, got ${show(value)}`);
    }
  }
}
