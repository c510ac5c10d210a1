import { getAlgorithm } from '../../algorithms/registry.js';
import type { Algorithm } from '../../algorithms/types.js';
import { applyDefaults } from '../experiment/defaults.js';
import {
  API_VERSION,
  EXPERIMENT_KIND,
  type Experiment,
  type MetricStrategyType,
  type ObjectiveType,
  type ResumePolicy,
  type ValidationIssue,
} from '../experiment/types.js';
import { validateExperiment } from '../experiment/validate.js';
import { errorMessage, ScribaError } from '../errors.js';
import { freshSeed } from '../rng.js';
import type { AlgorithmName } from './algorithm-name.js';
import { checkShape, isObject } from './option-checks.js';
import { unknownKeyIssues } from './option-keys.js';
import { optionPath } from './option-path.js';
import type { SearchParameter, SearchSpaceOptions } from './search.js';

/** Options of `createStudy()` and `tune()`, in the vocabulary of Katib's Python SDK. */
export interface StudyOptions<S extends SearchSpaceOptions = SearchSpaceOptions> {
  /** The experiment's name (Katib's rules: starts with a-z, at most 40 characters). Default `experiment`. */
  name?: string;
  /** The search space: `{ lr: search.double({ min: 1e-4, max: 0.1 }), ... }`; it types the values trials get. */
  parameters: S;
  objectiveType: ObjectiveType;
  /** Default `objective`; an objective returning a bare number reports this metric. */
  objectiveMetricName?: string;
  additionalMetricNames?: readonly string[];
  /** Per-metric strategy: min, max or latest (Katib's defaults otherwise). */
  metricStrategies?: Readonly<Record<string, MetricStrategyType>>;
  goal?: number;
  /** Katib algorithm name, or a plugin's registered name; default `random`. */
  algorithm?: AlgorithmName;
  algorithmSettings?: Readonly<Record<string, string | number>>;
  /**
   * Stops trials early from what they report (Katib's `earlyStopping`): `medianstop` (Katib's)
   * or `asha` (asynchronous successive halving). The objective's `report()` (a Study's
   * `report()`) then answers true when the trial should stop. Default: none.
   */
  earlyStopping?: string;
  /** The early-stopping algorithm's settings, e.g. `{ min_trials_required: 5, start_step: 1 }`. */
  earlyStoppingSettings?: Readonly<Record<string, string | number>>;
  /** The most trials to run; optional for a Study, whose caller decides when to stop. */
  maxTrialCount?: number;
  /**
   * `tune()`: how many trials run at once, default `min(3, maxTrialCount)`. A Study limits the
   * trials asked and not yet told to it, when given.
   */
  parallelTrialCount?: number;
  maxFailedTrialCount?: number;
  /** Seed of every random draw; a fresh one when absent, reported in the result. */
  seed?: number;
}

export const STUDY_OPTION_KEYS: readonly string[] = [
  'name',
  'parameters',
  'objectiveType',
  'objectiveMetricName',
  'additionalMetricNames',
  'metricStrategies',
  'goal',
  'algorithm',
  'algorithmSettings',
  'earlyStopping',
  'earlyStoppingSettings',
  'maxTrialCount',
  'parallelTrialCount',
  'maxFailedTrialCount',
  'seed',
];

export interface PreparedStudy {
  experiment: Experiment;
  algorithm: Algorithm;
  seed: number;
}

export interface PrepareContext {
  /** Every option key the caller accepts (the study's and its own). */
  knownKeys: readonly string[];
  /** Why a key is refused, for keys that belong to another function. */
  explainedKeys?: Readonly<Record<string, string>>;
  /** Problems the caller found with its own options, reported with the rest. */
  issues?: readonly ValidationIssue[];
  /** The experiment must end by itself (tune()): a timeout given counts as an end. */
  requireEnd?: { timeout: boolean };
  resumePolicy?: ResumePolicy;
}

/**
 * Turns API options into a defaulted, validated Katib Experiment and its algorithm.
 * Every problem is reported at once, the algorithm's settings included, located by option
 * (`parameters.lr.max`, `algorithmSettings.random_state`) rather than by Katib field path.
 */
