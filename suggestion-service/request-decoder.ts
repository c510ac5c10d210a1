import { cursor, double, int32, int32s, lengthEnd, nextField, skip, string, type Cursor } from './proto-reader.js';
import type { TrialRecord } from '../src/trial/types.js';
import { trialFromParts, type TrialParts } from './trial-codec.js';
import type {
  WireAlgorithmSpec,
  WireExperiment,
  WireExperimentSpec,
  WireFeasibleSpace,
  WireNasConfig,
  WireObjectiveSpec,
  WireOperation,
  WireParameterSpec,
} from './wire.js';

/**
 * Hand-written decoders for the two requests that carry a whole experiment history
 * (GetSuggestions, GetEarlyStoppingRules: about 300 kB for 1,000 trials). The experiment
 * comes out exactly as proto-loader gives it with LOADER_OPTIONS, and the trials as
 * `decodeTrial` makes them from proto-loader's objects (a test compares the two on
 * generated requests), in a fraction of the time and of the garbage: each message is
 * read by a function that knows its fields, and a trial goes straight from bytes to its
 * plugin record. Field numbers are those of protos/api.proto, in the comments.
 */

/** A GetSuggestionsRequest with its trials as plugin records, in the order received. */
export interface GetSuggestionsCall {
  experiment: WireExperiment | null;
  trials: TrialRecord[];
  currentRequestNumber: number;
  totalRequestNumber: number;
}

/** A GetEarlyStoppingRulesRequest with its trials as plugin records, in the order received. */
export interface GetEarlyStoppingRulesCall {
  experiment: WireExperiment | null;
  trials: TrialRecord[];
  dbManagerAddress: string;
}

const PARAMETER_TYPES = ['UNKNOWN_TYPE', 'DOUBLE', 'INT', 'DISCRETE', 'CATEGORICAL'] as const;
const DISTRIBUTIONS = ['DISTRIBUTION_UNSPECIFIED', 'UNIFORM', 'LOG_UNIFORM', 'NORMAL', 'LOG_NORMAL'] as const;
const OBJECTIVE_TYPES = ['UNKNOWN', 'MINIMIZE', 'MAXIMIZE'] as const;
const CONDITIONS = ['CREATED', 'RUNNING', 'SUCCEEDED', 'KILLED', 'FAILED', 'METRICSUNAVAILABLE', 'EARLYSTOPPED', 'UNKNOWN'] as const;

/** An enum value by name, or its number when the .proto names no such value (as proto-loader does). */
function enumValue<T extends string>(names: readonly T[], c: Cursor, end: number): T | number {
  const n = int32(c, end);
  return names[n] ?? n;
}

export function decodeGetSuggestionsRequest(buf: Buffer): GetSuggestionsCall {
  const c = cursor(buf);
  const end = buf.length;
  const out: GetSuggestionsCall = { experiment: null, trials: [], currentRequestNumber: 0, totalRequestNumber: 0 };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.experiment = experiment(c, lengthEnd(c, end));
    else if (f === 2) out.trials.push(trial(c, lengthEnd(c, end)));
    else if (f === 4) out.currentRequestNumber = int32(c, end);
    else if (f === 5) out.totalRequestNumber = int32(c, end);
    else skip(c, end);
  }
  return out;
}

export function decodeGetEarlyStoppingRulesRequest(buf: Buffer): GetEarlyStoppingRulesCall {
  const c = cursor(buf);
  const end = buf.length;
  const out: GetEarlyStoppingRulesCall = { experiment: null, trials: [], dbManagerAddress: '' };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.experiment = experiment(c, lengthEnd(c, end));
    else if (f === 2) out.trials.push(trial(c, lengthEnd(c, end)));
    else if (f === 3) out.dbManagerAddress = string(c, end);
    else skip(c, end);
  }
  return out;
}

/** Experiment: name = 1, spec = 2. */
function experiment(c: Cursor, end: number): WireExperiment {
  const out: WireExperiment = { name: '', spec: null };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.name = string(c, end);
    else if (f === 2) out.spec = experimentSpec(c, lengthEnd(c, end));
    else skip(c, end);
  }
  return out;
}

