import {
  API_VERSION,
  EXPERIMENT_KIND,
  type AlgorithmSpec,
  type Experiment,
  type ExperimentSpec,
  type FileSystemPath,
  type MetricsCollectorSpec,
  type MetricStrategyType,
  type NasConfig,
  type ObjectiveSpec,
  type ObjectMeta,
  type ParameterSpec,
  type TrialTemplate,
  type ValidationIssue,
} from './types.js';
import { listLimitMessage, parameterLimitMessage, parseNumber } from '../search-space/check.js';
import { MAX_LIST_VALUES, MAX_PARAMETERS } from './limits.js';

type Obj = Record<string, unknown>;

/**
 * Reads an untyped Experiment (parsed YAML or JSON) into the typed `Experiment` of
 * katib-spec §2.1. Only shapes are checked here (types, unknown fields, apiVersion and
 * kind), as the Kubernetes API server would; Katib's admission rules live in
 * `validateExperiment`. A field of the wrong type is reported and dropped. Enum-like
 * strings (parameterType, objective type, ...) are kept as written so the validator
 * can name the bad value.
 *
 * @example
 * const { experiment, issues } = parseExperimentObject(YAML.parse(text));
 */
export function parseExperimentObject(raw: unknown): { experiment: Experiment; issues: ValidationIssue[] } {
  const r = new Reader();
  const top = r.object(raw, '', ['apiVersion', 'kind', 'metadata', 'spec', 'status']) ?? {};
  const apiVersion = typeof top.apiVersion === 'string' ? top.apiVersion : '';
  if (apiVersion !== API_VERSION) r.issue('apiVersion', `expected ${API_VERSION}, got ${show(top.apiVersion)}`);
  const kind = typeof top.kind === 'string' ? top.kind : '';
  if (kind !== EXPERIMENT_KIND) r.issue('kind', `expected ${EXPERIMENT_KIND}, got ${show(top.kind)}`);
  const experiment: Experiment = {
    apiVersion,
    kind,
    metadata: readMetadata(r, top.metadata),
    spec: readSpec(r, top.spec),
  };
  return { experiment, issues: r.issues };
}

function readMetadata(r: Reader, raw: unknown): ObjectMeta {
  // Other ObjectMeta fields (uid, resourceVersion, ...) belong to the cluster and are ignored.
  const m = r.object(raw, 'metadata') ?? {};
  return compact({
    name: r.string(m.name, 'metadata.name') ?? '',
    namespace: r.string(m.namespace, 'metadata.namespace'),
    labels: r.stringMap(m.labels, 'metadata.labels'),
    annotations: r.stringMap(m.annotations, 'metadata.annotations'),
  });
}

function readSpec(r: Reader, raw: unknown): ExperimentSpec {
  const p = 'spec';
  const s = r.object(raw, p, [
    'parameters', 'objective', 'algorithm', 'earlyStopping', 'parallelTrialCount', 'maxTrialCount',
    'maxFailedTrialCount', 'metricsCollectorSpec', 'nasConfig', 'resumePolicy', 'trialTemplate',
  ]) ?? {};
  return compact({
    parameters: r.list(s.parameters, `${p}.parameters`, (v, q) => readParameter(r, v, q), { max: MAX_PARAMETERS, message: parameterLimitMessage }),
    objective: readObjective(r, s.objective, `${p}.objective`),
    algorithm: readAlgorithm(r, s.algorithm, `${p}.algorithm`),
    earlyStopping: readAlgorithm(r, s.earlyStopping, `${p}.earlyStopping`),
    parallelTrialCount: r.int(s.parallelTrialCount, `${p}.parallelTrialCount`),
    maxTrialCount: r.int(s.maxTrialCount, `${p}.maxTrialCount`),
    maxFailedTrialCount: r.int(s.maxFailedTrialCount, `${p}.maxFailedTrialCount`),
    metricsCollectorSpec: readCollector(r, s.metricsCollectorSpec, `${p}.metricsCollectorSpec`),
    nasConfig: readNasConfig(r, s.nasConfig, `${p}.nasConfig`),
    resumePolicy: r.string(s.resumePolicy, `${p}.resumePolicy`) as ExperimentSpec['resumePolicy'],
    trialTemplate: readTrialTemplate(r, s.trialTemplate, `${p}.trialTemplate`),
  });
}

function readParameter(r: Reader, raw: unknown, p: string): ParameterSpec | undefined {
  const o = r.object(raw, p, ['name', 'parameterType', 'feasibleSpace']);
  if (!o) return undefined;
  const fs = r.object(o.feasibleSpace, `${p}.feasibleSpace`, ['min', 'max', 'step', 'list', 'distribution']) ?? {};
  // Katib keeps bounds as strings (§2.1); a YAML number is accepted and kept as its decimal text.
  return {
    name: r.string(o.name, `${p}.name`) ?? '',
    parameterType: (r.string(o.parameterType, `${p}.parameterType`) ?? '') as ParameterSpec['parameterType'],
    feasibleSpace: compact({
      min: r.numberText(fs.min, `${p}.feasibleSpace.min`),
      max: r.numberText(fs.max, `${p}.feasibleSpace.max`),
      step: r.numberText(fs.step, `${p}.feasibleSpace.step`),
      list: r.list(fs.list, `${p}.feasibleSpace.list`, (v, q) => r.numberText(v, q), { max: MAX_LIST_VALUES, message: listLimitMessage }),
      distribution: r.string(fs.distribution, `${p}.feasibleSpace.distribution`) as ParameterSpec['feasibleSpace']['distribution'],
    }),
  };
}

