/**
 * How likely a head-to-head figure is to hold at the protocol's 10 seeds.
 *
 * Figures such as "no worse than the peer by more than 0.1 on every function" compare
 * medians of 10 runs; each median has its own spread, so a figure can fail for an
 * algorithm that equals its peer, or hold for one that is worse. Given runs over many
 * seeds, this draws `seedsPerDraw` of them without replacement, again and again, and
 * counts how often the figure holds (a bootstrap of the 10-seed experiment, Efron &
 * Tibshirani 1993, ch. 6). Run it on seeds other than 0..9 to judge an algorithm without
 * tuning it on the protocol's own seeds.
 */
import { createRng } from '../src/rng.js';
import { median, type SyntheticRun } from './protocol.js';
import { logRegretAt } from './report/stats.js';

/** "On at least `within` functions `method`'s median L_N is at most `against`'s + margin, and strictly below it on at least `better`." */
export interface Figure {
  method: string;
  against: string;
  margin: number;
  within: number;
  better: number;
}

export interface FunctionOdds {
  function: string;
  /** Median L_N of each sampler over all the seeds both have. */
  median: number;
  againstMedian: number;
  /** Share of draws in which this function counts as within the margin, and as better. */
  pWithin: number;
  pBetter: number;
}

export interface Odds {
  figure: Figure;
  seeds: number;
  seedsPerDraw: number;
  draws: number;
  /** Share of draws in which the whole figure holds. */
  pHolds: number;
  functions: FunctionOdds[];
}

/**
 * The odds of `figure` at `seedsPerDraw` seeds, from the runs of the seeds that both
 * samplers have on every function, using L at t = N (§3). Seeded, so repeatable.
 */
export function figureOdds(runs: readonly SyntheticRun[], figure: Figure, seedsPerDraw: number, draws: number, seed = 0): Odds {
  const table = new Map<string, Map<string, Map<number, number>>>(); // function → sampler → seed → L_N
  for (const run of runs) {
    if (run.sampler !== figure.method && run.sampler !== figure.against) continue;
    const l = logRegretAt(run, run.budget);
    if (l === undefined) continue;
    const bySampler = table.get(run.function) ?? new Map<string, Map<number, number>>();
    table.set(run.function, bySampler);
    const bySeed = bySampler.get(run.sampler) ?? new Map<number, number>();
    bySampler.set(run.sampler, bySeed);
    bySeed.set(run.seed, l);
  }
  const functions = [...table.keys()].filter((f) => table.get(f)?.has(figure.method) && table.get(f)?.has(figure.against));
  if (functions.length === 0) throw new Error(`no function has runs of both "${figure.method}" and "${figure.against}"`);
  const column = (f: string, sampler: string) => table.get(f)?.get(sampler) as Map<number, number>;
  const seeds = [...column(functions[0] as string, figure.method).keys()]
    .filter((s) => functions.every((f) => column(f, figure.method).has(s) && column(f, figure.against).has(s)))
    .sort((a, b) => a - b);
  if (seeds.length < seedsPerDraw) throw new Error(`seeds per draw: ${seedsPerDraw} asked, but only ${seeds.length} seeds have runs of both samplers on every function`);

  const values = functions.map((f) => ({
    mine: seeds.map((s) => column(f, figure.method).get(s) as number),
    theirs: seeds.map((s) => column(f, figure.against).get(s) as number),
  }));
  const within = new Array<number>(functions.length).fill(0);
  const better = new Array<number>(functions.length).fill(0);
  let holds = 0;
  const rng = createRng(seed, 'figure-odds');
  const pick = Array.from(seeds, (_, i) => i);
  for (let draw = 0; draw < draws; draw++) {
    // A partial Fisher–Yates shuffle: the first seedsPerDraw entries are a uniform subset.
    for (let i = 0; i < seedsPerDraw; i++) {
      const j = i + rng.int(pick.length - i);
      [pick[i], pick[j]] = [pick[j] as number, pick[i] as number];
    }
    const chosen = pick.slice(0, seedsPerDraw);
    let nWithin = 0;
    let nBetter = 0;
    values.forEach(({ mine, theirs }, f) => {
      const a = median(chosen.map((i) => mine[i] as number));
      const b = median(chosen.map((i) => theirs[i] as number));
      if (a <= b + figure.margin) (nWithin++, (within[f] as number)++);
      if (a < b) (nBetter++, (better[f] as number)++);
    });
    if (nWithin >= figure.within && nBetter >= figure.better) holds++;
  }
  return {
    figure,
    seeds: seeds.length,
    seedsPerDraw,
    draws,
    pHolds: holds / draws,
    functions: functions.map((f, i) => ({
      function: f,
      median: median(values[i]?.mine ?? []),
      againstMedian: median(values[i]?.theirs ?? []),
      pWithin: (within[i] as number) / draws,
      pBetter: (better[i] as number) / draws,
    })),
  };
}

/** The odds as a Markdown table. */
export function oddsMarkdown(odds: Odds): string {
  const { figure } = odds;
  const lines = [
    `Figure: \`${figure.method}\`'s median L_N no worse than \`${figure.against}\`'s by more than ${figure.margin} on at least ${figure.within} of ${odds.functions.length} functions, and strictly better on at least ${figure.better}.`,
    '',
    `Holds in **${(100 * odds.pHolds).toFixed(1)}%** of ${odds.draws} draws of ${odds.seedsPerDraw} seeds out of ${odds.seeds}.`,
    '',
    `| function | ${figure.method} (all seeds) | ${figure.against} (all seeds) | P(within ${figure.margin}) | P(better) |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...odds.functions.map((f) => `| ${f.function} | ${signed(f.median)} | ${signed(f.againstMedian)} | ${f.pWithin.toFixed(2)} | ${f.pBetter.toFixed(2)} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}