/** ExperimentSpec: parameter_specs = 1, objective = 2, algorithm = 3, early_stopping = 4, parallel_trial_count = 5, max_trial_count = 6, nas_config = 7. */
function experimentSpec(c: Cursor, end: number): WireExperimentSpec {
  const out: WireExperimentSpec = { parameterSpecs: null, objective: null, algorithm: null, earlyStopping: null, parallelTrialCount: 0, maxTrialCount: 0, nasConfig: null };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.parameterSpecs = { parameters: parameterList(c, lengthEnd(c, end)) };
    else if (f === 2) out.objective = objective(c, lengthEnd(c, end));
    else if (f === 3) out.algorithm = algorithm(c, lengthEnd(c, end));
    else if (f === 4) out.earlyStopping = algorithm(c, lengthEnd(c, end));
    else if (f === 5) out.parallelTrialCount = int32(c, end);
    else if (f === 6) out.maxTrialCount = int32(c, end);
    else if (f === 7) out.nasConfig = nasConfig(c, lengthEnd(c, end));
    else skip(c, end);
  }
  return out;
}

/** ExperimentSpec.ParameterSpecs and Operation.ParameterSpecs: repeated parameters = 1. */
function parameterList(c: Cursor, end: number): WireParameterSpec[] {
  const list: WireParameterSpec[] = [];
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) list.push(parameter(c, lengthEnd(c, end)));
    else skip(c, end);
  }
  return list;
}

/** ParameterSpec: name = 1, parameter_type = 2, feasible_space = 3. */
function parameter(c: Cursor, end: number): WireParameterSpec {
  const out: WireParameterSpec = { name: '', parameterType: 'UNKNOWN_TYPE', feasibleSpace: null };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.name = string(c, end);
    else if (f === 2) out.parameterType = enumValue(PARAMETER_TYPES, c, end);
    else if (f === 3) out.feasibleSpace = feasibleSpace(c, lengthEnd(c, end));
    else skip(c, end);
  }
  return out;
}

/** FeasibleSpace: max = 1, min = 2, repeated list = 3, step = 4, distribution = 5. */
function feasibleSpace(c: Cursor, end: number): WireFeasibleSpace {
  const out: Required<WireFeasibleSpace> = { max: '', min: '', list: [], step: '', distribution: 'DISTRIBUTION_UNSPECIFIED' };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.max = string(c, end);
    else if (f === 2) out.min = string(c, end);
    else if (f === 3) out.list.push(string(c, end));
    else if (f === 4) out.step = string(c, end);
    else if (f === 5) out.distribution = enumValue(DISTRIBUTIONS, c, end);
    else skip(c, end);
  }
  return out;
}

/** ObjectiveSpec: type = 1, goal = 2, objective_metric_name = 3, repeated additional_metric_names = 4. */
function objective(c: Cursor, end: number): WireObjectiveSpec {
  const out: Required<WireObjectiveSpec> = { type: 'UNKNOWN', goal: 0, objectiveMetricName: '', additionalMetricNames: [] };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.type = enumValue(OBJECTIVE_TYPES, c, end);
    else if (f === 2) out.goal = double(c, end);
    else if (f === 3) out.objectiveMetricName = string(c, end);
    else if (f === 4) out.additionalMetricNames.push(string(c, end));
    else skip(c, end);
  }
  return out;
}

/** AlgorithmSpec and EarlyStoppingSpec: algorithm_name = 1, repeated algorithm_settings = 2. */
function algorithm(c: Cursor, end: number): WireAlgorithmSpec {
  const out: Required<WireAlgorithmSpec> = { algorithmName: '', algorithmSettings: [] };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.algorithmName = string(c, end);
    else if (f === 2) out.algorithmSettings.push(nameValue(c, lengthEnd(c, end)));
    else skip(c, end);
  }
  return out;
}

