import { createCollector } from '../../metrics-collector/collector.js';
import { errorMessage } from '../../src/errors.js';
import type { Experiment } from '../../src/experiment/types.js';
import type { TrialOutcome } from '../../src/loop/state.js';
import { metricNames } from '../../src/trial/observation.js';
import type { MetricLog } from '../../src/trial/types.js';
import { jobCondition } from '../job-conditions.js';
import type { TrialRun, TrialRunner } from '../types.js';
import { Discovery, isConflict, ownerReference, resourcePath, type KubeClient, type KubeObject } from './client.js';
import { TRIAL_LABEL, trialJob } from './job.js';
import { Reflector } from './reflector.js';

export interface KubernetesRunnerOptions {
  client: KubeClient;
  /** The Trial resource of a trial, once it exists (the job's owner). */
  trialResource(experiment: Experiment, trialName: string): Promise<KubeObject>;
  /** Reports pushed for a running trial (the DB manager's ReportObservationLog) go to `report` until the returned function is called. */
  acceptPush?(experiment: Experiment, trialName: string, report: (logs: readonly MetricLog[]) => void): () => void;
  log?: (line: string) => void;
}

type Waiter = (job: KubeObject | undefined) => void;

/**
 * Runs each trial as its job in the cluster (katib-spec §3.2, §7): creates the job from the
 * template, owned by the Trial, and follows it through one watch per job kind and namespace;
 * the failure condition, then the success condition, is evaluated on every change of the
 * job. Metrics arrive through the DB manager (Push) or, once the job has succeeded, from
 * the logs of its primary pods (StdOut). A stopped trial's job is deleted with its pods.
 * After a restart of the controller a trial still Running re-attaches to its job.
 */
export class KubernetesRunner implements TrialRunner {
  private readonly discovery: Discovery;
  private readonly watches = new Map<string, { reflector: Reflector; synced: Promise<void> }>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private closed = false;

  constructor(private readonly o: KubernetesRunnerOptions) {
    this.discovery = new Discovery(o.client);
  }

  async run(run: TrialRun): Promise<TrialOutcome> {
    const { experiment, trial } = run;
    const namespace = experiment.metadata.namespace ?? 'default';
    const template = experiment.spec.trialTemplate;
    const job = trialJob(experiment, trial);
    const apiVersion = String(job.apiVersion);
    const kind = String(job.kind);
    const collection = resourcePath(apiVersion, await this.discovery.plural(apiVersion, kind), namespace);
    const path = `${collection}/${encodeURIComponent(trial.name)}`;
    const watch = this.watch(collection);
    const stopPush = this.o.acceptPush?.(experiment, trial.name, run.report);
    try {
      const owner = await this.o.trialResource(experiment, trial.name);
      (job.metadata as KubeObject['metadata']).ownerReferences = [ownerReference(owner)];
      await watch;
      if (!this.cached(collection, namespace, trial.name)) {
        try {
          await this.o.client.create(collection, job);
        } catch (error) {
          // Created before a restart of the controller: the job goes on.
          if (!isConflict(error)) throw error;
        }
      }
      const ended = await this.until(collection, namespace, trial.name, run.signal, (j) => {
        if (!j) return { status: 'failed', message: `Trial has failed: its ${kind} ${trial.name} was deleted` };
        const c = jobCondition(j, template?.successCondition ?? '', template?.failureCondition ?? '');
        if (c.state === 'failed') return { status: 'failed', reason: 'TrialFailed', message: jobMessage('Trial has failed', c) };
        if (c.state === 'succeeded') return { status: 'completed' };
        return undefined;
      });
      // The controller is stopping: the job goes on, and the next leader re-attaches to it.
      if (this.closed) return ended;
      if (run.signal.aborted) {
        await this.o.client.delete(path);
        return { status: 'earlyStopped' };
      }
      if (ended.status === 'completed' && kindOf(experiment) === 'StdOut') await this.collectPodLogs(experiment, trial.name, run.report);
      if (template?.retain !== true) await this.o.client.delete(path);
      return ended;
    } finally {
      stopPush?.();
    }
  }

  /** The resource name of a job kind, from the cluster's discovery. */
  plural(apiVersion: string, kind: string): Promise<string> {
    return this.discovery.plural(apiVersion, kind);
  }

