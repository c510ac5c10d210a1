import { RE2JS } from 're2js';
import { algorithmNames, KATIB_ALGORITHM_NAMES, unknownAlgorithmMessage } from '../../algorithms/registry.js';
import { earlyStoppingNames, getEarlyStopping } from '../../early-stopping/registry.js';
import { checkParameters as parameterIssues } from '../search-space/check.js';
import {
  METRIC_STRATEGIES,
  OBJECTIVE_TYPES,
  RESUME_POLICIES,
  type Experiment,
  type ExperimentSpec,
  type TrialTemplate,
  type ValidationIssue,
} from './types.js';

export interface ValidateOptions {
  /** A missing trialTemplate is an issue (Katib, YAML); the TypeScript API has none. Default true. */
  requireTrialTemplate?: boolean;
}

type Add = (path: string, message: string) => void;

export const METRICS_COLLECTOR_KINDS: readonly string[] = ['StdOut', 'File', 'TensorFlowEvent', 'PrometheusMetric', 'Custom', 'Push'];
/** Katib's early-stopping names; Scriba's own (`asha`) come from the early-stopping registry. */
export const EARLY_STOPPING_NAMES: readonly string[] = ['medianstop'];
const META_KEYS = ['Name', 'Namespace', 'Kind', 'APIVersion'];
const PLACEHOLDER = /\$\{trialParameters\..+?\}/g;

/**
 * Katib's validating webhook (katib-spec §2.3), every rule that needs no cluster, on an
 * experiment already defaulted by `applyDefaults` (Katib mutates, then validates).
 * Unlike Katib, which stops at some errors, every issue is returned at once.
 *
 * @example
 * const issues = validateExperiment(applyDefaults(experiment)); // [] when valid
 */
export function validateExperiment(e: Experiment, options: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add: Add = (path, message) => issues.push({ path, message });
  const spec: ExperimentSpec = e.spec ?? {};
  checkName(e.metadata?.name, add);
  checkCounts(spec, add);
  checkObjective(spec, add);
  checkAlgorithms(spec, add);
  // Rule 6.
  if (spec.resumePolicy && !RESUME_POLICIES.includes(spec.resumePolicy)) {
    add('spec.resumePolicy', `invalid resume policy "${spec.resumePolicy}"; expected one of ${RESUME_POLICIES.join(', ')}`);
  }
  if (spec.trialTemplate) checkTrialTemplate(spec, spec.trialTemplate, add);
  else if (options.requireTrialTemplate ?? true) add('spec.trialTemplate', 'must be specified');
  checkParameters(spec, add);
  checkCollector(spec, add);
  return issues;
}

/**
 * Rule 1. Katib's regex is not end-anchored (Q), so it only tests the first letter; we
 * anchor it, as its message says: names with capitals or `_` are refused by Kubernetes
 * itself, and a dot breaks the experiment's Suggestion Service name.
 */
function checkName(name: string | undefined, add: Add): void {
  if (!name) return add('metadata.name', 'must be specified');
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    add('metadata.name', `invalid name "${name}": expected lower case alphanumeric characters or '-', starting with a letter and ending with a letter or digit (e.g. 'my-name')`);
  }
  if (name.length > 40) add('metadata.name', `expected at most 40 characters, got ${name.length}`);
}

/** Rule 2, plus integer-ness for experiments built in TypeScript. */
function checkCounts(spec: ExperimentSpec, add: Add): void {
  const { maxTrialCount: max, parallelTrialCount: parallel, maxFailedTrialCount: failed } = spec;
  for (const [field, v] of [['maxTrialCount', max], ['parallelTrialCount', parallel], ['maxFailedTrialCount', failed]] as const) {
    if (v !== undefined && !Number.isInteger(v)) add(`spec.${field}`, `expected an integer, got ${v}`);
  }
  if (failed !== undefined && failed < 0) add('spec.maxFailedTrialCount', `expected a value >= 0, got ${failed}`);
  if (max !== undefined && max <= 0) add('spec.maxTrialCount', `expected a value > 0, got ${max}`);
  if (parallel !== undefined && parallel <= 0) add('spec.parallelTrialCount', `expected a value > 0, got ${parallel}`);
  if (failed !== undefined && max !== undefined && failed > max) {
    add('spec.maxFailedTrialCount', `expected a value <= spec.maxTrialCount (${max}), got ${failed}`);
  }
  if (parallel !== undefined && max !== undefined && parallel > max) {
    add('spec.parallelTrialCount', `expected a value <= spec.maxTrialCount (${max}), got ${parallel}`);
  }
}

