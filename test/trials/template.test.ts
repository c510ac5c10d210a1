import { describe, expect, it } from 'vitest';
import type { Experiment, TrialParameterSpec } from '../../src/experiment/types.js';
import { ScribaError } from '../../src/errors.js';
import { gpuRequest, primaryContainer, renderTrial } from '../../trials/template.js';
import { makeExperiment } from '../support/experiment.js';
import { loadFixture } from '../experiment/fixtures.js';

const container = (args: string[], extra: Record<string, unknown> = {}) => ({
  name: 'training-container',
  image: 'python:3.12',
  command: ['python3', 'train.py'],
  args,
  ...extra,
});

function jobExperiment(args: string[], trialParameters: TrialParameterSpec[], namespace?: string): Experiment {
  const e = makeExperiment({
    parameters: [{ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.01', max: '0.1' } }],
    trialTemplate: {
      primaryContainerName: 'training-container',
      trialParameters,
      trialSpec: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { labels: { priority: 'high' }, annotations: { owner: 'data-team' } },
        spec: { template: { spec: { containers: [container(args)], restartPolicy: 'Never' } } },
      },
    },
  });
  if (namespace) e.metadata.namespace = namespace;
  return e;
}

/** Renders a one-argument template and returns that argument. */
function renderArg(arg: string, trialParameters: TrialParameterSpec[], lr = '0.05', namespace?: string): string {
  const withLr = trialParameters.some((p) => p.reference === 'lr') ? trialParameters : [...trialParameters, { name: 'lr', reference: 'lr' }];
  const rendered = renderTrial(jobExperiment([arg], withLr, namespace), { name: 'exp-abc', parameterAssignments: [{ name: 'lr', value: lr }] });
  return primaryContainer(rendered, 'training-container').args?.[0] as string;
}

describe('renderTrial (katib-spec §7)', () => {
  it.each([
    ['${trialSpec.Name}', 'exp-abc'],
    ['${trialSpec.Namespace}', 'default'],
    ['${trialSpec.Kind}', 'Job'],
    ['${trialSpec.APIVersion}', 'batch/v1'],
    ['${trialSpec.Labels[priority]}', 'high'],
    ['${trialSpec.Annotations[owner]}', 'data-team'],
  ])('substitutes the meta reference %s', (reference, expected) => {
    expect(renderArg('--v=${trialParameters.meta}', [{ name: 'meta', reference }])).toBe(`--v=${expected}`);
  });

  it("takes the experiment's namespace for ${trialSpec.Namespace} when the trial has none", () => {
    expect(renderArg('${trialParameters.ns}', [{ name: 'ns', reference: '${trialSpec.Namespace}' }], '0.05', 'kubeflow')).toBe('kubeflow');
  });

  it.each([
    ['0.05', '--lr=0.05'],
    ['1e-3', '--lr=1e-3'],
    ['1; touch /tmp/x', '--lr=1; touch /tmp/x'],
    ['a "quoted" value', '--lr=a "quoted" value'],
    ['back\\slash \\" \\n', '--lr=back\\slash \\" \\n'],
    ['two\nlines\ttab', '--lr=two\nlines\ttab'],
    ['$(HOME) `id` ${trialParameters.lr}', '--lr=$(HOME) `id` ${trialParameters.lr}'],
    ['\u00e9\u{1F600}', '--lr=\u00e9\u{1F600}'],
  ])('puts the parameter value %j in verbatim', (value, expected) => {
    expect(renderArg('--lr=${trialParameters.lr}', [{ name: 'lr', reference: 'lr' }], value)).toBe(expected);
  });

  it('replaces every occurrence, in keys and values, and sets the trial name and namespace', () => {
    const e = jobExperiment(['${trialParameters.lr}', 'x${trialParameters.lr}x'], [{ name: 'lr', reference: 'lr' }]);
    const spec = e.spec.trialTemplate?.trialSpec as Record<string, unknown>;
    spec.metadata = { labels: { 'lr-${trialParameters.lr}': 'yes' } };
    const rendered = renderTrial(e, { name: 't1', namespace: 'team', parameterAssignments: [{ name: 'lr', value: '0.1' }] });
    expect(primaryContainer(rendered, 'training-container').args).toEqual(['0.1', 'x0.1x']);
    expect(rendered.metadata).toEqual({ labels: { 'lr-0.1': 'yes' }, name: 't1', namespace: 'team' });
  });

  it('renders the six meta references of the Katib example', () => {
    const e = loadFixture('trial-metadata-substitution.yaml');
    const rendered = renderTrial(e, { name: 'trial-metadata-substitution-x', parameterAssignments: [{ name: 'lr', value: '0.02' }] });
    const env = primaryContainer(rendered, 'training-container').env ?? [];
    expect(Object.fromEntries(env.map((v) => [v.name, v.value]))).toEqual({
      TRIAL_NAME: 'trial-metadata-substitution-x',
      TRIAL_NAMESPACE: 'kubeflow',
      JOB_KIND: 'Job',
      JOB_API_VERSION: 'batch/v1',
      JOB_PRIORITY: 'high',
      JOB_OWNER: 'data-team',
    });
  });

  it.each([
    [{ name: 'p', reference: '${trialSpec.Labels[team]}' }, /Labels\[team\].*labels has no key "team"/],
    [{ name: 'p', reference: '${trialSpec.Annotations[team]}' }, /annotations has no key "team"/],
    [{ name: 'p', reference: '${trialSpec.Uid}' }, /illegal reference of trial metadata: \$\{trialSpec.Uid\}/],
  ])('refuses the meta reference %j', (parameter, message) => {
    expect(() => renderArg('${trialParameters.p}', [parameter])).toThrow(message);
  });

  it('refuses a trial whose assignments do not match the trial parameters', () => {
    const e = jobExperiment(['${trialParameters.lr}'], [{ name: 'lr', reference: 'lr' }]);
    expect(() => renderTrial(e, { name: 't', parameterAssignments: [] })).toThrow(/no assignment for "lr"/);
    const extra = [{ name: 'lr', value: '1' }, { name: 'momentum', value: '2' }];
    expect(() => renderTrial(e, { name: 't', parameterAssignments: extra })).toThrow(/2 parameter assignments but .* 1 trial parameters/);
  });

  it('refuses a ConfigMap template, saying to inline it', () => {
    const e = makeExperiment({
      trialTemplate: { configMap: { configMapName: 'c', configMapNamespace: 'n', templatePath: 'p' }, trialParameters: [] },
    });
    const error = captureError(() => renderTrial(e, { name: 't', parameterAssignments: [] }));
    expect(error).toBeInstanceOf(ScribaError);
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/inline the template as spec.trialTemplate.trialSpec/);
  });
});

