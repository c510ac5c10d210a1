import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { AlgorithmExperiment, SuggestionReply } from '../../algorithms/types.js';
import type { TrialRecord } from '../../src/trial/types.js';
import { decodeExperiment, encodeExperiment } from '../../suggestion-service/experiment-codec.js';
import { decodeTrial, decodeTrials, encodeTrial, inCreationOrder } from '../../suggestion-service/trial-codec.js';
import { katibServices } from '../../suggestion-service/proto.js';
import { decodeSuggestionsReply, encodeSuggestionsReply } from '../../suggestion-service/reply-codec.js';
import type { WireExperiment, WireTrial } from '../../suggestion-service/wire.js';
import { parametersArbitrary } from '../support/arbitraries.js';

/** Through the bytes, as a peer would send it: serialize with one message type, deserialize with the loader's options. */
function overTheWire<T>(message: T): T {
  const method = katibServices().Suggestion.service.GetSuggestions as unknown as {
    requestSerialize: (m: unknown) => Buffer;
    requestDeserialize: (b: Buffer) => { experiment: unknown; trials: unknown[] };
  };
  const isTrial = (message as WireTrial).status !== undefined;
  const request = isTrial ? { trials: [message] } : { experiment: message };
  const back = method.requestDeserialize(method.requestSerialize(request));
  return (isTrial ? back.trials[0] : back.experiment) as T;
}

