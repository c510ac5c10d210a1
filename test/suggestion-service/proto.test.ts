import { join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { describe, expect, test } from 'vitest';
import { katibServices, protoDirectory } from '../../suggestion-service/proto.js';

/**
 * Katib's api.v1.beta1 wire contract, transcribed from katib-spec §1.1 (Katib at commit
 * 33c8ff4e): `message: field=number:type ...`, `[]` for repeated, `map` for maps.
 * Field names are the proto3 (snake_case) names.
 */
const MESSAGES = `
Experiment: name=1:string spec=2:ExperimentSpec
ExperimentSpec: parameter_specs=1:ParameterSpecs objective=2:ObjectiveSpec algorithm=3:AlgorithmSpec early_stopping=4:EarlyStoppingSpec parallel_trial_count=5:int32 max_trial_count=6:int32 nas_config=7:NasConfig
ExperimentSpec.ParameterSpecs: parameters=1:[]ParameterSpec
ParameterSpec: name=1:string parameter_type=2:ParameterType feasible_space=3:FeasibleSpace
FeasibleSpace: max=1:string min=2:string list=3:[]string step=4:string distribution=5:Distribution
ObjectiveSpec: type=1:ObjectiveType goal=2:double objective_metric_name=3:string additional_metric_names=4:[]string
AlgorithmSpec: algorithm_name=1:string algorithm_settings=2:[]AlgorithmSetting
AlgorithmSetting: name=1:string value=2:string
EarlyStoppingSpec: algorithm_name=1:string algorithm_settings=2:[]EarlyStoppingSetting
EarlyStoppingSetting: name=1:string value=2:string
NasConfig: graph_config=1:GraphConfig operations=2:Operations
NasConfig.Operations: operation=1:[]Operation
GraphConfig: num_layers=1:int32 input_sizes=2:[]int32 output_sizes=3:[]int32
Operation: operation_type=1:string parameter_specs=2:ParameterSpecs
Operation.ParameterSpecs: parameters=1:[]ParameterSpec
Trial: name=1:string spec=2:TrialSpec status=3:TrialStatus
TrialSpec: objective=2:ObjectiveSpec parameter_assignments=3:ParameterAssignments labels=4:map
TrialSpec.ParameterAssignments: assignments=1:[]ParameterAssignment
ParameterAssignment: name=1:string value=2:string
TrialStatus: start_time=1:string completion_time=2:string condition=3:TrialConditionType observation=4:Observation
Observation: metrics=1:[]Metric
Metric: name=1:string value=2:string
ReportObservationLogRequest: trial_name=1:string observation_log=2:ObservationLog
ReportObservationLogReply:
ObservationLog: metric_logs=1:[]MetricLog
MetricLog: time_stamp=1:string metric=2:Metric
GetObservationLogRequest: trial_name=1:string metric_name=2:string start_time=3:string end_time=4:string
GetObservationLogReply: observation_log=1:ObservationLog
DeleteObservationLogRequest: trial_name=1:string
DeleteObservationLogReply:
GetSuggestionsRequest: experiment=1:Experiment trials=2:[]Trial current_request_number=4:int32 total_request_number=5:int32
GetSuggestionsReply: parameter_assignments=1:[]ParameterAssignments algorithm=2:AlgorithmSpec early_stopping_rules=3:[]EarlyStoppingRule
GetSuggestionsReply.ParameterAssignments: assignments=1:[]ParameterAssignment trial_name=2:string labels=3:map
ValidateAlgorithmSettingsRequest: experiment=1:Experiment
ValidateAlgorithmSettingsReply:
GetEarlyStoppingRulesRequest: experiment=1:Experiment trials=2:[]Trial db_manager_address=3:string
GetEarlyStoppingRulesReply: early_stopping_rules=1:[]EarlyStoppingRule
EarlyStoppingRule: name=1:string value=2:string comparison=3:ComparisonType start_step=4:int32
ValidateEarlyStoppingSettingsRequest: early_stopping=1:EarlyStoppingSpec
ValidateEarlyStoppingSettingsReply:
SetTrialStatusRequest: trial_name=1:string
SetTrialStatusReply:
`;

const ENUMS = `
ParameterType: UNKNOWN_TYPE=0 DOUBLE=1 INT=2 DISCRETE=3 CATEGORICAL=4
Distribution: DISTRIBUTION_UNSPECIFIED=0 UNIFORM=1 LOG_UNIFORM=2 NORMAL=3 LOG_NORMAL=4
ObjectiveType: UNKNOWN=0 MINIMIZE=1 MAXIMIZE=2
ComparisonType: UNKNOWN_COMPARISON=0 EQUAL=1 LESS=2 GREATER=3
TrialStatus.TrialConditionType: CREATED=0 RUNNING=1 SUCCEEDED=2 KILLED=3 FAILED=4 METRICSUNAVAILABLE=5 EARLYSTOPPED=6 UNKNOWN=7
`;

interface Field {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
}
interface Descriptor {
  field: Field[];
  nestedType: Descriptor[];
  enumType: Array<{ name: string; value: Array<{ name: string; number: number }> }>;
  name: string;
  options: { mapEntry?: boolean } | null;
}

const definition = protoLoader.loadSync([join(protoDirectory(), 'api.proto'), join(protoDirectory(), 'health.proto')], { keepCase: true });

function descriptor(path: string): Descriptor {
  const [top, ...nested] = path.split('.');
  let d = (definition[`api.v1.beta1.${top}`] as unknown as { type: Descriptor }).type;
  for (const name of nested) d = d.nestedType.find((n) => n.name === name) as Descriptor;
  return d;
}

/** A field's type the way the table writes it. */
function typeOf(f: Field, owner: Descriptor): string {
  const scalar = f.type.replace(/^TYPE_/, '').toLowerCase();
  const named = f.typeName.split('.').pop() ?? '';
  if (f.type === 'TYPE_MESSAGE' && owner.nestedType.find((n) => n.name === named)?.options?.mapEntry) return 'map';
  const base = f.type === 'TYPE_MESSAGE' || f.type === 'TYPE_ENUM' ? named : scalar;
  return f.label === 'LABEL_REPEATED' ? `[]${base}` : base;
}

describe("the .proto files match Katib's api.v1.beta1 wire contract (katib-spec §1)", () => {
  const rows = MESSAGES.trim().split('\n').map((line) => line.split(':', 1)[0] as string);
  test.each(rows)('message %s', (name) => {
    const line = MESSAGES.trim().split('\n').find((l) => l.startsWith(`${name}:`)) as string;
    const expected = line.slice(name.length + 1).trim().split(/\s+/).filter(Boolean).sort();
    const d = descriptor(name);
    const actual = d.field.map((f) => `${f.name}=${f.number}:${typeOf(f, d)}`).sort();
    expect(actual).toEqual(expected);
  });

  test.each(ENUMS.trim().split('\n'))('enum %s', (line) => {
    const [path, values] = line.split(': ') as [string, string];
    const parts = path.split('.');
    const d =
      parts.length === 1
        ? (definition[`api.v1.beta1.${path}`] as unknown as { type: Descriptor['enumType'][number] }).type
        : (descriptor(parts[0] as string).enumType.find((e) => e.name === parts[1]) as Descriptor['enumType'][number]);
    expect(d.value.map((v) => `${v.name}=${v.number}`).join(' ')).toBe(values);
  });

  test('every message the API uses is in the table', () => {
    const declared = Object.keys(definition).filter((k) => k.startsWith('api.v1.beta1.') && 'type' in (definition[k] as object) && (definition[k] as { format: string }).format.includes('DescriptorProto') && !(definition[k] as { format: string }).format.includes('Enum'));
    const tabled = new Set(MESSAGES.trim().split('\n').map((l) => `api.v1.beta1.${(l.split(':', 1)[0] as string).split('.')[0]}`));
    expect(declared.filter((k) => !tabled.has(k))).toEqual([]);
  });

  test('services, methods and paths are Katib\'s', () => {
    const s = katibServices();
    expect(Object.values(s.Suggestion.service).map((m) => m.path)).toEqual(['/api.v1.beta1.Suggestion/GetSuggestions', '/api.v1.beta1.Suggestion/ValidateAlgorithmSettings']);
    expect(Object.values(s.EarlyStopping.service).map((m) => m.path)).toEqual([
      '/api.v1.beta1.EarlyStopping/GetEarlyStoppingRules',
      '/api.v1.beta1.EarlyStopping/SetTrialStatus',
      '/api.v1.beta1.EarlyStopping/ValidateEarlyStoppingSettings',
    ]);
    expect(Object.values(s.DBManager.service).map((m) => m.path)).toEqual([
      '/api.v1.beta1.DBManager/ReportObservationLog',
      '/api.v1.beta1.DBManager/GetObservationLog',
      '/api.v1.beta1.DBManager/DeleteObservationLog',
    ]);
    expect(Object.values(s.Health.service).map((m) => m.path)).toEqual(['/grpc.health.v1.Health/Check', '/grpc.health.v1.Health/Watch']);
  });

  test('bytes on the wire: a hand-encoded GetSuggestionsRequest', () => {
    // Hand encoding (proto3): field 4 varint 3 -> 0x20 0x03; field 5 varint 7 -> 0x28 0x07;
    // field 2 (Trial) length-delimited: 0x12 len, Trial.name field 1 "t" -> 0x0a 0x01 0x74;
    // field 1 (Experiment) 0x0a len, Experiment.name field 1 "e" -> 0x0a 0x01 0x65.
    const serialize = katibServices().Suggestion.service.GetSuggestions?.requestSerialize as (m: unknown) => Buffer;
    const bytes = serialize({ experiment: { name: 'e' }, trials: [{ name: 't' }], currentRequestNumber: 3, totalRequestNumber: 7 });
    expect([...bytes]).toEqual([0x0a, 0x03, 0x0a, 0x01, 0x65, 0x12, 0x03, 0x0a, 0x01, 0x74, 0x20, 0x03, 0x28, 0x07]);
    const deserialize = katibServices().Suggestion.service.GetSuggestions?.requestDeserialize as (b: Buffer) => { currentRequestNumber: number; trials: Array<{ name: string; status: unknown }> };
    const decoded = deserialize(Buffer.from([0x12, 0x03, 0x0a, 0x01, 0x74, 0x20, 0x03]));
    expect(decoded.currentRequestNumber).toBe(3);
    // Unset messages arrive as null, unset strings as "": the codecs rely on this shape.
    expect(decoded.trials).toEqual([{ name: 't', spec: null, status: null }]);
  });
});
