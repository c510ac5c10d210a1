import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createGrid } from '../../algorithms/grid/index.js';
import { createRandom } from '../../algorithms/random/index.js';
import { runExperiment } from '../../src/loop/run.js';
import { counts, createState, markExhausted, recordAlgorithmSettings, requestExperiment, requeueTrial, restart } from '../../src/loop/state.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { autoRunner, makeExperiment, metric } from '../support/experiment.js';

let dir: string;
let store: SqliteStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-store-'));
  store = new SqliteStore(join(dir, 'nested', 'scriba.db'));
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

const ok = (i: number) => ({ outcome: { status: 'completed' as const }, logs: [metric('loss', 10 - i), metric('loss', 5 - i)] });
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('SQLite store (a real file, WAL)', () => {
  test('records every change of a run, and loads back the same state', async () => {
    const state = createState(makeExperiment({ maxTrialCount: 5 }), 7, store);
    store.createExperiment(state, '/tmp/exp.yaml');
    await runExperiment({ experiment: state, algorithm: createRandom(), runner: autoRunner((i) => ok(i)) });
    const loaded = store.loadState('loop-test');
    const view = (s: typeof state) => plain({ ...s, recorder: undefined, derived: undefined });
    expect(view(loaded)).toEqual(view(state));
    expect([...loaded.logs.values()].flat()).toHaveLength(10);
    expect(store.observationLog(state.trials[0]!.name, 'loss').map((l) => l.value)).toEqual(['10', '5']);
    expect(store.source('loop-test')).toBe('/tmp/exp.yaml');
    expect(store.experimentOfTrial(state.trials[2]!.name)).toBe('loop-test');
    expect(store.experimentNames()).toEqual(['loop-test']);
  });

  test("keeps the algorithm's returned settings and its end message (Katib's Suggestion status)", () => {
    const state = createState(makeExperiment({ maxTrialCount: 5 }), 7, store);
    store.createExperiment(state);
    recordAlgorithmSettings(state, [{ name: 'current_s', value: '3' }, { name: 'current_i', value: '0' }]);
    recordAlgorithmSettings(state, [{ name: 'current_i', value: '1' }]);
    markExhausted(state, 'the last Hyperband bracket has ended');
    const loaded = store.loadState('loop-test');
    expect(loaded.suggestion).toEqual({
      algorithmSettings: [{ name: 'current_s', value: '3' }, { name: 'current_i', value: '1' }],
      exhaustedMessage: 'the last Hyperband bracket has ended',
    });
    expect(loaded.exhausted).toBe(true);
    // The next request carries them over the experiment's own settings.
    expect(requestExperiment(loaded).spec.algorithm?.algorithmSettings).toEqual([
      { name: 'current_s', value: '3' },
      { name: 'current_i', value: '1' },
    ]);
  });

  test('a second store on the same file sees committed changes at once', async () => {
    const state = createState(makeExperiment({ maxTrialCount: 3 }), 1, store);
    store.createExperiment(state);
    const reader = new SqliteStore(store.path);
    try {
      await runExperiment({ experiment: state, algorithm: createRandom(), runner: autoRunner((i) => ok(i)) });
      expect(counts(reader.loadState('loop-test'))).toMatchObject({ total: 3, succeeded: 3 });
    } finally {
      reader.close();
    }
  });

  test('a requeued trial loses its partial log and is pending again', async () => {
    const state = createState(makeExperiment({ maxTrialCount: 2 }), 1, store);
    store.createExperiment(state);
    await runExperiment({ experiment: state, algorithm: createRandom(), runner: autoRunner((i) => ok(i)) });
    // Simulate a crash: the last trial is back to Running in the store.
    const t = state.trials[1]!;
    t.condition = 'Running';
    store.trialChanged(state, t);
    const loaded = store.loadState('loop-test');
    requeueTrial(loaded, t.name, 'interrupted');
    const again = store.loadState('loop-test');
    expect(again.trials[1]).toMatchObject({ condition: 'Created' });
    expect(again.trials[1]?.conditions.at(-1)).toMatchObject({ type: 'Created', reason: 'TrialRestarted', message: 'interrupted' });
    expect(store.observationLog(t.name)).toEqual([]);
  });

  test('restart follows Katib: only MaxTrialsReached with LongRunning or FromVolume, and a larger maxTrialCount', async () => {
    const state = createState(makeExperiment({ maxTrialCount: 2, resumePolicy: 'Never' }), 1, store);
    store.createExperiment(state);
    await runExperiment({ experiment: state, algorithm: createRandom(), runner: autoRunner((i) => ok(i)) });
    expect(restart(state, { maxTrialCount: 4 })).toMatch(/resumePolicy Never does not allow a restart/);
    state.experiment.spec.resumePolicy = 'LongRunning';
    expect(restart(state, { maxTrialCount: 2 })).toMatch(/must be raised above the 2 trials/);
    expect(restart(state, { maxTrialCount: 4 })).toBeUndefined();
    expect(store.loadState('loop-test').conditions.map((c) => c.type)).toEqual(['Created', 'Running', 'Restarting']);
    await runExperiment({ experiment: state, algorithm: createRandom(), runner: autoRunner((i) => ok(i)) });
    const loaded = store.loadState('loop-test');
    expect(counts(loaded)).toMatchObject({ total: 4, succeeded: 4 });
    expect(loaded.experiment.spec.maxTrialCount).toBe(4);
    expect(loaded.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['Created=True', 'Running=False', 'Succeeded=True']);
  });

  test('the exhausted flag survives a reload', async () => {
    const experiment = makeExperiment({ parameters: [{ name: 'k', parameterType: 'int', feasibleSpace: { min: '1', max: '2' } }], algorithm: { algorithmName: 'grid' } });
    const state = createState(experiment, 1, store);
    store.createExperiment(state);
    await runExperiment({ experiment: state, algorithm: createGrid(), runner: autoRunner((i) => ok(i)) });
    expect(store.loadState('loop-test')).toMatchObject({ exhausted: true, outcome: { reason: 'ExperimentSuggestionEndReached' } });
  });

  test('unknown experiments are named with what the store holds; a taken name is refused', () => {
    const state = createState(makeExperiment(), 1, store);
    store.createExperiment(state);
    expect(() => store.loadState('nope')).toThrow('no experiment named nope in ' + store.path + '; it holds: loop-test');
    expect(() => store.createExperiment(state)).toThrow(/already exists/);
  });
});
