import { status } from '@grpc/grpc-js';
import { expect } from 'vitest';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import { createRng } from '../../src/rng.js';
import type { SuggestionClient } from '../../suggestion-service/client.js';
import { encodeExperiment } from '../../suggestion-service/experiment-codec.js';
import type { WireGetSuggestionsReply, WireGetSuggestionsRequest, WireTrial, WireTrialCondition } from '../../suggestion-service/wire.js';
import { objectiveOf, trialName } from './support.js';

export interface Exchange {
  request: WireGetSuggestionsRequest;
  reply: WireGetSuggestionsReply;
}

/**
 * Katib's controller as it drives a Suggestion service (katib-spec §3.2, §3.3), on wire
 * messages: each round finishes the trials started before the last round, tops the
 * active trials up to parallelTrialCount within maxTrialCount, asks for exactly the
 * missing count with every listed trial (by name, as Kubernetes lists them; no
 * MetricsUnavailable ones), overlays the settings the algorithm returned, and creates
 * trials named by the reply or by Katib's rule.
 */
export interface ControllerOptions {
  /**
   * Accept replies with fewer assignments than asked (Scriba's "wait", e.g. a Hyperband
   * rung still running) and end at OUT_OF_RANGE (the algorithm is exhausted). Katib's
   * controller refuses both; the next round asks again for what is still missing.
   */
  shortReplies?: boolean;
}

export function katibController(client: SuggestionClient, experiment: AlgorithmExperiment, seed = 1, options: ControllerOptions = {}) {
  const parallel = experiment.spec.parallelTrialCount ?? 3;
  const max = experiment.spec.maxTrialCount ?? 12;
  const trials: Array<WireTrial & { name: string; round: number }> = [];
  const statusSettings = new Map<string, string>();
  const exchanges: Exchange[] = [];
  const ended: { error?: unknown } = {};
  const rng = createRng(seed, 'controller');
  let requests = 0;
  let suggestionCount = 0;
  let round = 0;

  const condition = (t: WireTrial) => t.status?.condition as WireTrialCondition;
  const finish = (t: WireTrial & { name: string }) => {
    const u = rng.next();
    const state: WireTrialCondition = u < 0.8 ? 'SUCCEEDED' : u < 0.9 ? 'FAILED' : u < 0.95 ? 'METRICSUNAVAILABLE' : 'EARLYSTOPPED';
    const loss = objectiveOf(t.spec?.parameterAssignments?.assignments as Array<{ name: string; value: string }>);
    const observed = state === 'SUCCEEDED' || state === 'EARLYSTOPPED';
    t.status = {
      ...t.status,
      condition: state,
      completionTime: timeOf(1000 + round),
      observation: { metrics: observed ? [{ name: 'loss', value: String(loss) }, { name: 'accuracy', value: String(1 / (1 + loss)) }] : [] },
    };
  };

  return {
    exchanges,
    trials,
    /** With `shortReplies`: the OUT_OF_RANGE error that ended the run, once it has. */
    ended,
    /**
     * One reconcile; false once the experiment has reached maxTrialCount with nothing
     * running. `via` replaces the client (a service restarted elsewhere).
     */
    async round(via: SuggestionClient = client): Promise<boolean> {
      round++;
      for (const t of trials) if (condition(t) === 'RUNNING' && t.round < round - 1) finish(t);
      const active = trials.filter((t) => condition(t) === 'RUNNING').length;
      const completed = trials.length - active;
      const add = Math.max(Math.min(max - completed, parallel) - active, 0);
      if (add === 0) return active > 0;
      // Katib's Suggestion asks for `requests` in all; a short reply leaves the rest to the next round's count.
      requests = options.shortReplies ? suggestionCount + add : requests + add;
      const n = requests - suggestionCount;
      const settings = [...(experiment.spec.algorithm?.algorithmSettings ?? [])].filter((s) => !statusSettings.has(s.name));
      for (const [name, value] of statusSettings) settings.push({ name, value });
      const wireExperiment = encodeExperiment({ ...experiment, spec: { ...experiment.spec, algorithm: { algorithmName: experiment.spec.algorithm?.algorithmName ?? '', algorithmSettings: settings } } });
      const listed = [...trials].filter((t) => condition(t) !== 'METRICSUNAVAILABLE').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const request: WireGetSuggestionsRequest = {
        experiment: wireExperiment,
        trials: listed.map(({ round: _, ...t }) => structuredClone(t)),
        currentRequestNumber: n,
        totalRequestNumber: requests,
      };
      let reply: WireGetSuggestionsReply;
      try {
        reply = await via.getSuggestionsWire(request);
      } catch (error) {
        if (!options.shortReplies || (error as { code?: number }).code !== status.OUT_OF_RANGE) throw error;
        ended.error = error;
        return false;
      }
      exchanges.push({ request, reply });
      const entries = reply.parameterAssignments ?? [];
      if (options.shortReplies) expect(entries.length, `round ${round}: at most ${n} assignments`).toBeLessThanOrEqual(n);
      else expect(entries, `round ${round}: Katib's controller needs exactly ${n} assignments`).toHaveLength(n);
      for (const s of reply.algorithm?.algorithmSettings ?? []) statusSettings.set(s.name ?? '', s.value ?? '');
      for (const entry of entries) {
        const index = trials.length;
        trials.push({
          name: entry.trialName || trialName(experiment.name, seed, index),
          round,
          spec: {
            objective: wireExperiment.spec?.objective ?? null,
            parameterAssignments: { assignments: entry.assignments ?? [] },
            labels: entry.labels ?? {},
          },
          status: { startTime: timeOf(index), completionTime: '', condition: 'RUNNING', observation: { metrics: [] } },
        });
      }
      suggestionCount += entries.length;
      return true;
    },
    async run(maxRounds = 100): Promise<Exchange[]> {
      for (let i = 0; i < maxRounds && (await this.round()); i++);
      return exchanges;
    },
  };
}

/** Katib's time format, one second apart. */
function timeOf(index: number): string {
  return `${new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString().slice(0, 19)}Z`;
}
