import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyManifest, k8sSkipReason, request, startTestCluster, type TestCluster } from '../support/k8s.js';
import { isAlive } from '../support/processes.js';

const skip = k8sSkipReason();

const widgets = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.scriba.test' },
  spec: {
    group: 'example.scriba.test',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
          },
        },
      },
    ],
  },
};

describe.skipIf(skip !== undefined)(`the envtest cluster${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    const started = Date.now();
    cluster = await startTestCluster();
    console.log(`test cluster ready in ${Date.now() - started} ms at ${cluster.server}`);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  test('answers /readyz with the token and CA', async () => {
    const ready = await request(cluster, 'GET', '/readyz');
    expect(ready).toEqual({ status: 200, body: 'ok' });
    expect(existsSync(cluster.caFile)).toBe(true);
    expect(cluster.kubeConfig.getCurrentCluster()?.server).toBe(cluster.server);
    expect(cluster.kubeConfig.getCurrentUser()?.token).toBe(cluster.token);
  });

  test('rejects a request without the token', async () => {
    const anonymous = await request({ ...cluster, token: 'wrong' }, 'GET', '/api/v1/namespaces');
    expect(anonymous.status).toBe(401);
  });

  test('creates a Namespace and a ConfigMap', async () => {
    const ns = await request(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'envtest' } });
    expect(ns.status).toBe(201);
    const cm = await request(cluster, 'POST', '/api/v1/namespaces/envtest/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { lr: '0.01' },
    });
    expect(cm.status).toBe(201);
    const read = await request(cluster, 'GET', '/api/v1/namespaces/envtest/configmaps/settings');
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({ lr: '0.01' });
  });

  test('applies a CRD, then a Widget; applying again replaces them', async () => {
    await applyManifest(cluster, [widgets]);
    const crd = await request(cluster, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.scriba.test');
    expect(crd.body.status.conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));

    const widget = { apiVersion: 'example.scriba.test/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'envtest' }, spec: { size: 3 } };
    await applyManifest(cluster, [widget]);
    await applyManifest(cluster, [widgets, { ...widget, spec: { size: 4 } }]);
    const read = await request(cluster, 'GET', '/apis/example.scriba.test/v1/namespaces/envtest/widgets/w1');
    expect(read.status).toBe(200);
    expect(read.body.spec).toEqual({ size: 4 });
  }, 60_000);

  test('the kubeconfig works with @kubernetes/client-node', async () => {
    const { CoreV1Api } = await import('@kubernetes/client-node');
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const list = await core.listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toContain('envtest');
  });

  test('stop() ends both processes and removes the temp dir', async () => {
    const { apiserver, etcd } = cluster.pids;
    expect(isAlive(apiserver)).toBe(true);
    expect(isAlive(etcd)).toBe(true);
    await cluster.stop();
    expect(isAlive(apiserver)).toBe(false);
    expect(isAlive(etcd)).toBe(false);
    expect(existsSync(cluster.dir)).toBe(false);
  }, 60_000);
});
