import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Controller } from '../../controller/controller.js';
import { formatIssue } from '../../src/errors.js';
import { loadExperiment } from '../../src/experiment/load.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startServer, type ScribaServer } from '../../suggestion-service/server.js';
import { KubeClient } from '../../trials/kubernetes/client.js';
import { k8sSkipReason, request, startTestCluster, type TestCluster } from '../support/k8s.js';
import { argument, installCrds, startKubelet, testExperiment, type JobPlan, type TestJob } from '../support/kubelet.js';

/**
 * The controller against a real kube-apiserver and etcd (no kubelet: the test plays the
 * kubelet, the job controller and the training code, see support/kubelet.ts).
 */
const skip = k8sSkipReason();
const NS = 'kubeflow';

const experiment = (name: string, spec: Record<string, unknown> = {}, extra: { parameters?: unknown[]; objective?: unknown } = {}) =>
  testExperiment(name, NS, spec, extra);

type Status = {
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  [field: string]: unknown;
};

describe.skipIf(skip)('scriba controller on a real API server', () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let controller: Controller;
  let server: ScribaServer;
  let dataDir: string;
  const plans = new Map<string, (job: TestJob, index: number) => JobPlan>();
  let kubelet: ReturnType<typeof startKubelet>;
  const seenBy = new Map<string, string[]>();
  // The controller's log, shown when a test fails.
  const logs: string[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    await installCrds(cluster, NS);
    client = new KubeClient(cluster.kubeConfig);
    dataDir = mkdtempSync(join(tmpdir(), 'scriba-controller-'));
    controller = new Controller({ client, namespace: NS, dataDir, log: (line) => logs.push(line) });
    await controller.start();
    server = await startServer({ port: 0, dbManager: { store: controller.observations } });
    // Each experiment's jobs follow the plan the test registered under the experiment's name.
    kubelet = startKubelet(cluster, NS, () => server.address, (job) => {
      const exp = job.metadata.labels?.['katib.kubeflow.org/experiment'] ?? '';
      const seen = seenBy.get(exp) ?? [];
      seen.push(job.metadata.name);
      seenBy.set(exp, seen);
      const plan = plans.get(exp);
      if (!plan) throw new Error(`no plan for experiment ${exp}`);
      return plan(job, seen.length - 1);
    });
  }, 180_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(logs.join('\n'));
    logs.length = 0;
  });

  afterAll(async () => {
    kubelet?.stop();
    await server?.shutdown(1000);
    await controller?.stop();
    client?.close();
    await cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const get = async (path: string) => (await request(cluster, 'GET', path)).body;
  const expPath = (name: string) => `/apis/kubeflow.org/v1beta1/namespaces/${NS}/experiments/${name}`;
  const list = async (plural: string, exp: string, group = 'kubeflow.org/v1beta1') =>
    ((await get(`/apis/${group}/namespaces/${NS}/${plural}?labelSelector=katib.kubeflow.org/experiment=${exp}`)).items ?? []) as Array<Record<string, any>>;

  async function create(body: Record<string, unknown>): Promise<void> {
    const r = await request(cluster, 'POST', `/apis/kubeflow.org/v1beta1/namespaces/${NS}/experiments`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }

  /** Waits for the experiment's latest condition to be one of `types`. */
  async function until(name: string, check: (status: Status) => boolean, ms = 90_000): Promise<Status> {
    const end = Date.now() + ms;
    for (;;) {
      const status = ((await get(expPath(name))).status ?? {}) as Status;
      if (check(status)) return status;
      if (Date.now() > end) throw new Error(`experiment ${name}: condition not met within ${ms} ms; status ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** The Events on an Experiment, once there is one. */
  async function eventsOf(name: string, ms = 60_000): Promise<Array<Record<string, any>>> {
    const end = Date.now() + ms;
    for (;;) {
      const items = (await get(`/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.name=${name}`)).items ?? [];
      if (items.length > 0) return items;
      if (Date.now() > end) throw new Error(`no Event on experiment ${name} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const latest = (s: Status) => s.conditions?.[s.conditions.length - 1];
  const ended = (s: Status) => ['Succeeded', 'Failed'].includes(latest(s)?.type ?? '');

  test('an experiment of 12 trials completes with Katib\'s status fields, Trials, jobs and Suggestion', async () => {
    const losses = new Map<string, number>();
    plans.set('twelve', (job) => {
      const x = argument(job, 'x');
      const loss = (x - 0.3) ** 2;
      losses.set(job.metadata.name, loss);
      return { reports: [{ loss: loss + 1 }, { loss }], end: 'Complete' };
    });
    await create(experiment('twelve'));
    const status = await until('twelve', ended);
    expect(latest(status)).toMatchObject({ type: 'Succeeded', status: 'True', reason: 'ExperimentMaxTrialsReached' });
    expect(status.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['Created=True', 'Running=False', 'Succeeded=True']);
    expect(status).toMatchObject({ trials: 12, trialsSucceeded: 12, trialsFailed: 0, trialsRunning: 0, trialsPending: 0, trialsEarlyStopped: 0, trialMetricsUnavailable: 0 });
    expect(status.startTime).toMatch(/Z$/);
    expect(status.completionTime).toMatch(/Z$/);
    expect((status.succeededTrialList as string[]).sort()).toEqual([...losses.keys()].sort());
    // The best trial is the one with the least final loss (the objective's strategy: min over its log).
    const [bestName, bestLoss] = [...losses].sort((a, b) => a[1] - b[1])[0] as [string, number];
    const optimal = status.currentOptimalTrial as { bestTrialName: string; observation: { metrics: Array<{ name: string; min: string }> } };
    expect(optimal.bestTrialName).toBe(bestName);
    expect(Number(optimal.observation.metrics.find((m) => m.name === 'loss')?.min)).toBeCloseTo(bestLoss, 12);

    const owner = (await get(expPath('twelve'))).metadata;
    const trials = await list('trials', 'twelve');
    expect(trials).toHaveLength(12);
    for (const t of trials) {
      expect(t.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Experiment', name: 'twelve', uid: owner.uid, controller: true })]);
      expect(t.status.conditions.at(-1)).toMatchObject({ type: 'Succeeded', status: 'True', reason: 'TrialSucceeded' });
      expect(t.spec.parameterAssignments).toEqual([{ name: 'x', value: expect.any(String) }]);
      expect(Number(t.status.observation.metrics.find((m: { name: string }) => m.name === 'loss').latest)).toBeCloseTo(losses.get(t.metadata.name) as number, 12);
    }
    // Each trial ran exactly one job, owned by its Trial, labelled and told its name.
    expect(new Set(seenBy.get('twelve')).size).toBe(12);
    expect(seenBy.get('twelve')).toHaveLength(12);
    const jobs = await list('jobs', 'twelve', 'batch/v1');
    // retain is unset: a finished trial's job is deleted, as Katib does.
    expect(jobs).toHaveLength(0);
    const suggestion = await get(`/apis/kubeflow.org/v1beta1/namespaces/${NS}/suggestions/twelve`);
    expect(suggestion.spec.requests).toBe(12);
    expect(suggestion.status.suggestionCount).toBe(12);
    expect(suggestion.status.conditions.at(-1)).toMatchObject({ type: 'Succeeded', status: 'True' });
  }, 120_000);

  test('a job that fails makes its trial Failed with the job\'s reason; a retained job stays', async () => {
    plans.set('failing', (_job, i) => ({ reports: [{ loss: 0.5 }], end: i === 0 ? 'Failed' : 'Complete' }));
    const body = experiment('failing', { parallelTrialCount: 1, maxTrialCount: 3 });
    ((body.spec as Record<string, any>).trialTemplate as Record<string, unknown>).retain = true;
    await create(body);
    const status = await until('failing', ended);
    expect(status).toMatchObject({ trials: 3, trialsFailed: 1, trialsSucceeded: 2 });
    expect(latest(status)).toMatchObject({ type: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
    const failed = (await list('trials', 'failing')).find((t) => t.metadata.name === seenBy.get('failing')?.[0]);
    expect(failed?.status.conditions.at(-1)).toMatchObject({ type: 'Failed', reason: 'TrialFailed' });
    expect(failed?.status.conditions.at(-1).message).toContain('Job reason: BackoffLimitExceeded');
    const jobs = await list('jobs', 'failing', 'batch/v1');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual([...(seenBy.get('failing') ?? [])].sort());
    for (const job of jobs) {
      const trial = (await list('trials', 'failing')).find((t) => t.metadata.name === job.metadata.name);
      expect(job.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Trial', name: job.metadata.name, uid: trial?.metadata.uid, controller: true })]);
      expect(job.spec.template.metadata.labels).toMatchObject({ 'katib.kubeflow.org/experiment': 'failing', 'katib.kubeflow.org/trial': job.metadata.name });
      expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'KATIB_TRIAL_NAME', value: job.metadata.name });
    }
  }, 120_000);

  test('medianstop stops a running trial: its job is deleted and the trial is EarlyStopped', async () => {
    // The first trial sets the median (1); the second reports 5, 5, ... and would run forever.
    plans.set('stopping', (_job, i) => (i === 0 ? { reports: [{ loss: 1 }, { loss: 1 }, { loss: 1 }], end: 'Complete' } : { reports: [{ loss: 5 }, { loss: 5 }, { loss: 5 }], end: 'hold' }));
    await create(
      experiment('stopping', {
        parallelTrialCount: 1,
        maxTrialCount: 2,
        maxFailedTrialCount: 1,
        earlyStopping: { algorithmName: 'medianstop', algorithmSettings: [{ name: 'min_trials_required', value: '1' }, { name: 'start_step', value: '2' }] },
      }),
    );
    const status = await until('stopping', ended);
    expect(status).toMatchObject({ trials: 2, trialsSucceeded: 1, trialsEarlyStopped: 1 });
    const second = seenBy.get('stopping')?.[1] as string;
    const trial = await get(`/apis/kubeflow.org/v1beta1/namespaces/${NS}/trials/${second}`);
    expect(trial.status.conditions.at(-1)).toMatchObject({ type: 'EarlyStopped', status: 'True', reason: 'TrialEarlyStopped' });
    // Its objective is the best so far at the stop: 5 at step 2.
    expect(trial.status.observation.metrics.find((m: { name: string }) => m.name === 'loss')).toMatchObject({ min: '5', latest: '5' });
    expect((await request(cluster, 'GET', `/apis/batch/v1/namespaces/${NS}/jobs/${second}`)).status).toBe(404);
  }, 120_000);

  test('deleting the Experiment removes its Trials, jobs, Suggestion and stored rows, then the Experiment', async () => {
    plans.set('doomed', () => ({ reports: [{ loss: 1 }], end: 'hold' }));
    await create(experiment('doomed', { parallelTrialCount: 2, maxTrialCount: 6 }));
    await until('doomed', (s) => s.trialsRunning === 2);
    expect(await list('jobs', 'doomed', 'batch/v1')).toHaveLength(2);
    // A change Katib's webhook would refuse is not applied, and an Event says so.
    const patched = await request(cluster, 'PATCH', expPath('doomed'), { spec: { algorithm: { algorithmName: 'tpe' } } }, 'application/merge-patch+json');
    expect(patched.status).toBe(200);
    const [{ message }] = (await eventsOf('doomed')) as [{ message: string }];
    expect(message).toBe('spec.algorithm: only parallelTrialCount, maxTrialCount, maxFailedTrialCount can change while the experiment runs; the change is not applied');
    expect(controller.experimentState(NS, 'doomed')?.experiment.spec.algorithm?.algorithmName).toBe('random');
    const r = await request(cluster, 'DELETE', expPath('doomed'));
    expect(r.status).toBeLessThan(300);
    const end = Date.now() + 60_000;
    while ((await request(cluster, 'GET', expPath('doomed'))).status !== 404) {
      if (Date.now() > end) throw new Error('the Experiment was not deleted');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await list('trials', 'doomed')).toEqual([]);
    expect(await list('jobs', 'doomed', 'batch/v1')).toEqual([]);
    expect((await request(cluster, 'GET', `/apis/kubeflow.org/v1beta1/namespaces/${NS}/suggestions/doomed`)).status).toBe(404);
    const store = new SqliteStore(join(dataDir, `${NS}.db`), { create: false });
    try {
      expect(store.hasExperiment('doomed')).toBe(false);
    } finally {
      store.close();
    }
  }, 120_000);

  test('raising maxTrialCount of an Experiment that reached it (resumePolicy LongRunning) restarts it, as Katib does', async () => {
    plans.set('longrunning', (job) => ({ reports: [{ loss: argument(job, 'x') }], end: 'Complete' }));
    await create(experiment('longrunning', { parallelTrialCount: 2, maxTrialCount: 3, resumePolicy: 'LongRunning' }));
    const first = await until('longrunning', ended);
    expect(latest(first)).toMatchObject({ type: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
    expect(first.trials).toBe(3);
    const r = await request(cluster, 'PATCH', expPath('longrunning'), { spec: { maxTrialCount: 5 } }, 'application/merge-patch+json');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const second = await until('longrunning', (s) => ended(s) && s.trials === 5);
    expect(latest(second)).toMatchObject({ type: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
    expect(second).toMatchObject({ trialsSucceeded: 5, trialsRunning: 0 });
    expect(await list('trials', 'longrunning')).toHaveLength(5);
    expect(new Set(seenBy.get('longrunning')).size).toBe(5);
    // resumePolicy Never (the default): a finished experiment stays finished.
    plans.set('never', () => ({ reports: [{ loss: 1 }], end: 'Complete' }));
    await create(experiment('never', { parallelTrialCount: 1, maxTrialCount: 1, maxFailedTrialCount: 0 }));
    expect(latest(await until('never', ended))).toMatchObject({ type: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
    await request(cluster, 'PATCH', expPath('never'), { spec: { maxTrialCount: 2 } }, 'application/merge-patch+json');
    // The controller says why it does not restart it, in an Event on the Experiment (kubectl describe).
    const events = await eventsOf('never');
    expect(events).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'SpecChangeNotApplied',
        message: expect.stringContaining('resumePolicy Never does not allow a restart; set spec.resumePolicy to LongRunning or FromVolume'),
        involvedObject: expect.objectContaining({ kind: 'Experiment', name: 'never' }),
      }),
    ]);
    const never = await until('never', ended);
    expect(never.trials, JSON.stringify(never)).toBe(1);
    expect(latest(never)).toMatchObject({ type: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
    expect(await list('trials', 'never')).toHaveLength(1);
  }, 120_000);

  test('an invalid Experiment is not run: it gets a Failed condition with scriba validate\'s messages', async () => {
    const body = experiment('invalid', { algorithm: { algorithmName: 'annealing' }, maxFailedTrialCount: 20 });
    await create(body);
    const status = await until('invalid', ended, 30_000);
    const { issues } = loadExperiment(JSON.stringify(body));
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect(latest(status)).toMatchObject({ type: 'Failed', status: 'True', reason: 'ExperimentFailed', message: `Validation failed: ${issues.map(formatIssue).join('; ')}` });
    expect(latest(status)?.message).toContain('spec.algorithm.algorithmName');
    expect(latest(status)?.message).toContain('spec.maxFailedTrialCount');
    expect(await list('trials', 'invalid')).toEqual([]);
    // A wrong type is refused by the CRD's schema before any controller sees it.
    const typed = await request(cluster, 'POST', `/apis/kubeflow.org/v1beta1/namespaces/${NS}/experiments`, experiment('typed', { parallelTrialCount: 'three' }));
    expect(typed.status).toBe(422);
    expect(JSON.stringify(typed.body)).toContain('spec.parallelTrialCount');
  }, 60_000);

  test("Katib's hp-tuning random example, applied unchanged, is accepted and runs to its goal", async () => {
    const katib = YAML.parse(readFileSync(join(import.meta.dirname, 'fixtures/katib-random.yaml'), 'utf8')) as Record<string, any>;
    // The 4th trial reaches the goal (Validation-accuracy 0.99, maximize); the others fall short.
    plans.set(katib.metadata.name, (_job, i) => ({ reports: [{ 'Validation-accuracy': i === 3 ? 0.995 : 0.9, 'Train-accuracy': 0.95 }], end: 'Complete' }));
    const r = await request(cluster, 'POST', `/apis/kubeflow.org/v1beta1/namespaces/${NS}/experiments`, katib);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // The CRD's defaults: what Katib's webhook would fill in is there.
    expect(r.body.spec.resumePolicy).toBe('Never');
    const status = await until(katib.metadata.name, ended);
    expect(latest(status)).toMatchObject({ type: 'Succeeded', reason: 'ExperimentGoalReached' });
    const optimal = status.currentOptimalTrial as { bestTrialName: string; observation: { metrics: Array<{ name: string; max: string }> } };
    expect(optimal.bestTrialName).toBe(seenBy.get(katib.metadata.name)?.[3]);
    expect(optimal.observation.metrics.find((m) => m.name === 'Validation-accuracy')?.max).toBe('0.995');
    const trial = (await list('trials', katib.metadata.name))[0];
    expect(trial?.spec.parameterAssignments.map((a: { name: string }) => a.name)).toEqual(['lr', 'num-layers', 'optimizer']);
  }, 120_000);
});