  /** Stops every watch; trials waiting on their jobs end as failed (the controller is stopping). */
  close(): void {
    this.closed = true;
    for (const w of this.watches.values()) w.reflector.stop();
    for (const set of this.waiters.values()) for (const w of set) w(undefined);
  }

  private watch(collection: string): Promise<void> {
    let w = this.watches.get(collection);
    if (!w) {
      const reflector = new Reflector({
        client: this.o.client,
        path: collection,
        labelSelector: TRIAL_LABEL,
        onEvent: (type, job) => {
          const key = `${collection}|${job.metadata.namespace}/${job.metadata.name}`;
          for (const waiter of this.waiters.get(key) ?? []) waiter(type === 'DELETED' ? undefined : job);
        },
        ...(this.o.log ? { log: this.o.log } : {}),
        resyncMs: 30_000,
      });
      w = { reflector, synced: reflector.start() };
      this.watches.set(collection, w);
    }
    return w.synced;
  }

  private cached(collection: string, namespace: string, name: string): KubeObject | undefined {
    return this.watches.get(collection)?.reflector.cache.get(`${namespace}/${name}`);
  }

  /** Waits until `decide` says how the job ended, or the signal aborts. */
  private until(
    collection: string,
    namespace: string,
    name: string,
    signal: AbortSignal,
    decide: (job: KubeObject | undefined) => TrialOutcome | undefined,
  ): Promise<TrialOutcome> {
    const key = `${collection}|${namespace}/${name}`;
    return new Promise<TrialOutcome>((resolve) => {
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      const finish = (outcome: TrialOutcome): void => {
        set.delete(waiter);
        if (set.size === 0) this.waiters.delete(key);
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      // A job not seen yet (created a moment ago) is not a deleted one.
      let seen = false;
      const waiter: Waiter = (job) => {
        if (this.closed) return finish({ status: 'failed', message: 'the controller stopped' });
        if (job) seen = true;
        if (!job && !seen) return;
        const outcome = decide(job);
        if (outcome) finish(outcome);
      };
      const onAbort = (): void => finish({ status: 'earlyStopped' });
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort);
      set.add(waiter);
      const job = this.cached(collection, namespace, name);
      if (job) waiter(job);
    });
  }

  /** StdOut: the primary container's log of each primary pod of the trial, parsed as Katib's collector parses it. */
  private async collectPodLogs(experiment: Experiment, trialName: string, report: (logs: readonly MetricLog[]) => void): Promise<void> {
    const namespace = experiment.metadata.namespace ?? 'default';
    const template = experiment.spec.trialTemplate;
    const selector = [`${TRIAL_LABEL}=${trialName}`, ...Object.entries(template?.primaryPodLabels ?? {}).map(([k, v]) => `${k}=${v}`)].join(',');
    const pods = await this.o.client.list(resourcePath('v1', 'pods', namespace), { labelSelector: selector });
    const filters = experiment.spec.metricsCollectorSpec?.source?.filter?.metricsFormat;
    const collector = createCollector(
      { kind: 'StdOut', format: 'TEXT', metricNames: metricNames(experiment.spec.objective ?? { type: 'minimize', objectiveMetricName: '' }), ...(filters ? { filters } : {}) },
      (logs) => report(logs),
    );
    for (const pod of pods.items) {
      const container = template?.primaryContainerName ?? '';
      try {
        const text = await this.o.client.request<string>('GET', `${resourcePath('v1', 'pods', namespace, pod.metadata.name)}/log?container=${encodeURIComponent(container)}`);
        collector.stdout(text.endsWith('\n') ? text : `${text}\n`);
      } catch (error) {
        this.o.log?.(`scriba controller: trial ${trialName}: cannot read the log of pod ${pod.metadata.name}: ${errorMessage(error)}`);
      }
    }
    await collector.finish();
  }
}

function kindOf(experiment: Experiment): string {
  return experiment.spec.metricsCollectorSpec?.collector?.kind ?? 'StdOut';
}

/** Katib's trial messages carry the job's reason and message when its condition has them. */
function jobMessage(base: string, c: { reason?: string; message?: string }): string {
  return [base, c.reason ? `Job reason: ${c.reason}` : '', c.message ? `Job message: ${c.message}` : ''].filter(Boolean).join('. ');
}
