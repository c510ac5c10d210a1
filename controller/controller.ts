import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { getAlgorithm } from '../algorithms/registry.js';
import { errorMessage, formatIssue, ScribaError } from '../src/errors.js';
import { loadExperiment } from '../src/experiment/load.js';
import type { Experiment, ValidationIssue } from '../src/experiment/types.js';
import { runExperiment } from '../src/loop/run.js';
import { now, type ExperimentState } from '../src/loop/state.js';
import { freshSeed } from '../src/rng.js';
import { openExperiment } from '../src/store/open.js';
import { ObservationLogStore } from '../src/store/observation-log-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { isNotFound, katibPath, resourcePath, type KubeClient, type KubeObject } from '../trials/kubernetes/client.js';
import { EXPERIMENT_LABEL, trialJob } from '../trials/kubernetes/job.js';
import { Reflector, keyOf } from '../trials/kubernetes/reflector.js';
import { KubernetesRunner } from '../trials/kubernetes/runner.js';
import { ExperimentMirror } from './mirror.js';
import { ObservationRouter } from './observations.js';
import { invalidExperimentStatus } from './status.js';

/** On every Experiment this controller runs; removed once its Trials, jobs and rows are gone. */
export const FINALIZER = 'scriba.kubeflow.org/cleanup';
/** An annotation that fixes a new experiment's seed (otherwise drawn at random). */
export const SEED_ANNOTATION = 'scriba.kubeflow.org/seed';
/** Collectors the controller can run: it injects no sidecar. */
const CLUSTER_COLLECTORS = ['StdOut', 'Push'];
const COUNT_FIELDS = ['parallelTrialCount', 'maxTrialCount', 'maxFailedTrialCount'] as const;

export interface ControllerOptions {
  client: KubeClient;
  /** Only this namespace; all namespaces when undefined. */
  namespace?: string;
  /** Where the stores live: one SQLite file per namespace. */
  dataDir: string;
  resyncMs?: number;
  log?: (line: string) => void;
}

interface Run {
  uid: string;
  state: ExperimentState;
  mirror: ExperimentMirror;
  /** Set once the loop has returned. */
  done: Promise<void>;
  finished: boolean;
  deleting: boolean;
  /** The spec the run began with, each field but the three counts as JSON (changes to them are not applied). */
  spec: Map<string, string>;
}

/**
 * Katib's experiment controller on Scriba's loop (katib-spec §3): watches Experiments and,
 * for each valid one, runs the same experiment loop as `scriba run`, with the experiment's
 * state in a store (SQLite, one file per namespace) and mirrored into the Experiment, Trial
 * and Suggestion resources; trials run as their jobs (KubernetesRunner). An invalid
 * Experiment gets a Failed condition naming the field. Deleting an Experiment stops its
 * trials and removes its Trials, jobs and rows before its finalizer goes. Call `start` only
 * while leading (leader.ts): two controllers must never act on the same experiment.
 */
export class Controller {
  private readonly stores = new Map<string, { store: SqliteStore; logs: ObservationLogStore }>();
  private readonly runs = new Map<string, Run>();
  private readonly queue = new Map<string, Promise<void>>();
  private readonly pending = new Set<string>();
  private stopping = false;
  /** The last warning given for each Experiment (by key and uid). */
  private readonly warned = new Map<string, string>();
  private reflector: Reflector | undefined;
  readonly observations: ObservationRouter;
  private readonly runner: KubernetesRunner;
  private readonly log: (line: string) => void;

  constructor(private readonly o: ControllerOptions) {
    this.log = o.log ?? ((line) => process.stderr.write(`${line}\n`));
    mkdirSync(o.dataDir, { recursive: true });
    this.observations = new ObservationRouter(
      o.dataDir,
      (ns) => this.storeOf(ns).logs,
      () => [...this.stores.keys()],
      (trial) => this.storedNamespaces().some((ns) => ['Created', 'Running'].includes(this.storeOf(ns).store.trialCondition(trial) ?? '')),
    );
    this.runner = new KubernetesRunner({
      client: o.client,
      trialResource: (experiment, trial) => this.runOf(experiment).mirror.trialResource(trial),
      acceptPush: (experiment, trial, report) => this.observations.accept(experiment.metadata.namespace ?? 'default', trial, report),
      log: this.log,
    });
  }

  /** Lists and watches Experiments; resolves once the first list is being reconciled. */
  async start(): Promise<void> {
    this.reflector = new Reflector({
      client: this.o.client,
      path: katibPath('experiments', this.o.namespace),
      onEvent: (_type, object) => this.enqueue(keyOf(object)),
      resyncMs: this.o.resyncMs ?? 60_000,
      log: this.log,
    });
    await this.reflector.start();
  }

