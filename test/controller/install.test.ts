import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlFiles } from '../support/yaml-files.js';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { crdDocuments, crdsPath, installManifests, packageRoot } from '../../controller/install.js';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { ScribaError } from '../../src/errors.js';
import { packageVersion } from '../../src/version.js';
import { jobExperimentYaml } from '../support/katib-yaml.js';

type Obj = Record<string, any>;

const root = join(import.meta.dirname, '..', '..');

/** Parses every document; a YAML error fails the test. */
function docs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Obj;
  });
}

function find(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

function schemaOf(crdName: string): Schema {
  const crd = find(crdDocuments(), 'CustomResourceDefinition', crdName);
  return crd.spec.versions[0].schema.openAPIV3Schema as Schema;
}

interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

const INT_RANGE: Record<string, [number, number]> = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] };

/**
 * Where `value` breaks `schema` as the API server would see it: types, enums, integer
 * formats, and fields an object without x-kubernetes-preserve-unknown-fields does not list
 * (pruned, or refused under strict field validation). Not a full OpenAPI validator.
 */
function violations(value: unknown, schema: Schema, path = ''): string[] {
  if (value === null || value === undefined) return []; // nulls are pruned
  const out: string[] = [];
  const at = path || '(root)';
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [...out, `${at}: expected an object`];
      for (const [key, v] of Object.entries(value)) {
        const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        if (sub) out.push(...violations(v, sub, path ? `${path}.${key}` : key));
        else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.properties) out.push(`${path}.${key}: not in the schema`);
      }
      return out;
    }
    case 'array':
      if (!Array.isArray(value)) return [...out, `${at}: expected an array`];
      value.forEach((v, i) => out.push(...(schema.items ? violations(v, schema.items, `${path}[${i}]`) : [])));
      return out;
    case 'string':
      return typeof value === 'string' ? out : [...out, `${at}: expected a string, got ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? out : [...out, `${at}: expected a boolean`];
    case 'number':
      return typeof value === 'number' ? out : [...out, `${at}: expected a number, got ${JSON.stringify(value)}`];
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return [...out, `${at}: expected an integer, got ${JSON.stringify(value)}`];
      const range = schema.format ? INT_RANGE[schema.format] : undefined;
      if (range && (value < range[0] || value > range[1])) out.push(`${at}: ${value} out of ${schema.format}`);
      return out;
    }
    default:
      return schema['x-kubernetes-preserve-unknown-fields'] ? out : [...out, `${at}: schema without a type`];
  }
}

/** Every node of a schema with its path, to check structural rules. */
function* nodes(schema: Schema, path = ''): Generator<[string, Schema]> {
  yield [path, schema];
  for (const [k, s] of Object.entries(schema.properties ?? {})) yield* nodes(s, `${path}.${k}`);
  if (schema.items) yield* nodes(schema.items, `${path}[]`);
  if (typeof schema.additionalProperties === 'object') yield* nodes(schema.additionalProperties, `${path}{}`);
}

function experimentsIn(file: string): Obj[] {
  return docs(readFileSync(file, 'utf8')).filter((d) => d?.kind === 'Experiment');
}

/** A captured Io for in-process CLI runs. */
function capture() {
  let out = '';
  let err = '';
  const io: Io = { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`), raw: (t) => (out += t), progress: () => {}, isTTY: false };
  return { io, out: () => out, err: () => err };
}

