import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, test } from 'vitest';
import { algorithmNames, getAlgorithm } from '../../algorithms/registry.js';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import type { ParameterSpec } from '../../src/experiment/types.js';
import { SuggestionClient } from '../../suggestion-service/client.js';
import { decodeSuggestionsReply } from '../../suggestion-service/reply-codec.js';
import { expectInSpace } from '../algorithms/conformance.js';
import { katibController, type Exchange } from './katib-controller.js';
import { experiment, failure, serve, stopAll } from './support.js';

afterEach(stopAll);

const GRID_SPACE: ParameterSpec[] = [
  { name: 'units', parameterType: 'int', feasibleSpace: { min: '8', max: '64', step: '8' } },
  { name: 'dropout', parameterType: 'double', feasibleSpace: { min: '0', max: '0.5', step: '0.1' } },
  { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam', 'rmsprop'] } },
];

/** An experiment each algorithm accepts; algorithms not listed get the shared five-parameter space. */
const EXPERIMENTS: Record<string, () => AlgorithmExperiment> = {
  random: () => experiment('random', { max: 14 }),
  grid: () => experiment('grid', { parameters: GRID_SPACE, max: 14 }),
  // Short start-ups so that later rounds come from the model.
  tpe: () => experiment('tpe', { settings: [{ name: 'n_startup_trials', value: '4' }], max: 14 }),
  'multivariate-tpe': () => experiment('multivariate-tpe', { settings: [{ name: 'n_startup_trials', value: '4' }], max: 14 }),
  pbt: () =>
    experiment('pbt', {
      parameters: GRID_SPACE,
      settings: [
        { name: 'suggestion_trial_dir', value: '/var/scriba/pbt' },
        { name: 'n_population', value: '5' },
        { name: 'truncation_threshold', value: '0.2' },
      ],
      max: 14,
    }),
};
const REQUIRED = Object.keys(EXPERIMENTS);

function experimentFor(name: string): AlgorithmExperiment {
  return EXPERIMENTS[name]?.() ?? experiment(name, { max: 14 });
}

/** Registered algorithms that can be created now; placeholders still being written throw. */
function available(name: string): boolean {
  try {
    getAlgorithm(name);
    return true;
  } catch {
    return false;
  }
}

async function drive(address: string, e: AlgorithmExperiment, seed = 1): Promise<Exchange[]> {
  const client = new SuggestionClient(address);
  try {
    return await katibController(client, e, seed).run();
  } finally {
    client.close();
  }
}

describe('every algorithm as Katib drives it, through `scriba serve suggestion --algorithm all`', () => {
  test('the required algorithms are registered and available', () => {
    for (const name of REQUIRED) {
      expect(algorithmNames()).toContain(name);
      expect(available(name), name).toBe(true);
    }
  });

  // Hyperband answers short while a rung runs, which Katib's controller would refuse: hyperband.grpc.test.ts drives it.
  // enas and darts search a nasConfig, not this parameter space: nas.grpc.test.ts drives them.
  test.each(algorithmNames().filter((n) => available(n) && !['hyperband', 'enas', 'darts'].includes(n)))('%s: every round returns exactly the requested count, inside the space', async (name) => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const e = experimentFor(name);
    const client = new SuggestionClient(server.address);
    await client.validateAlgorithmSettings(e);
    client.close();
    const exchanges = await drive(server.address, e);
    // 14 trials, 3 at a time: a first round of 3, then top-ups as trials finish.
    expect(exchanges.length).toBeGreaterThanOrEqual(4);
    expect(exchanges.reduce((n, x) => n + (x.reply.parameterAssignments?.length ?? 0), 0)).toBe(14);
    for (const { reply } of exchanges) {
      for (const assignments of decodeSuggestionsReply(reply).assignments) expectInSpace(e.spec.parameters ?? [], assignments);
    }
    if (name === 'grid') {
      const keys = exchanges.flatMap((x) => decodeSuggestionsReply(x.reply).assignments.map((a) => JSON.stringify(a)));
      expect(new Set(keys).size, 'a grid point is suggested once').toBe(keys.length);
    }
  });

  test.each(algorithmNames().filter((n) => !available(n)))('%s (not implemented yet): a clean INVALID_ARGUMENT naming it, and the server keeps serving', async (name) => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const client = new SuggestionClient(server.address);
    const e = experimentFor(name);
    const error = await failure(client.getSuggestions({ experiment: e, trials: [], count: 2 }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain(name);
    expect((await failure(client.validateAlgorithmSettings(e))).code).toBe(status.INVALID_ARGUMENT);
    expect((await client.getSuggestions({ experiment: experiment('random'), trials: [], count: 2 })).assignments).toHaveLength(2);
    client.close();
  });
});

describe('restart equivalence: a service restarted between two GetSuggestions calls answers the same', () => {
  test.each(REQUIRED)('%s', async (name) => {
    const e = experimentFor(name);
    const uninterrupted = await drive((await serve({ suggestion: { algorithm: 'all' } })).address, e, 7);

    // The same controller, with a service restarted after every second round.
    let server = await serve({ suggestion: { algorithm: 'all' } });
    let client = new SuggestionClient(server.address);
    const controller = katibController(client, e, 7);
    for (let round = 0; round < 100; round++) {
      if (round > 0 && round % 2 === 0) {
        client.close();
        await server.shutdown(1000);
        server = await serve({ suggestion: { algorithm: 'all' } });
        client = new SuggestionClient(server.address);
      }
      if (!(await controller.round(client))) break;
    }
    client.close();
    const restarted = controller.exchanges;
    expect(restarted.map((x) => x.reply)).toEqual(uninterrupted.map((x) => x.reply));
    expect(restarted.map((x) => x.request)).toEqual(uninterrupted.map((x) => x.request));
  });
});