  /** Stops watching and running; running trials' jobs go on in the cluster and are re-attached to by the next leader. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.reflector?.stop();
    // What the store and the cluster hold now stays true: running trials stay Running (their
    // jobs go on), and nothing the loops do from here on (seeing their runner close) is recorded.
    const runs = [...this.runs.values()];
    for (const run of runs) delete run.state.recorder;
    await Promise.allSettled(runs.map((r) => r.mirror.idle()));
    for (const run of runs) run.mirror.close();
    this.runner.close();
    await Promise.allSettled(runs.map((r) => r.done));
    for (const { store, logs } of this.stores.values()) {
      store.close();
      logs.close();
    }
    this.observations.close();
  }

  /** The states of the experiments this controller runs (for tests and benchmarks). */
  experimentState(namespace: string, name: string): ExperimentState | undefined {
    return this.runs.get(`${namespace}/${name}`)?.state;
  }

  /** Reconciles of one experiment run one after another; a request made meanwhile runs once more afterwards. */
  private enqueue(key: string): void {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    const previous = this.queue.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      this.pending.delete(key);
      try {
        await this.reconcile(key);
      } catch (error) {
        this.log(`scriba controller: experiment ${key}: ${errorMessage(error)}`);
        setTimeout(() => this.enqueue(key), 2000).unref();
      }
    });
    this.queue.set(key, next);
    void next.finally(() => {
      if (this.queue.get(key) === next) this.queue.delete(key);
    });
  }

  private async reconcile(key: string): Promise<void> {
    const object = this.reflector?.cache.get(key);
    const run = this.runs.get(key);
    if (!object) return; // gone: it had no finalizer of ours, so nothing of it ran here
    if (run && run.uid !== object.metadata.uid) {
      await this.cleanUp(key, run, undefined);
    }
    if (object.metadata.deletionTimestamp) {
      if (object.metadata.finalizers?.includes(FINALIZER)) await this.cleanUp(key, this.runs.get(key), object);
      return;
    }
    if (!object.metadata.finalizers?.includes(FINALIZER)) {
      await this.o.client.patch(katibPath('experiments', object.metadata.namespace, object.metadata.name), {
        metadata: { finalizers: [...(object.metadata.finalizers ?? []), FINALIZER], resourceVersion: object.metadata.resourceVersion },
      });
      return; // the change comes back through the watch
    }
    const current = this.runs.get(key);
    if (current && !current.finished) {
      this.updateCounts(current, object);
      return this.warnFixedFields(current, object);
    }
    if (current?.finished && current.state.experiment.spec.maxTrialCount === (object.spec?.maxTrialCount as number | undefined)) return this.warnFixedFields(current, object);
    await this.begin(key, object);
  }

  /** Katib lets a running experiment's three counts change (§2.3 rule 3); the loop reads them at its next step. */
  private updateCounts(run: Run, object: KubeObject): void {
    const spec = run.state.experiment.spec;
    let changed = false;
    for (const field of COUNT_FIELDS) {
      const value = object.spec?.[field] as number | undefined;
      const next = field === 'parallelTrialCount' ? (value ?? 3) : value;
      if (spec[field] !== next) {
        if (next === undefined) delete spec[field];
        else spec[field] = next;
        changed = true;
      }
    }
    if (changed) run.state.recorder?.experimentChanged(run.state);
  }

  /** Katib's webhook refuses a change to any other field of a running experiment (§2.3 rule 3); it is not applied, and said so. */
  private async warnFixedFields(run: Run, object: KubeObject): Promise<void> {
    const current = fixedFields(object);
    const changed = [...new Set([...run.spec.keys(), ...current.keys()])].filter((f) => run.spec.get(f) !== current.get(f)).sort();
    if (changed.length === 0) return;
    const fields = changed.map((f) => `spec.${f}`).join(', ');
    await this.warn(object, 'SpecChangeNotApplied', `${fields}: only ${COUNT_FIELDS.join(', ')} can change while the experiment runs; the change is not applied`);
  }

  private async begin(key: string, object: KubeObject): Promise<void> {
    const namespace = object.metadata.namespace ?? 'default';
    const name = object.metadata.name;
    const { experiment, issues } = await this.load(object);
    if (!experiment || issues.length > 0) {
      const message = `Validation failed: ${issues.map(formatIssue).join('; ')}`;
      const conditions = (object.status?.conditions ?? []) as Array<{ type: string; message?: string }>;
      if (conditions.some((c) => c.type === 'Failed' && c.message === message)) return;
      await this.o.client.patch(`${katibPath('experiments', namespace, name)}/status`, {
        status: invalidExperimentStatus(message, now(), object.status?.startTime as string | undefined),
      });
      return;
    }
    const { store } = this.storeOf(namespace);
    const source = `kubernetes:${object.metadata.uid}`;
    // A stored experiment of this name from an earlier Experiment (deleted while no controller ran) goes first.
    if (store.hasExperiment(name) && store.source(name) !== source) {
      for (const trial of store.deleteExperiment(name)) this.observations.delete(trial);
    }
    let state: ExperimentState;
    try {
      const seed = Number.parseInt(object.metadata.annotations?.[SEED_ANNOTATION] ?? '', 10);
      state = openExperiment(store, experiment, {
        seed: Number.isSafeInteger(seed) && seed >= 0 ? seed : freshSeed(),
        source,
        keepRunning: true,
        takeOver: true,
      });
    } catch (error) {
      if (!(error instanceof ScribaError) || !store.hasExperiment(name)) throw error;
      // Ended, or changed beyond Katib's update rules: the stored state stands and is shown.
      state = store.loadState(name);
      this.log(`scriba controller: experiment ${key}: ${error.message}`);
      await this.warn(object, 'SpecChangeNotApplied', error.message);
      const mirror = new ExperimentMirror(this.o.client, object, store, this.log);
      mirror.syncAll(state);
      this.runs.set(key, { uid: object.metadata.uid ?? '', state, mirror, done: Promise.resolve(), finished: true, deleting: false, spec: fixedFields(object) });
      return;
    }
    const mirror = new ExperimentMirror(this.o.client, object, store, this.log);
    state.recorder = mirror;
    mirror.syncAll(state);
    const run: Run = { uid: object.metadata.uid ?? '', state, mirror, done: Promise.resolve(), finished: false, deleting: false, spec: fixedFields(object) };
    run.done = runExperiment({
      experiment: state,
      algorithm: getAlgorithm(experiment.spec.algorithm?.algorithmName ?? 'random'),
      runner: this.runner,
      stop: () =>
        run.deleting ? { type: 'Failed', reason: 'ExperimentDeleted', message: 'Experiment is being deleted' }
        : this.stopping ? { type: 'Failed', reason: 'ControllerStopped', message: 'the controller stopped (not recorded: the next leader continues)' }
        : undefined,
    })
      .then(() => undefined)
      .catch((error: unknown) => this.log(`scriba controller: experiment ${key}: ${errorMessage(error)}`))
      .finally(() => {
        run.finished = true;
        store.release(name);
      });
    this.runs.set(key, run);
  }

  /**
   * A Warning Event on the Experiment (`kubectl describe experiment` shows it), once per
   * message: Katib's webhook would have refused the change that this controller cannot apply.
   */
  private async warn(object: KubeObject, reason: string, message: string): Promise<void> {
    const key = `${keyOf(object)}|${object.metadata.uid}`;
    if (this.warned.get(key) === message) return;
    this.warned.set(key, message);
    const namespace = object.metadata.namespace ?? 'default';
    const time = now();
    try {
      await this.o.client.create(resourcePath('v1', 'events', namespace), {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${object.metadata.name}.`, namespace },
        involvedObject: { apiVersion: 'kubeflow.org/v1beta1', kind: 'Experiment', name: object.metadata.name, namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion },
        type: 'Warning',
        reason,
        message,
        source: { component: 'scriba-controller' },
        reportingComponent: 'scriba-controller',
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
      });
    } catch (error) {
      this.log(`scriba controller: experiment ${keyOf(object)}: cannot write an Event: ${errorMessage(error)}`);
    }
  }

  /** The experiment as `scriba validate` reads it, with a ConfigMap template fetched from the cluster. */
  private async load(object: KubeObject): Promise<{ experiment: Experiment | undefined; issues: ValidationIssue[] }> {
    const raw = { apiVersion: object.apiVersion, kind: object.kind, metadata: object.metadata, spec: object.spec };
    let { experiment, issues } = loadExperiment(JSON.stringify(raw));
    if (!experiment || issues.length > 0) return { experiment, issues };
    const configMap = experiment.spec.trialTemplate?.configMap;
    if (configMap) {
      const path = 'spec.trialTemplate.configMap';
      const cm = await this.o.client.find(resourcePath('v1', 'configmaps', configMap.configMapNamespace, configMap.configMapName));
      const text = (cm?.data as Record<string, string> | undefined)?.[configMap.templatePath ?? ''];
      if (text === undefined) {
        const what = cm ? `has no key ${configMap.templatePath}` : 'does not exist';
        return { experiment, issues: [{ path, message: `ConfigMap ${configMap.configMapNamespace}/${configMap.configMapName} ${what}` }] };
      }
      let trialSpec: unknown;
      try {
        trialSpec = YAML.parse(text);
      } catch (error) {
        return { experiment, issues: [{ path, message: `${configMap.templatePath}: not YAML: ${errorMessage(error)}` }] };
      }
      const template: Record<string, unknown> = { ...(raw.spec?.trialTemplate as Record<string, unknown>), trialSpec };
      delete template.configMap;
      ({ experiment, issues } = loadExperiment(JSON.stringify({ ...raw, spec: { ...raw.spec, trialTemplate: template } })));
      if (!experiment || issues.length > 0) return { experiment, issues };
    }
    const kind = experiment.spec.metricsCollectorSpec?.collector?.kind ?? 'StdOut';
    if (!CLUSTER_COLLECTORS.includes(kind)) {
      issues.push({
        path: 'spec.metricsCollectorSpec.collector.kind',
        message: `the controller collects metrics with ${CLUSTER_COLLECTORS.join(' or ')} (it injects no sidecar); ${kind} is not supported`,
      });
    }
    return { experiment, issues };
  }

  /** Deletion (Katib's finalizers): no new trials, running jobs deleted, Trials, Suggestion and rows removed, then the finalizer. */
  private async cleanUp(key: string, run: Run | undefined, object: KubeObject | undefined): Promise<void> {
    const [namespace = 'default', name = ''] = key.split('/');
    if (run) {
      run.deleting = true;
      await this.deleteJobs(run.state);
      await run.done;
      run.mirror.close();
      await run.mirror.idle();
      this.runs.delete(key);
    }
    if (!object) return;
    const selector = { labelSelector: `${EXPERIMENT_LABEL}=${name}` };
    const trials = await this.o.client.list(katibPath('trials', namespace), selector);
    const state = run?.state;
    if (state) await this.deleteJobs(state);
    await Promise.all(trials.items.map((t) => this.o.client.delete(katibPath('trials', namespace, t.metadata.name))));
    await this.o.client.delete(katibPath('suggestions', namespace, name));
    const { store } = this.storeOf(namespace);
    if (store.hasExperiment(name) && store.source(name) === `kubernetes:${object.metadata.uid}`) {
      for (const trial of store.deleteExperiment(name)) this.observations.delete(trial);
    }
    try {
      await this.o.client.patch(katibPath('experiments', namespace, name), {
        metadata: { finalizers: (object.metadata.finalizers ?? []).filter((f) => f !== FINALIZER), resourceVersion: object.metadata.resourceVersion },
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** The jobs of an experiment's trials, deleted (their pods with them); the runner then sees each trial end. */
  private async deleteJobs(state: ExperimentState): Promise<void> {
    const namespace = state.experiment.metadata.namespace ?? 'default';
    const sample = state.trials[0];
    if (!sample) return;
    const job = trialJob(state.experiment, sample);
    const plural = await this.runner.plural(String(job.apiVersion), String(job.kind));
    const jobs = await this.o.client.list(resourcePath(String(job.apiVersion), plural, namespace), { labelSelector: `${EXPERIMENT_LABEL}=${state.experiment.metadata.name}` });
    await Promise.all(jobs.items.map((j) => this.o.client.delete(resourcePath(String(job.apiVersion), plural, namespace, j.metadata.name))));
  }

  /** The namespaces with a store in the data dir (from this run or an earlier one). */
  private storedNamespaces(): string[] {
    const files = readdirSync(this.o.dataDir).filter((f) => f.endsWith('.db') && f !== 'observations.db');
    return [...new Set([...this.stores.keys(), ...files.map((f) => f.slice(0, -3))])];
  }

  private storeOf(namespace: string): { store: SqliteStore; logs: ObservationLogStore } {
    let entry = this.stores.get(namespace);
    if (!entry) {
      const file = join(this.o.dataDir, `${namespace}.db`);
      entry = { store: new SqliteStore(file), logs: new ObservationLogStore(file) };
      this.stores.set(namespace, entry);
    }
    return entry;
  }

  private runOf(experiment: Experiment): Run {
    const run = this.runs.get(`${experiment.metadata.namespace ?? 'default'}/${experiment.metadata.name}`);
    if (!run) throw new Error(`experiment ${experiment.metadata.name} is not run by this controller`);
    return run;
  }
}

/** Each spec field of an Experiment but the three counts, as JSON. */
function fixedFields(object: KubeObject): Map<string, string> {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  return new Map(Object.keys(spec).filter((f) => !(COUNT_FIELDS as readonly string[]).includes(f)).map((f) => [f, JSON.stringify(spec[f])]));
}