describe('the CustomResourceDefinitions', () => {
  test('are read from controller/manifests/crds.yaml at the package root', () => {
    expect(packageRoot()).toBe(root);
    expect(crdsPath()).toBe(join(root, 'controller', 'manifests', 'crds.yaml'));
    expect(docs(readFileSync(crdsPath(), 'utf8'))).toHaveLength(3);
  });

  test("have Katib's names, scope, version, categories and printer columns, and no short names", () => {
    const crds = crdDocuments() as Obj[];
    expect(crds.map((c) => [c.apiVersion, c.kind, c.metadata.name])).toEqual([
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'experiments.kubeflow.org'],
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'trials.kubeflow.org'],
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'suggestions.kubeflow.org'],
    ]);
    const base = [
      { name: 'Type', type: 'string', jsonPath: '.status.conditions[-1:].type' },
      { name: 'Status', type: 'string', jsonPath: '.status.conditions[-1:].status' },
    ];
    const age = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
    const columns: Record<string, unknown[]> = {
      Experiment: [...base, age],
      Trial: [...base, age],
      Suggestion: [...base, { name: 'Requested', type: 'string', jsonPath: '.spec.requests' }, { name: 'Assigned', type: 'string', jsonPath: '.status.suggestionCount' }, age],
    };
    for (const crd of crds) {
      const kind = crd.spec.names.kind as string;
      expect(crd.spec.group).toBe('kubeflow.org');
      expect(crd.spec.scope).toBe('Namespaced');
      expect(crd.spec.names).toEqual({ kind, singular: kind.toLowerCase(), plural: `${kind.toLowerCase()}s`, categories: ['all', 'kubeflow', 'katib'] });
      expect(crd.spec.names.shortNames).toBeUndefined();
      expect(crd.spec.versions).toHaveLength(1);
      const [version] = crd.spec.versions;
      expect(version).toMatchObject({ name: 'v1beta1', served: true, storage: true, subresources: { status: {} } });
      expect(version.additionalPrinterColumns).toEqual(columns[kind]);
    }
  });

  test('are structural: every node has a type, spec and status keep unknown fields, embedded objects are free-form', () => {
    for (const name of ['experiments.kubeflow.org', 'trials.kubeflow.org', 'suggestions.kubeflow.org']) {
      const schema = schemaOf(name);
      for (const [path, node] of nodes(schema)) {
        expect(node.type, `${name} ${path}`).toBeDefined();
        if (path.split('.').length > 2 && !/(\[\]|\{\})$/.test(path)) expect(node.description, `${name} ${path}`).toBeTruthy();
      }
      expect(schema.properties?.spec?.['x-kubernetes-preserve-unknown-fields'], name).toBe(true);
      expect(schema.properties?.status?.['x-kubernetes-preserve-unknown-fields'], name).toBe(true);
    }
    const experiment = schemaOf('experiments.kubeflow.org').properties!.spec!.properties!;
    const freeForm = [
      experiment.trialTemplate!.properties!.trialSpec!,
      experiment.metricsCollectorSpec!.properties!.source!.properties!.httpGet!,
      experiment.metricsCollectorSpec!.properties!.collector!.properties!.customCollector!,
      experiment.nasConfig!.properties!.operations!.items!.properties!.parameters!.items!.properties!.feasibleSpace!,
      schemaOf('trials.kubeflow.org').properties!.spec!.properties!.runSpec!,
    ];
    for (const s of freeForm) expect(s).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  test("default only parallelTrialCount and resumePolicy, as Katib's webhook does; types, formats and enums as Katib's", () => {
    const spec = schemaOf('experiments.kubeflow.org').properties!.spec!.properties!;
    expect(spec.parallelTrialCount).toMatchObject({ type: 'integer', format: 'int32', default: 3 });
    expect(spec.resumePolicy).toMatchObject({ type: 'string', default: 'Never', enum: ['', 'Never', 'LongRunning', 'FromVolume'] });
    const defaults = ['experiments.kubeflow.org', 'trials.kubeflow.org', 'suggestions.kubeflow.org'].flatMap((n) =>
      [...nodes(schemaOf(n))].filter(([, s]) => s.default !== undefined).map(([p]) => `${n}${p}`));
    expect(defaults).toEqual(['experiments.kubeflow.org.spec.parallelTrialCount', 'experiments.kubeflow.org.spec.resumePolicy']);
    expect(spec.maxTrialCount).toMatchObject({ type: 'integer', format: 'int32' });
    expect(spec.maxFailedTrialCount).toMatchObject({ type: 'integer', format: 'int32' });
    expect(spec.objective!.properties!.type!.enum).toEqual(['minimize', 'maximize']);
    expect(spec.objective!.properties!.goal!.type).toBe('number');
    const fs = spec.parameters!.items!.properties!.feasibleSpace!.properties!;
    for (const k of ['min', 'max', 'step']) expect(fs[k]!.type).toBe('string');
    expect(fs.list!.items!.type).toBe('string');
    expect(spec.nasConfig!.properties!.graphConfig!.properties!.inputSizes!.items).toMatchObject({ type: 'integer', format: 'int32' });
    const rule = schemaOf('trials.kubeflow.org').properties!.spec!.properties!.earlyStoppingRules!.items!.properties!;
    expect(rule.comparison!.enum).toEqual(['equal', 'less', 'greater']);
    expect(schemaOf('suggestions.kubeflow.org').properties!.spec!.properties!.requests).toMatchObject({ type: 'integer', format: 'int32' });
    // Nothing is required: Katib's webhook (here, the controller) reports missing fields by path.
    expect(JSON.stringify(crdDocuments())).not.toContain('"required"');
  });

  test('refuse wrong types and enums, keep unknown spec fields', () => {
    const schema = schemaOf('experiments.kubeflow.org');
    const experiment = docs(jobExperimentYaml({ name: 'bad', command: '[run]', maxTrialCount: 4, parallelTrialCount: 2 }))[0]!;
    expect(violations(experiment, schema)).toEqual([]);
    experiment.spec.parallelTrialCount = 'three';
    experiment.spec.objective.type = 'minimise';
    experiment.spec.resumePolicy = 'Always';
    experiment.spec.parameters[0].feasibleSpace.min = 0.1;
    experiment.spec.maxTrialCount = 2 ** 31;
    experiment.spec.scribaOnly = true;
    expect(violations(experiment, schema)).toEqual([
      'spec.objective.type: "minimise" not in ["minimize","maximize"]',
      'spec.parallelTrialCount: expected an integer, got "three"',
      'spec.maxTrialCount: 2147483648 out of int32',
      'spec.parameters[0].feasibleSpace.min: expected a string, got 0.1',
      'spec.resumePolicy: "Always" not in ["","Never","LongRunning","FromVolume"]',
    ]);
  });
});

