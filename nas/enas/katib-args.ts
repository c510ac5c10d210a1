import { ScribaError } from '../../src/errors.js';

/**
 * Decoding of the two assignments an enas suggestion gives a trial (katib-spec §4.7):
 * `architecture` and `nn_config`, JSON with every `"` written as `'`.
 *
 * Katib's trial turns every `'` back into `"` and parses the result as JSON; so do we.
 * Katib's example passes them as `--architecture="${...}"`; under Katib's metrics
 * collector that command runs through `sh -c`, which removes the double quotes, but a
 * runner that starts the command without a shell hands them over literally. One pair of
 * surrounding double quotes is therefore removed before parsing (neither value is ever a
 * JSON string, so nothing valid is lost).
 */
export function decodeKatibJson(flag: string, raw: string): unknown {
  let text = raw.replace(/'/g, '"').trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  if (text === '') throw new ScribaError('invalid-argument', `${flag}: expected JSON (with ' for "), got an empty value`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ScribaError('invalid-argument', `${flag}: not valid JSON (with ' for "): ${(error as Error).message}; got ${preview(raw)}`);
  }
}

/** A value, shortened for an error message. */
export function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * One row of the architecture per layer: row k (0-based, the layer k + 1) holds the
 * operation id, then k skip flags. Flag j connects all-layers[j] (0 = the input image)
 * to the layer; the previous layer (k) is always connected and has no flag
 * (Katib's ENAS README, "Definition of a Neural Architecture").
 */
export interface ArchitectureRow {
  opId: number;
  skips: boolean[];
}

/** The parsed `--architecture` value: one row per layer. */
export function parseArchitecture(raw: string): ArchitectureRow[] {
  const flag = '--architecture';
  const value = decodeKatibJson(flag, raw);
  if (!Array.isArray(value) || value.length === 0) {
    throw new ScribaError('invalid-argument', `${flag}: expected a non-empty list of layers such as [[1], [0, 1]], got ${preview(value)}`);
  }
  return value.map((row: unknown, k): ArchitectureRow => {
    const where = `${flag}: layer ${k + 1} (row ${k})`;
    if (!Array.isArray(row) || row.length !== k + 1) {
      throw new ScribaError('invalid-argument', `${where}: expected a list of ${k + 1} integers (the operation id, then ${k} skip flags), got ${preview(row)}`);
    }
    const [opId, ...flags] = row as unknown[];
    if (typeof opId !== 'number' || !Number.isInteger(opId) || opId < 0) {
      throw new ScribaError('invalid-argument', `${where}: the operation id must be a non-negative integer, got ${preview(opId)}`);
    }
    const skips = flags.map((f, j) => {
      if (f !== 0 && f !== 1) throw new ScribaError('invalid-argument', `${where}: skip flag ${j} must be 0 or 1, got ${preview(f)}`);
      return f === 1;
    });
    return { opId, skips };
  });
}

/** One `embedding` entry, as the suggestion writes it: `{opt_id, opt_type, opt_params}`. */
export interface EmbeddingEntry {
  optType: string;
  optParams: Record<string, unknown>;
}

/** The parsed `--nn_config` value. */
export interface NnConfig {
  numLayers: number;
  inputSizes: number[];
  outputSizes: number[];
  embedding: Map<number, EmbeddingEntry>;
}

export function parseNnConfig(raw: string): NnConfig {
  const flag = '--nn_config';
  const value = decodeKatibJson(flag, raw);
  if (!isRecord(value)) throw new ScribaError('invalid-argument', `${flag}: expected an object {num_layers, input_sizes, output_sizes, embedding}, got ${preview(value)}`);
  const numLayers = value['num_layers'];
  if (typeof numLayers !== 'number' || !Number.isInteger(numLayers) || numLayers < 1) {
    throw new ScribaError('invalid-argument', `${flag}: num_layers must be a positive integer, got ${preview(numLayers)}`);
  }
  const sizes = (name: string): number[] => {
    const list = value[name];
    if (!Array.isArray(list) || list.length === 0 || !list.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1)) {
      throw new ScribaError('invalid-argument', `${flag}: ${name} must be a non-empty list of positive integers, got ${preview(list)}`);
    }
    return list as number[];
  };
  const inputSizes = sizes('input_sizes');
  const outputSizes = sizes('output_sizes');
  const table = value['embedding'];
  if (!isRecord(table)) throw new ScribaError('invalid-argument', `${flag}: embedding must be an object of operations by id, got ${preview(table)}`);
  const embedding = new Map<number, EmbeddingEntry>();
  for (const [key, entry] of Object.entries(table)) {
    const id = Number(key);
    if (!/^\d+$/.test(key.trim()) || !Number.isSafeInteger(id)) throw new ScribaError('invalid-argument', `${flag}: embedding key ${preview(key)} is not an operation id`);
    if (!isRecord(entry) || typeof entry['opt_type'] !== 'string') {
      throw new ScribaError('invalid-argument', `${flag}: embedding ${key} must be an object with a string opt_type, got ${preview(entry)}`);
    }
    const params = entry['opt_params'] ?? {};
    if (!isRecord(params)) throw new ScribaError('invalid-argument', `${flag}: embedding ${key}: opt_params must be an object, got ${preview(params)}`);
    embedding.set(id, { optType: entry['opt_type'], optParams: params });
  }
  return { numLayers, inputSizes, outputSizes, embedding };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