/** Rule 4 (Katib stops at a missing objective; we go on), plus a finite goal and known strategies. */
function checkObjective(spec: ExperimentSpec, add: Add): void {
  const o = spec.objective;
  if (!o) return add('spec.objective', 'must be specified');
  if (!OBJECTIVE_TYPES.includes(o.type)) add('spec.objective.type', `expected minimize or maximize, got "${o.type ?? ''}"`);
  if (!o.objectiveMetricName) add('spec.objective.objectiveMetricName', 'must be specified');
  o.additionalMetricNames?.forEach((name, i) => {
    if (name === o.objectiveMetricName) {
      add(`spec.objective.additionalMetricNames[${i}]`, `must not repeat the objective metric "${name}"`);
    }
  });
  if (o.goal !== undefined && !Number.isFinite(o.goal)) add('spec.objective.goal', `expected a finite number, got ${o.goal}`);
  o.metricStrategies?.forEach((s, i) => {
    if (!s.name) add(`spec.objective.metricStrategies[${i}].name`, 'must be specified');
    if (!METRIC_STRATEGIES.includes(s.value)) {
      add(`spec.objective.metricStrategies[${i}].value`, `expected one of ${METRIC_STRATEGIES.join(', ')}, got "${s.value ?? ''}"`);
    }
  });
}

/**
 * Rule 5. Katib looks names up in katib-config; here the known names are Katib's default
 * ones plus any registered plugin. Whether Scriba implements a Katib name is `loadExperiment`'s concern.
 */
function checkAlgorithms(spec: ExperimentSpec, add: Add): void {
  const a = spec.algorithm;
  if (!a) add('spec.algorithm', 'must be specified');
  else if (!a.algorithmName) add('spec.algorithm.algorithmName', 'must be specified');
  else if (!KATIB_ALGORITHM_NAMES.includes(a.algorithmName) && !algorithmNames().includes(a.algorithmName)) {
    add('spec.algorithm.algorithmName', unknownAlgorithmMessage(a.algorithmName));
  }
  const es = spec.earlyStopping;
  if (!es) return;
  if (!es.algorithmName) add('spec.earlyStopping.algorithmName', 'must be specified');
  else if (!EARLY_STOPPING_NAMES.includes(es.algorithmName) && !earlyStoppingNames().includes(es.algorithmName)) {
    const known = [...new Set([...EARLY_STOPPING_NAMES, ...earlyStoppingNames()])];
    add('spec.earlyStopping.algorithmName', `unknown early stopping algorithm name ${es.algorithmName}; expected ${known.join(', ')}`);
  } else if (earlyStoppingNames().includes(es.algorithmName)) {
    // Katib's ValidateEarlyStoppingSettings (katib-spec §5), the same check the gRPC service runs.
    for (const issue of getEarlyStopping(es.algorithmName).validateSettings(es)) add(issue.path, issue.message);
  }
}

/** Rules 8 and 9: exactly one of parameters and nasConfig; each parameter sound; names unique; the size limits. */
function checkParameters(spec: ExperimentSpec, add: Add): void {
  const parameters = spec.parameters ?? [];
  if (parameters.length === 0 && !spec.nasConfig) add('spec.parameters', 'expected spec.parameters or spec.nasConfig');
  if (parameters.length > 0 && spec.nasConfig) add('spec.nasConfig', 'expected only one of spec.parameters and spec.nasConfig');
  for (const issue of parameterIssues(parameters)) add(issue.path, issue.message);
}

