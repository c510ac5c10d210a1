import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createEnas, ENAS_GENERATION_LABEL, ENAS_TRAINED_LABEL } from '../../../algorithms/enas/index.js';
import { formatCandidate } from '../../../algorithms/enas/format.js';
import { lessons, parseArchitecture } from '../../../algorithms/enas/history.js';
import { readRequests } from '../../../algorithms/enas/labels.js';
import { readEnasSettings } from '../../../algorithms/enas/settings.js';
import { enumerateOperations } from '../../../algorithms/nas/enumerate.js';
import { getAlgorithm } from '../../../algorithms/registry.js';
import type { SuggestionReply } from '../../../algorithms/types.js';
import type { AlgorithmSetting, NasConfig } from '../../../src/experiment/types.js';
import type { TrialRecord } from '../../../src/trial/types.js';
import { ENAS_CPU_NAS, KATIB_TEST_NAS, SMALL, nasExperiment, trialOf } from './fixtures.js';

const S = 'spec.algorithm.algorithmSettings';

describe('enas settings (enas/AlgorithmSettings.py)', () => {
  const validate = (settings: AlgorithmSetting[]) => createEnas().validateSettings(nasExperiment(ENAS_CPU_NAS, settings));

  test("Katib's example is valid; the defaults are Katib's", () => {
    expect(validate([])).toEqual([]);
    expect(readEnasSettings(nasExperiment(ENAS_CPU_NAS))).toEqual({
      hiddenSize: 64,
      temperature: 5,
      tanhConst: 2.25,
      entropyWeight: 1e-5,
      baselineDecay: 0.999,
      learningRate: 5e-5,
      skipTarget: 0.4,
      skipWeight: 0.8,
      trainSteps: 50,
      logEverySteps: 10,
    });
  });

  test('"None" drops temperature, tanh_const, entropy_weight and skip_weight', () => {
    const none = ['controller_temperature', 'controller_tanh_const', 'controller_entropy_weight', 'controller_skip_weight'].map((name) => ({ name, value: 'None' }));
    expect(validate(none)).toEqual([]);
    const s = readEnasSettings(nasExperiment(ENAS_CPU_NAS, none));
    expect([s.temperature, s.tanhConst, s.entropyWeight, s.skipWeight]).toEqual([null, null, null, null]);
  });

  test.each([
    ['controller_hidden_size', '0', 'expected an integer >= 1'],
    ['controller_hidden_size', '1.5', 'expected an integer >= 1'],
    ['controller_hidden_size', 'None', 'expected an integer >= 1'],
    ['controller_temperature', '0', 'expected a number > 0'],
    ['controller_tanh_const', '-1', 'expected a number > 0'],
    ['controller_entropy_weight', 'x', 'expected a number > 0'],
    ['controller_baseline_decay', '0', 'expected a number > 0 and <= 1'],
    ['controller_baseline_decay', '1.01', 'expected a number > 0 and <= 1'],
    ['controller_learning_rate', '2', 'expected a number > 0 and <= 1'],
    ['controller_skip_target', 'None', 'expected a number > 0 and <= 1'],
    ['controller_skip_weight', '0', 'expected a number > 0'],
    ['controller_train_steps', '0', 'expected an integer >= 1'],
    ['controller_log_every_steps', '0', 'expected an integer >= 1'],
  ])('%s = %s is rejected', (name, value, expected) => {
    expect(validate([{ name: 'controller_train_steps', value: '5' }, { name, value }])).toEqual([
      { path: `${S}[1].value`, message: `failed to validate ${name}(${value}): ${expected}` },
    ]);
  });

  test('edges that are valid: decay, learning rate and skip target of 1', () => {
    expect(validate(['controller_baseline_decay', 'controller_learning_rate', 'controller_skip_target'].map((name) => ({ name, value: '1' })))).toEqual([]);
  });

  test('an unknown setting is rejected', () => {
    const issues = validate([{ name: 'num_epochs', value: '3' }]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(`${S}[0].name`);
    expect(issues[0]?.message).toMatch(/^unknown setting num_epochs for algorithm enas; known settings: controller_hidden_size, /);
  });

  test('graphConfig and operation problems come first', () => {
    const issues = createEnas().validateSettings(nasExperiment({ graphConfig: { numLayers: 2, inputSizes: [32] }, operations: [{ operationType: 'conv', parameters: [] }] }));
    expect(issues.map((i) => i.path)).toEqual(['spec.nasConfig.graphConfig.outputSizes', 'spec.nasConfig.operations[0].parameters']);
  });
});

describe("Katib's output format (enas/service.py GetSuggestions)", () => {
  test("test_enas_service.py's architecture, as its trial program receives it", () => {
    // Layers use ops 3, 0, 0, 2: the embedding lists 3, 0, 2 (first use, no repeats), keys
    // as strings (json.dumps of int keys), convolution values as listed strings, pool_size
    // an int (Python range), ", " and ": " separators, every " turned into '.
    const arc = [[3], [0, 1], [0, 0, 1], [2, 1, 0, 0]];
    const out = formatCandidate(arc, KATIB_TEST_NAS, enumerateOperations(KATIB_TEST_NAS.operations ?? []));
    expect(out).toEqual([
      { name: 'architecture', value: '[[3], [0, 1], [0, 0, 1], [2, 1, 0, 0]]' },
      {
        name: 'nn_config',
        value:
          "{'num_layers': 4, 'input_sizes': [32, 32, 8], 'output_sizes': [10], 'embedding': {" +
          "'3': {'opt_id': 3, 'opt_type': 'reduction', 'opt_params': {'reduction_type': 'max_pooling', 'pool_size': 3}}, " +
          "'0': {'opt_id': 0, 'opt_type': 'convolution', 'opt_params': {'filter_size': '5', 'num_filter': '128', 'stride': '1'}}, " +
          "'2': {'opt_id': 2, 'opt_type': 'reduction', 'opt_params': {'reduction_type': 'max_pooling', 'pool_size': 2}}}}",
      },
    ]);
  });

  test('a double parameter is a Python float', () => {
    const nas: NasConfig = {
      graphConfig: { numLayers: 1, inputSizes: [8], outputSizes: [2] },
      operations: [{ operationType: 'dropout', parameters: [{ name: 'rate', parameterType: 'double', feasibleSpace: { min: '0.5', max: '1', step: '0.5' } }] }],
    };
    const [, nn] = formatCandidate([[1]], nas, enumerateOperations(nas.operations ?? []));
    expect(nn?.value).toBe("{'num_layers': 1, 'input_sizes': [8], 'output_sizes': [2], 'embedding': {'1': {'opt_id': 1, 'opt_type': 'dropout', 'opt_params': {'rate': 1.0}}}}");
  });
});

/** The trials of a reply, created in order, then ended as `outcome` says (value or condition), last created first. */
function trialsOf(reply: SuggestionReply, from: number, outcome: (i: number) => { condition: TrialRecord['condition']; value?: number }): TrialRecord[] {
  return reply.assignments.map((assignments, i) => {
    const o = outcome(from + i);
    // The trials of a reply finish in the reverse of their creation order.
    const completionTime = new Date(Date.UTC(2024, 0, 1) + 1000 * (from + reply.assignments.length - i)).toISOString();
    return { ...trialOf(`t${from + i}`, o.condition, { ...(o.value !== undefined ? { value: o.value } : {}), labels: reply.labels?.[i] ?? {} }), parameterAssignments: assignments, completionTime };
  });
}

describe('enas suggestions', () => {
  const experiment = nasExperiment(KATIB_TEST_NAS, SMALL);

  test('the first request samples untrained; labels say request 0, no reward', async () => {
    const reply = await createEnas().getSuggestions({ experiment, trials: [], count: 3, seed: 4 });
    expect(reply.assignments).toHaveLength(3);
    expect(reply.labels).toEqual(Array.from({ length: 3 }, () => ({ [ENAS_GENERATION_LABEL]: '0', [ENAS_TRAINED_LABEL]: '0' })));
    for (const a of reply.assignments) expect(a.map((x) => x.name)).toEqual(['architecture', 'nn_config']);
  });

  const dims = { numLayers: 4, numOperations: 4, hiddenSize: 8 };
  const arcA = [[0], [1, 0], [2, 1, 0], [3, 0, 0, 1]];
  const arcB = [[3], [3, 1], [0, 0, 0], [1, 1, 1, 1]];
  const withArc = (t: TrialRecord, arc: unknown, completionTime?: string): TrialRecord => ({
    ...t,
    parameterAssignments: [{ name: 'architecture', value: JSON.stringify(arc) }],
    ...(completionTime ? { completionTime } : {}),
  });

  test('what the controller learns from: Succeeded trials with their own architecture and result, by completion time then name', () => {
    const trials = [
      withArc(trialOf('late', 'Succeeded', { value: 0.88 }), arcA, '2024-01-01T00:00:09Z'),
      withArc(trialOf('b', 'Succeeded', { value: 0.84 }), arcB, '2024-01-01T00:00:05Z'),
      withArc(trialOf('a', 'Succeeded', { value: 0.5 }), arcB, '2024-01-01T00:00:05Z'),
      withArc(trialOf('failed', 'Failed', { value: 0.1 }), arcA),
      withArc(trialOf('running', 'Running', { value: 0.99 }), arcA),
      withArc(trialOf('early', 'EarlyStopped', { value: 0.5 }), arcA),
      withArc(trialOf('no-value', 'Succeeded'), arcA),
      withArc(trialOf('other-graph', 'Succeeded', { value: 0.9 }), [[0], [1, 0]]),
    ];
    const max = { type: 'maximize' as const, objectiveMetricName: 'Validation-Accuracy' };
    expect(lessons(trials, max, dims)).toEqual([
      { name: 'a', arc: arcB, reward: 0.5 },
      { name: 'b', arc: arcB, reward: 0.84 },
      { name: 'late', arc: arcA, reward: 0.88 },
    ]);
    expect(lessons(trials, { ...max, type: 'minimize' }, dims).map((l) => l.reward)).toEqual([-0.5, -0.84, -0.88]);
  });

  test('an architecture of another graph is not one to learn from', () => {
    expect(parseArchitecture('[[0], [1, 0], [2, 1, 0], [3, 0, 0, 1]]', dims)).toEqual(arcA);
    for (const bad of ['[[4], [1, 0], [2, 1, 0], [3, 0, 0, 1]]', '[[0], [1, 2], [2, 1, 0], [3, 0, 0, 1]]', '[[0], [1], [2, 1, 0], [3, 0, 0, 1]]', '[[0]]', '[[0.5], [1, 0], [2, 1, 0], [3, 0, 0, 1]]', 'not json', '{}'])
      expect(parseArchitecture(bad, dims)).toBeNull();
  });

  test('a later request is labelled with its number and how many trials it learnt from', async () => {
    const enas = createEnas();
    const first = await enas.getSuggestions({ experiment, trials: [], count: 3, seed: 4 });
    const trials = trialsOf(first, 0, (i) => (i === 2 ? { condition: 'Failed' } : { condition: 'Succeeded', value: [0.88, 0.84][i] as number }));
    const second = await enas.getSuggestions({ experiment, trials, count: 1, seed: 4 });
    expect(second.labels?.[0]).toEqual({ [ENAS_GENERATION_LABEL]: '1', [ENAS_TRAINED_LABEL]: '2' });
    expect(readRequests([...trials, ...trialsOf(second, 3, () => ({ condition: 'Running' }))])).toEqual([0, 2]);
  });

  test('the counts read back: a request whose trials are gone learnt nothing new', () => {
    const at = (g: number, trained: string) => trialOf(`t${g}`, 'Succeeded', { labels: { [ENAS_GENERATION_LABEL]: String(g), [ENAS_TRAINED_LABEL]: trained } });
    expect(readRequests([at(0, '0'), at(1, '1'), at(3, '4'), at(4, 'x')])).toEqual([0, 1, 1, 4, 4]);
    expect(readRequests([])).toEqual([]);
  });

  test('trained on its trials, the controller samples the rewarded operation more often', async () => {
    // Reward 1 when layer 0 uses operation 2, else 0: after 9 requests of 4 trials the
    // sampled share of operation 2 at layer 0 rises from the uniform 1/4. (Katib's default
    // learning rate, 5e-5, needs thousands of trials to move weights that start at ±0.01.)
    const e = nasExperiment(KATIB_TEST_NAS, [
      { name: 'controller_hidden_size', value: '8' },
      { name: 'controller_train_steps', value: '20' },
      { name: 'controller_learning_rate', value: '0.05' },
    ]);
    const enas = createEnas();
    const share = (reply: SuggestionReply) => reply.assignments.filter((a) => (JSON.parse(a[0]?.value ?? '') as number[][])[0]?.[0] === 2).length / reply.assignments.length;
    let trials: TrialRecord[] = [];
    const untrained = share(await enas.getSuggestions({ experiment: e, trials: [], count: 200, seed: 5 }));
    for (let request = 0; request < 9; request++) {
      const reply = await enas.getSuggestions({ experiment: e, trials, count: 4, seed: 5 });
      trials = [...trials, ...trialsOf(reply, trials.length, () => ({ condition: 'Succeeded' })).map((t, i) => {
        const op = (JSON.parse(t.parameterAssignments[0]?.value ?? '') as number[][])[0]?.[0];
        const reward = op === 2 ? '1' : '0';
        return { ...t, completionTime: `2024-01-01T00:${String(request).padStart(2, '0')}:0${i}Z`, observation: { metrics: [{ name: 'Validation-Accuracy', min: reward, max: reward, latest: reward }] } };
      })];
    }
    const trained = share(await enas.getSuggestions({ experiment: e, trials, count: 200, seed: 5 }));
    expect(untrained).toBeGreaterThan(0.15);
    expect(untrained).toBeLessThan(0.35);
    expect(trained).toBeGreaterThan(untrained + 0.25);
  });

  test('same seed and trials, same answer; another seed, another', async () => {
    const a = await createEnas().getSuggestions({ experiment, trials: [], count: 4, seed: 9 });
    const b = await createEnas().getSuggestions({ experiment, trials: [], count: 4, seed: 9 });
    const c = await createEnas().getSuggestions({ experiment, trials: [], count: 4, seed: 10 });
    expect(a).toEqual(b);
    expect(c.assignments).not.toEqual(a.assignments);
  });

  test('restart: a fresh service rebuilding from the trials gives what the remembering one gives', async () => {
    const remembering = createEnas();
    const outcomes = (i: number) => (i % 3 === 2 ? { condition: 'Failed' as const } : { condition: 'Succeeded' as const, value: 0.5 + 0.07 * i });
    let trials: TrialRecord[] = [];
    for (let request = 0; request < 4; request++) {
      const count = 1 + (request % 2);
      const cached = await remembering.getSuggestions({ experiment, trials, count, seed: 21 });
      const rebuilt = await createEnas().getSuggestions({ experiment, trials, count, seed: 21 });
      const replayedOnly = await createEnas({ memo: false }).getSuggestions({ experiment, trials, count, seed: 21 });
      expect(rebuilt).toEqual(cached);
      expect(replayedOnly).toEqual(cached);
      trials = [...trials, ...trialsOf(cached, trials.length, outcomes)];
    }
    // Requests 0–3, numbered from the labels alone (two trials where two were asked for).
    expect(trials.map((t) => t.labels?.[ENAS_GENERATION_LABEL])).toEqual(['0', '1', '1', '2', '3', '3']);
  });

  test('the remembered controller is not reused for a different history', async () => {
    const enas = createEnas();
    const first = await enas.getSuggestions({ experiment, trials: [], count: 2, seed: 3 });
    const good = trialsOf(first, 0, () => ({ condition: 'Succeeded', value: 0.9 }));
    const bad = trialsOf(first, 0, () => ({ condition: 'Succeeded', value: -0.9 }));
    await enas.getSuggestions({ experiment, trials: good, count: 2, seed: 3 });
    const afterBad = await enas.getSuggestions({ experiment, trials: [...bad], count: 2, seed: 3 });
    expect(afterBad).toEqual(await createEnas().getSuggestions({ experiment, trials: bad, count: 2, seed: 3 }));
  });

  test("Katib's enas-cpu.yaml with the default settings", async () => {
    const e = nasExperiment(ENAS_CPU_NAS, [{ name: 'controller_train_steps', value: '5' }]);
    const first = await createEnas().getSuggestions({ experiment: e, trials: [], count: 2, seed: 1 });
    const second = await createEnas().getSuggestions({ experiment: e, trials: trialsOf(first, 0, () => ({ condition: 'Succeeded', value: 0.3 })), count: 1, seed: 1 });
    for (const a of [...first.assignments, ...second.assignments]) {
      expect(a[0]?.value).toMatch(/^\[\[\d+\]\]$/);
      expect(Number(/\d+/.exec(a[0]?.value ?? '')?.[0])).toBeLessThan(106);
      expect(a[1]?.value).toMatch(/^\{'num_layers': 1, 'input_sizes': \[32, 32, 3\], 'output_sizes': \[10\], 'embedding': \{'\d+': \{'opt_id': \d+, 'opt_type': '\w+', 'opt_params': \{/);
    }
  });

  test('a request leaves no tensor behind and runs on the cpu backend', async () => {
    const enas = createEnas({ memo: false });
    const first = await enas.getSuggestions({ experiment, trials: [], count: 2, seed: 2 });
    const before = tf.memory().numTensors;
    await enas.getSuggestions({ experiment, trials: trialsOf(first, 0, () => ({ condition: 'Succeeded', value: 0.7 })), count: 2, seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.getBackend()).toBe('cpu');
  });

  test('registered under its Katib name', () => {
    expect(getAlgorithm('enas').name).toBe('enas');
    expect(getAlgorithm('darts').name).toBe('darts');
  });
});

describe('enas properties over random nasConfigs', () => {
  const parameter = fc.oneof(
    fc.record({ name: fc.constantFrom('a', 'b'), parameterType: fc.constant('categorical' as const), feasibleSpace: fc.record({ list: fc.uniqueArray(fc.constantFrom('1', '3', 'x'), { minLength: 1, maxLength: 3 }) }) }),
    fc.integer({ min: 1, max: 3 }).map((n) => ({ name: 'k', parameterType: 'int' as const, feasibleSpace: { min: '1', max: String(n), step: '1' } })),
  );
  const operation = fc.record({
    operationType: fc.constantFrom('convolution', 'reduction', 'pool'),
    parameters: fc.array(parameter, { minLength: 1, maxLength: 2 }).map((ps) => ps.map((p, i) => ({ ...p, name: `${p.name}${i}` }))),
  });
  const scenario = fc.record({
    numLayers: fc.integer({ min: 1, max: 4 }),
    operations: fc.array(operation, { minLength: 1, maxLength: 3 }),
    count: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    trained: fc.boolean(),
  });

  test('valid, and every architecture respects the graph', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ numLayers, operations, count, seed, trained }) => {
        const nas: NasConfig = { graphConfig: { numLayers, inputSizes: [8, 8, 1], outputSizes: [2] }, operations };
        const e = nasExperiment(nas, [{ name: 'controller_hidden_size', value: '4' }, { name: 'controller_train_steps', value: '1' }]);
        const enas = createEnas();
        expect(enas.validateSettings(e)).toEqual([]);
        const m = enumerateOperations(operations).length;
        let reply = await enas.getSuggestions({ experiment: e, trials: [], count, seed });
        if (trained) reply = await enas.getSuggestions({ experiment: e, trials: trialsOf(reply, 0, () => ({ condition: 'Succeeded', value: 1 })), count, seed });
        expect(reply.assignments).toHaveLength(count);
        for (const a of reply.assignments) {
          const arc = JSON.parse(a[0]?.value ?? '') as number[][];
          expect(arc).toHaveLength(numLayers);
          arc.forEach((row, k) => {
            expect(row).toHaveLength(k + 1);
            expect(Number.isInteger(row[0]) && (row[0] as number) >= 0 && (row[0] as number) < m).toBe(true);
            for (const flag of row.slice(1)) expect(flag === 0 || flag === 1).toBe(true);
          });
          const nn = JSON.parse((a[1]?.value ?? '').replaceAll("'", '"')) as { num_layers: number; embedding: Record<string, { opt_id: number }> };
          expect(nn.num_layers).toBe(numLayers);
          expect(Object.keys(nn.embedding).sort()).toEqual([...new Set(arc.map((r) => String(r[0])))].sort());
        }
      }),
      { numRuns: 12 },
    );
  });
});