const replicaTemplate = (name: string, command: string[]) => ({ replicas: 1, template: { spec: { containers: [{ name, image: 'i', command }] } } });

describe('primaryContainer', () => {
  it.each([
    ['Job', { template: { spec: { containers: [{ name: 'side', image: 'i' }, { name: 'main', image: 'i', command: ['job'] }] } } }, ['job']],
    ['PyTorchJob', { pytorchReplicaSpecs: { Worker: replicaTemplate('main', ['worker']), Master: replicaTemplate('main', ['master']) } }, ['master']],
    ['TFJob', { tfReplicaSpecs: { PS: replicaTemplate('main', ['ps']), Chief: replicaTemplate('main', ['chief']) } }, ['chief']],
    ['TFJob', { tfReplicaSpecs: { Worker: replicaTemplate('main', ['worker']) } }, ['worker']],
    ['XGBoostJob', { xgbReplicaSpecs: { Master: replicaTemplate('main', ['xgb']) } }, ['xgb']],
    ['MPIJob', { mpiReplicaSpecs: { Worker: replicaTemplate('main', ['w']), Launcher: replicaTemplate('main', ['mpirun']) } }, ['mpirun']],
  ])('finds the container of a %s', (kind, spec, command) => {
    expect(primaryContainer({ apiVersion: 'v', kind, spec }, 'main').command).toEqual(command);
  });

  it('reads a TrainJob trainer as the container named by primaryContainerName', () => {
    const e = loadFixture('trainjob.yaml');
    const rendered = renderTrial(e, {
      name: 't',
      parameterAssignments: (e.spec.parameters ?? []).map((p) => ({ name: p.name, value: '0.5' })),
    });
    const c = primaryContainer(rendered, 'node');
    expect(c.name).toBe('node');
    expect(c.command).toContain('--lr=0.5');
    const withGpus = primaryContainer({ kind: 'TrainJob', spec: { trainer: { command: ['x'], resourcesPerNode: { limits: { 'nvidia.com/gpu': 2 } } } } }, 'node');
    expect(gpuRequest(withGpus)).toBe(2);
  });

  it.each([
    [{ kind: 'Workflow', spec: {} }, /kind "Workflow": local runs support Job, PyTorchJob, TFJob, XGBoostJob, MPIJob, TrainJob/],
    [{ kind: 'Job', spec: { template: { spec: { containers: [{ name: 'other' }] } } } }, /no container named "main" .* in spec.template.spec.containers; found "other"/],
    [{ kind: 'PyTorchJob', spec: {} }, /in spec.pytorchReplicaSpecs; found no containers/],
    [{ kind: 'TrainJob', spec: { runtimeRef: { name: 'torch' } } }, /TrainJob: spec.trainer is missing/],
    [{ kind: 'Job', spec: { template: { spec: { containers: [{ name: 'main', command: 'python x.py' }] } } } }, /command: expected a list of strings/],
  ])('refuses %j, naming what it looked for', (rendered, message) => {
    expect(() => primaryContainer(rendered, 'main')).toThrow(message);
  });
});

describe('gpuRequest', () => {
  it.each([
    [{}, 0],
    [{ resources: { limits: { cpu: '1' } } }, 0],
    [{ resources: { limits: { 'nvidia.com/gpu': 1 } } }, 1],
    [{ resources: { limits: { 'nvidia.com/gpu': '4' } } }, 4],
    [{ resources: { requests: { 'nvidia.com/gpu': '2' } } }, 2],
    [{ resourcesPerNode: { limits: { 'nvidia.com/gpu': '3' } } }, 3],
  ])('reads %j as %i', (c, n) => {
    expect(gpuRequest(c)).toBe(n);
  });

  it.each(['1.5', '-1', 'two'])('refuses %j', (value) => {
    expect(() => gpuRequest({ resources: { limits: { 'nvidia.com/gpu': value } } })).toThrow(/expected a whole number of GPUs/);
  });
});

function captureError(fn: () => unknown): ScribaError {
  try {
    fn();
  } catch (error) {
    return error as ScribaError;
  }
  throw new Error('expected an error');
}
