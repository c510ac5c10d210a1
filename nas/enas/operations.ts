import { ScribaError } from '../../src/errors.js';
import { type ArchitectureRow, type EmbeddingEntry, type NnConfig, preview } from './katib-args.js';

/**
 * The operations of Katib's ENAS trial (enas-cnn-cifar10, op_library), with its defaults:
 * each convolution is ReLU → convolution ('same' padding) → batch normalisation; a
 * reduction is a max or average pooling ('valid' padding, stride = pool_size unless given).
 */
export type Operation =
  | { type: 'convolution'; filterSize: number; numFilter: number; stride: number }
  | { type: 'separable_convolution'; filterSize: number; numFilter: number; stride: number; depthMultiplier: number }
  | { type: 'depthwise_convolution'; filterSize: number; stride: number; depthMultiplier: number }
  | { type: 'reduction'; reductionType: 'max_pooling' | 'avg_pooling'; poolSize: number; stride: number };

export const OPERATION_TYPES = ['convolution', 'separable_convolution', 'depthwise_convolution', 'reduction'] as const;

/**
 * The operation an embedding entry describes. Parameters are read from `opt_params`, as
 * integers or integer strings (the suggestion writes categorical values as strings).
 * Katib's own trial looks the parameter names up in the entry itself rather than in its
 * `opt_params`, so it always trains the defaults (64 filters, 3×3, stride 1); we use the
 * parameters the suggestion chose, which is what its nn_config describes.
 */
export function operationFrom(id: number, entry: EmbeddingEntry): Operation {
  const where = `--nn_config: embedding ${id} (${entry.optType})`;
  const int = (name: string, fallback: number): number => {
    const raw = entry.optParams[name];
    if (raw === undefined || raw === null) return fallback;
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 1) throw new ScribaError('invalid-argument', `${where}: ${name} must be a positive integer, got ${preview(raw)}`);
    return n;
  };
  switch (entry.optType) {
    case 'convolution':
      return { type: 'convolution', filterSize: int('filter_size', 3), numFilter: int('num_filter', 64), stride: int('stride', 1) };
    case 'separable_convolution':
      return {
        type: 'separable_convolution',
        filterSize: int('filter_size', 3),
        numFilter: int('num_filter', 64),
        stride: int('stride', 1),
        depthMultiplier: int('depth_multiplier', 1),
      };
    case 'depthwise_convolution':
      return { type: 'depthwise_convolution', filterSize: int('filter_size', 3), stride: int('stride', 1), depthMultiplier: int('depth_multiplier', 1) };
    case 'reduction': {
      const kind = entry.optParams['reduction_type'] ?? 'max_pooling';
      if (kind !== 'max_pooling' && kind !== 'avg_pooling') {
        throw new ScribaError('invalid-argument', `${where}: reduction_type must be max_pooling or avg_pooling, got ${preview(kind)}`);
      }
      const poolSize = int('pool_size', 2);
      return { type: 'reduction', reductionType: kind, poolSize, stride: int('stride', poolSize) };
    }
    default:
      throw new ScribaError('invalid-argument', `${where}: unknown opt_type; expected one of ${OPERATION_TYPES.join(', ')}`);
  }
}

/** A layer of the network to build: its operation and the skip flags of its row. */
export interface LayerSpec {
  opId: number;
  operation: Operation;
  skips: boolean[];
}

/**
 * The layers of an architecture, checked against its nn_config: one row per layer
 * (num_layers rows), each operation id present in the embedding.
 */
export function layersFrom(architecture: ArchitectureRow[], config: NnConfig): LayerSpec[] {
  if (architecture.length !== config.numLayers) {
    throw new ScribaError(
      'invalid-argument',
      `--architecture: has ${architecture.length} layer rows but --nn_config num_layers is ${config.numLayers}`,
    );
  }
  return architecture.map((row, k) => {
    const entry = config.embedding.get(row.opId);
    if (!entry) {
      throw new ScribaError('invalid-argument', `--architecture: layer ${k + 1} uses operation ${row.opId}, which --nn_config's embedding does not describe`);
    }
    return { opId: row.opId, operation: operationFrom(row.opId, entry), skips: row.skips };
  });
}

/** A short description of an operation, for the trial's log. */
export function describeOperation(op: Operation): string {
  switch (op.type) {
    case 'convolution':
      return `convolution ${op.filterSize}x${op.filterSize}, ${op.numFilter} filters, stride ${op.stride}`;
    case 'separable_convolution':
      return `separable convolution ${op.filterSize}x${op.filterSize}, ${op.numFilter} filters, stride ${op.stride}, depth multiplier ${op.depthMultiplier}`;
    case 'depthwise_convolution':
      return `depthwise convolution ${op.filterSize}x${op.filterSize}, stride ${op.stride}, depth multiplier ${op.depthMultiplier}`;
    case 'reduction':
      return `${op.reductionType === 'max_pooling' ? 'max' : 'average'} pooling ${op.poolSize}x${op.poolSize}, stride ${op.stride}`;
  }
}
