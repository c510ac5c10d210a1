import { getAlgorithm } from '../../algorithms/registry.js';
import type { Algorithm } from '../../algorithms/types.js';
import { applyDefaults } from '../experiment/defaults.js';
import {
  API_VERSION,
  EXPERIMENT_KIND,
  type Experiment,
  type MetricStrategyType,
  type ObjectiveType,
  type ValidationIssue,
} from '../experiment/types.js';
import { validateExperiment } from '../experiment/validate.js';
import { ScribaError } from '../errors.js';
import { freshSeed } from '../rng.js';
import type { SearchParameter } from './search.js';

/** Options of `createStudy()` and `tune()`, in the vocabulary of Katib's Python SDK. */
export interface StudyOptions {
  /** The experiment's name (Katib's rules: starts with a-z, at most 40 characters). Default `experiment`. */
  name?: string;
  parameters: Readonly<Record<string, SearchParameter>>;
  objectiveType: ObjectiveType;
  /** Default `objective`; an objective returning a bare number reports this metric. */
  objectiveMetricName?: string;
  additionalMetricNames?: string[];
  /** Per-metric strategy: min, max or latest (Katib's defaults otherwise). */
  metricStrategies?: Readonly<Record<string, MetricStrategyType>>;
  goal?: number;
  /** Katib algorithm name; default `random`. */
  algorithm?: string;
  algorithmSettings?: Readonly<Record<string, string | number>>;
  maxTrialCount?: number;
  /** Default 3 (Katib's). */
  parallelTrialCount?: number;
  maxFailedTrialCount?: number;
  /** Seed of every random draw; a fresh one when absent, reported in the result. */
  seed?: number;
}

export interface PreparedStudy {
  experiment: Experiment;
  algorithm: Algorithm;
  seed: number;
}

/**
 * Turns API options into a defaulted, validated Katib Experiment and its algorithm.
 * Every problem is reported at once, located by option (`parameters.lr.max`,
 * `algorithmSettings.random_state`) rather than by Katib field path.
 */
export function prepareStudy(options: StudyOptions): PreparedStudy {
  const shapeIssues = checkShape(options);
  if (shapeIssues.length > 0) throw ScribaError.fromIssues(shapeIssues, 'invalid tuning options');

  const names = Object.keys(options.parameters);
  const settings = Object.entries(options.algorithmSettings ?? {}).map(([name, value]) => ({ name, value: String(value) }));
  const raw: Experiment = {
    apiVersion: API_VERSION,
    kind: EXPERIMENT_KIND,
    metadata: { name: options.name ?? 'experiment' },
    spec: {
      parameters: names.map((name) => ({ name, ...structuredClone(options.parameters[name] as SearchParameter) })),
      objective: {
        type: options.objectiveType,
        objectiveMetricName: options.objectiveMetricName ?? 'objective',
        ...(options.goal !== undefined ? { goal: options.goal } : {}),
        ...(options.additionalMetricNames ? { additionalMetricNames: [...options.additionalMetricNames] } : {}),
        ...(options.metricStrategies
          ? { metricStrategies: Object.entries(options.metricStrategies).map(([name, value]) => ({ name, value })) }
          : {}),
      },
      algorithm: { algorithmName: options.algorithm ?? 'random', algorithmSettings: settings },
      ...(options.maxTrialCount !== undefined ? { maxTrialCount: options.maxTrialCount } : {}),
      // Katib rejects parallelTrialCount > maxTrialCount; here its default 3 yields to a smaller maxTrialCount.
      ...(options.parallelTrialCount !== undefined
        ? { parallelTrialCount: options.parallelTrialCount }
        : Number.isInteger(options.maxTrialCount) && (options.maxTrialCount as number) > 0
          ? { parallelTrialCount: Math.min(3, options.maxTrialCount as number) }
          : {}),
      ...(options.maxFailedTrialCount !== undefined ? { maxFailedTrialCount: options.maxFailedTrialCount } : {}),
    },
  };
  const experiment = applyDefaults(raw);
  const issues = validateExperiment(experiment, { requireTrialTemplate: false });

  let algorithm: Algorithm | undefined;
  try {
    algorithm = getAlgorithm(experiment.spec.algorithm?.algorithmName ?? 'random');
  } catch (error) {
    if (!issues.some((i) => i.path === 'spec.algorithm.algorithmName')) {
      issues.push({ path: 'spec.algorithm.algorithmName', message: (error as Error).message });
    }
  }
  if (algorithm && !issues.some((i) => i.path.startsWith('spec.parameters'))) {
    issues.push(...algorithm.validateSettings({ name: experiment.metadata.name, spec: experiment.spec }));
  }
  const spec = experiment.spec;
  if (spec.maxTrialCount === undefined && spec.objective?.goal === undefined && spec.algorithm?.algorithmName !== 'grid') {
    issues.push({
      path: 'spec.maxTrialCount',
      message: 'expected maxTrialCount (or a goal, or the grid algorithm): without one the tuning would never end',
    });
  }
  if (issues.length > 0 || !algorithm) {
    throw ScribaError.fromIssues(issues.map((i) => ({ path: optionPath(i.path, experiment), message: i.message })), 'invalid tuning options');
  }
  return { experiment, algorithm, seed: options.seed ?? freshSeed() };
}

