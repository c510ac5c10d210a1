import { hartmann6 } from '../functions/index.js';
import { createRng } from '../../src/rng.js';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import type { TrialRecord } from '../../src/trial/types.js';
import { encodeExperiment } from '../../suggestion-service/experiment-codec.js';
import { encodeTrial } from '../../suggestion-service/trial-codec.js';
import type { WireGetSuggestionsRequest } from '../../suggestion-service/wire.js';

/**
 * The benchmark's GetSuggestions request: hartmann6's six parameters on [0, 1], and
 * `trials` completed trials at uniform random points with their hartmann6 values (as
 * bench-protocol §4.1 pre-fills a study), shaped as Katib's controller sends them: the
 * objective in every trial spec, start and completion times, one value per metric.
 */
export function benchmarkRequest(algorithm: string, trials: number, client: number): WireGetSuggestionsRequest {
  const name = `grpc-bench-${client}`;
  const experiment: AlgorithmExperiment = {
    name,
    spec: {
      parameters: Array.from({ length: 6 }, (_, j) => ({ name: `x${j}`, parameterType: 'double' as const, feasibleSpace: { min: '0', max: '1' } })),
      objective: { type: 'minimize', objectiveMetricName: 'hartmann6' },
      algorithm: { algorithmName: algorithm, algorithmSettings: [] },
      parallelTrialCount: 16,
      maxTrialCount: trials + 1000,
    },
  };
  const rng = createRng(12345, 'grpc-bench', client);
  const names = 'bcdfghjklmnpqrstvwxz2456789';
  const history: TrialRecord[] = Array.from({ length: trials }, (_, k) => {
    const x = Array.from({ length: 6 }, () => rng.next());
    const value = String(hartmann6(x));
    const start = new Date(Date.UTC(2026, 0, 1) + k * 60_000);
    return {
      name: `${name}-${Array.from({ length: 8 }, () => names[rng.int(names.length)]).join('')}`,
      parameterAssignments: x.map((v, j) => ({ name: `x${j}`, value: String(v) })),
      condition: 'Succeeded',
      conditions: [],
      creationTime: start.toISOString(),
      startTime: `${start.toISOString().slice(0, 19)}Z`,
      completionTime: `${new Date(start.getTime() + 50_000).toISOString().slice(0, 19)}Z`,
      observation: { metrics: [{ name: 'hartmann6', min: value, max: value, latest: value }] },
    };
  });
  const objective = experiment.spec.objective;
  return {
    experiment: encodeExperiment(experiment),
    trials: history.map((t) => encodeTrial(t, objective)),
    currentRequestNumber: 1,
    totalRequestNumber: trials + 1,
  };
}