describe('experiment codec', () => {
  test('property: an experiment survives encode, the wire and decode', () => {
    const experimentArb = fc.record({
      parameters: parametersArbitrary(),
      type: fc.constantFrom('minimize' as const, 'maximize' as const),
      goal: fc.option(fc.double({ min: -10, max: 10, noNaN: true }).filter((g) => g !== 0), { nil: undefined }),
      parallel: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
      max: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
      settings: fc.array(fc.record({ name: fc.stringMatching(/^[a-z_]{1,12}$/), value: fc.string() }), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(experimentArb, ({ parameters, type, goal, parallel, max, settings }) => {
        const e: AlgorithmExperiment = {
          name: 'codec',
          spec: {
            parameters,
            objective: { type, objectiveMetricName: 'loss', ...(goal === undefined ? {} : { goal }), additionalMetricNames: ['acc'] },
            algorithm: { algorithmName: 'tpe', algorithmSettings: settings },
            earlyStopping: { algorithmName: 'medianstop', algorithmSettings: [{ name: 'start_step', value: '2' }] },
            ...(parallel === undefined ? {} : { parallelTrialCount: parallel }),
            ...(max === undefined ? {} : { maxTrialCount: max }),
          },
        };
        const { experiment, issues } = decodeExperiment(overTheWire(encodeExperiment(e)));
        expect(issues).toEqual([]);
        // Katib defaults every distribution to uniform; "uniform" is sent as UNIFORM and comes back as such.
        expect(experiment).toEqual(e);
      }),
      { numRuns: 100 },
    );
  });

  test('proto3 defaults become unset fields: "" bounds, empty lists, 0 counts and goal, UNSPECIFIED distribution', () => {
    const wire: WireExperiment = {
      name: 'x',
      spec: {
        parameterSpecs: { parameters: [{ name: 'k', parameterType: 'INT', feasibleSpace: { min: '1', max: '3', step: '', list: [], distribution: 'DISTRIBUTION_UNSPECIFIED' } }] },
        objective: { type: 'MAXIMIZE', goal: 0, objectiveMetricName: 'acc', additionalMetricNames: [] },
        algorithm: { algorithmName: 'random', algorithmSettings: [] },
        parallelTrialCount: 0,
        maxTrialCount: 0,
        earlyStopping: null,
        nasConfig: null,
      },
    };
    expect(decodeExperiment(wire)).toEqual({
      experiment: {
        name: 'x',
        spec: {
          parameters: [{ name: 'k', parameterType: 'int', feasibleSpace: { min: '1', max: '3' } }],
          objective: { type: 'maximize', objectiveMetricName: 'acc' },
          algorithm: { algorithmName: 'random', algorithmSettings: [] },
        },
      },
      issues: [],
    });
  });

  test('a NAS config comes through', () => {
    const e: AlgorithmExperiment = {
      name: 'nas',
      spec: {
        objective: { type: 'maximize', objectiveMetricName: 'acc' },
        algorithm: { algorithmName: 'enas', algorithmSettings: [] },
        nasConfig: {
          graphConfig: { numLayers: 8, inputSizes: [32, 32, 3], outputSizes: [10] },
          operations: [{ operationType: 'convolution', parameters: [{ name: 'filter_size', parameterType: 'categorical', feasibleSpace: { list: ['3', '5'] } }] }],
        },
      },
    };
    const decoded = decodeExperiment(overTheWire(encodeExperiment(e))).experiment;
    expect(decoded?.spec.nasConfig).toEqual(e.spec.nasConfig);
    expect(decoded?.spec.parameters).toBeUndefined();
  });
});

describe('trial codec', () => {
  const record: TrialRecord = {
    name: 't-1',
    parameterAssignments: [{ name: 'x', value: '0.5' }],
    condition: 'Succeeded',
    conditions: [],
    creationTime: '2026-01-01T00:00:00Z',
    startTime: '2026-01-01T00:00:00Z',
    completionTime: '2026-01-01T00:10:00Z',
    labels: { team: 'a' },
    observation: { metrics: [{ name: 'loss', min: '0.1', max: '0.9', latest: '0.4' }, { name: 'acc', min: '0.2', max: '0.8', latest: '0.7' }] },
  };

  test('the controller sends one value per metric, by the metric\'s strategy (minimize: min, by Katib\'s defaults)', () => {
    const wire = encodeTrial(record, { type: 'minimize', objectiveMetricName: 'loss', metricStrategies: [{ name: 'acc', value: 'latest' }] });
    expect(wire.status?.observation?.metrics).toEqual([{ name: 'loss', value: '0.1' }, { name: 'acc', value: '0.7' }]);
    expect(wire.status?.condition).toBe('SUCCEEDED');
  });

  test('decoded, the one value is min, max and latest at once; times, labels and condition kept', () => {
    const decoded = decodeTrial(overTheWire(encodeTrial(record, { type: 'maximize', objectiveMetricName: 'loss' })));
    expect(decoded).toEqual({
      name: 't-1',
      parameterAssignments: [{ name: 'x', value: '0.5' }],
      condition: 'Succeeded',
      conditions: [{ type: 'Succeeded', status: 'True', reason: '', message: '', lastTransitionTime: '2026-01-01T00:10:00Z' }],
      creationTime: '2026-01-01T00:00:00Z',
      startTime: '2026-01-01T00:00:00Z',
      completionTime: '2026-01-01T00:10:00Z',
      labels: { team: 'a' },
      observation: { metrics: [{ name: 'loss', min: '0.9', max: '0.9', latest: '0.9' }, { name: 'acc', min: '0.8', max: '0.8', latest: '0.8' }] },
    });
  });

  test.each([
    ['UNKNOWN', 'Created'],
    [42, 'Created'],
    ['METRICSUNAVAILABLE', 'MetricsUnavailable'],
    ['EARLYSTOPPED', 'EarlyStopped'],
    ['KILLED', 'Killed'],
  ] as const)('condition %s decodes as %s (UNKNOWN: Katib\'s trial with no condition yet)', (condition, expected) => {
    expect(decodeTrial({ name: 'x', status: { condition } }).condition).toBe(expected);
  });

  test('Katib\'s zero time is no time', () => {
    const t = decodeTrial({ name: 'x', status: { startTime: '0001-01-01T00:00:00Z', completionTime: '', condition: 'RUNNING' } });
    expect(t.startTime).toBeUndefined();
    expect(t.completionTime).toBeUndefined();
  });

  test('trials listed by name come back in creation (start-time) order; ties and unstarted trials keep their place', () => {
    const at = (name: string, startTime: string): WireTrial => ({ name, status: { startTime, condition: 'RUNNING' } });
    const listed = [at('e-b', '2026-01-01T00:00:02Z'), at('e-c', ''), at('e-d', '2026-01-01T00:00:01Z'), at('e-f', '2026-01-01T00:00:01Z'), at('e-g', '2026-01-01T00:00:00Z')];
    expect(decodeTrials(listed).map((t) => t.name)).toEqual(['e-g', 'e-d', 'e-f', 'e-b', 'e-c']);
  });
});

describe('creation order', () => {
  test('property: a stable sort by parsed start time (unset and unparsable last), whatever the formats', () => {
    const second = fc.integer({ min: 0, max: 200 });
    const startTime = fc.oneof(
      second.map((k) => `${new Date(Date.UTC(2026, 0, 1) + k * 1000).toISOString().slice(0, 19)}Z`),
      second.map((k) => new Date(Date.UTC(2026, 0, 1) + k * 1000 + 500).toISOString()),
      second.map((k) => `${new Date(Date.UTC(2026, 0, 1) + k * 1000).toISOString().slice(0, 19)}+00:00`),
      fc.constant(undefined),
      fc.constant('not a time Z'),
    );
    fc.assert(
      fc.property(fc.array(startTime, { maxLength: 30 }), (times) => {
        const records: TrialRecord[] = times.map((t, i) => ({ name: `t${i}`, parameterAssignments: [], condition: 'Running', conditions: [], creationTime: '', ...(t === undefined ? {} : { startTime: t }) }));
        const key = (t: TrialRecord) => {
          const ms = t.startTime === undefined ? NaN : Date.parse(t.startTime);
          return Number.isNaN(ms) ? Infinity : ms;
        };
        const expected = records.map((r, i) => ({ r, i })).sort((a, b) => key(a.r) - key(b.r) || a.i - b.i).map(({ r }) => r.name);
        expect(inCreationOrder(records).map((r) => r.name)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('reply codec', () => {
  test('names, labels, settings and rules round-trip; absent ones stay absent', () => {
    const reply: SuggestionReply = {
      assignments: [[{ name: 'x', value: '1' }], [{ name: 'x', value: '2' }]],
      trialNames: ['a', 'b'],
      labels: [{ k: 'v' }, {}],
      settingsUpdate: [{ name: 'current_s', value: '2' }],
      earlyStoppingRules: [{ name: 'loss', value: '0.3', comparison: 'less', startStep: 4 }],
    };
    expect(decodeSuggestionsReply(encodeSuggestionsReply(reply, 'hyperband'))).toEqual(reply);
    expect(encodeSuggestionsReply(reply, 'hyperband').algorithm).toEqual({ algorithmName: 'hyperband', algorithmSettings: [{ name: 'current_s', value: '2' }] });
    expect(decodeSuggestionsReply(encodeSuggestionsReply({ assignments: [[]] }, 'random'))).toEqual({ assignments: [[]] });
  });
});