function readObjective(r: Reader, raw: unknown, p: string): ObjectiveSpec | undefined {
  const o = r.object(raw, p, ['type', 'goal', 'objectiveMetricName', 'additionalMetricNames', 'metricStrategies']);
  if (!o) return undefined;
  return compact({
    type: (r.string(o.type, `${p}.type`) ?? '') as ObjectiveSpec['type'],
    goal: r.number(o.goal, `${p}.goal`),
    objectiveMetricName: r.string(o.objectiveMetricName, `${p}.objectiveMetricName`) ?? '',
    additionalMetricNames: r.list(o.additionalMetricNames, `${p}.additionalMetricNames`, (v, q) => r.string(v, q)),
    metricStrategies: r.list(o.metricStrategies, `${p}.metricStrategies`, (v, q) => {
      const m = r.object(v, q, ['name', 'value']);
      if (!m) return undefined;
      const value = (r.string(m.value, `${q}.value`) ?? '') as MetricStrategyType;
      return { name: r.string(m.name, `${q}.name`) ?? '', value };
    }),
  });
}

function readAlgorithm(r: Reader, raw: unknown, p: string): AlgorithmSpec | undefined {
  const o = r.object(raw, p, ['algorithmName', 'algorithmSettings']);
  if (!o) return undefined;
  return compact({
    algorithmName: r.string(o.algorithmName, `${p}.algorithmName`) ?? '',
    algorithmSettings: r.list(o.algorithmSettings, `${p}.algorithmSettings`, (v, q) => {
      const s = r.object(v, q, ['name', 'value']);
      if (!s) return undefined;
      // Setting values are strings in Katib; `random_state: 10` is read as "10".
      return { name: r.string(s.name, `${q}.name`) ?? '', value: r.numberText(s.value, `${q}.value`) ?? '' };
    }),
  });
}

function readCollector(r: Reader, raw: unknown, p: string): MetricsCollectorSpec | undefined {
  const o = r.object(raw, p, ['source', 'collector']);
  if (!o) return undefined;
  const src = r.object(o.source, `${p}.source`, ['httpGet', 'fileSystemPath', 'filter']);
  const fsp = src && r.object(src.fileSystemPath, `${p}.source.fileSystemPath`, ['path', 'kind', 'format']);
  const filter = src && r.object(src.filter, `${p}.source.filter`, ['metricsFormat']);
  const httpGet = src && r.object(src.httpGet, `${p}.source.httpGet`);
  const col = r.object(o.collector, `${p}.collector`, ['kind', 'customCollector']);
  let port: number | string | undefined;
  if (httpGet?.port !== undefined) {
    // A k8s IntOrString.
    if (typeof httpGet.port === 'number' || typeof httpGet.port === 'string') port = httpGet.port;
    else r.issue(`${p}.source.httpGet.port`, `expected an integer or a string, got ${show(httpGet.port)}`);
  }
  return compact({
    source: src && compact({
      httpGet: httpGet && compact({
        ...httpGet,
        path: r.string(httpGet.path, `${p}.source.httpGet.path`),
        port,
      }),
      fileSystemPath: fsp && compact({
        path: r.string(fsp.path, `${p}.source.fileSystemPath.path`),
        kind: r.string(fsp.kind, `${p}.source.fileSystemPath.kind`) as FileSystemPath['kind'],
        format: r.string(fsp.format, `${p}.source.fileSystemPath.format`) as FileSystemPath['format'],
      }),
      filter: filter && compact({
        metricsFormat: r.list(filter.metricsFormat, `${p}.source.filter.metricsFormat`, (v, q) => r.string(v, q)),
      }),
    }),
    collector: col && compact({
      kind: r.string(col.kind, `${p}.collector.kind`),
      // A k8s Container, kept as written.
      customCollector: r.object(col.customCollector, `${p}.collector.customCollector`) && structuredClone(col.customCollector as Obj),
    }),
  });
}

function readNasConfig(r: Reader, raw: unknown, p: string): NasConfig | undefined {
  const o = r.object(raw, p, ['graphConfig', 'operations']);
  if (!o) return undefined;
  const g = r.object(o.graphConfig, `${p}.graphConfig`, ['numLayers', 'inputSizes', 'outputSizes']);
  return compact({
    graphConfig: g && compact({
      numLayers: r.int(g.numLayers, `${p}.graphConfig.numLayers`),
      inputSizes: r.list(g.inputSizes, `${p}.graphConfig.inputSizes`, (v, q) => r.int(v, q)),
      outputSizes: r.list(g.outputSizes, `${p}.graphConfig.outputSizes`, (v, q) => r.int(v, q)),
    }),
    operations: r.list(o.operations, `${p}.operations`, (v, q) => {
      const op = r.object(v, q, ['operationType', 'parameters']);
      if (!op) return undefined;
      return {
        operationType: r.string(op.operationType, `${q}.operationType`) ?? '',
        parameters: r.list(op.parameters, `${q}.parameters`, (w, s) => readParameter(r, w, s)) ?? [],
      };
    }),
  });
}

