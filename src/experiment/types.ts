/**
 * The Katib `kubeflow.org/v1beta1` Experiment resource as typed data.
 *
 * Field names, casing and string-valued numbers follow Katib's CRD exactly, so an
 * Experiment YAML written for a cluster maps onto these types one to one.
 */

export const API_VERSION = 'kubeflow.org/v1beta1';
export const EXPERIMENT_KIND = 'Experiment';

export type ParameterType = 'double' | 'int' | 'discrete' | 'categorical' | 'unknown';
export type Distribution = 'uniform' | 'logUniform' | 'normal' | 'logNormal' | 'unknown';
export type ObjectiveType = 'minimize' | 'maximize';
export type MetricStrategyType = 'min' | 'max' | 'latest';
export type ResumePolicy = 'Never' | 'LongRunning' | 'FromVolume';

export const PARAMETER_TYPES: readonly ParameterType[] = ['double', 'int', 'discrete', 'categorical'];
export const DISTRIBUTIONS: readonly Distribution[] = ['uniform', 'logUniform', 'normal', 'logNormal'];
export const OBJECTIVE_TYPES: readonly ObjectiveType[] = ['minimize', 'maximize'];
export const METRIC_STRATEGIES: readonly MetricStrategyType[] = ['min', 'max', 'latest'];
export const RESUME_POLICIES: readonly ResumePolicy[] = ['Never', 'LongRunning', 'FromVolume'];

/** Katib keeps every bound as a string; so do we, parsing them where they are used. */
export interface FeasibleSpace {
  min?: string;
  max?: string;
  step?: string;
  list?: string[];
  distribution?: Distribution;
}

export interface ParameterSpec {
  name: string;
  parameterType: ParameterType;
  feasibleSpace: FeasibleSpace;
}

export interface MetricStrategy {
  name: string;
  value: MetricStrategyType;
}

export interface ObjectiveSpec {
  type: ObjectiveType;
  goal?: number;
  objectiveMetricName: string;
  additionalMetricNames?: string[];
  metricStrategies?: MetricStrategy[];
}

export interface AlgorithmSetting {
  name: string;
  value: string;
}

export interface AlgorithmSpec {
  algorithmName: string;
  algorithmSettings?: AlgorithmSetting[];
}

export type EarlyStoppingSpec = AlgorithmSpec;

export interface FileSystemPath {
  path?: string;
  kind?: 'File' | 'Directory';
  format?: 'TEXT' | 'JSON' | '';
}

export interface MetricsCollectorSpec {
  source?: {
    httpGet?: { path?: string; port?: number | string; [key: string]: unknown };
    fileSystemPath?: FileSystemPath;
    filter?: { metricsFormat?: string[] };
  };
  collector?: {
    kind?: string;
    customCollector?: Record<string, unknown>;
  };
}

export interface NasOperation {
  operationType: string;
  parameters: ParameterSpec[];
}

export interface NasConfig {
  graphConfig?: { numLayers?: number; inputSizes?: number[]; outputSizes?: number[] };
  operations?: NasOperation[];
}

export interface TrialParameterSpec {
  name: string;
  description?: string;
  reference: string;
}

export interface TrialTemplate {
  retain?: boolean;
  trialSpec?: Record<string, unknown>;
  configMap?: { configMapName?: string; configMapNamespace?: string; templatePath?: string };
  trialParameters?: TrialParameterSpec[];
  primaryPodLabels?: Record<string, string>;
  primaryContainerName?: string;
  successCondition?: string;
  failureCondition?: string;
}

export interface ExperimentSpec {
  parameters?: ParameterSpec[];
  objective?: ObjectiveSpec;
  algorithm?: AlgorithmSpec;
  earlyStopping?: EarlyStoppingSpec;
  parallelTrialCount?: number;
  maxTrialCount?: number;
  maxFailedTrialCount?: number;
  metricsCollectorSpec?: MetricsCollectorSpec;
  nasConfig?: NasConfig;
  resumePolicy?: ResumePolicy;
  trialTemplate?: TrialTemplate;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Experiment {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: ExperimentSpec;
}

/** One problem found in user input, located by its field path (e.g. `spec.parameters[1].feasibleSpace.max`). */
export interface ValidationIssue {
  path: string;
  message: string;
}
