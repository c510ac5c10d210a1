#!/usr/bin/env node
/**
 * The controller benchmark: how fast `scriba controller` (the built CLI, in its own process)
 * runs an Experiment of `trials` trials on a real kube-apiserver and etcd, and how much
 * memory it takes doing so. The cluster has no kubelet: a test kubelet (test/support/kubelet.ts)
 * sees each new Job, pushes the trial's metric through the controller's DB manager (as
 * Katib's SDK does) and marks the Job Complete.
 *
 * Baseline, in the same run and on the same cluster (for the ratio, as the machine's speed
 * varies): the API baseline, a plain client making the six calls a trial's objects take
 * (create the Trial, mark it Running, create its Job, the job controller's status write, mark
 * the Trial Succeeded, delete the Job) one after another, `parallel` trials at a time, with
 * the controller's HTTP client and nothing else: no algorithm, store, metrics or status
 * coalescing. The controller coalesces status writes, so it can beat this baseline.
 *
 * Usage (after building): node dist/bench/controller/run.js [--trials 1000] [--parallel 20]
 *   [--repeats 3] [--out bench/results/controller.json]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeClient, type KubeObject } from '../../trials/kubernetes/client.js';
import { request, startTestCluster, type TestCluster } from '../../test/support/k8s.js';
import { argument, installCrds, startKubelet, testExperiment } from '../../test/support/kubelet.js';
import { median } from '../protocol.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '1000' },
    parallel: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/results/controller.json' },
  },
});
const TRIALS = Number(values.trials);
const PARALLEL = Number(values.parallel);
const REPEATS = Number(values.repeats);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'dist/src/bin.js');
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

interface Row {
  path: 'api baseline' | 'scriba controller';
  repeat: number;
  wallS: number;
  trialsPerS: number;
  /** The controller process's CPU (user + system) per trial; the baseline's is this process's. */
  cpuMsPerTrial: number;
  /** kube-apiserver's and etcd's CPU per trial. */
  apiCpuMsPerTrial: number;
  /** This process's CPU per trial: the test kubelet in the controller's runs. */
  benchCpuMsPerTrial: number;
  /** The controller's resident memory once it leads, before the Experiment; its peak; at the end (1,000 Trials). */
  rssStartMiB?: number;
  rssPeakMiB?: number;
  rssEndMiB?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VmRSS and VmHWM of a process, in MiB; CPU seconds (user + system). */
function usage(pid: number): { rss: number; hwm: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(stat[11]) + Number(stat[12])) / TICKS; // utime, stime (fields 14 and 15)
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024, cpuS };
}

/** CPU seconds of the API server and etcd, and of this process, since `from`. */
function clusterCpu(cluster: TestCluster): () => { api: number; self: number } {
  const api = () => usage(cluster.pids.apiserver).cpuS + usage(cluster.pids.etcd).cpuS;
  const a0 = api();
  const s0 = process.cpuUsage();
  return () => {
    const s = process.cpuUsage(s0);
    return { api: api() - a0, self: (s.user + s.system) / 1e6 };
  };
}

