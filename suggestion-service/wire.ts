/**
 * Katib's api.v1.beta1 messages as @grpc/proto-loader presents them to JavaScript
 * (see `LOADER_OPTIONS` in proto.ts): camelCase field names, enums by name, int32 as
 * numbers, unset strings as "", unset messages as null, repeated fields and maps always
 * present. Incoming messages can be anything a peer sent, so every field is optional
 * here and the codecs check what they read.
 */

export type Maybe<T> = T | null | undefined;

/** An enum as received: its name, or its number when the peer sent a value we do not know. */
export type WireEnum<Name extends string> = Name | number;

export type WireParameterType = 'UNKNOWN_TYPE' | 'DOUBLE' | 'INT' | 'DISCRETE' | 'CATEGORICAL';
export type WireDistribution = 'DISTRIBUTION_UNSPECIFIED' | 'UNIFORM' | 'LOG_UNIFORM' | 'NORMAL' | 'LOG_NORMAL';
export type WireObjectiveType = 'UNKNOWN' | 'MINIMIZE' | 'MAXIMIZE';
export type WireComparison = 'UNKNOWN_COMPARISON' | 'EQUAL' | 'LESS' | 'GREATER';
export type WireTrialCondition =
  | 'CREATED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'KILLED'
  | 'FAILED'
  | 'METRICSUNAVAILABLE'
  | 'EARLYSTOPPED'
  | 'UNKNOWN';

export interface WireFeasibleSpace {
  max?: string;
  min?: string;
  list?: string[];
  step?: string;
  distribution?: WireEnum<WireDistribution>;
}

export interface WireParameterSpec {
  name?: string;
  parameterType?: WireEnum<WireParameterType>;
  feasibleSpace?: Maybe<WireFeasibleSpace>;
}

export interface WireObjectiveSpec {
  type?: WireEnum<WireObjectiveType>;
  goal?: number;
  objectiveMetricName?: string;
  additionalMetricNames?: string[];
}

export interface WireSetting {
  name?: string;
  value?: string;
}

export interface WireAlgorithmSpec {
  algorithmName?: string;
  algorithmSettings?: WireSetting[];
}

export interface WireOperation {
  operationType?: string;
  parameterSpecs?: Maybe<{ parameters?: WireParameterSpec[] }>;
}

export interface WireNasConfig {
  graphConfig?: Maybe<{ numLayers?: number; inputSizes?: number[]; outputSizes?: number[] }>;
  operations?: Maybe<{ operation?: WireOperation[] }>;
}

export interface WireExperimentSpec {
  parameterSpecs?: Maybe<{ parameters?: WireParameterSpec[] }>;
  objective?: Maybe<WireObjectiveSpec>;
  algorithm?: Maybe<WireAlgorithmSpec>;
  earlyStopping?: Maybe<WireAlgorithmSpec>;
  parallelTrialCount?: number;
  maxTrialCount?: number;
  nasConfig?: Maybe<WireNasConfig>;
}

export interface WireExperiment {
  name?: string;
  spec?: Maybe<WireExperimentSpec>;
}

export interface WireAssignment {
  name?: string;
  value?: string;
}

export interface WireMetric {
  name?: string;
  value?: string;
}

export interface WireTrial {
  name?: string;
  spec?: Maybe<{
    objective?: Maybe<WireObjectiveSpec>;
    parameterAssignments?: Maybe<{ assignments?: WireAssignment[] }>;
    labels?: Record<string, string>;
  }>;
  status?: Maybe<{
    startTime?: string;
    completionTime?: string;
    condition?: WireEnum<WireTrialCondition>;
    observation?: Maybe<{ metrics?: WireMetric[] }>;
  }>;
}

export interface WireEarlyStoppingRule {
  name?: string;
  value?: string;
  comparison?: WireEnum<WireComparison>;
  startStep?: number;
}

export interface WireGetSuggestionsRequest {
  experiment?: Maybe<WireExperiment>;
  trials?: WireTrial[];
  currentRequestNumber?: number;
  totalRequestNumber?: number;
}

export interface WireSuggestion {
  assignments?: WireAssignment[];
  trialName?: string;
  labels?: Record<string, string>;
}

export interface WireGetSuggestionsReply {
  parameterAssignments?: WireSuggestion[];
  algorithm?: Maybe<WireAlgorithmSpec>;
  earlyStoppingRules?: WireEarlyStoppingRule[];
}

export interface WireValidateAlgorithmSettingsRequest {
  experiment?: Maybe<WireExperiment>;
}

export interface WireGetEarlyStoppingRulesRequest {
  experiment?: Maybe<WireExperiment>;
  trials?: WireTrial[];
  dbManagerAddress?: string;
}

export interface WireGetEarlyStoppingRulesReply {
  earlyStoppingRules?: WireEarlyStoppingRule[];
}

export interface WireValidateEarlyStoppingSettingsRequest {
  earlyStopping?: Maybe<WireAlgorithmSpec>;
}

export interface WireSetTrialStatusRequest {
  trialName?: string;
}

export interface WireMetricLog {
  timeStamp?: string;
  metric?: Maybe<WireMetric>;
}

export interface WireObservationLog {
  metricLogs?: WireMetricLog[];
}

export interface WireReportObservationLogRequest {
  trialName?: string;
  observationLog?: Maybe<WireObservationLog>;
}

export interface WireGetObservationLogRequest {
  trialName?: string;
  metricName?: string;
  startTime?: string;
  endTime?: string;
}

export interface WireGetObservationLogReply {
  observationLog?: Maybe<WireObservationLog>;
}

export interface WireDeleteObservationLogRequest {
  trialName?: string;
}

export type WireServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export interface WireHealthCheckRequest {
  service?: string;
}

export interface WireHealthCheckResponse {
  status?: WireEnum<WireServingStatus>;
}

/** An empty reply message. */
export type WireEmpty = Record<string, never>;
