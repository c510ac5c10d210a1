import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, test } from 'vitest';
import { SuggestionClient } from '../../suggestion-service/client.js';
import { ENAS_CPU_NAS, KATIB_TEST_NAS, nasExperiment, SMALL } from '../algorithms/nas/fixtures.js';
import { katibController } from './katib-controller.js';
import { failure, serve, stopAll } from './support.js';

afterEach(stopAll);

const LOSS = { type: 'minimize' as const, objectiveMetricName: 'loss' };

describe('enas and darts over gRPC, driven as Katib drives a Suggestion service', () => {
  test('enas: every reply carries architecture and nn_config in Katib\'s format; a restarted service answers the same', async () => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const client = new SuggestionClient(server.address);
    const e = { ...nasExperiment(KATIB_TEST_NAS, SMALL, { objective: LOSS }), spec: { ...nasExperiment(KATIB_TEST_NAS, SMALL, { objective: LOSS }).spec, parallelTrialCount: 2, maxTrialCount: 6 } };
    await client.validateAlgorithmSettings(e);
    const controller = katibController(client, e, 5);
    const exchanges = await controller.run(20);
    client.close();
    expect(controller.trials).toHaveLength(6);
    expect(exchanges.length).toBeGreaterThanOrEqual(3);
    for (const t of controller.trials) {
      const assignments = t.spec?.parameterAssignments?.assignments ?? [];
      expect(assignments.map((a) => a.name)).toEqual(['architecture', 'nn_config']);
      const architecture = assignments[0]?.value ?? '';
      expect(architecture).not.toContain('"');
      const rows = JSON.parse(architecture.replaceAll("'", '"')) as number[][];
      // 4 layers; row k holds the op id then k skip flags; the test space has 2 + 2 = 4 ops.
      expect(rows.map((r) => r.length)).toEqual([1, 2, 3, 4]);
      for (const row of rows) {
        expect(row[0]).toBeGreaterThanOrEqual(0);
        expect(row[0]).toBeLessThan(4);
        for (const flag of row.slice(1)) expect([0, 1]).toContain(flag);
      }
      const config = JSON.parse((assignments[1]?.value ?? '').replaceAll("'", '"')) as Record<string, unknown>;
      expect(config).toMatchObject({ num_layers: 4, input_sizes: [32, 32, 8], output_sizes: [10] });
      // Katib's embedding describes the operations the architecture uses, in the order of their first layer.
      // (read from the text: a JavaScript object lists integer keys in ascending order).
      const keys = [...(assignments[1]?.value ?? '').matchAll(/'(\d+)': \{'opt_id'/g)].map((m) => m[1]);
      expect(keys).toEqual([...new Set(rows.map((r) => String(r[0])))]);
      expect(Object.keys(config.embedding as object).sort()).toEqual([...keys].sort());
    }
    // The controller state comes from the trials alone: a fresh service gives the same reply to the last request.
    const last = exchanges.at(-1);
    const restarted = await serve({ suggestion: { algorithm: 'all' } });
    const again = new SuggestionClient(restarted.address);
    expect(await again.getSuggestionsWire(structuredClone(last?.request ?? {}))).toEqual(last?.reply);
    again.close();
  }, 120_000);

  test('enas: invalid settings and nasConfig are INVALID_ARGUMENT naming the field', async () => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const client = new SuggestionClient(server.address);
    const bad = nasExperiment(ENAS_CPU_NAS, [{ name: 'controller_temperature', value: '-1' }, { name: 'lstm_size', value: '3' }]);
    const error = await failure(client.validateAlgorithmSettings(bad));
    client.close();
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('controller_temperature');
    expect(error.details).toContain('lstm_size');
  });

  test("darts: the trial gets Katib's algorithm-settings, search-space and num-layers", async () => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const client = new SuggestionClient(server.address);
    const e = nasExperiment(
      {
        graphConfig: { numLayers: 3 },
        operations: [
          { operationType: 'separable_convolution', parameters: [{ name: 'filter_size', parameterType: 'categorical', feasibleSpace: { list: ['3', '5'] } }] },
          { operationType: 'skip_connection', parameters: [{ name: 'filter_size', parameterType: 'categorical', feasibleSpace: { list: ['3'] } }] },
        ],
      },
      [{ name: 'num_epochs', value: '2' }],
      { algorithm: 'darts', objective: { type: 'maximize', objectiveMetricName: 'Best-Genotype' } },
    );
    await client.validateAlgorithmSettings(e);
    const { assignments } = await client.getSuggestions({ experiment: e, trials: [], count: 1 });
    client.close();
    expect(assignments).toHaveLength(1);
    const byName = Object.fromEntries((assignments[0] ?? []).map((a) => [a.name, a.value]));
    expect(Object.keys(byName).sort()).toEqual(['algorithm-settings', 'num-layers', 'search-space']);
    expect(byName['num-layers']).toBe('3');
    expect(byName['search-space']).toBe("['separable_convolution_3x3', 'separable_convolution_5x5', 'skip_connection']");
    expect(byName['algorithm-settings']).toContain("'num_epochs': '2'");
  });
});
