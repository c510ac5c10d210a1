import type { AlgorithmExperiment } from '../algorithms/types.js';
import type {
  AlgorithmSetting,
  AlgorithmSpec,
  Distribution,
  ExperimentSpec,
  NasConfig,
  ObjectiveSpec,
  ParameterSpec,
  ParameterType,
  ValidationIssue,
} from '../src/experiment/types.js';
import type {
  Maybe,
  WireAlgorithmSpec,
  WireExperiment,
  WireFeasibleSpace,
  WireNasConfig,
  WireObjectiveSpec,
  WireParameterSpec,
  WireSetting,
} from './wire.js';

/**
 * Pure conversions of experiments between Katib's wire messages (wire.ts) and the plugin
 * types of algorithms/types.ts. Decoding collects every structural problem as a
 * ValidationIssue located like a field of the Experiment resource
 * (`spec.parameters[0].parameterType`).
 */

const PARAMETER_TYPES: Readonly<Record<string, ParameterType>> = {
  DOUBLE: 'double',
  INT: 'int',
  DISCRETE: 'discrete',
  CATEGORICAL: 'categorical',
};
const DISTRIBUTIONS: Readonly<Record<string, Distribution | undefined>> = {
  DISTRIBUTION_UNSPECIFIED: undefined,
  UNIFORM: 'uniform',
  LOG_UNIFORM: 'logUniform',
  NORMAL: 'normal',
  LOG_NORMAL: 'logNormal',
};
type Add = (path: string, message: string) => void;

/** The experiment of a request, or the issues that make it unusable. */
export function decodeExperiment(wire: Maybe<WireExperiment>): { experiment?: AlgorithmExperiment; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const add: Add = (path, message) => issues.push({ path, message });
  if (!wire) {
    add('experiment', 'the request carries no experiment');
    return { issues };
  }
  if (!wire.spec) {
    add('experiment.spec', 'the experiment carries no spec');
    return { issues };
  }
  const s = wire.spec;
  const spec: ExperimentSpec = {};
  const parameters = (s.parameterSpecs?.parameters ?? []).map((p, i) => decodeParameter(p, `spec.parameters[${i}]`, add));
  if (parameters.length > 0) spec.parameters = parameters;
  if (s.objective) {
    const objective = decodeObjective(s.objective, 'spec.objective', add);
    if (objective) spec.objective = objective;
  }
  if (s.algorithm) spec.algorithm = decodeAlgorithm(s.algorithm);
  if (s.earlyStopping) spec.earlyStopping = decodeAlgorithm(s.earlyStopping);
  // proto3 cannot tell 0 from unset; Katib's admission forbids 0 for both counts.
  if (s.parallelTrialCount) spec.parallelTrialCount = s.parallelTrialCount;
  if (s.maxTrialCount) spec.maxTrialCount = s.maxTrialCount;
  if (s.nasConfig) spec.nasConfig = decodeNasConfig(s.nasConfig, add);
  return issues.length > 0 ? { issues } : { experiment: { name: wire.name ?? '', spec }, issues };
}

function decodeParameter(p: WireParameterSpec, path: string, add: Add): ParameterSpec {
  const type = typeof p.parameterType === 'string' ? PARAMETER_TYPES[p.parameterType] : undefined;
  if (!type) {
    add(`${path}.parameterType`, `unknown parameter type ${String(p.parameterType ?? 'UNKNOWN_TYPE')}; expected one of ${Object.keys(PARAMETER_TYPES).join(', ')}`);
  }
  return { name: p.name ?? '', parameterType: type ?? 'unknown', feasibleSpace: decodeFeasibleSpace(p.feasibleSpace, `${path}.feasibleSpace`, add) };
}

function decodeFeasibleSpace(fs: Maybe<WireFeasibleSpace>, path: string, add: Add): ParameterSpec['feasibleSpace'] {
  const out: ParameterSpec['feasibleSpace'] = {};
  if (!fs) return out;
  // "" is proto3's unset string.
  if (fs.min) out.min = fs.min;
  if (fs.max) out.max = fs.max;
  if (fs.step) out.step = fs.step;
  if (fs.list && fs.list.length > 0) out.list = [...fs.list];
  const d = fs.distribution;
  if (d !== undefined) {
    if (typeof d === 'string' && d in DISTRIBUTIONS) {
      const distribution = DISTRIBUTIONS[d];
      if (distribution) out.distribution = distribution;
    } else {
      add(`${path}.distribution`, `unknown distribution ${String(d)}; expected one of ${Object.keys(DISTRIBUTIONS).join(', ')}`);
    }
  }
  return out;
}