describe('Experiments that Katib accepts fit the schema', () => {
  const schema = () => schemaOf('experiments.kubeflow.org');
  const files = [
    ...yamlFiles(join(root, 'examples')),
    ...yamlFiles(join(root, 'test', 'experiment', 'fixtures')),
  ].filter((f) => experimentsIn(f).length > 0);

  test('there are examples to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  // Scriba reads unquoted numbers in a feasibleSpace (docs/katib-differences.md); Katib, and
  // the API server with these CRDs, want strings there. This fixture relies on that.
  const lenient: Record<string, string[]> = {
    'test/experiment/fixtures/file-metrics-collector.yaml': [
      'spec.parameters[0].feasibleSpace.min: expected a string, got 0.01',
      'spec.parameters[0].feasibleSpace.max: expected a string, got 0.03',
      'spec.parameters[1].feasibleSpace.list[0]: expected a string, got 0.5',
      'spec.parameters[1].feasibleSpace.list[1]: expected a string, got 0.7',
      'spec.parameters[1].feasibleSpace.list[2]: expected a string, got 0.9',
    ],
  };

  test.each(files.map((f) => [f.slice(root.length + 1), f]))('%s', (name, file) => {
    for (const experiment of experimentsIn(file)) expect(violations(experiment, schema())).toEqual(lenient[name] ?? []);
  });

  test("the fixtures of test/support/katib-yaml.ts", () => {
    const variants = [
      jobExperimentYaml({ name: 'a', command: '[sh, -c, "echo loss=${trialParameters.x}"]', maxTrialCount: 4, parallelTrialCount: 2 }),
      jobExperimentYaml({ name: 'b', command: '[run]', maxTrialCount: 3, parallelTrialCount: 1, min: '-1', max: '1', spec: '  resumePolicy: LongRunning\n  maxFailedTrialCount: 0' }),
      jobExperimentYaml({ name: 'c', command: '[run]', maxTrialCount: 2, parallelTrialCount: 2, container: '                resources: { limits: { nvidia.com/gpu: 1 } }' }),
    ];
    for (const text of variants) expect(violations(docs(text)[0], schema())).toEqual([]);
  });

  // KATIB_EXAMPLES=/path/to/katib/examples/v1beta1 also checks Katib's own examples.
  const katib = process.env.KATIB_EXAMPLES;
  test.runIf(katib !== undefined)("Katib's examples (KATIB_EXAMPLES)", () => {
    const found = yamlFiles(katib!).flatMap((f) => experimentsIn(f).map((e) => [f, e] as const));
    expect(found.length).toBeGreaterThan(0);
    for (const [file, experiment] of found) expect(violations(experiment, schema()), file).toEqual([]);
  });

  test('a status, Trial and Suggestion as the controller writes them fit too', () => {
    const time = '2024-05-01T10:00:00Z';
    const conditions = [
      { type: 'Created', status: 'True', reason: 'ExperimentCreated', message: 'Experiment is created', lastUpdateTime: time, lastTransitionTime: time },
      { type: 'Running', status: 'True', reason: 'ExperimentRunning', message: 'Experiment is running', lastUpdateTime: time, lastTransitionTime: time },
    ];
    const assignments = [{ name: 'lr', value: '0.02' }];
    const metrics = [{ name: 'loss', min: '0.1', max: '0.5', latest: '0.2' }];
    const status = {
      startTime: time, lastReconcileTime: time, conditions,
      currentOptimalTrial: { bestTrialName: 'random-abcd1234', parameterAssignments: assignments, observation: { metrics } },
      runningTrialList: ['random-x'], succeededTrialList: ['random-abcd1234'],
      trials: 2, trialsRunning: 1, trialsSucceeded: 1, trialMetricsUnavailable: 0,
    };
    expect(violations({ apiVersion: 'kubeflow.org/v1beta1', kind: 'Experiment', metadata: { name: 'random' }, spec: {}, status }, schemaOf('experiments.kubeflow.org'))).toEqual([]);
    const rules = [{ name: 'loss', value: '0.4', comparison: 'less', startStep: 2 }];
    const trial = {
      apiVersion: 'kubeflow.org/v1beta1', kind: 'Trial', metadata: { name: 'random-abcd1234' },
      spec: {
        objective: { type: 'minimize', goal: 0.001, objectiveMetricName: 'loss', metricStrategies: [{ name: 'loss', value: 'min' }] },
        parameterAssignments: assignments, earlyStoppingRules: rules,
        runSpec: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'random-abcd1234' }, spec: { template: { spec: { containers: [{ name: 'main' }] } } } },
        retainRun: false, metricsCollector: { collector: { kind: 'StdOut' } }, primaryContainerName: 'main',
        successCondition: 'status.conditions.#(type=="Complete")#|#(status=="True")#', failureCondition: 'status.conditions.#(type=="Failed")#|#(status=="True")#',
        labels: { 'pbt.suggestion.katib.kubeflow.org/generation': '0' },
      },
      status: { startTime: time, completionTime: time, conditions, observation: { metrics } },
    };
    expect(violations(trial, schemaOf('trials.kubeflow.org'))).toEqual([]);
    const suggestion = {
      apiVersion: 'kubeflow.org/v1beta1', kind: 'Suggestion', metadata: { name: 'random' },
      spec: { algorithm: { algorithmName: 'random', algorithmSettings: [] }, earlyStopping: { algorithmName: 'medianstop' }, requests: 3, resumePolicy: 'Never' },
      status: {
        algorithmSettings: [{ name: 'random_state', value: '10' }], suggestionCount: 1,
        suggestions: [{ name: 'random-abcd1234', parameterAssignments: assignments, earlyStoppingRules: rules, labels: {} }],
        startTime: time, conditions,
      },
    };
    expect(violations(suggestion, schemaOf('suggestions.kubeflow.org'))).toEqual([]);
  });
});

