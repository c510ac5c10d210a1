import { createStudy, type StudyTrial } from '../src/api/study.js';
import { createRng } from '../src/rng.js';
import { compileSpace, fromUnit } from '../src/search-space/index.js';
import { getFunction } from './functions/index.js';
import { median, type LatencyEntry } from './protocol.js';
import { benchParameters, samplerName } from './synthetic.js';

/** How the n trials before the timed asks are made. */
export type Prefill = 'add' | 'run';

export const PREFILLS: readonly Prefill[] = ['add', 'run'];

/** The sampler's name in a latency file: `_run` marks a history of the algorithm's own run. */
export function latencySampler(algorithm: string, history: Prefill): string {
  return history === 'run' ? `${samplerName(algorithm)}_run` : samplerName(algorithm);
}

export const LATENCY_PREFILL: Record<Prefill, string> = {
  add: 'n COMPLETED trials added with Study.add() (no algorithm call): uniform points of [0,1]^6 from Scriba\'s seeded generator (seed 12345), valued by hartmann6',
  run: 'n COMPLETED trials made by the algorithm itself (asked and told untimed, hartmann6 values), so the history is its own run, as a user of createStudy() who asks and tells gets it; sampler ids end in _run. An extension of §4.1: a model-based algorithm\'s own suggestions crowd where it searches, and an algorithm whose state lives in its trials (cmaes) needs them',
};

/** `meta.prefill` of a file measuring the given histories: the one description, or each named. */
export function latencyPrefill(prefills: readonly Prefill[]): string {
  return prefills.length === 1 ? LATENCY_PREFILL[prefills[0] as Prefill] : prefills.map((p) => `${p}: ${LATENCY_PREFILL[p]}`).join('; ');
}

/** Trials prefilled in each untimed warm-up study, and the most time a warm-up may take. */
const WARMUP_TRIALS = 100;
const WARMUP_SECONDS = 10;

/**
 * Untimed asks before the first measurement. Node compiles a function to fast machine code
 * only after it has run many times; a service, or an experiment with a long history, is past
 * that point, while a fresh process prefilled by `Study.add` (which never calls the
 * algorithm) is not. Optuna's Python has no such stage, so both are measured at their
 * steady state. For multivariate TPE at n = 1000 the median ask settled only after about
 * 2,000 warm-up asks (200: 0.96–1.33 ms, 1,000: 0.81–1.09 ms, 2,000: 0.75–0.83 ms); slow
 * algorithms, whose time goes to long numeric loops compiled early, stop after 10 s.
 */
export async function warmUp(algorithm: string, asks: number): Promise<void> {
  const start = performance.now();
  for (let done = 0; done < asks && performance.now() - start < WARMUP_SECONDS * 1000; done += 100) {
    await measureLatency(algorithm, WARMUP_TRIALS, Math.min(100, asks - done));
  }
}

export function latencyWarmup(asks: number): string {
  return `before its first size, each algorithm answers up to ${asks} untimed asks (at most ${WARMUP_SECONDS} s), in studies prefilled with ${WARMUP_TRIALS} trials: Node's JIT compiles hot code only after many calls, and a running service is past that point`;
}

/**
 * Ask latency with n completed trials in the history (§4.1): prefill n points of
 * hartmann6 (added, or with `run` asked of the algorithm itself), then `asks` timed asks,
 * each told its value untimed. Optimiser seed 0.
 */
export async function measureLatency(algorithm: string, n: number, asks = 20, history: Prefill = 'add'): Promise<LatencyEntry> {
  const fn = getFunction('hartmann6');
  const parameters = benchParameters(fn, algorithm, n + asks);
  const space = compileSpace(Object.entries(parameters).map(([name, p]) => ({ name, ...p })));
  const study = createStudy({
    name: 'latency',
    parameters,
    objectiveType: 'minimize',
    objectiveMetricName: 'f',
    algorithm,
    maxTrialCount: n + asks,
    parallelTrialCount: 1,
    seed: 0,
  });
  const rng = createRng(12345, 'latency-prefill');
  const t0 = performance.now();
  const valueOf = (trial: StudyTrial): number => fn.f(fn.bounds.map((_, j) => trial.parameters[`x${j}`] as number));
  for (let i = 0; i < n; i++) {
    if (history === 'run') {
      const trial = await study.ask();
      study.tell(trial, valueOf(trial));
      continue;
    }
    // fromUnit is the identity map onto [0,1] for hartmann6, and snaps to the grid for grid.
    const x = space.domains.map((d) => fromUnit(d, rng.next()) as number);
    study.add(Object.fromEntries(x.map((v, j) => [`x${j}`, v])), fn.f(x));
  }
  const prefill = (performance.now() - t0) / 1000;
  const askS: number[] = [];
  for (let i = 0; i < asks; i++) {
    const start = performance.now();
    const trial = await study.ask();
    askS.push((performance.now() - start) / 1000);
    study.tell(trial, valueOf(trial));
  }
  return { sampler: latencySampler(algorithm, history), n_trials: n, ask_s: askS, median_ask_s: median(askS), prefill_s: prefill };
}
