/**
 * The toy problem of Jaderberg et al. 2017 ("Population Based Training of Neural
 * Networks", §4.1 / Fig. 2), run through createStudy as a user would run it.
 *
 * Maximise Q(θ) = 1.2 − (θ0² + θ1²). A member trains θ by gradient ascent on the surrogate
 * Q̂(θ|h) = 1.2 − (h0 θ0² + h1 θ1²), whose hyperparameters h = (h0, h1) ∈ [0, 1]² (step 0.01)
 * are what is tuned: θi ← θi + η ∂Q̂/∂θi = θi (1 − 2 η hi), from θ = (0.9, 0.9).
 *
 * PBT: a trial trains `STEPS_PER_TRIAL` steps from its parent's θ (the start in
 * generation 0) and reports Q(θ); θ is kept in a Map by trial name, the parent read from
 * the trial's labels, as a runner restores a checkpoint. `GENERATIONS` generations of
 * n members: n · GENERATIONS · STEPS_PER_TRIAL gradient steps in all.
 * Random and grid search get the same total: n trials, each trained from the start for
 * GENERATIONS · STEPS_PER_TRIAL steps (the steps of one PBT lineage).
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/pbt-toy.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PBT_PARENT_LABEL } from '../algorithms/pbt/labels.js';
import { createStudy } from '../src/api/study.js';
import { search } from '../src/api/search.js';
import { baseMeta } from './meta.js';
import { median, quantile } from './protocol.js';
import { mannWhitneyLess } from './report/mann-whitney.js';

export const LEARNING_RATE = 0.01;
export const STEPS_PER_TRIAL = 4;
export const GENERATIONS = 25;
export const THETA_START: readonly [number, number] = [0.9, 0.9];
const SEEDS = Array.from({ length: 10 }, (_, i) => i);
const POPULATIONS = [5, 10];
const METHODS = ['pbt', 'pbt_explore_only', 'random', 'grid'] as const;
type Method = (typeof METHODS)[number];

type Theta = [number, number];
interface H { h0: number; h1: number }

export const q = (t: Theta): number => 1.2 - (t[0] ** 2 + t[1] ** 2);

/** `steps` gradient-ascent steps on Q̂(θ|h): ∂Q̂/∂θi = −2 hi θi. */
export function train(theta: Theta, h: H, steps: number): Theta {
  let [a, b] = theta;
  for (let s = 0; s < steps; s++) {
    a += LEARNING_RATE * -2 * h.h0 * a;
    b += LEARNING_RATE * -2 * h.h1 * b;
  }
  return [a, b];
}

/** Best Q after each trial, with the total gradient steps spent by then. */
interface Run { method: Method; population: number; seed: number; best: number; curve: Array<[number, number]>; trials: number; steps: number; bestH: H }

async function runPbt(population: number, seed: number, truncation = 0.2): Promise<Run> {
  const parameters = { h0: search.double({ min: 0, max: 1, step: 0.01 }), h1: search.double({ min: 0, max: 1, step: 0.01 }) };
  const study = createStudy({
    parameters,
    objectiveType: 'maximize',
    objectiveMetricName: 'q',
    algorithm: 'pbt',
    algorithmSettings: { suggestion_trial_dir: '/var/scriba/pbt-toy', n_population: population, truncation_threshold: truncation },
    maxTrialCount: population * GENERATIONS,
    parallelTrialCount: population,
    seed,
  });
  const thetas = new Map<string, Theta>();
  const curve: Array<[number, number]> = [];
  let best = -Infinity;
  let bestH: H = { h0: 0, h1: 0 };
  let steps = 0;
  for (let g = 0; g < GENERATIONS; g++) {
    const asked = [];
    for (let i = 0; i < population; i++) asked.push(await study.ask());
    for (const trial of asked) {
      const parent = trial.labels?.[PBT_PARENT_LABEL];
      const from = parent !== undefined ? thetas.get(parent) : [...THETA_START] as Theta;
      if (!from) throw new Error(`trial ${trial.name} names parent ${parent}, which has no checkpoint`);
      const theta = train(from, trial.parameters, STEPS_PER_TRIAL);
      thetas.set(trial.name, theta);
      steps += STEPS_PER_TRIAL;
      const value = q(theta);
      if (value > best) [best, bestH] = [value, { ...trial.parameters }];
      curve.push([steps, best]);
      study.tell(trial, value);
    }
  }
  return { method: truncation === 0 ? 'pbt_explore_only' : 'pbt', population, seed, best, curve, trials: population * GENERATIONS, steps, bestH };
}

