import type { NasConfig } from '../../src/experiment/types.js';
import type { ParameterAssignment } from '../../src/trial/types.js';
import type { EnumeratedOperation } from '../nas/enumerate.js';
import { katibQuotes, pyDict, pyJsonDumps, type PyJson } from '../nas/python-json.js';

/**
 * A trial's assignments in Katib's exact format (katib-spec §4.7), which Katib's ENAS
 * trial programs parse:
 *   architecture: `[[op], [op, skip], [op, skip, skip], ...]`, one row per layer;
 *   nn_config: `{'num_layers': L, 'input_sizes': [...], 'output_sizes': [...],
 *     'embedding': {'<id>': {'opt_id': id, 'opt_type': type, 'opt_params': {...}}, ...}}`
 *     with one embedding entry per distinct op id, in the order the layers first use them;
 * both Python `json.dumps` text with `"` replaced by `'`.
 */
export function formatCandidate(arc: readonly (readonly number[])[], nasConfig: NasConfig, operations: readonly EnumeratedOperation[]): ParameterAssignment[] {
  const graph = nasConfig.graphConfig ?? {};
  const embedding: [string, PyJson][] = [];
  for (const row of arc) {
    const id = row[0] ?? 0;
    if (embedding.some(([key]) => key === String(id))) continue;
    const op = operations[id];
    const entry = pyDict([
      ['opt_id', id],
      ['opt_type', op?.type ?? ''],
      ['opt_params', pyDict(op?.params ?? [])],
    ]);
    embedding.push([String(id), entry]);
  }
  const nnConfig = pyDict([
    ['num_layers', graph.numLayers ?? arc.length],
    ['input_sizes', [...(graph.inputSizes ?? [])]],
    ['output_sizes', [...(graph.outputSizes ?? [])]],
    ['embedding', pyDict(embedding)],
  ]);
  return [
    { name: 'architecture', value: katibQuotes(pyJsonDumps(arc.map((row) => [...row]))) },
    { name: 'nn_config', value: katibQuotes(pyJsonDumps(nnConfig)) },
  ];
}