async function runController(cluster: TestCluster, ns: string, repeat: number): Promise<Row> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scriba-bench-controller-'));
  const args = [BIN, 'controller', '--kubeconfig', cluster.kubeconfigPath, '--namespace', ns, '--data-dir', dataDir, '--port', '0', '--identity', 'bench'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let address: string | undefined;
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    address ??= /leading; serving .* on (\S+)/.exec(stderr)?.[1];
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const kubelet = startKubelet(cluster, ns, () => address ?? '127.0.0.1:1', (job) => ({ reports: [{ loss: (argument(job, 'x') - 0.3) ** 2 }], end: 'Complete' }));
  try {
    while (!address) {
      if (child.exitCode !== null) throw new Error(`scriba controller exited: ${stderr}`);
      await sleep(50);
    }
    const pid = child.pid as number;
    const before = usage(pid);
    let peak = before.rss;
    const cpu = clusterCpu(cluster);
    const start = performance.now();
    const name = `bench-${repeat}`;
    const r = await request(cluster, 'POST', `/apis/kubeflow.org/v1beta1/namespaces/${ns}/experiments`, testExperiment(name, ns, { parallelTrialCount: PARALLEL, maxTrialCount: TRIALS, maxFailedTrialCount: 0 }));
    if (r.status !== 201) throw new Error(`create Experiment: ${r.status} ${JSON.stringify(r.body)}`);
    let status: Record<string, any> = {};
    for (;;) {
      peak = Math.max(peak, usage(pid).rss);
      status = (await request(cluster, 'GET', `/apis/kubeflow.org/v1beta1/namespaces/${ns}/experiments/${name}`)).body.status ?? {};
      if (['Succeeded', 'Failed'].includes(status.conditions?.at(-1)?.type)) break;
      if (child.exitCode !== null) throw new Error(`scriba controller exited: ${stderr}`);
      await sleep(250);
    }
    const wallS = (performance.now() - start) / 1000;
    const end = usage(pid);
    const spent = cpu();
    if (status.trialsSucceeded !== TRIALS || status.trials !== TRIALS) throw new Error(`expected ${TRIALS} succeeded trials, status ${JSON.stringify(status).slice(0, 400)}`);
    const trials = (await request(cluster, 'GET', `/apis/kubeflow.org/v1beta1/namespaces/${ns}/trials?labelSelector=katib.kubeflow.org/experiment=${name}`)).body.items.length;
    if (trials !== TRIALS) throw new Error(`expected ${TRIALS} Trials in the cluster, found ${trials}`);
    return {
      path: 'scriba controller',
      repeat,
      wallS,
      trialsPerS: TRIALS / wallS,
      cpuMsPerTrial: ((end.cpuS - before.cpuS) * 1000) / TRIALS,
      apiCpuMsPerTrial: (spent.api * 1000) / TRIALS,
      benchCpuMsPerTrial: (spent.self * 1000) / TRIALS,
      rssStartMiB: before.rss,
      rssPeakMiB: Math.max(peak, end.hwm),
      rssEndMiB: end.rss,
    };
  } finally {
    kubelet.stop();
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The API baseline: the object traffic of TRIALS trials, PARALLEL at a time, and nothing else. */
async function runBaseline(cluster: TestCluster, ns: string, repeat: number): Promise<Row> {
  const client = new KubeClient(cluster.kubeConfig);
  const trials = `/apis/kubeflow.org/v1beta1/namespaces/${ns}/trials`;
  const jobs = `/apis/batch/v1/namespaces/${ns}/jobs`;
  const labels = { 'katib.kubeflow.org/experiment': `baseline-${repeat}` };
  const time = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = (type: string, reason: string) => ({ type, status: 'True', reason, message: reason, lastUpdateTime: time(), lastTransitionTime: time() });
  const jobCondition = (type: string) => ({ type, status: 'True', reason: 'CompletionsReached', message: 'done', lastProbeTime: time(), lastTransitionTime: time() });
  const cpu = clusterCpu(cluster);
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < TRIALS) {
      const name = `baseline-${repeat}-${next++}`;
      const trial: KubeObject = await client.create(trials, {
        apiVersion: 'kubeflow.org/v1beta1',
        kind: 'Trial',
        metadata: { name, labels },
        spec: { objective: { type: 'minimize', objectiveMetricName: 'loss' }, parameterAssignments: [{ name: 'x', value: '0.5' }], primaryContainerName: 'training' },
      });
      await client.patch(`${trials}/${name}/status`, { status: { startTime: time(), conditions: [condition('Created', 'TrialCreated'), condition('Running', 'TrialRunning')] } });
      const owner = { apiVersion: 'kubeflow.org/v1beta1', kind: 'Trial', name, uid: trial.metadata.uid, controller: true, blockOwnerDeletion: true };
      await client.create(jobs, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, labels, ownerReferences: [owner] },
        spec: { template: { spec: { containers: [{ name: 'training', image: 'train:1', command: ['train', '--x=0.5'] }], restartPolicy: 'Never' } } },
      });
      await client.patch(`${jobs}/${name}/status`, {
        status: { startTime: time(), completionTime: time(), succeeded: 1, conditions: [jobCondition('SuccessCriteriaMet'), jobCondition('Complete')] },
      });
      await client.patch(`${trials}/${name}/status`, {
        status: { completionTime: time(), conditions: [condition('Created', 'TrialCreated'), condition('Succeeded', 'TrialSucceeded')], observation: { metrics: [{ name: 'loss', latest: '0.04', min: '0.04', max: '0.04' }] } },
      });
      await client.delete(`${jobs}/${name}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  } finally {
    client.close();
  }
  const wallS = (performance.now() - start) / 1000;
  const spent = cpu();
  const perTrial = (seconds: number) => (seconds * 1000) / TRIALS;
  return { path: 'api baseline', repeat, wallS, trialsPerS: TRIALS / wallS, cpuMsPerTrial: perTrial(spent.self), apiCpuMsPerTrial: perTrial(spent.api), benchCpuMsPerTrial: perTrial(spent.self) };
}

const cluster = await startTestCluster();
const rows: Row[] = [];
try {
  const namespaces = Array.from({ length: REPEATS }, (_, r) => [`baseline-${r}`, `controller-${r}`]).flat();
  await installCrds(cluster, ...namespaces);
  for (let r = 0; r < REPEATS; r++) {
    // Alternate the order so that neither path always meets the fresher etcd.
    const order = r % 2 === 0 ? (['baseline', 'controller'] as const) : (['controller', 'baseline'] as const);
    for (const which of order) {
      const row = which === 'baseline' ? await runBaseline(cluster, `baseline-${r}`, r) : await runController(cluster, `controller-${r}`, r);
      rows.push(row);
      process.stderr.write(`repeat ${r + 1}/${REPEATS} ${row.path}: ${row.wallS.toFixed(1)} s, ${row.trialsPerS.toFixed(1)} trials/s\n`);
    }
  }
} finally {
  await cluster.stop();
}

const summary = (['api baseline', 'scriba controller'] as const).map((path) => {
  const of = rows.filter((r) => r.path === path);
  const pick = (f: (r: Row) => number | undefined) => {
    const xs = of.map(f).filter((x): x is number => x !== undefined);
    return xs.length ? median(xs) : undefined;
  };
  return { path, wallS: pick((r) => r.wallS), trialsPerS: pick((r) => r.trialsPerS), cpuMsPerTrial: pick((r) => r.cpuMsPerTrial), apiCpuMsPerTrial: pick((r) => r.apiCpuMsPerTrial), benchCpuMsPerTrial: pick((r) => r.benchCpuMsPerTrial), rssStartMiB: pick((r) => r.rssStartMiB), rssPeakMiB: pick((r) => r.rssPeakMiB), rssEndMiB: pick((r) => r.rssEndMiB) };
});
// The ratio of each repeat's controller time to the same repeat's baseline, then the median.
const ratios = Array.from({ length: REPEATS }, (_, r) => {
  const baseline = rows.find((x) => x.repeat === r && x.path === 'api baseline');
  const ctl = rows.find((x) => x.repeat === r && x.path === 'scriba controller');
  return (ctl?.wallS ?? NaN) / (baseline?.wallS ?? NaN);
});
const fmt = (x: number | undefined, digits = 1) => (x === undefined ? '' : x.toFixed(digits));
const lines = [
  `${TRIALS} trials, parallelTrialCount ${PARALLEL}, median of ${REPEATS} repeats; machine: ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}`,
  '',
  '| path | wall s | trials/s | client CPU ms/trial | API server + etcd CPU ms/trial | test kubelet CPU ms/trial | RSS start MiB | RSS peak MiB | RSS end MiB | time vs baseline |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...summary.map((s) => `| ${s.path} | ${fmt(s.wallS)} | ${fmt(s.trialsPerS)} | ${fmt(s.cpuMsPerTrial, 2)} | ${fmt(s.apiCpuMsPerTrial, 2)} | ${s.path === 'api baseline' ? '' : fmt(s.benchCpuMsPerTrial, 2)} | ${fmt(s.rssStartMiB)} | ${fmt(s.rssPeakMiB)} | ${fmt(s.rssEndMiB)} | ${s.path === 'api baseline' ? '1' : `${fmt(median(ratios), 2)}×`} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ trials: TRIALS, parallel: PARALLEL, repeats: REPEATS, node: process.version, cpus: cpus().length, date: new Date().toISOString(), summary, ratioMedian: median(ratios), rows }, null, 2)}\n`);
