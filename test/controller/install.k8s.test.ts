import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlFiles } from '../support/yaml-files.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { installManifests } from '../../controller/install.js';
import { applyManifest, k8sSkipReason, request, startTestCluster, type TestCluster } from '../support/k8s.js';

type Obj = Record<string, any>;

const root = join(import.meta.dirname, '..', '..');

function docs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);
}

function experimentsIn(file: string): Obj[] {
  return docs(readFileSync(file, 'utf8')).filter((d) => d.kind === 'Experiment');
}

/** `scriba install`'s manifests and the CRDs' schemas on a real kube-apiserver and etcd (support/k8s.ts). */
describe.skipIf(k8sSkipReason())('scriba install on a real API server', () => {
  const NS = 'tuning';
  const experiments = `/apis/kubeflow.org/v1beta1/namespaces/${NS}/experiments`;
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    // Every object is accepted as printed: the CRDs become Established, the rest validate.
    await applyManifest(cluster, docs(installManifests({ namespace: NS, image: 'scriba:dev' })));
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  function random(name: string): Obj {
    const experiment = experimentsIn(join(root, 'examples', 'random.yaml'))[0]!;
    experiment.metadata = { name, namespace: NS };
    return experiment;
  }

  test('discovery lists the kinds with their categories and no short names', async () => {
    const { status, body } = await request(cluster, 'GET', '/apis/kubeflow.org/v1beta1');
    expect(status).toBe(200);
    const kinds = (body.resources as Obj[]).filter((r) => !r.name.includes('/'));
    expect(kinds.map((r) => [r.name, r.kind, r.namespaced, r.categories, r.shortNames]).sort()).toEqual([
      ['experiments', 'Experiment', true, ['all', 'kubeflow', 'katib'], undefined],
      ['suggestions', 'Suggestion', true, ['all', 'kubeflow', 'katib'], undefined],
      ['trials', 'Trial', true, ['all', 'kubeflow', 'katib'], undefined],
    ]);
  });

  test('parallelTrialCount and resumePolicy are defaulted; a field the schema does not list under spec is kept', async () => {
    const experiment = random('defaults');
    delete experiment.spec.parallelTrialCount;
    experiment.spec.scribaOnly = { x: 1 };
    const created = await request(cluster, 'POST', experiments, experiment);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.spec).toMatchObject({ parallelTrialCount: 3, resumePolicy: 'Never', scribaOnly: { x: 1 }, maxTrialCount: 12 });
    expect(created.body.spec.trialTemplate.trialSpec).toEqual(experiment.spec.trialTemplate.trialSpec);
  });

  test('a wrong type or enum is refused, naming the field', async () => {
    const experiment = random('wrong');
    experiment.spec.parallelTrialCount = 'three';
    experiment.spec.objective.type = 'minimise';
    const refused = await request(cluster, 'POST', experiments, experiment);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('spec.parallelTrialCount');
    expect(refused.body.message).toContain('spec.objective.type');
  });

  test('the examples and fixtures are accepted (dry run)', async () => {
    // That fixture writes feasibleSpace numbers unquoted, which Katib refuses (install.test.ts).
    const files = [...yamlFiles(join(root, 'examples')), ...yamlFiles(join(root, 'test', 'experiment', 'fixtures'))]
      .filter((f) => !f.endsWith('fixtures/file-metrics-collector.yaml'));
    let checked = 0;
    for (const file of files) {
      for (const experiment of experimentsIn(file)) {
        experiment.metadata = { ...experiment.metadata, namespace: NS };
        const answer = await request(cluster, 'POST', `${experiments}?dryRun=All`, experiment);
        expect(answer.status, `${file}: ${JSON.stringify(answer.body)}`).toBe(201);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  test('a Trial and a Suggestion status written through the status subresource', async () => {
    const trials = `/apis/kubeflow.org/v1beta1/namespaces/${NS}/trials`;
    const trial = {
      apiVersion: 'kubeflow.org/v1beta1', kind: 'Trial', metadata: { name: 'defaults-abcd1234', namespace: NS },
      spec: { parameterAssignments: [{ name: 'lr', value: '0.1' }], earlyStoppingRules: [{ name: 'loss', value: '0.5', comparison: 'less', startStep: 2 }], runSpec: { apiVersion: 'batch/v1', kind: 'Job' } },
    };
    const created = await request(cluster, 'POST', trials, trial);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const status = { conditions: [{ type: 'Created', status: 'True', reason: 'TrialCreated', lastUpdateTime: '2024-05-01T10:00:00Z' }], observation: { metrics: [{ name: 'loss', min: '0.1', max: '0.3', latest: '0.2' }] } };
    const updated = await request(cluster, 'PUT', `${trials}/defaults-abcd1234/status`, { ...created.body, status });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.status).toEqual(status);
    const suggestion = {
      apiVersion: 'kubeflow.org/v1beta1', kind: 'Suggestion', metadata: { name: 'defaults', namespace: NS },
      spec: { algorithm: { algorithmName: 'random' }, requests: 3, resumePolicy: 'Never' },
    };
    const made = await request(cluster, 'POST', `/apis/kubeflow.org/v1beta1/namespaces/${NS}/suggestions`, suggestion);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.spec.requests).toBe(3);
  });
});
