import { createRng } from '../../../src/rng.js';

/**
 * The search space of Katib's examples/v1beta1/nas/enas-cpu.yaml as its enas suggestion
 * numbers it: the cartesian product of each operation's parameter values, in the order
 * the parameters are listed, ids 0..105 (katib-spec §4.7).
 */
const OPERATIONS: Array<{ type: string; params: Array<[string, Array<string | number>]> }> = [
  { type: 'convolution', params: [['filter_size', ['3', '5', '7']], ['num_filter', ['32', '48', '64', '96', '128']], ['stride', ['1', '2']]] },
  {
    type: 'separable_convolution',
    params: [['filter_size', ['3', '5', '7']], ['num_filter', ['32', '48', '64', '96', '128']], ['stride', ['1', '2']], ['depth_multiplier', ['1', '2']]],
  },
  { type: 'depthwise_convolution', params: [['filter_size', ['3', '5', '7']], ['stride', ['1', '2']], ['depth_multiplier', ['1', '2']]] },
  { type: 'reduction', params: [['reduction_type', ['max_pooling', 'avg_pooling']], ['pool_size', [2, 3]]] },
];

export interface KatibOperation {
  opt_id: number;
  opt_type: string;
  opt_params: Record<string, string | number>;
}

export function enasCpuSearchSpace(): KatibOperation[] {
  const out: KatibOperation[] = [];
  for (const op of OPERATIONS) {
    let combos: Array<Record<string, string | number>> = [{}];
    for (const [name, values] of op.params) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
    for (const opt_params of combos) out.push({ opt_id: out.length, opt_type: op.type, opt_params });
  }
  return out;
}

/** The two assignments as the suggestion writes them: JSON with `"` replaced by `'`. */
export function katibAssignments(architecture: number[][], inputSizes = [32, 32, 3]): { architecture: string; nnConfig: string } {
  const space = enasCpuSearchSpace();
  const embedding: Record<string, KatibOperation> = {};
  for (const row of architecture) {
    const op = space[row[0] ?? -1];
    if (!op) throw new Error(`no operation ${row[0]}`);
    embedding[String(op.opt_id)] = op;
  }
  const nnConfig = { num_layers: architecture.length, input_sizes: inputSizes, output_sizes: [10], embedding };
  // Python's json.dumps separators (', ' and ': '), as the suggestion's strings have them.
  const dumps = (v: unknown) => JSON.stringify(v).replace(/,/g, ', ').replace(/":/g, '": ');
  return { architecture: dumps(architecture).replace(/"/g, "'"), nnConfig: dumps(nnConfig).replace(/"/g, "'") };
}

/** A random architecture as the untrained controller might sample it (skip rate 0.4). */
export function randomArchitecture(numLayers: number, seed: number): number[][] {
  const rng = createRng(seed, 'test-enas-architecture');
  const ops = enasCpuSearchSpace().length;
  return Array.from({ length: numLayers }, (_, k) => [rng.int(ops), ...Array.from({ length: k }, () => (rng.next() < 0.4 ? 1 : 0))]);
}