async function runConstant(method: 'random' | 'grid', population: number, seed: number): Promise<Run> {
  // Grid as bench/synthetic.ts makes it: k = ceil(N^(1/d)) points per axis, ends included, walked in product order.
  const k = Math.ceil(Math.sqrt(population));
  const axis = method === 'grid' ? { min: 0, max: 1, step: 1 / (k - 1) } : { min: 0, max: 1, step: 0.01 };
  const study = createStudy({
    parameters: { h0: search.double(axis), h1: search.double(axis) },
    objectiveType: 'maximize',
    objectiveMetricName: 'q',
    algorithm: method,
    maxTrialCount: population,
    seed,
  });
  const perTrial = GENERATIONS * STEPS_PER_TRIAL;
  const curve: Array<[number, number]> = [];
  let best = -Infinity;
  let bestH: H = { h0: 0, h1: 0 };
  let steps = 0;
  for (let i = 0; i < population; i++) {
    const trial = await study.ask();
    const theta = train([...THETA_START] as Theta, trial.parameters, perTrial);
    steps += perTrial;
    const value = q(theta);
    if (value > best) [best, bestH] = [value, { ...trial.parameters }];
    curve.push([steps, best]);
    study.tell(trial, value);
  }
  return { method, population, seed, best, curve, trials: population, steps, bestH };
}

const fmt = (x: number): string => x.toFixed(4);
const summary = (xs: number[]): string => `${fmt(median(xs))} [${fmt(quantile(xs, 0.25))}, ${fmt(quantile(xs, 0.75))}]`;

/** Best Q so far at a total-step count: the last curve point at or before it. */
function bestAt(run: Run, steps: number): number | undefined {
  let value: number | undefined;
  for (const [s, b] of run.curve) if (s <= steps) value = b;
  return value;
}

function svg(runs: readonly Run[]): string {
  const W = 740, H = 440, L = 70, R = 560, T = 40, B = 390;
  const colours: Record<Method, string> = { pbt: '#1f77b4', pbt_explore_only: '#9467bd', random: '#ff7f0e', grid: '#2ca02c' };
  const yMin = 0.4, yMax = 1.2;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" role="img" aria-label="PBT toy problem: best Q against total gradient steps">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${(L + R) / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">Jaderberg et al. 2017 toy problem: median best Q over ${SEEDS.length} seeds</text>`,
    `<rect x="${L}" y="${T}" width="${R - L}" height="${B - T}" fill="none" stroke="#333"/>`,
  ];
  const sy = (v: number) => B - ((Math.max(yMin, v) - yMin) / (yMax - yMin)) * (B - T);
  for (let v = yMin; v <= yMax + 1e-9; v += 0.1) out.push(`<line x1="${L}" x2="${R}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#e6e6e6"/><text x="${L - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${v.toFixed(1)}</text>`);
  let row = 0;
  for (const population of POPULATIONS) {
    const total = population * GENERATIONS * STEPS_PER_TRIAL;
    const sx = (s: number) => L + (s / total) * (R - L);
    for (const method of METHODS) {
      const group = runs.filter((r) => r.method === method && r.population === population);
      const points: string[] = [];
      for (let s = STEPS_PER_TRIAL; s <= total; s += STEPS_PER_TRIAL) {
        const values = group.map((r) => bestAt(r, s)).filter((v): v is number => v !== undefined);
        if (values.length === group.length) points.push(`${sx(s).toFixed(1)},${sy(median(values)).toFixed(1)}`);
      }
      const dash = population === POPULATIONS[0] ? ' stroke-dasharray="6 3"' : '';
      out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colours[method]}" stroke-width="2"${dash}/>`);
      out.push(`<line x1="${R + 15}" x2="${R + 45}" y1="${T + 10 + row * 20}" y2="${T + 10 + row * 20}" stroke="${colours[method]}" stroke-width="2"${dash}/><text x="${R + 50}" y="${T + 14 + row * 20}" font-size="12">${method}, n = ${population}</text>`);
      row++;
    }
  }
  out.push(`<text x="${(L + R) / 2}" y="${B + 35}" text-anchor="middle" font-size="13">total gradient steps (fraction of the budget n · ${GENERATIONS * STEPS_PER_TRIAL})</text>`);
  out.push(`<text x="${L}" y="${B + 16}" font-size="11" text-anchor="middle">0</text><text x="${R}" y="${B + 16}" font-size="11" text-anchor="middle">1</text>`);
  out.push(`<text x="18" y="${(T + B) / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${(T + B) / 2})">best Q so far</text>`, '</svg>', '');
  return out.join('\n');
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (const population of POPULATIONS) {
    for (const seed of SEEDS) {
      runs.push(await runPbt(population, seed), await runPbt(population, seed, 0), await runConstant('random', population, seed), await runConstant('grid', population, seed));
    }
  }
  // The best any constant h can do in one lineage's steps: h = (1, 1), i.e. Q̂ = Q.
  const ceiling = q(train([...THETA_START] as Theta, { h0: 1, h1: 1 }, GENERATIONS * STEPS_PER_TRIAL));
  const rows: Array<Record<string, unknown>> = [];
  const lines = [
    `| n | method | trials | total steps | best Q: median [Q1, Q3] | p (PBT > method, one-sided Mann–Whitney) |`,
    `|---|---|---|---|---|---|`,
  ];
  for (const population of POPULATIONS) {
    const bests = (m: Method) => runs.filter((r) => r.method === m && r.population === population).map((r) => r.best);
    for (const method of METHODS) {
      const group = runs.filter((r) => r.method === method && r.population === population);
      // The method's values smaller than PBT's: U counts the pairs where PBT is ahead.
      const p = method === 'pbt' ? undefined : mannWhitneyLess(bests(method), bests('pbt'));
      rows.push({ population, method, trials: group[0]!.trials, total_steps: group[0]!.steps, median: median(bests(method)), q1: quantile(bests(method), 0.25), q3: quantile(bests(method), 0.75), ...(p ? { u: p.u, p_greater: p.p } : {}) });
      lines.push(`| ${population} | ${method} | ${group[0]!.trials} | ${group[0]!.steps} | ${summary(bests(method))} | ${p ? `U = ${p.u}, p = ${p.p.toPrecision(2)}` : '—'} |`);
    }
  }
  const table = lines.join('\n');
  console.log(table);
  console.log(`\nceiling (constant h = (1, 1) for ${GENERATIONS * STEPS_PER_TRIAL} steps): Q = ${fmt(ceiling)}`);

  const command = 'npx tsc -p tsconfig.build.json && node dist/bench/pbt-toy.js';
  const meta = {
    ...baseMeta(command, {
      pbt: `Scriba pbt (Katib \`pbt\`): n_population n, truncation_threshold 0.2, resample_probability unset (0); ${GENERATIONS} generations of ${STEPS_PER_TRIAL} steps, each trial from its parent's θ`,
      pbt_explore_only: 'the same with truncation_threshold 0: no member exploits (the explore-only ablation of the paper\'s Fig. 2)',
      random: `Scriba random: n trials of constant h (step 0.01), each ${GENERATIONS * STEPS_PER_TRIAL} steps from θ = (0.9, 0.9)`,
      grid: 'Scriba grid: k = ceil(sqrt(n)) values per axis from 0 to 1, the first n points in product order, each trained as random\'s trials',
    }),
    problem: { q: '1.2 - (t0^2 + t1^2)', surrogate: '1.2 - (h0 t0^2 + h1 t1^2)', theta_start: THETA_START, learning_rate: LEARNING_RATE, steps_per_trial: STEPS_PER_TRIAL, generations: GENERATIONS, h_space: '[0, 1]^2, step 0.01' },
    ceiling_q: ceiling,
    test: 'one-sided Mann–Whitney U: exact without ties, otherwise the normal approximation with tie correction and continuity correction',
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/pbt-toy.json', `${JSON.stringify({ schema: 'scriba/pbt-toy/v1', meta, summary: rows, runs }, null, 1)}\n`);
  writeFileSync('bench/results/pbt-toy.svg', svg(runs));
  writeFileSync('bench/results/pbt-toy.md', markdown(table, ceiling, command, meta.machine.cpu));
}

