import { afterEach, describe, expect, test } from 'vitest';
import { PBT_GENERATION_LABEL, PBT_PARENT_LABEL } from '../../../algorithms/pbt/labels.js';
import type { ParameterSpec } from '../../../src/experiment/types.js';
import { SuggestionClient } from '../../../suggestion-service/client.js';
import { decodeSuggestionsReply } from '../../../suggestion-service/reply-codec.js';
import { expectInSpace } from '../conformance.js';
import { katibController } from '../../suggestion-service/katib-controller.js';
import { experiment, serve, stopAll } from '../../suggestion-service/support.js';

afterEach(stopAll);

const PARAMETERS: ParameterSpec[] = [
  { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.01', max: '0.5', step: '0.01' } },
  { name: 'units', parameterType: 'int', feasibleSpace: { min: '8', max: '64', step: '8' } },
  { name: 'batch', parameterType: 'discrete', feasibleSpace: { list: ['16', '32', '64'] } },
  { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam', 'rmsprop'] } },
];

const pbt = (parallel: number) =>
  experiment('pbt', {
    name: 'pbt-grpc',
    parameters: PARAMETERS,
    settings: [
      { name: 'suggestion_trial_dir', value: '/var/scriba/pbt' },
      { name: 'n_population', value: '5' },
      { name: 'truncation_threshold', value: '0.2' },
      { name: 'resample_probability', value: '0.25' },
    ],
    parallel,
    max: 40,
  });

describe('pbt through the real gRPC server, driven as Katib\'s controller drives it', () => {
  test.each([5, 3])('parallelTrialCount %d: generations and parent labels come back on the wire', async (parallel) => {
    const server = await serve({ suggestion: { algorithm: 'pbt' } });
    const client = new SuggestionClient(server.address);
    const e = pbt(parallel);
    await client.validateAlgorithmSettings(e);
    const controller = katibController(client, e, 4);
    await controller.run();
    client.close();

    const trials = controller.trials;
    expect(trials).toHaveLength(40);
    const byName = new Map(trials.map((t) => [t.name, t]));
    expect(byName.size).toBe(40);
    let maxGeneration = 0;
    for (const { reply } of controller.exchanges) {
      const decoded = decodeSuggestionsReply(reply);
      for (const a of decoded.assignments) expectInSpace(PARAMETERS, a);
      for (const entry of reply.parameterAssignments ?? []) {
        // The reply names its trials, so Katib's controller keeps those names.
        expect(entry.trialName).toMatch(/^pbt-grpc-[bcdfghjklmnpqrstvwxz2456789]{12}$/);
        const labels = entry.labels ?? {};
        const generation = Number(labels[PBT_GENERATION_LABEL]);
        expect(Number.isInteger(generation)).toBe(true);
        maxGeneration = Math.max(maxGeneration, generation);
        const parent = labels[PBT_PARENT_LABEL];
        if (generation === 0) expect(parent).toBeUndefined();
        else {
          const p = byName.get(parent ?? '');
          expect(p, `parent ${parent} of a generation-${generation} trial`).toBeDefined();
          expect(p!.spec?.labels?.[PBT_GENERATION_LABEL]).toBe(String(generation - 1));
          expect(['SUCCEEDED', 'EARLYSTOPPED']).toContain(p!.status?.condition);
        }
      }
    }
    // 40 trials of a population of 5, with a tenth failing: several generations.
    expect(maxGeneration).toBeGreaterThanOrEqual(4);
    // Each request carried the labels of every trial listed back to the service.
    const last = controller.exchanges.at(-1)!.request;
    expect(last.trials!.every((t) => t.spec?.labels?.[PBT_GENERATION_LABEL] !== undefined)).toBe(true);
  });
});