/** Rule 7, and the render-time facts of §7 that need no cluster. */
function checkTrialTemplate(spec: ExperimentSpec, t: TrialTemplate, add: Add): void {
  const p = 'spec.trialTemplate';
  if (!t.primaryContainerName) add(`${p}.primaryContainerName`, 'must be specified');
  if (!t.successCondition) add(`${p}.successCondition`, 'must be specified (Katib defaults it only for inline Job, TrainJob and Kubeflow training job kinds)');
  if (!t.failureCondition) add(`${p}.failureCondition`, 'must be specified (Katib defaults it only for inline Job, TrainJob and Kubeflow training job kinds)');
  if (!t.trialParameters) add(`${p}.trialParameters`, 'must be specified (an empty list is allowed)');
  if (!t.trialSpec && !t.configMap) add(p, 'expected one source: trialSpec or configMap');
  if (t.trialSpec && t.configMap) add(p, 'expected only one of trialSpec and configMap');
  if (t.configMap) {
    for (const field of ['configMapName', 'configMapNamespace', 'templatePath'] as const) {
      if (!t.configMap[field]) add(`${p}.configMap.${field}`, 'must be specified');
    }
  }

  // A configMap template lives in the cluster; only an inline trialSpec can be rendered here.
  let text = t.trialSpec ? JSON.stringify(t.trialSpec) : undefined;
  const parameterNames = new Set((spec.parameters ?? []).map((x) => x.name));
  const names = new Set<string>();
  const references = new Set<string>();
  (t.trialParameters ?? []).forEach((tp, i) => {
    const q = `${p}.trialParameters[${i}]`;
    if (!tp.name) add(`${q}.name`, 'must be specified');
    else if (/[{}]/.test(tp.name)) add(`${q}.name`, `must not contain '{' or '}', got "${tp.name}"`);
    if (!tp.reference) add(`${q}.reference`, 'must be specified');
    if (!tp.name || !tp.reference || /[{}]/.test(tp.name)) return;
    if (names.has(tp.name)) return add(`${q}.name`, `duplicate trial parameter name "${tp.name}"`);
    if (references.has(tp.reference)) return add(`${q}.reference`, `duplicate trial parameter reference "${tp.reference}"`);
    names.add(tp.name);
    references.add(tp.reference);
    const meta = metaKey(tp.reference);
    if (meta === undefined && parameterNames.size > 0 && !parameterNames.has(tp.reference)) {
      add(`${q}.reference`, `expected the name of a parameter in spec.parameters or a trialSpec meta key, got "${tp.reference}"`);
    }
    if (meta?.map && t.trialSpec) {
      // §7: a missing label or annotation key fails every trial's rendering.
      const entries = (t.trialSpec.metadata as { labels?: object; annotations?: object } | undefined)?.[meta.map];
      if (!entries || !Object.hasOwn(entries, meta.key)) {
        add(`${q}.reference`, `trialSpec.metadata.${meta.map} has no key "${meta.key}"`);
      }
    }
    const placeholder = `\${trialParameters.${tp.name}}`;
    if (text === undefined) return;
    if (!text.includes(placeholder)) add(`${q}.name`, `placeholder ${placeholder} not found in spec.trialTemplate.trialSpec`);
    text = text.split(placeholder).join('test-value');
  });

  // §7: each experiment parameter must be referenced, or the assignment count mismatches at render time.
  if (t.trialParameters && (spec.parameters?.length ?? 0) > 0) {
    const referenced = new Set(t.trialParameters.map((tp) => tp.reference));
    const missing = [...parameterNames].filter((name) => name && !referenced.has(name));
    if (missing.length > 0) {
      add(`${p}.trialParameters`, `expected a trial parameter referencing each of spec.parameters; missing ${missing.join(', ')}`);
    }
  }
  if (text === undefined) return;
  const leftover = text.match(PLACEHOLDER);
  if (leftover) add(`${p}.trialSpec`, `placeholders without a trial parameter: ${[...new Set(leftover)].join(', ')}`);
  let run: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  try {
    run = JSON.parse(text) as typeof run;
  } catch {
    return add(`${p}.trialSpec`, 'does not decode after substituting the trial parameters');
  }
  if (run.metadata?.name) add(`${p}.trialSpec.metadata.name`, 'must be omitted (each trial gets its own name)');
  if (run.metadata?.namespace) add(`${p}.trialSpec.metadata.namespace`, "must be omitted (trials run in the experiment's namespace)");
  if (!run.apiVersion) add(`${p}.trialSpec.apiVersion`, 'must be specified');
  if (!run.kind) add(`${p}.trialSpec.kind`, 'must be specified');
}

