import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { BIN, ROOT } from '../support/cli.js';
import { k8sSkipReason, request, startTestCluster, type TestCluster } from '../support/k8s.js';
import { DbManagerClient } from '../../suggestion-service/client.js';
import { argument, finishJob, installCrds, startKubelet, testExperiment, type JobPlan, type TestJob, type TestKubelet } from '../support/kubelet.js';

/**
 * `scriba controller` as processes against a real kube-apiserver and etcd: one killed with
 * SIGKILL in the middle of an experiment and started again, and two replicas of which only
 * the Lease holder acts. The test plays the kubelet and the training code (support/kubelet.ts).
 */
const skip = k8sSkipReason();

interface ControllerProcess {
  child: ChildProcess;
  identity: string;
  stderr: string[];
  /** The DB manager's address once this replica leads. */
  address?: string;
  exited: Promise<number | null>;
}

describe.skipIf(skip)('scriba controller processes: restart and leader election', () => {
  let cluster: TestCluster;
  let dataDir: string;
  const processes: ControllerProcess[] = [];
  const kubelets: TestKubelet[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    await installCrds(cluster, 'restart', 'replicas');
    dataDir = mkdtempSync(join(tmpdir(), 'scriba-replicas-'));
  }, 180_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') for (const p of processes) console.error(`--- ${p.identity}\n${p.stderr.join('')}`);
    for (const p of processes.splice(0)) p.child.kill('SIGKILL');
    for (const k of kubelets.splice(0)) k.stop();
  });

  afterAll(async () => {
    await cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  function startController(namespace: string, identity: string): ControllerProcess {
    const args = [BIN, 'controller', '--kubeconfig', cluster.kubeconfigPath, '--namespace', namespace, '--data-dir', join(dataDir, namespace)];
    args.push('--port', '0', '--lease-seconds', '3', '--identity', identity);
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const p: ControllerProcess = { child, identity, stderr: [], exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      p.stderr.push(text);
      const serving = /leading; serving .* on (\S+)/.exec(p.stderr.join(''));
      if (serving) p.address = serving[1];
    });
    processes.push(p);
    return p;
  }

  const leader = (): string => processes.find((p) => p.address && p.child.exitCode === null && p.child.signalCode === null)?.address ?? '127.0.0.1:1';

  async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 120_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const get = async (path: string) => (await request(cluster, 'GET', path)).body;
  const status = async (ns: string, name: string) => ((await get(`/apis/kubeflow.org/v1beta1/namespaces/${ns}/experiments/${name}`)).status ?? {}) as Record<string, any>;
  const ended = (s: Record<string, any>) => ['Succeeded', 'Failed'].includes(s.conditions?.at(-1)?.type);
  const trials = async (ns: string, name: string) =>
    ((await get(`/apis/kubeflow.org/v1beta1/namespaces/${ns}/trials?labelSelector=katib.kubeflow.org/experiment=${name}`)).items ?? []) as Array<Record<string, any>>;

  async function create(ns: string, body: Record<string, unknown>): Promise<void> {
    const r = await request(cluster, 'POST', `/apis/kubeflow.org/v1beta1/namespaces/${ns}/experiments`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }

  /** Every trial ran exactly one job (none created twice) and its Trial holds the loss its job reported last. */
  async function expectEachTrialOnce(ns: string, name: string, seen: readonly string[], losses: Map<string, number>, count: number): Promise<void> {
    const s = await status(ns, name);
    expect(s.conditions.at(-1)).toMatchObject({ type: 'Succeeded', reason: 'ExperimentMaxTrialsReached' });
    expect(s).toMatchObject({ trials: count, trialsSucceeded: count, trialsFailed: 0, trialsRunning: 0, trialsPending: 0 });
    expect(seen).toHaveLength(count);
    expect(new Set(seen).size).toBe(count);
    const list = await trials(ns, name);
    expect(list.map((t) => t.metadata.name).sort()).toEqual([...seen].sort());
    for (const t of list) {
      expect(t.status.conditions.at(-1)).toMatchObject({ type: 'Succeeded', reason: 'TrialSucceeded' });
      const loss = t.status.observation.metrics.find((m: { name: string }) => m.name === 'loss');
      expect(Number(loss.latest)).toBeCloseTo(losses.get(t.metadata.name) as number, 12);
    }
    const best = [...losses].sort((a, b) => a[1] - b[1])[0]?.[0];
    expect(s.currentOptimalTrial.bestTrialName).toBe(best);
  }

  test('a controller killed with SIGKILL mid-experiment and started again loses no trial and creates no job twice', async () => {
    const ns = 'restart';
    const losses = new Map<string, number>();
    // Trials 4-6 are running when the controller dies: they report once before, and report
    // again and finish while no controller runs (the DB manager calls are retried until one answers).
    const plan = async (job: TestJob, index: number): Promise<JobPlan> => {
      const loss = (argument(job, 'x') - 0.3) ** 2;
      losses.set(job.metadata.name, loss);
      if (index < 3 || index >= 6) return { reports: [{ loss: loss + 1 }, { loss }], end: 'Complete' };
      return { reports: [{ loss: loss + 1 }], end: 'hold' };
    };
    const kubelet = startKubelet(cluster, ns, leader, (job) => plan(job, kubelet.seen.indexOf(job.metadata.name)));
    kubelets.push(kubelet);
    const first = startController(ns, 'first');
    await create(ns, testExperiment('resumed', ns, { parallelTrialCount: 3, maxTrialCount: 12 }));
    // Kill it once the three held trials have reported their first value (their jobs run).
    await until('three trials running', async () => {
      const s = await status(ns, 'resumed');
      return kubelet.seen.length >= 6 && s.trialsSucceeded >= 3 && s.trialsRunning === 3 ? true : undefined;
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const held = kubelet.seen.slice(3, 6);
    for (const name of held) {
      const loss = losses.get(name) as number;
      void (async () => {
        await until(`report of ${name}`, async () => {
          const client = new DbManagerClient(leader());
          try {
            await client.reportObservationLog(name, [{ timeStamp: '2026-01-01T00:01:00Z', name: 'loss', value: String(loss) }]);
            return true;
          } catch {
            return undefined;
          } finally {
            client.close();
          }
        });
        await finishJob(cluster, ns, name, 'Complete');
      })();
    }
    const second = startController(ns, 'second');
    await until('the experiment ends', async () => (ended(await status(ns, 'resumed')) ? true : undefined));
    expect(second.stderr.join('')).toContain('second leads');
    await expectEachTrialOnce(ns, 'resumed', kubelet.seen, losses, 12);
  }, 240_000);

  test('of two replicas only the Lease holder acts; when it stops, the other takes over and finishes the experiment', async () => {
    const ns = 'replicas';
    const losses = new Map<string, number>();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Trials from the 3rd on wait until the leader has been stopped.
    const plan = async (job: TestJob, index: number): Promise<JobPlan> => {
      const loss = (argument(job, 'x') - 0.7) ** 2;
      losses.set(job.metadata.name, loss);
      if (index >= 2) await released;
      return { reports: [{ loss: loss + 1 }, { loss }], end: 'Complete' };
    };
    const kubelet = startKubelet(cluster, ns, leader, (job) => plan(job, kubelet.seen.indexOf(job.metadata.name)));
    kubelets.push(kubelet);
    const a = startController(ns, 'replica-a');
    const b = startController(ns, 'replica-b');
    const first = await until('a leader', () => processes.find((p) => p.address));
    const standby = first === a ? b : a;
    await create(ns, testExperiment('shared', ns, { parallelTrialCount: 2, maxTrialCount: 6 }));
    await until('two trials done, two running', async () => {
      const s = await status(ns, 'shared');
      return s.trialsSucceeded >= 2 && s.trialsRunning === 2 ? true : undefined;
    });
    // The standby campaigned all along and never acted.
    expect(standby.stderr.join('')).toContain(`${standby.identity} watches Experiments`);
    expect(standby.stderr.join('')).not.toContain('leads');
    expect(standby.address).toBeUndefined();
    const lease = await get(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/scriba-controller`);
    expect(lease.spec.holderIdentity).toBe(first.identity);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await until('the standby leads', () => standby.address);
    release();
    await until('the experiment ends', async () => (ended(await status(ns, 'shared')) ? true : undefined));
    expect(first.stderr.join('')).toContain('shutting down');
    await expectEachTrialOnce(ns, 'shared', kubelet.seen, losses, 6);
    const after = await get(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/scriba-controller`);
    expect(after.spec.holderIdentity).toBe(standby.identity);
    expect(after.spec.leaseTransitions).toBeGreaterThanOrEqual(1);
  }, 240_000);
});