/** AlgorithmSetting, EarlyStoppingSetting, ParameterAssignment, Metric, and a map<string, string> entry: 1 and 2. */
function nameValue(c: Cursor, end: number): { name: string; value: string } {
  let name = '';
  let value = '';
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) name = string(c, end);
    else if (f === 2) value = string(c, end);
    else skip(c, end);
  }
  return { name, value };
}

/** NasConfig: graph_config = 1, operations = 2 (Operations: repeated operation = 1). */
function nasConfig(c: Cursor, end: number): WireNasConfig {
  const out: WireNasConfig = { graphConfig: null, operations: null };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.graphConfig = graphConfig(c, lengthEnd(c, end));
    else if (f === 2) out.operations = { operation: operations(c, lengthEnd(c, end)) };
    else skip(c, end);
  }
  return out;
}

/** GraphConfig: num_layers = 1, repeated input_sizes = 2, repeated output_sizes = 3. */
function graphConfig(c: Cursor, end: number): NonNullable<WireNasConfig['graphConfig']> {
  const out = { numLayers: 0, inputSizes: [] as number[], outputSizes: [] as number[] };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.numLayers = int32(c, end);
    else if (f === 2) int32s(c, end, out.inputSizes);
    else if (f === 3) int32s(c, end, out.outputSizes);
    else skip(c, end);
  }
  return out;
}

function operations(c: Cursor, end: number): WireOperation[] {
  const list: WireOperation[] = [];
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) list.push(operation(c, lengthEnd(c, end)));
    else skip(c, end);
  }
  return list;
}

/** Operation: operation_type = 1, parameter_specs = 2. */
function operation(c: Cursor, end: number): WireOperation {
  const out: WireOperation = { operationType: '', parameterSpecs: null };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) out.operationType = string(c, end);
    else if (f === 2) out.parameterSpecs = { parameters: parameterList(c, lengthEnd(c, end)) };
    else skip(c, end);
  }
  return out;
}

/** Trial: name = 1, spec = 2, status = 3; read straight into its plugin record. */
function trial(c: Cursor, end: number): TrialRecord {
  const parts: TrialParts = { name: '', assignments: [], condition: undefined, startTime: '', completionTime: '', metrics: [], labels: undefined };
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) parts.name = string(c, end);
    else if (f === 2) trialSpec(c, lengthEnd(c, end), parts);
    else if (f === 3) trialStatus(c, lengthEnd(c, end), parts);
    else skip(c, end);
  }
  return trialFromParts(parts);
}

/**
 * TrialSpec: objective = 2 (skipped: the experiment's objective is the one that counts),
 * parameter_assignments = 3 (repeated assignments = 1), map labels = 4. A message field
 * sent twice replaces the first, as protobufjs does.
 */
function trialSpec(c: Cursor, end: number, parts: TrialParts): void {
  parts.assignments = [];
  parts.labels = {};
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 3) parts.assignments = nameValues(c, lengthEnd(c, end));
    else if (f === 4) {
      const entry = nameValue(c, lengthEnd(c, end));
      parts.labels[entry.name] = entry.value;
    } else skip(c, end);
  }
}

/** TrialSpec.ParameterAssignments and Observation: repeated name/value messages = 1. */
function nameValues(c: Cursor, end: number): Array<{ name: string; value: string }> {
  const list: Array<{ name: string; value: string }> = [];
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) list.push(nameValue(c, lengthEnd(c, end)));
    else skip(c, end);
  }
  return list;
}

/** TrialStatus: start_time = 1, completion_time = 2, condition = 3, observation = 4. */
function trialStatus(c: Cursor, end: number, parts: TrialParts): void {
  parts.startTime = '';
  parts.completionTime = '';
  parts.condition = 'CREATED';
  parts.metrics = [];
  for (let f = nextField(c, end); f !== 0; f = nextField(c, end)) {
    if (f === 1) parts.startTime = string(c, end);
    else if (f === 2) parts.completionTime = string(c, end);
    else if (f === 3) parts.condition = enumValue(CONDITIONS, c, end);
    else if (f === 4) parts.metrics = nameValues(c, lengthEnd(c, end));
    else skip(c, end);
  }
}
