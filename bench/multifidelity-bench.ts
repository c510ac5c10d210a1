/**
 * `scriba bench multifidelity`: Scriba's methods of §5 through the Study API, optionally
 * Optuna's reference configurations side by side in the same run (its driver in a child
 * process, running while Scriba runs), into one `hpo-bench/multifidelity/v1` file (§7.3).
 */
import { errorMessage } from '../src/errors.js';
import { A_STAR, MAX_EPOCHS } from './functions/learning-curve.js';
import { baseMeta } from './meta.js';
import { MULTIFIDELITY_SCHEMA, runMultifidelity, type MultifidelityFile, type MultifidelityRun } from './multifidelity.js';
import { OPTUNA_COUNTERPART, SCRIBA_DESCRIPTIONS, scribaMethod } from './multifidelity-scriba.js';
import { optunaUnavailable, runOptuna } from './peer.js';

/** §5's eight reference configurations: sampler × pruner. */
export const OPTUNA_MF_METHODS: readonly string[] = ['random', 'tpe'].flatMap((s) => ['none', 'median', 'sha', 'hyperband'].map((p) => `${s}_${p}`));

const SCRIBA_PRUNERS: Readonly<Record<string, string>> = {
  none: 'no early stopping: every trial trains 81 epochs',
  medianstop: 'Katib `medianstop` (min_trials_required=5, start_step=1: Optuna MedianPruner defaults translated)',
  asha: 'asynchronous successive halving (min_resource=1, reduction_factor=3, min_early_stopping_rate=0: Optuna SuccessiveHalvingPruner of §5)',
  hyperband: 'Katib `hyperband` (r_l=81, eta=3); configurations restarted from scratch as new trials',
};

export interface MultifidelityBenchOptions {
  methods: readonly string[];
  seeds: readonly number[];
  budget: number;
  peer: boolean;
  command: string;
  /** Progress lines. */
  log: (line: string) => void;
}

/** The Optuna configurations that match the chosen Scriba methods (all eight for every method). */
export function optunaMethodsFor(methods: readonly string[], all: boolean): string[] {
  if (all) return [...OPTUNA_MF_METHODS];
  const wanted = new Set(methods.map((m) => OPTUNA_COUNTERPART[m]).filter((c) => c !== undefined).map((c) => `${c.sampler}_${c.pruner}`));
  return OPTUNA_MF_METHODS.filter((m) => wanted.has(m));
}

/** Runs the benchmark; a method that cannot run here is recorded in `meta.failed`, never faked. */
export async function multifidelityBench(o: MultifidelityBenchOptions & { allMethods?: boolean }): Promise<MultifidelityFile> {
  const started = performance.now();
  const peerMethods = o.peer ? optunaMethodsFor(o.methods, o.allMethods ?? false) : [];
  const peerReason = o.peer ? optunaUnavailable() : undefined;
  // The peer runs in its own process while Scriba runs here.
  const peer =
    o.peer && !peerReason && peerMethods.length > 0
      ? runOptuna<MultifidelityFile>(['multifidelity', '--methods', peerMethods.join(','), '--seeds', String(o.seeds.length), '--seed-start', String(o.seeds[0] ?? 0), '--budget', String(o.budget)]).then(
          (file) => ({ file }),
          (error: unknown) => ({ error: errorMessage(error) }),
        )
      : undefined;
  const runs: MultifidelityRun[] = [];
  const failed: Record<string, string> = {};
  for (const name of o.methods) {
    for (const seed of o.seeds) {
      let run;
      try {
        run = await runMultifidelity(scribaMethod(name, seed), { seed, budget: o.budget });
      } catch (error) {
        failed[name] = errorMessage(error);
        o.log(`${name} seed ${seed} failed, the method is left out: ${failed[name]}`);
        break;
      }
      runs.push(run);
      const last = run.history.at(-1);
      o.log(`${name} seed ${seed}: ${run.n_trials} trials, ${run.n_complete} complete, incumbent regret ${last?.incumbent_regret ?? 'none'} (${run.wall_s?.toFixed(2)} s)`);
    }
    if (failed[name]) {
      const kept = runs.filter((r) => r.sampler !== name);
      runs.splice(0, runs.length, ...kept);
    }
  }
  const ran = o.methods.filter((m) => !(m in failed));
  const file: MultifidelityFile = {
    schema: MULTIFIDELITY_SCHEMA,
    meta: {
      ...baseMeta(o.command, Object.fromEntries(ran.map((m) => [m, SCRIBA_DESCRIPTIONS[m] ?? m]))),
      objective: 'learning-curve v1 (bench-protocol Appendix A)',
      max_epochs: MAX_EPOCHS,
      a_star: A_STAR,
      pruners: Object.fromEntries([...new Set(runs.map((r) => r.pruner))].map((p) => [p, SCRIBA_PRUNERS[p] ?? p])),
      trials: 'Scriba: createStudy() with ask(), then report({ loss }) after epochs 1..80 (true: early stopping stopped the trial, it is not told) and tell({ loss }) with epoch 81 (a Hyperband trial: its assignment); one trial at a time; trial k keys the noise (A.2)',
      ...(Object.keys(failed).length > 0 ? { failed } : {}),
    },
    runs,
  };
  if (o.peer) {
    const result = peerReason ? { error: peerReason } : peer ? await peer : { error: 'no Optuna counterpart of the chosen methods' };
    if ('file' in result) {
      file.runs.push(...result.file.runs.map((r) => ({ ...r, engine: 'optuna' })));
      for (const [k, v] of Object.entries(result.file.meta.samplers)) file.meta.samplers[`optuna:${k}`] = v;
      for (const [k, v] of Object.entries(result.file.meta.pruners)) file.meta.pruners[`optuna:${k}`] = v;
      file.meta.peers = { optuna: { available: true, versions: result.file.meta.versions, methods: peerMethods, trials: result.file.meta.trials } };
    } else {
      file.meta.peers = { optuna: { available: false, reason: result.error } };
      o.log(`peer optuna unavailable, its results are left out: ${result.error}`);
    }
  }
  file.meta.wall_s = (performance.now() - started) / 1000;
  return file;
}