/** `${trialSpec.Name}` and friends (§7): the key, and the map for Labels[k] / Annotations[k]. */
function metaKey(reference: string): { key: string; map?: 'labels' | 'annotations' } | undefined {
  const m = /^\$\{trialSpec\.(.+?)\}$/.exec(reference);
  if (!m) return undefined;
  const key = m[1] as string;
  if (META_KEYS.includes(key)) return { key };
  const sub = /^(Labels|Annotations)\[(.+)\]$/.exec(key);
  if (!sub) return undefined;
  return { key: sub[2] as string, map: sub[1] === 'Labels' ? 'labels' : 'annotations' };
}

/** Rule 10: the collector kind, its source, and every metricsFormat. */
function checkCollector(spec: ExperimentSpec, add: Add): void {
  const mc = spec.metricsCollectorSpec;
  // Unset means StdOut (§2.2); a collector present without a kind is Katib's invalid "".
  const kind = mc?.collector ? (mc.collector.kind ?? '') : 'StdOut';
  const s = 'spec.metricsCollectorSpec.source';
  const fsp = mc?.source?.fileSystemPath;
  const absolute = (path: string | undefined) => typeof path === 'string' && path.startsWith('/');
  const needPath = (kindWanted: 'File' | 'Directory') => {
    if (!fsp) return add(`${s}.fileSystemPath`, `must be specified for collector kind ${kind}`);
    if (fsp.kind !== kindWanted) add(`${s}.fileSystemPath.kind`, `expected ${kindWanted} for collector kind ${kind}, got "${fsp.kind ?? ''}"`);
    if (!absolute(fsp.path)) add(`${s}.fileSystemPath.path`, `expected an absolute path, got "${fsp.path ?? ''}"`);
  };
  switch (kind) {
    case 'StdOut':
    case 'Push':
      break;
    case 'File':
      needPath('File');
      if (fsp && fsp.format !== 'TEXT' && fsp.format !== 'JSON') {
        add(`${s}.fileSystemPath.format`, `expected TEXT or JSON, got "${fsp.format ?? ''}"`);
      }
      if (fsp?.format === 'JSON' && mc?.source?.filter) add(`${s}.filter`, 'must be omitted when the metrics file format is JSON');
      break;
    case 'TensorFlowEvent':
      needPath('Directory');
      if (fsp?.format) add(`${s}.fileSystemPath.format`, `must be empty for collector kind TensorFlowEvent, got "${fsp.format}"`);
      break;
    case 'PrometheusMetric': {
      const httpGet = mc?.source?.httpGet;
      if (!httpGet) {
        add(`${s}.httpGet`, 'must be specified for collector kind PrometheusMetric');
        break;
      }
      // Katib: strconv.Atoi(port.String()) > 0, so a named port is refused.
      const port = String(httpGet.port ?? '');
      if (!/^[+-]?\d+$/.test(port) || Number(port) <= 0) add(`${s}.httpGet.port`, `expected a positive integer, got "${port}"`);
      if (!httpGet.path?.startsWith('/')) add(`${s}.httpGet.path`, `expected a path starting with "/", got "${httpGet.path ?? ''}"`);
      break;
    }
    case 'Custom':
      if (!mc?.collector?.customCollector) add('spec.metricsCollectorSpec.collector.customCollector', 'must be specified for collector kind Custom');
      if (fsp) {
        if (fsp.kind !== 'File' && fsp.kind !== 'Directory') add(`${s}.fileSystemPath.kind`, `expected File or Directory, got "${fsp.kind ?? ''}"`);
        if (!absolute(fsp.path)) add(`${s}.fileSystemPath.path`, `expected an absolute path, got "${fsp.path ?? ''}"`);
      }
      break;
    default:
      add('spec.metricsCollectorSpec.collector.kind', `invalid metrics collector kind "${kind}"; expected one of ${METRICS_COLLECTOR_KINDS.join(', ')}`);
  }
  mc?.source?.filter?.metricsFormat?.forEach((format, i) => {
    const path = `${s}.filter.metricsFormat[${i}]`;
    // Katib compiles with Go's regexp (RE2), which is linear time: so do we, refusing what
    // only a backtracking engine reads (backreferences, lookahead, lookbehind).
    let groups: number;
    try {
      groups = RE2JS.compile(format).groupCount();
    } catch (error) {
      return add(path, `expected an RE2 regular expression (no backreferences or lookaround): ${(error as Error).message}`);
    }
    if (groups < 2) add(path, `expected two capture groups (metric name, then value), found ${groups}`);
  });
}
