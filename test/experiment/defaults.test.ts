import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  applyDefaults,
  JOB_FAILURE_CONDITION,
  JOB_SUCCESS_CONDITION,
  KUBEFLOW_JOB_SUCCESS_CONDITION,
  parseExperimentObject,
  type Experiment,
  type MetricsCollectorSpec,
  type ObjectiveSpec,
  type TrialTemplate,
} from '../../src/experiment/index.js';
import { fixtureNames, fixtureText } from './fixtures.js';

/** A bare experiment: nothing that the webhook defaults is set. */
function bare(): Experiment {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    metadata: { name: 'bare' },
    spec: {
      objective: { type: 'minimize', objectiveMetricName: 'loss' },
      algorithm: { algorithmName: 'random' },
      parameters: [
        { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.01', max: '0.1' } },
        { name: 'layers', parameterType: 'int', feasibleSpace: { min: '1', max: '4' } },
        { name: 'units', parameterType: 'discrete', feasibleSpace: { list: ['32', '64'] } },
        { name: 'opt', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam'] } },
      ],
    },
  };
}

const withObjective = (objective: ObjectiveSpec) => applyDefaults({ ...bare(), spec: { ...bare().spec, objective } });
const withTemplate = (trialTemplate: TrialTemplate) => applyDefaults({ ...bare(), spec: { ...bare().spec, trialTemplate } }).spec.trialTemplate!;
const withCollector = (mc: MetricsCollectorSpec | undefined) =>
  applyDefaults({ ...bare(), spec: { ...bare().spec, metricsCollectorSpec: mc } }).spec.metricsCollectorSpec;

describe('applyDefaults (katib-spec §2.2)', () => {
  test('parallelTrialCount 3 when unset, kept when set', () => {
    expect(applyDefaults(bare()).spec.parallelTrialCount).toBe(3);
    const e = bare();
    e.spec.parallelTrialCount = 7;
    expect(applyDefaults(e).spec.parallelTrialCount).toBe(7);
  });

  test('maxTrialCount and maxFailedTrialCount stay unset (unlimited)', () => {
    const spec = applyDefaults(bare()).spec;
    expect(spec.maxTrialCount).toBeUndefined();
    expect(spec.maxFailedTrialCount).toBeUndefined();
  });

  test('resumePolicy Never when unset, kept when set', () => {
    expect(applyDefaults(bare()).spec.resumePolicy).toBe('Never');
    const e = bare();
    e.spec.resumePolicy = 'FromVolume';
    expect(applyDefaults(e).spec.resumePolicy).toBe('FromVolume');
  });

  test.each([
    ['minimize', 'min'],
    ['maximize', 'max'],
    ['sideways', 'latest'],
  ] as const)('objective %s gets strategy %s, and so do additional metrics (Q)', (type, value) => {
    const o = withObjective({ type: type as 'minimize', objectiveMetricName: 'loss', additionalMetricNames: ['accuracy', 'f1'] });
    expect(o.spec.objective!.metricStrategies).toEqual([
      { name: 'loss', value },
      { name: 'accuracy', value },
      { name: 'f1', value },
    ]);
  });

  test('given strategies are kept and not duplicated', () => {
    const o = withObjective({
      type: 'maximize',
      objectiveMetricName: 'accuracy',
      additionalMetricNames: ['loss', 'f1'],
      metricStrategies: [{ name: 'loss', value: 'latest' }, { name: 'accuracy', value: 'latest' }],
    });
    expect(o.spec.objective!.metricStrategies).toEqual([
      { name: 'loss', value: 'latest' },
      { name: 'accuracy', value: 'latest' },
      { name: 'f1', value: 'max' },
    ]);
  });

  test('no objective, no strategies', () => {
    const e = bare();
    delete e.spec.objective;
    expect(applyDefaults(e).spec.objective).toBeUndefined();
  });

  const trialSpec = (kind: string) => ({ apiVersion: 'v1', kind, spec: {} });

  test('Job: Complete / Failed conditions, no primary pod labels', () => {
    const t = withTemplate({ trialSpec: trialSpec('Job') });
    expect(t.successCondition).toBe('status.conditions.#(type=="Complete")#|#(status=="True")#');
    expect(t.failureCondition).toBe('status.conditions.#(type=="Failed")#|#(status=="True")#');
    expect(t.primaryPodLabels).toBeUndefined();
  });

  test.each(['TFJob', 'PyTorchJob', 'XGBoostJob', 'MPIJob'])('%s: Succeeded / Failed conditions, master pod label', (kind) => {
    const t = withTemplate({ trialSpec: trialSpec(kind) });
    expect(t.successCondition).toBe('status.conditions.#(type=="Succeeded")#|#(status=="True")#');
    expect(t.failureCondition).toBe(JOB_FAILURE_CONDITION);
    expect(t.primaryPodLabels).toEqual({ 'training.kubeflow.org/job-role': 'master' });
  });

  test('TrainJob: Complete / Failed conditions, first node pod labels', () => {
    const t = withTemplate({ trialSpec: trialSpec('TrainJob') });
    expect(t.successCondition).toBe(JOB_SUCCESS_CONDITION);
    expect(t.failureCondition).toBe(JOB_FAILURE_CONDITION);
    expect(t.primaryPodLabels).toEqual({
      'jobset.sigs.k8s.io/replicatedjob-name': 'node',
      'batch.kubernetes.io/job-completion-index': '0',
    });
  });

  test('given conditions and labels are kept', () => {
    const t = withTemplate({
      trialSpec: trialSpec('MPIJob'),
      successCondition: 'status.phase=="Done"',
      primaryPodLabels: { 'mpi-job-role': 'launcher' },
    });
    expect(t.successCondition).toBe('status.phase=="Done"');
    expect(t.failureCondition).toBe(JOB_FAILURE_CONDITION);
    expect(t.primaryPodLabels).toEqual({ 'mpi-job-role': 'launcher' });
  });

  test('other kinds and configMap sources get nothing', () => {
    expect(withTemplate({ trialSpec: trialSpec('Workflow') })).toEqual({ trialSpec: trialSpec('Workflow') });
    const cm = { configMap: { configMapName: 'c', configMapNamespace: 'n', templatePath: 'p' } };
    expect(withTemplate(cm)).toEqual(cm);
    expect(KUBEFLOW_JOB_SUCCESS_CONDITION).not.toBe(JOB_SUCCESS_CONDITION);
  });

  test('no collector: StdOut', () => {
    expect(withCollector(undefined)).toEqual({ collector: { kind: 'StdOut' } });
    expect(withCollector({ source: { filter: { metricsFormat: ['(\\w+)=(\\S+)'] } } })).toEqual({
      source: { filter: { metricsFormat: ['(\\w+)=(\\S+)'] } },
      collector: { kind: 'StdOut' },
    });
  });

  test('File: kind File, /var/log/katib/metrics.log, TEXT; each only when empty', () => {
    expect(withCollector({ collector: { kind: 'File' } })?.source).toEqual({
      fileSystemPath: { kind: 'File', path: '/var/log/katib/metrics.log', format: 'TEXT' },
    });
    expect(withCollector({ collector: { kind: 'File' }, source: { fileSystemPath: { path: '/m.json', format: 'JSON' } } })?.source).toEqual({
      fileSystemPath: { kind: 'File', path: '/m.json', format: 'JSON' },
    });
  });

  test('TensorFlowEvent: kind Directory, /var/log/katib/tfevent/, no format', () => {
    expect(withCollector({ collector: { kind: 'TensorFlowEvent' } })?.source).toEqual({
      fileSystemPath: { kind: 'Directory', path: '/var/log/katib/tfevent/' },
    });
  });

  test('PrometheusMetric: /metrics on port 8080; port 0 counts as unset', () => {
    expect(withCollector({ collector: { kind: 'PrometheusMetric' } })?.source).toEqual({ httpGet: { path: '/metrics', port: 8080 } });
    expect(withCollector({ collector: { kind: 'PrometheusMetric' }, source: { httpGet: { port: '0', scheme: 'HTTPS' } } })?.source).toEqual({
      httpGet: { path: '/metrics', port: 8080, scheme: 'HTTPS' },
    });
    expect(withCollector({ collector: { kind: 'PrometheusMetric' }, source: { httpGet: { path: '/m', port: 9000 } } })?.source).toEqual({
      httpGet: { path: '/m', port: 9000 },
    });
  });

  test.each(['Custom', 'Push', 'StdOut', ''])('collector %j: no source defaults', (kind) => {
    expect(withCollector({ collector: { kind } })).toEqual({ collector: { kind } });
  });

  test('every parameter gets distribution uniform when unset, categorical and discrete too', () => {
    const e = bare();
    e.spec.parameters![0]!.feasibleSpace.distribution = 'logUniform';
    expect(applyDefaults(e).spec.parameters!.map((p) => p.feasibleSpace.distribution)).toEqual([
      'logUniform',
      'uniform',
      'uniform',
      'uniform',
    ]);
  });

  test('nasConfig operation parameters are left as Katib leaves them', () => {
    const e = bare();
    delete e.spec.parameters;
    const op = { operationType: 'convolution', parameters: [{ name: 'k', parameterType: 'categorical' as const, feasibleSpace: { list: ['3'] } }] };
    e.spec.nasConfig = { graphConfig: { numLayers: 1 }, operations: [op] };
    expect(applyDefaults(e).spec.nasConfig).toEqual({ graphConfig: { numLayers: 1 }, operations: [op] });
  });

  test('pure: the argument is never mutated, and nothing is shared with the result', () => {
    const e = bare();
    e.spec.trialTemplate = { trialSpec: trialSpec('PyTorchJob') };
    const before = structuredClone(e);
    const out = applyDefaults(deepFreeze(e));
    expect(e).toEqual(before);
    out.spec.parameters![0]!.feasibleSpace.min = '0.5';
    (out.spec.trialTemplate!.trialSpec as { kind: string }).kind = 'Job';
    expect(e).toEqual(before);
  });

  test.each(fixtureNames())('idempotent on %s', (name) => {
    const once = applyDefaults(parseExperimentObject(parse(fixtureText(name))).experiment);
    expect(applyDefaults(once)).toEqual(once);
  });

  test('idempotent on the bare experiment, with a repeated additional metric', () => {
    const e = bare();
    e.spec.objective!.additionalMetricNames = ['acc', 'acc', 'loss'];
    const once = applyDefaults(e);
    expect(applyDefaults(once)).toEqual(once);
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