export function prepareStudy(options: StudyOptions, context: PrepareContext): PreparedStudy {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw ScribaError.fromIssues([{ path: 'options', message: `expected an options object, got ${JSON.stringify(options)}` }], 'invalid tuning options');
  }
  const own = [...unknownKeyIssues(options, context.knownKeys, context.explainedKeys), ...(context.issues ?? []), ...checkShape(options)];
  const experiment = applyDefaults(buildExperiment(options, context.resumePolicy));
  const found = validateExperiment(experiment, { requireTrialTemplate: false });

  let algorithm: Algorithm | undefined;
  const algorithmName = experiment.spec.algorithm?.algorithmName;
  if (typeof algorithmName === 'string' && algorithmName !== '') {
    try {
      algorithm = getAlgorithm(algorithmName);
    } catch (error) {
      found.push({ path: 'spec.algorithm.algorithmName', message: errorMessage(error) });
    }
  }
  if (algorithm) {
    try {
      found.push(...algorithm.validateSettings({ name: experiment.metadata.name, spec: experiment.spec }));
    } catch (error) {
      // A space broken in a way the algorithm cannot read is reported by the checks above.
      if (!found.some((i) => i.path.startsWith('spec.parameters'))) {
        found.push({ path: 'spec.algorithm.algorithmName', message: `algorithm ${algorithm.name} could not validate its settings: ${errorMessage(error)}` });
      }
    }
  }
  const spec = experiment.spec;
  if (context.requireEnd && spec.maxTrialCount === undefined && options.goal === undefined && !context.requireEnd.timeout && algorithmName !== 'grid') {
    found.push({
      path: 'spec.maxTrialCount',
      message: 'expected maxTrialCount, a timeout or a goal (or the grid algorithm): without one tune() would never end',
    });
  }

  // An option already found wrong by its own check is not reported again in Katib's words.
  const ownPaths = new Set(own.map((i) => i.path));
  const mapped = found
    // parallelTrialCount's default follows maxTrialCount: a problem with it is maxTrialCount's.
    .filter((i) => options.parallelTrialCount !== undefined || i.path !== 'spec.parallelTrialCount')
    .map((i) => ({ path: optionPath(i.path, experiment), message: i.message.replace(/\bspec\.(?=[a-z])/g, '') }));
  const issues = dedupe([...own, ...mapped.filter((i) => !ownPaths.has(i.path))]);
  if (issues.length > 0 || !algorithm) {
    throw ScribaError.fromIssues(issues, 'invalid tuning options');
  }
  return { experiment, algorithm, seed: options.seed ?? freshSeed() };
}

/** The Katib Experiment the options describe, from the parts sound enough to describe one. */
function buildExperiment(options: StudyOptions, resumePolicy: ResumePolicy | undefined): Experiment {
  const parameters = isObject(options.parameters) ? Object.entries(options.parameters) : [];
  const sound = parameters.filter((entry): entry is [string, SearchParameter] => isObject(entry[1]) && isObject(entry[1].feasibleSpace));
  const settingList = (o: unknown) => (isObject(o) ? Object.entries(o).map(([name, value]) => ({ name, value: String(value) })) : []);
  const settings = settingList(options.algorithmSettings);
  const earlyStopping =
    options.earlyStopping !== undefined
      ? { earlyStopping: { algorithmName: String(options.earlyStopping), algorithmSettings: settingList(options.earlyStoppingSettings) } }
      : {};
  const max = Number.isInteger(options.maxTrialCount) && (options.maxTrialCount as number) > 0 ? (options.maxTrialCount as number) : undefined;
  const strategies = isObject(options.metricStrategies) ? Object.entries(options.metricStrategies) : [];
  return {
    apiVersion: API_VERSION,
    kind: EXPERIMENT_KIND,
    metadata: { name: typeof options.name === 'string' ? options.name : 'experiment' },
    spec: {
      parameters: sound.map(([name, p]) => ({ name, parameterType: p.parameterType, feasibleSpace: structuredClone(p.feasibleSpace) })),
      objective: {
        type: options.objectiveType,
        objectiveMetricName: typeof options.objectiveMetricName === 'string' ? options.objectiveMetricName : 'objective',
        ...(typeof options.goal === 'number' ? { goal: options.goal } : {}),
        ...(Array.isArray(options.additionalMetricNames) ? { additionalMetricNames: [...options.additionalMetricNames] } : {}),
        ...(strategies.length > 0 ? { metricStrategies: strategies.map(([name, value]) => ({ name, value })) } : {}),
      },
      algorithm: { algorithmName: typeof options.algorithm === 'string' ? options.algorithm : 'random', algorithmSettings: settings },
      ...earlyStopping,
      ...(options.maxTrialCount !== undefined ? { maxTrialCount: options.maxTrialCount } : {}),
      // Katib rejects parallelTrialCount > maxTrialCount; here its default 3 yields to a smaller maxTrialCount.
      ...(options.parallelTrialCount !== undefined
        ? { parallelTrialCount: options.parallelTrialCount }
        : max !== undefined
          ? { parallelTrialCount: Math.min(3, max) }
          : {}),
      ...(options.maxFailedTrialCount !== undefined ? { maxFailedTrialCount: options.maxFailedTrialCount } : {}),
      ...(resumePolicy ? { resumePolicy } : {}),
    },
  };
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
