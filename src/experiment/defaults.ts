import type { Experiment, MetricStrategyType, MetricsCollectorSpec, ObjectiveSpec, TrialTemplate } from './types.js';

/** Katib's default GJSON conditions and primary pod labels (katib-spec §2.2). */
export const JOB_SUCCESS_CONDITION = 'status.conditions.#(type=="Complete")#|#(status=="True")#';
export const JOB_FAILURE_CONDITION = 'status.conditions.#(type=="Failed")#|#(status=="True")#';
export const KUBEFLOW_JOB_SUCCESS_CONDITION = 'status.conditions.#(type=="Succeeded")#|#(status=="True")#';
export const KUBEFLOW_JOB_KINDS: readonly string[] = ['TFJob', 'PyTorchJob', 'XGBoostJob', 'MPIJob'];
export const KUBEFLOW_JOB_PRIMARY_POD_LABELS: Readonly<Record<string, string>> = {
  'training.kubeflow.org/job-role': 'master',
};
export const TRAIN_JOB_PRIMARY_POD_LABELS: Readonly<Record<string, string>> = {
  'jobset.sigs.k8s.io/replicatedjob-name': 'node',
  'batch.kubernetes.io/job-completion-index': '0',
};

export const DEFAULT_PARALLEL_TRIAL_COUNT = 3;
export const DEFAULT_METRICS_FILE = '/var/log/katib/metrics.log';
export const DEFAULT_TFEVENT_DIR = '/var/log/katib/tfevent/';
export const DEFAULT_PROMETHEUS_PATH = '/metrics';
export const DEFAULT_PROMETHEUS_PORT = 8080;

/**
 * Katib's mutating webhook (katib-spec §2.2), as a pure function: returns a defaulted
 * copy and never touches its argument. Only unset fields are filled, so applying it
 * twice gives the same result.
 *
 * @example
 * const e = applyDefaults(experiment); // e.spec.parallelTrialCount === 3 when it was unset
 */
export function applyDefaults(experiment: Experiment): Experiment {
  const e = structuredClone(experiment);
  const spec = e.spec;
  spec.parallelTrialCount ??= DEFAULT_PARALLEL_TRIAL_COUNT;
  // Q: a Katib code comment says LongRunning; the code sets Never.
  if (!spec.resumePolicy) spec.resumePolicy = 'Never';
  if (spec.objective) defaultObjective(spec.objective);
  if (spec.trialTemplate) defaultTrialTemplate(spec.trialTemplate);
  spec.metricsCollectorSpec = defaultCollector(spec.metricsCollectorSpec ?? {});
  // Every parameter, categorical and discrete included. Katib leaves nasConfig operation
  // parameters alone (the NAS services ignore distributions), and so do we.
  for (const p of spec.parameters ?? []) {
    p.feasibleSpace ??= {};
    if (!p.feasibleSpace.distribution) p.feasibleSpace.distribution = 'uniform';
  }
  return e;
}

/**
 * Strategies for the objective and each additional metric lacking one. Q: additional
 * metrics get the objective-type rule (min/max) too, not `latest`.
 */
function defaultObjective(o: ObjectiveSpec): void {
  const rule: MetricStrategyType = o.type === 'minimize' ? 'min' : o.type === 'maximize' ? 'max' : 'latest';
  const strategies = o.metricStrategies ?? [];
  const hasObjective = strategies.some((s) => s.name === o.objectiveMetricName);
  const covered = new Set(strategies.filter((s) => s.name !== o.objectiveMetricName).map((s) => s.name));
  const added = [
    ...(hasObjective ? [] : [o.objectiveMetricName]),
    // Katib would also add the objective's name when listed as additional (an invalid
    // spec); skipping it keeps this function idempotent.
    ...(o.additionalMetricNames ?? []).filter((name) => !covered.has(name) && name !== o.objectiveMetricName),
  ];
  o.metricStrategies = [...strategies, ...added.map((name) => ({ name, value: rule }))];
}

/** Conditions and primary pod labels by the inline trialSpec's kind alone (never for a configMap source). */
function defaultTrialTemplate(t: TrialTemplate): void {
  if (!t.trialSpec) return;
  const kind = t.trialSpec.kind;
  const noLabels = !t.primaryPodLabels || Object.keys(t.primaryPodLabels).length === 0;
  if (kind === 'Job' || kind === 'TrainJob') {
    t.successCondition ||= JOB_SUCCESS_CONDITION;
    t.failureCondition ||= JOB_FAILURE_CONDITION;
    if (kind === 'TrainJob' && noLabels) t.primaryPodLabels = { ...TRAIN_JOB_PRIMARY_POD_LABELS };
  } else if (typeof kind === 'string' && KUBEFLOW_JOB_KINDS.includes(kind)) {
    t.successCondition ||= KUBEFLOW_JOB_SUCCESS_CONDITION;
    t.failureCondition ||= JOB_FAILURE_CONDITION;
    if (noLabels) t.primaryPodLabels = { ...KUBEFLOW_JOB_PRIMARY_POD_LABELS };
  }
}

/** Collector kind StdOut when no collector is given; source fields per kind, each only when empty. */
function defaultCollector(mc: MetricsCollectorSpec): MetricsCollectorSpec {
  mc.collector ??= { kind: 'StdOut' };
  switch (mc.collector.kind) {
    case 'PrometheusMetric': {
      const httpGet = ((mc.source ??= {}).httpGet ??= {});
      httpGet.path ||= DEFAULT_PROMETHEUS_PATH;
      // Katib tests IntOrString.String() == "0", which is also how an unset port reads.
      if (httpGet.port === undefined || String(httpGet.port) === '0') httpGet.port = DEFAULT_PROMETHEUS_PORT;
      break;
    }
    case 'File': {
      const fsp = ((mc.source ??= {}).fileSystemPath ??= {});
      fsp.kind ||= 'File';
      fsp.path ||= DEFAULT_METRICS_FILE;
      fsp.format ||= 'TEXT';
      break;
    }
    case 'TensorFlowEvent': {
      const fsp = ((mc.source ??= {}).fileSystemPath ??= {});
      fsp.kind ||= 'Directory';
      fsp.path ||= DEFAULT_TFEVENT_DIR;
      break;
    }
  }
  return mc;
}
