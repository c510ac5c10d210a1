import { afterEach, describe, expect, test } from 'vitest';
import { bracketRungs, BRACKET_LABEL, RUNG_LABEL } from '../../algorithms/hyperband/index.js';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import type { ParameterSpec } from '../../src/experiment/types.js';
import { SuggestionClient } from '../../suggestion-service/client.js';
import { decodeSuggestionsReply } from '../../suggestion-service/reply-codec.js';
import { expectInSpace } from '../algorithms/conformance.js';
import { katibController } from './katib-controller.js';
import { experiment, serve, SPACE, stopAll } from './support.js';

afterEach(stopAll);

const PARAMETERS: ParameterSpec[] = [...SPACE, { name: 'num-epochs', parameterType: 'int', feasibleSpace: { min: '1', max: '27' } }];

/** R = 27, η = 3: s_max = 3, brackets of 27+9+3+1, 12+4+1, 6+2 and 4 trials, 69 in all. */
function hyperband(parallel: number): AlgorithmExperiment {
  return experiment('hyperband', {
    parameters: PARAMETERS,
    settings: [{ name: 'resource_name', value: 'num-epochs' }, { name: 'eta', value: '3' }, { name: 'r_l', value: '27' }],
    parallel,
    max: 500,
  });
}

describe('hyperband over gRPC, driven as Katib drives a Suggestion service', () => {
  test.each([1, 5, 40])('parallelTrialCount %i: short replies while a rung runs, then OUT_OF_RANGE when the last bracket has ended', async (parallel) => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const client = new SuggestionClient(server.address);
    const e = hyperband(parallel);
    await client.validateAlgorithmSettings(e);
    const controller = katibController(client, e, 3, { shortReplies: true });
    await controller.run(2000);
    client.close();

    const { exchanges, trials } = controller;
    expect(String((controller.ended.error as Error | undefined)?.message)).toContain("Hyperband's last bracket (s = 0) has ended");
    expect(trials.length).toBeGreaterThan(0);
    expect(trials.length).toBeLessThanOrEqual(69);
    // Katib's controller would refuse these: fewer assignments than asked mean "wait".
    if (parallel > 1) expect(exchanges.some((x) => (x.reply.parameterAssignments?.length ?? 0) < (x.request.currentRequestNumber ?? 0))).toBe(true);
    for (const { reply } of exchanges) for (const a of decodeSuggestionsReply(reply).assignments) expectInSpace(PARAMETERS, a);
    // Each bracket's first rung is whole; later rungs hold at most Table 1's count, with r_i epochs.
    for (let s = 3; s >= 0; s--) {
      bracketRungs(27, 3, 3, s).forEach((rung, i) => {
        const members = trials.filter((t) => t.spec?.labels?.[BRACKET_LABEL] === String(s) && t.spec?.labels?.[RUNG_LABEL] === String(i));
        if (i === 0) expect(members, `bracket ${s}`).toHaveLength(rung.n);
        else expect(members.length).toBeLessThanOrEqual(rung.n);
        for (const t of members) expect(t.spec?.parameterAssignments?.assignments?.find((a) => a.name === 'num-epochs')?.value).toBe(String(rung.r));
      });
    }
    // The state came back in `algorithm` and went out again as settings of the next request.
    const settings = exchanges.at(-1)!.request.experiment?.spec?.algorithm?.algorithmSettings ?? [];
    expect(settings.map((s) => s.name)).toEqual(expect.arrayContaining(['current_s', 'current_i', 'evaluating_trials', 's_max', 'b_l']));
  });

  test('a service restarted before every call answers as one that ran throughout', async () => {
    const drive = async (restart: boolean) => {
      let server = await serve({ suggestion: { algorithm: 'all' } });
      let client = new SuggestionClient(server.address);
      const controller = katibController(client, hyperband(4), 5, { shortReplies: true });
      for (let round = 0; round < 2000; round++) {
        if (restart && round > 0) {
          client.close();
          await server.shutdown(1000);
          server = await serve({ suggestion: { algorithm: 'all' } });
          client = new SuggestionClient(server.address);
        }
        if (!(await controller.round(client))) break;
      }
      client.close();
      return controller.exchanges;
    };
    const throughout = await drive(false);
    const restarted = await drive(true);
    expect(restarted.map((x) => x.reply)).toEqual(throughout.map((x) => x.reply));
  }, 60_000);
});