function decodeObjective(o: WireObjectiveSpec, path: string, add: Add): ObjectiveSpec | undefined {
  const type = o.type === 'MINIMIZE' ? 'minimize' : o.type === 'MAXIMIZE' ? 'maximize' : undefined;
  if (!type) {
    add(`${path}.type`, `unknown objective type ${String(o.type ?? 'UNKNOWN')}; expected MINIMIZE or MAXIMIZE`);
    return undefined;
  }
  const objective: ObjectiveSpec = { type, objectiveMetricName: o.objectiveMetricName ?? '' };
  if (o.goal) objective.goal = o.goal;
  if (o.additionalMetricNames && o.additionalMetricNames.length > 0) objective.additionalMetricNames = [...o.additionalMetricNames];
  return objective;
}

function decodeSettings(settings: readonly WireSetting[] | undefined): AlgorithmSetting[] {
  return (settings ?? []).map((s) => ({ name: s.name ?? '', value: s.value ?? '' }));
}

export function decodeAlgorithm(a: WireAlgorithmSpec): AlgorithmSpec {
  return { algorithmName: a.algorithmName ?? '', algorithmSettings: decodeSettings(a.algorithmSettings) };
}

function decodeNasConfig(n: WireNasConfig, add: Add): NasConfig {
  const out: NasConfig = {};
  if (n.graphConfig) {
    out.graphConfig = {
      numLayers: n.graphConfig.numLayers ?? 0,
      inputSizes: [...(n.graphConfig.inputSizes ?? [])],
      outputSizes: [...(n.graphConfig.outputSizes ?? [])],
    };
  }
  if (n.operations) {
    out.operations = (n.operations.operation ?? []).map((op, i) => ({
      operationType: op.operationType ?? '',
      parameters: (op.parameterSpecs?.parameters ?? []).map((p, j) => decodeParameter(p, `spec.nasConfig.operations[${i}].parameters[${j}]`, add)),
    }));
  }
  return out;
}

// --- plugin types to wire (clients) ---

export function encodeExperiment(e: AlgorithmExperiment): WireExperiment {
  const s = e.spec;
  const spec: WireExperiment['spec'] = {
    parameterSpecs: { parameters: (s.parameters ?? []).map(encodeParameter) },
    parallelTrialCount: s.parallelTrialCount ?? 0,
    maxTrialCount: s.maxTrialCount ?? 0,
  };
  if (s.objective) spec.objective = encodeObjective(s.objective);
  if (s.algorithm) spec.algorithm = encodeAlgorithm(s.algorithm);
  if (s.earlyStopping) spec.earlyStopping = encodeAlgorithm(s.earlyStopping);
  if (s.nasConfig) {
    const g = s.nasConfig.graphConfig;
    spec.nasConfig = {
      graphConfig: g ? { numLayers: g.numLayers ?? 0, inputSizes: g.inputSizes ?? [], outputSizes: g.outputSizes ?? [] } : null,
      operations: {
        operation: (s.nasConfig.operations ?? []).map((op) => ({
          operationType: op.operationType,
          parameterSpecs: { parameters: op.parameters.map(encodeParameter) },
        })),
      },
    };
  }
  return { name: e.name, spec };
}

const WIRE_PARAMETER_TYPES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(PARAMETER_TYPES).map(([k, v]) => [v, k]));
const WIRE_DISTRIBUTIONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(DISTRIBUTIONS).filter(([, v]) => v !== undefined).map(([k, v]) => [v as string, k]),
);

export function encodeParameter(p: ParameterSpec): WireParameterSpec {
  const fs = p.feasibleSpace ?? {};
  return {
    name: p.name,
    parameterType: (WIRE_PARAMETER_TYPES[p.parameterType] ?? 'UNKNOWN_TYPE') as WireParameterSpec['parameterType'],
    feasibleSpace: {
      min: fs.min ?? '',
      max: fs.max ?? '',
      step: fs.step ?? '',
      list: fs.list ?? [],
      distribution: (fs.distribution ? (WIRE_DISTRIBUTIONS[fs.distribution] ?? 'DISTRIBUTION_UNSPECIFIED') : 'DISTRIBUTION_UNSPECIFIED') as WireFeasibleSpace['distribution'],
    },
  };
}

export function encodeObjective(o: ObjectiveSpec): WireObjectiveSpec {
  return {
    type: o.type === 'maximize' ? 'MAXIMIZE' : 'MINIMIZE',
    goal: o.goal ?? 0,
    objectiveMetricName: o.objectiveMetricName,
    additionalMetricNames: o.additionalMetricNames ?? [],
  };
}

export function encodeAlgorithm(a: AlgorithmSpec): WireAlgorithmSpec {
  return { algorithmName: a.algorithmName, algorithmSettings: (a.algorithmSettings ?? []).map((s) => ({ name: s.name, value: s.value })) };
}