describe('installManifests', () => {
  const version = packageVersion();

  test('prints the CRDs, then the namespace, RBAC, claim, Deployment and Services', () => {
    const objects = docs(installManifests({}));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'CustomResourceDefinition/experiments.kubeflow.org',
      'CustomResourceDefinition/trials.kubeflow.org',
      'CustomResourceDefinition/suggestions.kubeflow.org',
      'Namespace/kubeflow',
      'ServiceAccount/scriba-controller',
      'ClusterRole/scriba-controller',
      'ClusterRoleBinding/scriba-controller',
      'PersistentVolumeClaim/scriba-data',
      'Deployment/scriba-controller',
      'Service/katib-db-manager',
      'Service/scriba-suggestion',
    ]);
    expect(objects.slice(0, 3)).toEqual(crdDocuments());
    for (const o of objects.slice(3)) {
      expect(o.metadata.labels, `${o.kind}`).toMatchObject({ 'app.kubernetes.io/name': 'scriba', 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/version': version });
    }
    expect(find(objects, 'Namespace', 'kubeflow').metadata.labels['katib.kubeflow.org/metrics-collector-injection']).toBe('enabled');
  });

  test('the Deployment runs scriba controller on the claim, probed on 8080, locked down', () => {
    const objects = docs(installManifests({}));
    const d = find(objects, 'Deployment', 'scriba-controller');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'scriba', 'app.kubernetes.io/component': 'controller' });
    const pod = d.spec.template.spec;
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
    expect(pod.serviceAccountName).toBe('scriba-controller');
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.image).toBe(`ghcr.io/scriba-dev/scriba:${version}`);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.args).toEqual(['controller', '--all-namespaces', '--data-dir', '/var/lib/scriba', '--host', '0.0.0.0', '--port', '6789', '--probe-port', '8080']);
    expect(c.env).toEqual([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    expect(c.ports).toEqual([
      { name: 'grpc', containerPort: 6789, protocol: 'TCP' },
      { name: 'probes', containerPort: 8080, protocol: 'TCP' },
    ]);
    const port = (name: string) => c.ports.find((p: Obj) => p.name === name).containerPort;
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(port(c.readinessProbe.httpGet.port)).toBe(8080);
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(port(c.livenessProbe.httpGet.port)).toBe(8080);
    expect(c.resources.requests).toEqual({ cpu: '100m', memory: '256Mi' });
    expect(c.securityContext).toEqual({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/scriba' });
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'scriba-data' } });
    const pvc = find(objects, 'PersistentVolumeClaim', 'scriba-data');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
  });

  test('the Services reach the controller on 6789: katib-db-manager for Katib\'s SDK, scriba-suggestion', () => {
    const objects = docs(installManifests({}));
    const selectorLabels = find(objects, 'Deployment', 'scriba-controller').spec.template.metadata.labels;
    for (const name of ['katib-db-manager', 'scriba-suggestion']) {
      const s = find(objects, 'Service', name);
      expect(s.spec.ports).toEqual([{ name: 'api', port: 6789, targetPort: 'grpc', protocol: 'TCP' }]);
      expect(selectorLabels).toMatchObject(s.spec.selector);
    }
  });

  test('the ClusterRole grants what the controller uses', () => {
    const role = find(docs(installManifests({})), 'ClusterRole', 'scriba-controller');
    const all = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
    const grants = (group: string, resource: string): string[] =>
      role.rules.filter((r: Obj) => r.apiGroups.includes(group) && r.resources.includes(resource)).flatMap((r: Obj) => r.verbs);
    for (const r of ['experiments', 'trials', 'suggestions']) {
      for (const sub of [r, `${r}/status`, `${r}/finalizers`]) expect(grants('kubeflow.org', sub), sub).toEqual(all);
    }
    expect(grants('batch', 'jobs')).toEqual(all);
    for (const r of ['tfjobs', 'pytorchjobs', 'mpijobs', 'xgboostjobs']) expect(grants('kubeflow.org', r), r).toEqual(all);
    expect(grants('trainer.kubeflow.org', 'trainjobs')).toEqual(all);
    expect(grants('', 'pods')).toEqual(['get', 'list', 'watch']);
    expect(grants('', 'pods/log')).toEqual(['get']);
    expect(grants('', 'configmaps')).toEqual(['get', 'list', 'watch']);
    expect(grants('', 'namespaces')).toEqual(['get', 'list', 'watch']);
    expect(grants('', 'events')).toEqual(['create', 'patch']);
    expect(grants('coordination.k8s.io', 'leases')).toEqual(['get', 'list', 'watch', 'create', 'update', 'patch']);
    expect(grants('', 'secrets')).toEqual([]);
    expect(role.rules.flatMap((r: Obj) => r.verbs)).not.toContain('*');
  });

  test('--namespace reaches every namespaced object and the binding\'s subject', () => {
    const objects = docs(installManifests({ namespace: 'tuning' }));
    const cluster = ['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'ClusterRoleBinding'];
    for (const o of objects) {
      if (cluster.includes(o.kind)) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBeUndefined();
      else expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('tuning');
    }
    expect(find(objects, 'Namespace', 'tuning')).toBeDefined();
    expect(find(objects, 'ClusterRoleBinding', 'scriba-controller').subjects).toEqual([{ kind: 'ServiceAccount', name: 'scriba-controller', namespace: 'tuning' }]);
    expect(installManifests({ namespace: 'tuning' })).not.toMatch(/namespace: kubeflow|kubeflow\.svc|name: kubeflow$/m);
  });

  test('--image, --replicas and --storage', () => {
    const objects = docs(installManifests({ image: 'scriba:dev', replicas: '2', storage: '500Mi' }));
    const d = find(objects, 'Deployment', 'scriba-controller');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0].image).toBe('scriba:dev');
    expect(find(objects, 'PersistentVolumeClaim', 'scriba-data').spec.resources.requests.storage).toBe('500Mi');
    for (const storage of ['1Gi', '500Mi', '10G', '1.5Gi', '2Ti', '1e9']) expect(() => installManifests({ storage })).not.toThrow();
  });

  test('--crds-only prints the three CRDs alone', () => {
    expect(docs(installManifests({ crdsOnly: true }))).toEqual(crdDocuments());
  });

  test.each([
    [{ namespace: 'Kube_Flow' }, '--namespace expects a DNS-1123 label (at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit), got "Kube_Flow"'],
    [{ namespace: 'x'.repeat(64) }, '--namespace expects a DNS-1123 label'],
    [{ namespace: '-ns' }, '--namespace expects a DNS-1123 label'],
    [{ replicas: '0' }, '--replicas expects an integer >= 1, got "0"'],
    [{ replicas: '1.5' }, '--replicas expects an integer >= 1, got "1.5"'],
    [{ replicas: 'two' }, '--replicas expects an integer >= 1, got "two"'],
    [{ storage: '1GB' }, '--storage expects a Kubernetes quantity such as 1Gi or 500Mi, got "1GB"'],
    [{ storage: '0' }, '--storage expects a Kubernetes quantity such as 1Gi or 500Mi, got "0"'],
    [{ storage: 'Gi' }, '--storage expects a Kubernetes quantity'],
    [{ image: '' }, '--image expects an image reference such as ghcr.io/scriba-dev/scriba:'],
    [{ image: 'scriba dev' }, '--image expects an image reference'],
  ])('%j is refused', (options, message) => {
    let error: unknown;
    try {
      installManifests(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScribaError);
    expect((error as ScribaError).code).toBe('invalid-argument');
    expect((error as ScribaError).message).toContain(message);
  });
});

