/**
 * One label per method in every table and plot: `<engine>:<method>`, e.g. `scriba:tpe`,
 * `scriba:multivariate-tpe`, `optuna:tpe`, `optuna:cmaes` (docs/benchmark-protocol.md §6).
 * The result files keep their sampler ids (`scriba_multivariate_tpe`, `tpe_mv`); labels are
 * derived from them here, so files written before the labels existed render the same way.
 */
import { OPTUNA_LABELS } from '../peer.js';

/** Sampler ids an engine's files carry, mapped to the names its users know. */
const ENGINE_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  optuna: OPTUNA_LABELS,
};

/** `--prefill run` latency entries (bench/latency.ts) end their sampler id with this. */
const RUN_SUFFIX = '_run';

/**
 * Scriba's ids are `scriba_` + the Katib algorithm name with `-` written `_`
 * (bench/synthetic.ts); Katib's names have no `_`, so the map back is exact.
 */
function scribaMethod(sampler: string): string {
  const own = sampler.startsWith('scriba_') ? sampler.slice('scriba_'.length) : sampler;
  if (own.endsWith(RUN_SUFFIX) && own.length > RUN_SUFFIX.length) {
    return `${scribaMethod(own.slice(0, -RUN_SUFFIX.length))} (prefill run)`;
  }
  return own.replace(/_/g, '-');
}

/** The label of a sampler id of an engine; other engines lose a leading `<engine>_` (§6 asks for one). */
export function methodLabel(engine: string, sampler: string): string {
  if (engine === 'scriba') return `scriba:${scribaMethod(sampler)}`;
  const known = ENGINE_LABELS[engine]?.[sampler];
  if (known !== undefined) return `${engine}:${known}`;
  const own = sampler.startsWith(`${engine}_`) && sampler.length > engine.length + 1 ? sampler.slice(engine.length + 1) : sampler;
  return `${engine}:${own}`;
}
