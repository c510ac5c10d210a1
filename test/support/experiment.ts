import type { Algorithm } from '../../algorithms/types.js';
import type { Experiment, ExperimentSpec } from '../../src/experiment/types.js';
import type { TrialOutcome } from '../../src/loop/state.js';
import type { MetricLog } from '../../src/trial/types.js';
import type { TrialRun, TrialRunner } from '../../trials/types.js';

/** A defaulted experiment over x in [0, 1] and k in {1..3}, minimising `loss`. */
export function makeExperiment(spec: Partial<ExperimentSpec> = {}): Experiment {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    metadata: { name: 'loop-test' },
    spec: {
      parameters: [
        { name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max: '1', distribution: 'uniform' } },
        { name: 'k', parameterType: 'int', feasibleSpace: { min: '1', max: '3', distribution: 'uniform' } },
      ],
      objective: { type: 'minimize', objectiveMetricName: 'loss', metricStrategies: [{ name: 'loss', value: 'min' }] },
      algorithm: { algorithmName: 'random', algorithmSettings: [] },
      parallelTrialCount: 3,
      resumePolicy: 'Never',
      ...spec,
    },
  };
}

export function metric(name: string, value: number | string): MetricLog {
  return { timeStamp: new Date().toISOString(), name, value: String(value) };
}

/** A runner whose trials wait until the test ends them, one by one. */
export function manualRunner() {
  const pending: Array<{ run: TrialRun; finish: (outcome: TrialOutcome, logs?: MetricLog[]) => void }> = [];
  let started = 0;
  let active = 0;
  let maxActive = 0;
  const runner: TrialRunner = {
    run(run) {
      started++;
      active++;
      maxActive = Math.max(maxActive, active);
      return new Promise((resolve) => {
        pending.push({
          run,
          finish: (outcome, logs = []) => {
            run.report(logs);
            active--;
            resolve(outcome);
          },
        });
      });
    },
  };
  return {
    runner,
    pending,
    stats: () => ({ started, active, maxActive }),
    /** Ends the oldest waiting trial. */
    finishNext(outcome: TrialOutcome, logs?: MetricLog[]) {
      const next = pending.shift();
      if (!next) throw new Error('no trial is waiting');
      next.finish(outcome, logs);
      return next.run.trial.name;
    },
  };
}

/** A runner that ends each trial at once with `decide(trial index)`. */
export function autoRunner(decide: (index: number, run: TrialRun) => { outcome: TrialOutcome; logs?: MetricLog[] }): TrialRunner {
  let index = 0;
  return {
    async run(run) {
      const { outcome, logs = [] } = decide(index++, run);
      await Promise.resolve();
      run.report(logs);
      return outcome;
    },
  };
}

/** Wraps an algorithm to record the count of every suggestion request. */
export function recording(algorithm: Algorithm): { algorithm: Algorithm; counts: number[] } {
  const counts: number[] = [];
  return {
    counts,
    algorithm: {
      name: algorithm.name,
      validateSettings: (e) => algorithm.validateSettings(e),
      getSuggestions: (request) => {
        counts.push(request.count);
        return algorithm.getSuggestions(request);
      },
    },
  };
}

/** Lets pending promise callbacks run (the loop reacts to each finished trial in microtasks). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