function checkShape(o: StudyOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof o !== 'object' || o === null) return [{ path: 'options', message: 'expected an options object' }];
  if (typeof o.parameters !== 'object' || o.parameters === null || Object.keys(o.parameters).length === 0) {
    issues.push({ path: 'parameters', message: 'expected an object of at least one parameter, e.g. { lr: search.double({ min: 0.001, max: 0.1 }) }' });
  } else {
    for (const [name, p] of Object.entries(o.parameters)) {
      if (typeof p !== 'object' || p === null || typeof p.feasibleSpace !== 'object') {
        issues.push({ path: `parameters.${name}`, message: 'expected a parameter made by search.double(), search.int(), search.discrete() or search.categorical()' });
      }
    }
  }
  if (o.objectiveType !== 'minimize' && o.objectiveType !== 'maximize') {
    issues.push({ path: 'objectiveType', message: `expected "minimize" or "maximize", got ${JSON.stringify(o.objectiveType)}` });
  }
  for (const key of ['maxTrialCount', 'parallelTrialCount', 'maxFailedTrialCount'] as const) {
    const v = o[key];
    if (v !== undefined && !Number.isInteger(v)) issues.push({ path: key, message: `expected an integer, got ${JSON.stringify(v)}` });
  }
  if (o.goal !== undefined && (typeof o.goal !== 'number' || !Number.isFinite(o.goal))) {
    issues.push({ path: 'goal', message: `expected a finite number, got ${JSON.stringify(o.goal)}` });
  }
  if (o.seed !== undefined && (!Number.isInteger(o.seed) || o.seed < 0)) {
    issues.push({ path: 'seed', message: `expected an integer >= 0, got ${JSON.stringify(o.seed)}` });
  }
  return issues;
}

/** Maps a Katib field path to the option a TypeScript caller wrote. */
export function optionPath(path: string, experiment: Experiment): string {
  const spec = experiment.spec;
  const indexed = (re: RegExp, list: Array<{ name: string }> | undefined, prefix: string): string | undefined => {
    const m = re.exec(path);
    if (!m) return undefined;
    const name = list?.[Number(m[1])]?.name ?? m[1];
    const rest = (m[2] ?? '').replace(/^\.feasibleSpace/, '').replace(/^\.(name|value)$/, '');
    return `${prefix}.${name}${rest}`;
  };
  return (
    indexed(/^spec\.parameters\[(\d+)\](.*)$/, spec.parameters, 'parameters') ??
    indexed(/^spec\.algorithm\.algorithmSettings\[(\d+)\](.*)$/, spec.algorithm?.algorithmSettings, 'algorithmSettings') ??
    indexed(/^spec\.objective\.metricStrategies\[(\d+)\](.*)$/, spec.objective?.metricStrategies, 'metricStrategies') ??
    path
      .replace(/^metadata\.name$/, 'name')
      .replace(/^spec\.objective\.type$/, 'objectiveType')
      .replace(/^spec\.algorithm\.algorithmName$/, 'algorithm')
      .replace(/^spec\.objective\./, '')
      .replace(/^spec\./, '')
  );
}