describe('scriba install', () => {
  test('--crds-only prints exactly three documents, exit 0', async () => {
    const cap = capture();
    expect(await main(['install', '--crds-only'], cap.io)).toBe(0);
    const printed = docs(cap.out());
    expect(printed).toHaveLength(3);
    expect(printed.map((d) => d.metadata.name)).toEqual(['experiments.kubeflow.org', 'trials.kubeflow.org', 'suggestions.kubeflow.org']);
    expect(cap.err()).toBe('');
  });

  test('prints every manifest with the flags applied', async () => {
    const cap = capture();
    expect(await main(['install', '--namespace', 'tuning', '--image', 'scriba:dev', '--replicas', '1', '--storage', '2Gi'], cap.io)).toBe(0);
    expect(cap.out()).toBe(installManifests({ namespace: 'tuning', image: 'scriba:dev', replicas: 1, storage: '2Gi' }));
  });

  test('a bad value exits 2 with one line naming the flag', async () => {
    const cap = capture();
    expect(await main(['install', '--replicas', '0'], cap.io)).toBe(2);
    expect(cap.out()).toBe('');
    expect(cap.err()).toBe('scriba: --replicas expects an integer >= 1, got "0"\n');
  });

  test('--help describes it', async () => {
    const cap = capture();
    expect(await main(['install', '--help'], cap.io)).toBe(0);
    expect(cap.out().replace(/\s+/g, ' ')).toContain('print the manifests of the Kubernetes controller (CRDs, RBAC, Deployment, Services) for kubectl apply -f -');
    expect(cap.out()).toContain('--crds-only');
  });
});
