import { crdDocuments } from '../../controller/install.js';
import { DbManagerClient } from '../../suggestion-service/client.js';
import { KubeClient } from '../../trials/kubernetes/client.js';
import { Reflector } from '../../trials/kubernetes/reflector.js';
import type { MetricLog } from '../../src/trial/types.js';
import { applyManifest, request, type TestCluster } from './k8s.js';

/**
 * What runs a trial's job on a test cluster, which has no kubelet and no job controller:
 * the test plays both, and the training code. For each new job of a namespace it asks
 * `decide`, pushes the metrics it returns through the controller's DB manager (as Katib's
 * SDK `report_metrics` does) and then sets the job's status to Complete or Failed.
 */
export interface JobPlan {
  /** Observation-log rows, pushed in order: one report per element. */
  reports?: Array<Record<string, number>>;
  /** How the job ends; 'hold' leaves it running (the test finishes it later with finishJob). */
  end: 'Complete' | 'Failed' | 'hold';
}

export interface TestKubelet {
  /** Names of the jobs seen so far, in the order seen. */
  readonly seen: string[];
  stop(): void;
}

export function startKubelet(
  cluster: TestCluster,
  namespace: string,
  dbManager: () => string,
  decide: (job: TestJob) => JobPlan | Promise<JobPlan>,
): TestKubelet {
  const seen: string[] = [];
  const handled = new Set<string>();
  let stopped = false;
  const clients = new Map<string, DbManagerClient>();
  const client = (): DbManagerClient => {
    const address = dbManager();
    let c = clients.get(address);
    if (!c) clients.set(address, (c = new DbManagerClient(address)));
    return c;
  };
  const act = async (job: TestJob): Promise<void> => {
    const plan = await decide(job);
    const trial = job.metadata.name;
    let second = 0;
    for (const report of plan.reports ?? []) {
      const time = new Date(Date.UTC(2026, 0, 1, 0, 0, second++)).toISOString();
      const logs: MetricLog[] = Object.entries(report).map(([name, value]) => ({ timeStamp: time, name, value: String(value) }));
      await retry(() => client().reportObservationLog(trial, logs));
    }
    if (plan.end !== 'hold') await finishJob(cluster, namespace, trial, plan.end);
  };
  // Jobs are seen through a watch, as a kubelet sees its pods (a list every few ms would load the API server).
  const kube = new KubeClient(cluster.kubeConfig);
  const reflector = new Reflector({
    client: kube,
    path: `/apis/batch/v1/namespaces/${namespace}/jobs`,
    onEvent: (type, object) => {
      const job = object as unknown as TestJob;
      const key = `${job.metadata.name}/${job.metadata.uid}`;
      if (stopped || type === 'DELETED' || handled.has(key)) return;
      handled.add(key);
      seen.push(job.metadata.name);
      void act(job).catch(() => handled.delete(key));
    },
    resyncMs: 1000,
  });
  void reflector.start();
  return {
    seen,
    stop: () => {
      stopped = true;
      reflector.stop();
      kube.close();
      for (const c of clients.values()) c.close();
    },
  };
}

export interface TestJob {
  metadata: { name: string; uid: string; labels?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; uid: string }> };
  spec: { template: { metadata?: { labels?: Record<string, string> }; spec: { containers: Array<{ name: string; command?: string[]; env?: Array<{ name: string; value?: string }> }> } } };
}

/** A job's status as the job controller writes it at its end (the conditions its validation requires first included). */
export async function finishJob(cluster: TestCluster, namespace: string, name: string, end: 'Complete' | 'Failed'): Promise<void> {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = (type: string, reason: string, message: string) => ({ type, status: 'True', reason, message, lastProbeTime: time, lastTransitionTime: time });
  const status =
    end === 'Complete'
      ? { startTime: time, completionTime: time, succeeded: 1, conditions: [condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')] }
      : { startTime: time, failed: 1, conditions: [condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'), condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] };
  const r = await request(cluster, 'PATCH', `/apis/batch/v1/namespaces/${namespace}/jobs/${name}/status`, { status }, 'application/merge-patch+json');
  if (r.status >= 300 && r.status !== 404) throw new Error(`job ${name} status: ${r.status} ${JSON.stringify(r.body)}`);
}

/** The project's CRDs, and a namespace, on the test cluster. */
export async function installCrds(cluster: TestCluster, ...namespaces: string[]): Promise<void> {
  await applyManifest(cluster, [...crdDocuments(), ...namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }))]);
}

/** The parameter value of a trial's job, from KATIB_TRIAL_NAME's container command (`--x=0.3`). */
export function argument(job: TestJob, flag: string): number {
  const command = job.spec.template.spec.containers.flatMap((c) => c.command ?? []);
  const arg = command.find((a) => a.startsWith(`--${flag}=`));
  if (!arg) throw new Error(`job ${job.metadata.name}: no --${flag}= in ${command.join(' ')}`);
  return Number(arg.slice(flag.length + 3));
}

/** Retries while the DB manager is unreachable (a controller restarting), for at most `ms`. */
async function retry<T>(f: () => Promise<T>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await f();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * An Experiment of `maxTrialCount` 12 over x in [0, 1] whose trials are batch Jobs running
 * `train --x=VALUE` and pushing `loss`; `spec` overrides fields of its spec.
 */
export function testExperiment(
  name: string,
  namespace: string,
  spec: Record<string, unknown> = {},
  extra: { parameters?: unknown[]; objective?: unknown } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    metadata: { name, namespace },
    spec: {
      objective: extra.objective ?? { type: 'minimize', objectiveMetricName: 'loss' },
      algorithm: { algorithmName: 'random' },
      parallelTrialCount: 3,
      maxTrialCount: 12,
      maxFailedTrialCount: 3,
      parameters: extra.parameters ?? [{ name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }],
      metricsCollectorSpec: { collector: { kind: 'Push' } },
      trialTemplate: {
        primaryContainerName: 'training',
        trialParameters: [{ name: 'x', reference: 'x' }],
        trialSpec: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          spec: { template: { spec: { containers: [{ name: 'training', image: 'train:1', command: ['train', '--x=${trialParameters.x}'] }], restartPolicy: 'Never' } } },
        },
      },
      ...spec,
    },
  };
}
