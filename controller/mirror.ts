import { errorMessage } from '../src/errors.js';
import { getTrial, now, type ExperimentState, type StateRecorder } from '../src/loop/state.js';
import type { MetricLog, TrialRecord } from '../src/trial/types.js';
import { isConflict, katibPath, ownerReference, type KubeClient, type KubeObject } from '../trials/kubernetes/client.js';
import { trialJob } from '../trials/kubernetes/job.js';
import { experimentStatus, suggestionObject, suggestionStatus, trialObject, trialStatus } from './status.js';

const PARALLEL_WRITES = 8;
/**
 * The Experiment's and Suggestion's status are written at most this often while the
 * experiment runs (its lists of trial names grow with every trial, and each write is the
 * whole status); the first and the terminal ones are written at once.
 */
const EXPERIMENT_INTERVAL_MS = 500;

/**
 * Writes an experiment's state into its resources as it changes: the Experiment's status,
 * one Trial per trial (created with its spec, then its status), the Suggestion. Every change
 * goes to the store first (the recorder it wraps); the resources follow, changes coalesced,
 * so a burst of trial ends costs one write per object. A failed write is retried.
 */
export class ExperimentMirror implements StateRecorder {
  private dirtyExperiment = true;
  private readonly dirtyTrials = new Set<string>();
  /** Trial resources known to exist, and callers waiting for one to. */
  private readonly trials = new Map<string, KubeObject>();
  private readonly waiting = new Map<string, { promise: Promise<KubeObject>; resolve: (trial: KubeObject) => void }>();
  private flushing: Promise<void> | undefined;
  private suggestionExists = false;
  private closed = false;
  /** The next write of the Experiment's status, when one is waiting for its interval. */
  private deferred: Promise<void> | undefined;
  private experimentWrittenAt = 0;
  state: ExperimentState | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly experiment: KubeObject,
    private readonly inner: StateRecorder,
    private readonly log: (line: string) => void,
  ) {}

  experimentChanged(state: ExperimentState): void {
    this.inner.experimentChanged(state);
    this.state = state;
    this.dirtyExperiment = true;
    this.kick();
  }

  trialChanged(state: ExperimentState, trial: TrialRecord): void {
    this.inner.trialChanged(state, trial);
    this.state = state;
    this.dirtyTrials.add(trial.name);
    this.dirtyExperiment = true;
    this.kick();
  }

  logsAppended(state: ExperimentState, trialName: string, logs: readonly MetricLog[]): void {
    this.inner.logsAppended(state, trialName, logs);
  }

  logsCleared(state: ExperimentState, trialName: string): void {
    this.inner.logsCleared(state, trialName);
  }

  /** Writes everything of a state loaded from the store (after a restart of the controller). */
  syncAll(state: ExperimentState): void {
    this.state = state;
    for (const t of state.trials) this.dirtyTrials.add(t.name);
    this.dirtyExperiment = true;
    this.kick();
  }

  /** The Trial resource, once created (a job's owner must exist first). */
  trialResource(name: string): Promise<KubeObject> {
    const created = this.trials.get(name);
    if (created) return Promise.resolve(created);
    let waiting = this.waiting.get(name);
    if (!waiting) {
      let resolve!: (trial: KubeObject) => void;
      const promise = new Promise<KubeObject>((r) => (resolve = r));
      this.waiting.set(name, (waiting = { promise, resolve }));
      this.dirtyTrials.add(name);
      this.kick();
    }
    return waiting.promise;
  }

  /** Resolves once every change so far is written. */
  async idle(): Promise<void> {
    while (this.flushing || this.deferred) await (this.flushing ?? this.deferred);
  }

  close(): void {
    this.closed = true;
  }

  private kick(): void {
    if (this.flushing || this.closed) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (!this.closed && ((this.dirtyExperiment && !this.deferred) || this.dirtyTrials.size > 0)) this.kick();
    });
  }

  private async flush(): Promise<void> {
    // Let the changes of this turn of the event loop gather.
    await new Promise((resolve) => setImmediate(resolve));
    const state = this.state;
    if (!state) return;
    const names = [...this.dirtyTrials];
    this.dirtyTrials.clear();
    const failed: string[] = [];
    const writeTrials = async (): Promise<void> => {
      for (let i = 0; i < names.length; i += PARALLEL_WRITES) {
        await Promise.all(
          names.slice(i, i + PARALLEL_WRITES).map((name) =>
            this.writeTrial(state, name).catch((error: unknown) => {
              failed.push(name);
              this.log(`scriba controller: trial ${name}: ${errorMessage(error)}`);
            }),
          ),
        );
      }
    };
    let experimentFailed = false;
    const writeExperiment = async (): Promise<void> => {
      if (!this.dirtyExperiment || this.deferred) return;
      const wait = this.experimentWrittenAt + EXPERIMENT_INTERVAL_MS - Date.now();
      if (wait > 0 && !state.outcome) {
        this.deferred = new Promise<void>((resolve) => setTimeout(resolve, wait)).then(() => {
          this.deferred = undefined;
          this.kick();
        });
        return;
      }
      this.dirtyExperiment = false;
      this.experimentWrittenAt = Date.now();
      try {
        await this.writeExperiment(state);
      } catch (error) {
        experimentFailed = true;
        this.log(`scriba controller: experiment ${this.experiment.metadata.name}: ${errorMessage(error)}`);
      }
    };
    // The Trials and the Experiment's status are written side by side: a new Trial (which its
    // job waits for) does not wait for the Experiment's status.
    await Promise.all([writeTrials(), writeExperiment()]);
    if (failed.length > 0 || experimentFailed) {
      for (const name of failed) this.dirtyTrials.add(name);
      if (experimentFailed) this.dirtyExperiment = true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  private async writeTrial(state: ExperimentState, name: string): Promise<void> {
    const trial = getTrial(state, name);
    const namespace = this.experiment.metadata.namespace ?? 'default';
    const path = katibPath('trials', namespace, name);
    if (!this.trials.has(name)) {
      const body = trialObject(state.experiment, ownerReference(this.experiment), trial, trialJob(state.experiment, trial));
      let object: KubeObject;
      try {
        object = await this.client.create(katibPath('trials', namespace), body);
      } catch (error) {
        if (!isConflict(error)) throw error;
        object = await this.client.get(path); // created before a restart of the controller
      }
      this.trials.set(name, object);
      // Looked up now: a caller may have started waiting while the Trial was being created.
      this.waiting.get(name)?.resolve(object);
      this.waiting.delete(name);
    }
    await this.client.patch(`${path}/status`, { status: trialStatus(trial, now()) });
  }

  private async writeExperiment(state: ExperimentState): Promise<void> {
    const namespace = this.experiment.metadata.namespace ?? 'default';
    const name = this.experiment.metadata.name;
    const time = now();
    await this.client.patch(`${katibPath('experiments', namespace, name)}/status`, { status: experimentStatus(state, time) });
    if (state.trials.length === 0) return; // Katib creates the Suggestion on the first request
    const path = katibPath('suggestions', namespace, name);
    if (!this.suggestionExists) {
      try {
        await this.client.create(katibPath('suggestions', namespace), suggestionObject(state.experiment, ownerReference(this.experiment)));
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      this.suggestionExists = true;
    }
    await this.client.patch(path, { spec: { requests: state.trials.length } });
    await this.client.patch(`${path}/status`, { status: suggestionStatus(state, time) });
  }
}