function readTrialTemplate(r: Reader, raw: unknown, p: string): TrialTemplate | undefined {
  const o = r.object(raw, p, [
    'retain', 'trialSpec', 'configMap', 'trialParameters', 'primaryPodLabels',
    'primaryContainerName', 'successCondition', 'failureCondition',
  ]);
  if (!o) return undefined;
  const cm = r.object(o.configMap, `${p}.configMap`, ['configMapName', 'configMapNamespace', 'templatePath']);
  let retain: boolean | undefined;
  if (o.retain !== undefined && o.retain !== null) {
    if (typeof o.retain === 'boolean') retain = o.retain;
    else r.issue(`${p}.retain`, `expected true or false, got ${show(o.retain)}`);
  }
  return compact({
    retain,
    // An arbitrary k8s object: kept untouched (copied, so the input is never shared).
    trialSpec: r.object(o.trialSpec, `${p}.trialSpec`) && structuredClone(o.trialSpec as Obj),
    configMap: cm && compact({
      configMapName: r.string(cm.configMapName, `${p}.configMap.configMapName`),
      configMapNamespace: r.string(cm.configMapNamespace, `${p}.configMap.configMapNamespace`),
      templatePath: r.string(cm.templatePath, `${p}.configMap.templatePath`),
    }),
    trialParameters: r.list(o.trialParameters, `${p}.trialParameters`, (v, q) => {
      const t = r.object(v, q, ['name', 'description', 'reference']);
      if (!t) return undefined;
      return compact({
        name: r.string(t.name, `${q}.name`) ?? '',
        description: r.string(t.description, `${q}.description`),
        reference: r.string(t.reference, `${q}.reference`) ?? '',
      });
    }),
    primaryPodLabels: r.stringMap(o.primaryPodLabels, `${p}.primaryPodLabels`),
    primaryContainerName: r.string(o.primaryContainerName, `${p}.primaryContainerName`),
    successCondition: r.string(o.successCondition, `${p}.successCondition`),
    failureCondition: r.string(o.failureCondition, `${p}.failureCondition`),
  });
}

/** Typed reads that record an issue (and yield `undefined`) on a mismatch; null counts as absent. */
class Reader {
  readonly issues: ValidationIssue[] = [];

  issue(path: string, message: string): void {
    this.issues.push({ path: path || '(root)', message });
  }

  /** An object; with `known`, every other key is reported as an unknown field. */
  object(v: unknown, path: string, known?: readonly string[]): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.issue(path, `expected an object, got ${show(v)}`);
      return undefined;
    }
    const o = v as Obj;
    if (known) {
      for (const key of Object.keys(o)) {
        if (!known.includes(key)) this.issue(path ? `${path}.${key}` : key, `unknown field "${key}"; expected one of ${known.join(', ')}`);
      }
    }
    return o;
  }

  /** A list read item by item; one longer than `limit.max` is reported and read as empty, its items unread. */
  list<T>(
    v: unknown,
    path: string,
    item: (v: unknown, path: string) => T | undefined,
    limit?: { max: number; message: (length: number) => string },
  ): T[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.issue(path, `expected a list, got ${show(v)}`);
      return undefined;
    }
    if (limit && v.length > limit.max) {
      this.issue(path, limit.message(v.length));
      return []; // present but unread: the checks of what it holds are the limit's issue
    }
    return v.flatMap((x, i) => {
      const out = item(x, `${path}[${i}]`);
      return out === undefined ? [] : [out];
    });
  }

  string(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    this.issue(path, `expected a string, got ${show(v)}`);
    return undefined;
  }

  /** A string, or a finite number kept as its decimal text. */
  numberText(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    this.issue(path, `expected a string or number, got ${show(v)}`);
    return undefined;
  }

  /** A finite number, or a string holding one (Katib's goal is a float). */
  number(v: unknown, path: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    const x = typeof v === 'string' ? parseNumber(v) : v;
    if (typeof x === 'number' && Number.isFinite(x)) return x;
    this.issue(path, `expected a number, got ${show(v)}`);
    return undefined;
  }

  /** A 32-bit integer (Katib's counts are int32). */
  int(v: unknown, path: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2 ** 31 - 1) return v;
    this.issue(path, `expected an integer, got ${show(v)}`);
    return undefined;
  }

  stringMap(v: unknown, path: string): Record<string, string> | undefined {
    const o = this.object(v, path);
    if (!o) return undefined;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(o)) {
      const text = this.string(value, `${path}.${key}`);
      if (text !== undefined) Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
}

/** A value as a user would recognise it in a message: `"abc"`, `12`, `a list`. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'an object';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Drops keys whose value is `undefined`, so absent fields stay absent. */
function compact<T extends object>(o: T): T {
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] === undefined) delete o[key];
  return o;
}