function markdown(table: string, ceiling: number, command: string, cpu: string): string {
  return `# PBT on the toy problem of Jaderberg et al. 2017

Made by \`${command}\` (${cpu}); the data are in \`pbt-toy.json\`, the plot in \`pbt-toy.svg\`.

Maximise Q(θ) = 1.2 − (θ0² + θ1²) by gradient ascent on the surrogate Q̂(θ|h) = 1.2 − (h0 θ0² + h1 θ1²),
from θ = (0.9, 0.9), learning rate ${LEARNING_RATE}; h ∈ [0, 1]² is tuned (step 0.01, since pbt needs one).
Each PBT trial trains ${STEPS_PER_TRIAL} steps from its parent's θ (the parent label names the trial whose
θ it starts from) and reports Q(θ); ${GENERATIONS} generations of n members, truncation 0.2. Random and grid
search get the same total steps: n trials, each trained ${GENERATIONS * STEPS_PER_TRIAL} steps from the start
(one PBT lineage's steps). Ten seeds (0–9); the grid is the same for every seed. p is a one-sided
Mann–Whitney U test (PBT's ten best values against the method's; exact without ties, otherwise the
normal approximation with tie and continuity corrections).

The learning rate, the ${STEPS_PER_TRIAL} steps per trial and the ${GENERATIONS} generations are this
benchmark's choices, not values taken from the paper: with them a lineage's ${GENERATIONS * STEPS_PER_TRIAL}
steps leave every method short of the maximum 1.2, so the methods can be told apart.

${table}

\`pbt_explore_only\` is the same run with truncation_threshold 0: every member only perturbs its own h
and keeps its own θ. Explore alone falls well short of full PBT, as in the paper's Fig. 2, and here
below random search too: the gain comes from the weak members taking over the strong members'
checkpoints, which is what the parent label carries.

The best a constant h can reach in ${GENERATIONS * STEPS_PER_TRIAL} steps is h = (1, 1) (then Q̂ = Q):
Q = ${ceiling.toFixed(4)}. No method can pass it, PBT included, since every step shrinks θi by the
factor 1 − 2·${LEARNING_RATE}·hi ≥ ${1 - 2 * LEARNING_RATE}; a grid that holds the corner (1, 1) would reach it exactly.
The project's grid (k = ⌈√n⌉ values per axis, the first n points in product order) does not hold it for
n = 5 or 10. PBT gains by moving h towards 1 during training and copying the best θ, where random and
grid search keep the h they drew.
`;
}

await main();
