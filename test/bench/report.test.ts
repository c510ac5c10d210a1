import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { LatencyFile, SyntheticFile, SyntheticRun } from '../../bench/protocol.js';
import { buildReport, formatMs, PROTOCOL_DOC, protocolDocPath, protocolLinkFrom, roundHalfEven, writeReport } from '../../bench/report/index.js';
import { ScribaError } from '../../src/errors.js';

const F_STAR: Record<string, [number, number]> = { branin: [2, 0.397887357729738], hartmann3: [3, -3.862779787332663], sphere10: [10, 0] };

/**
 * A run of budget 4 whose regret is 10^3, 10^2, 10^1 (or 10^L if larger) and then 10^L, so L_t
 * is 3 at t = round(4/4) = 1, 2 at t = 2 and L at t = 4 (the 1e-12 floor of §3 moves it < 1e-11).
 */
function run(fn: string, sampler: string, seed: number, finalL: number, extra: Partial<SyntheticRun> = {}): SyntheticRun {
  const [dim, fStar] = F_STAR[fn] as [number, number];
  const final = 10 ** finalL; // finalL <= 2 keeps the curve non-increasing
  const regret = [1e3, 1e2, 1e1].map((r) => Math.max(r, final)).concat(final);
  return {
    function: fn, dim, f_star: fStar, sampler, seed, budget: 4, y: regret.map((r) => r + fStar), regret,
    ask_s: [0.001, 0.001, 0.001, 0.001], tell_s: [0, 0, 0, 0], ...extra,
  };
}

const runs = (fn: string, sampler: string, finalLs: number[]): SyntheticRun[] => finalLs.map((l, seed) => run(fn, sampler, seed, l));

function file(engine: string, list: SyntheticRun[]): SyntheticFile {
  return {
    schema: 'hpo-bench/synthetic/v1',
    meta: {
      engine, versions: { [engine]: '1.0.0' }, created: '2025-01-01T00:00:00+00:00', command: `${engine} bench`,
      machine: { cpu: 'Test CPU', logical_cpus: 2, mem_gb: 8, os: 'Debian GNU/Linux 12' },
      samplers: Object.fromEntries(list.map((r) => [r.sampler, `${r.sampler} of ${engine}`])),
    },
    runs: list,
  };
}

/** The rows of the markdown table under the heading that starts with `heading`, as cells. */
function table(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  expect(start, `no heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (line.startsWith('|') && !line.startsWith('| ---')) rows.push(line.slice(2, -2).split(' | '));
  }
  return rows;
}
const Q25 = '## log10 regret at t = round(N/4)';
const Q50 = '## log10 regret at t = round(N/2)';
const Q100 = '## log10 regret at t = N';

/** Balanced tags and escaped text: enough of XML well-formedness to catch a broken writer. */
function wellFormed(svg: string): void {
  const stack: string[] = [];
  const body = svg.replace(/^<\?xml[^?]*\?>\s*/, '');
  expect(body.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
  for (const [, close, name, , selfClosing] of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)("[^"]*"|[^>"])*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (close) expect(stack.pop(), `</${name}>`).toBe(name);
    else stack.push(name as string);
  }
  expect(stack).toEqual([]);
}

// Hand values (type 7, §3): L = [-1, -2, -3, -4] sorted v = [-4, -3, -2, -1]; median h = 1.5 ->
// -3 + 0.5 = -2.50; Q1 h = 0.75 -> -4 + 0.75 = -3.25; Q3 h = 2.25 -> -2 + 0.25 = -1.75.
// L = [2, 0.6, 0, -0.2] sorted [-0.2, 0, 0.6, 2]; median 0 + 0.5·0.6 = +0.30;
// Q1 -0.2 + 0.75·0.2 = -0.05; Q3 0.6 + 0.25·1.4 = +0.95.
const TPE_BRANIN = [-1, -2, -3, -4];
const QUALITY = [
  file('scriba', [
    ...runs('hartmann3', 'tpe', [-1, -1, -1, -1]),
    ...runs('hartmann3', 'random', [-3, -3, -3, -3]),
    ...runs('hartmann3', 'cmaes', [-2, -2, -2, -2]),
    ...runs('branin', 'tpe', TPE_BRANIN),
    ...runs('branin', 'random', [2, 0.6, 0, -0.2]),
    ...runs('branin', 'cmaes', TPE_BRANIN), // ties tpe exactly
  ]),
];

describe('quality tables (bench-protocol §3)', () => {
  const { markdown } = buildReport(QUALITY, { title: 'Test report', command: 'scriba bench report a.json --out r' });
  const final = table(markdown, Q100);

  test('header: methods in order of appearance, (S=4) for four seeds; rows in §2 order', () => {
    expect(final[0]).toEqual(['function', 't', 'scriba:tpe (S=4)', 'scriba:random (S=4)', 'scriba:cmaes (S=4)']);
    expect(final.slice(1).map((r) => r[0])).toEqual(['branin', 'hartmann3', 'mean rank']);
  });

  test('cells are median [Q1, Q3] of L_N computed with type-7 quantiles, best median in bold', () => {
    expect(final[1]).toEqual(['branin', '4', '**-2.50 [-3.25, -1.75]**', '+0.30 [-0.05, +0.95]', '**-2.50 [-3.25, -1.75]**']);
    expect(final[2]).toEqual(['hartmann3', '4', '-1.00 [-1.00, -1.00]', '**-3.00 [-3.00, -3.00]**', '-2.00 [-2.00, -2.00]']);
  });

  test('t = round(N/4) and round(N/2): every method equal, all bold, no mean rank row', () => {
    expect(table(markdown, Q25)[1]).toEqual(['branin', '1', ...Array(3).fill('**+3.00 [+3.00, +3.00]**')]);
    expect(table(markdown, Q50)[2]).toEqual(['hartmann3', '2', ...Array(3).fill('**+2.00 [+2.00, +2.00]**')]);
    expect(table(markdown, Q50).map((r) => r[0])).not.toContain('mean rank');
  });

  test('mean rank by median L_N with the branin tie averaged', () => {
    // branin: tpe = cmaes = -2.5 share ranks 1 and 2 -> 1.5 each, random 3;
    // hartmann3: random 1, cmaes 2, tpe 3. Means: tpe 2.25, random 2.00, cmaes 1.75.
    expect(final[3]).toEqual(['mean rank', '', '2.25', '2.00', '**1.75**']);
  });

  test('header lists engines, machine, command, and the report command', () => {
    expect(markdown.startsWith('# Test report\n')).toBe(true);
    expect(markdown).toContain('Made with `scriba bench report a.json --out r`.');
    expect(markdown).toContain('Engines: scriba. Machine: Test CPU, 2 logical CPUs, 8 GB, Debian GNU/Linux 12.');
    expect(table(markdown, '## Inputs')[1]).toEqual([
      '1', 'hpo-bench/synthetic/v1', 'scriba', 'scriba 1.0.0', 'Test CPU, 2 logical CPUs, 8 GB, Debian GNU/Linux 12',
      '2025-01-01T00:00:00+00:00', '`scriba bench`',
    ]);
  });

  test('the same input gives the same report', () => {
    expect(buildReport(QUALITY, { title: 'Test report', command: 'scriba bench report a.json --out r' }).markdown).toBe(markdown);
  });
});

describe('method names and seed counts (§3, §6)', () => {
  test('(S=k) only for fewer than 10 seeds; a function a method lacks shows a dash', () => {
    const { markdown } = buildReport([file('scriba', [...runs('sphere10', 'tpe', Array(10).fill(-1)), ...runs('sphere10', 'random', [-1, -2, -3])])], {});
    expect(table(markdown, Q100)[0]).toEqual(['function', 't', 'scriba:tpe', 'scriba:random (S=3)']);
    const { markdown: two } = buildReport([file('scriba', [...runs('sphere10', 'tpe', [-1]), ...runs('branin', 'random', [-2])])], {});
    expect(table(two, Q100).slice(1, 3)).toEqual([
      ['branin', '4', '—', '**-2.00 [-2.00, -2.00]**'],
      ['sphere10', '4', '**-1.00 [-1.00, -1.00]**', '—'],
    ]);
    expect(table(two, Q100)[3]).toEqual(['mean rank', '', '**1.00** (1 of 2)', '**1.00** (1 of 2)']);
  });

  test('every method is labelled engine:method, in tables and plots alike', () => {
    const peer = file('optuna', [...runs('branin', 'tpe', [-1]), ...runs('branin', 'cmaes', [-1]), ...runs('branin', 'tpe_mv', [-1])]);
    const ours = file('scriba', [...runs('branin', 'scriba_tpe', [-2]), ...runs('branin', 'scriba_multivariate_tpe', [-3])]);
    const { markdown, svgs } = buildReport([ours, peer], {});
    const labels = ['scriba:tpe', 'scriba:multivariate-tpe', 'optuna:tpe', 'optuna:cmaes', 'optuna:multivariate-tpe'];
    expect(table(markdown, Q100)[0]?.slice(2)).toEqual(labels.map((l) => `${l} (S=1)`));
    expect(table(markdown, '## Time per suggestion')[0]?.slice(1)).toEqual(labels.map((l) => `${l} (S=1)`));
    for (const l of labels) expect(svgs['branin.svg']).toContain(`>${l} (S=1)</text>`);
    // The methods table keeps the sampler ids of the files, which `bench odds` takes.
    expect(table(markdown, '## Methods').slice(1).map((r) => r.slice(0, 3))).toEqual([
      ['scriba:tpe', 'scriba', '`scriba_tpe`'],
      ['scriba:multivariate-tpe', 'scriba', '`scriba_multivariate_tpe`'],
      ['optuna:tpe', 'optuna', '`tpe`'],
      ['optuna:cmaes', 'optuna', '`cmaes`'],
      ['optuna:multivariate-tpe', 'optuna', '`tpe_mv`'],
    ]);
  });

  test('two ids of one engine with one label keep their ids, so no two columns look alike', () => {
    const { markdown } = buildReport([file('scriba', [...runs('branin', 'tpe', [-1]), ...runs('branin', 'scriba_tpe', [-2])])], {});
    expect(table(markdown, Q100)[0]?.slice(2)).toEqual(['scriba:tpe (S=1)', 'scriba:scriba_tpe (S=1)']);
  });

  test('runs merged from a peer into one file carry their own engine', () => {
    const merged = file('scriba', [...runs('branin', 'tpe', [-2]), ...runs('branin', 'tpe', [-1]).map((r) => ({ ...r, engine: 'optuna' }))]);
    expect(table(buildReport([merged], {}).markdown, Q100)[0]?.slice(2)).toEqual(['scriba:tpe (S=1)', 'optuna:tpe (S=1)']);
  });
});

describe('truncated runs (§7.1)', () => {
  // Seed 3 stopped after 2 of 4 evaluations: it counts at t = 1 and 2, not at t = N = 4.
  const list = [...runs('branin', 'grid', [-1, -2, -3]), { ...run('branin', 'grid', 3, 2), truncated: true, y: [1e3, 1e2], regret: [1e3, 1e2], ask_s: [0, 0], tell_s: [0, 0] }];
  const { markdown, svgs } = buildReport([file('scriba', list)], {});

  test('left out of the columns they do not reach, with the smaller S shown', () => {
    // L_4 over seeds 0..2 = [-1, -2, -3]: median -2, Q1 h = 0.5 -> -2.5, Q3 -> -1.5.
    expect(table(markdown, Q100)[1]).toEqual(['branin', '4', '**-2.00 [-2.50, -1.50]** (S=3)']);
    expect(table(markdown, Q50)[1]).toEqual(['branin', '2', '**+2.00 [+2.00, +2.00]**']);
  });

  test('the plot still runs to t = 4 over the runs that got there', () => {
    const points = /<polyline points="([^"]*)"/.exec(svgs['branin.svg'] ?? '')?.[1]?.split(' ');
    expect(points).toHaveLength(4);
  });
});

describe('timing and latency tables (§4, §4.1)', () => {
  test('median over seeds of the per-run median ask_s, in ms with 3 significant digits', () => {
    const list = [0.001, 0.002, 0.003, 0.004].map((s, seed) => run('branin', 'tpe', seed, -1, { ask_s: [s, s, 9, s] }));
    // Per-run medians 0.001..0.004 (the 9 s outlier is the 4th of 4 values); their median 0.0025 s.
    expect(table(buildReport([file('scriba', list)], {}).markdown, '## Time per suggestion')[1]).toEqual(['branin', '2.50']);
  });

  test.each([
    [0.0123, '12.3'], [1.5, '1500'], [12.345, '12300'], [0.0000123, '0.0123'], [0.1, '100'], [0, '0.00'],
  ])('formatMs(%s s) = %s ms', (seconds, text) => expect(formatMs(seconds)).toBe(text));

  test('round(q·N) is Python\'s round, half to even', () => {
    expect([0.5, 1.5, 2.5, 12.5, 25, 12.4].map(roundHalfEven)).toEqual([0, 2, 2, 12, 25, 12]);
  });

  test('rows n_trials ascending, columns methods, cells median_ask_s in ms', () => {
    const lat: LatencyFile = {
      schema: 'hpo-bench/latency/v1',
      meta: { ...file('scriba', []).meta, function: 'hartmann6', asks_per_point: 1, prefill: 'uniform' },
      entries: [
        { sampler: 'tpe', n_trials: 1000, ask_s: [0.02], median_ask_s: 0.02 },
        { sampler: 'tpe', n_trials: 100, ask_s: [0.00123], median_ask_s: 0.00123 },
        { sampler: 'random', n_trials: 100, ask_s: [0.0001], median_ask_s: 0.0001 },
      ],
    };
    const { markdown, svgs } = buildReport([lat], {});
    expect(table(markdown, '## Ask latency on hartmann6')).toEqual([['n_trials', 'scriba:tpe', 'scriba:random'], ['100', '1.23', '0.100'], ['1000', '20.0', '—']]);
    expect(svgs).toEqual({});
  });

  test('an own-run history sits beside the added one; ratios divide medians of one run, then take the median over runs', () => {
    // Run 1: add 2 ms, run 3 ms, Optuna 40 ms; run 2: add 4 ms, run 8 ms, Optuna 44 ms.
    // run ÷ add: median(1.5, 2) = 1.75; optuna ÷ add: median(20, 11) = 15.5; optuna ÷ run: median(13.33, 5.5) = 9.42.
    const lat = (add: number, own: number, peer: number): LatencyFile => ({
      schema: 'hpo-bench/latency/v1',
      meta: { ...file('scriba', []).meta, function: 'hartmann6', asks_per_point: 1, prefill: 'add: added; run: its own run' },
      entries: [
        { sampler: 'scriba_tpe', n_trials: 1000, ask_s: [add], median_ask_s: add },
        { sampler: 'scriba_tpe_run', n_trials: 1000, ask_s: [own], median_ask_s: own },
        { sampler: 'tpe', n_trials: 1000, ask_s: [peer], median_ask_s: peer, engine: 'optuna' } as LatencyFile['entries'][number],
      ],
    });
    const { markdown } = buildReport([lat(0.002, 0.003, 0.04), lat(0.004, 0.008, 0.044)], {});
    expect(table(markdown, '## Ask latency on hartmann6')).toEqual([
      ['n_trials', 'scriba:tpe', 'scriba:tpe (prefill run)', 'optuna:tpe'],
      ['1000', '3.00', '5.50', '42.0'],
    ]);
    expect(markdown).toContain('columns marked (prefill run) ask after the algorithm\'s own run of n trials');
    expect(markdown).toContain('History: add: added; run: its own run.');
    expect(table(markdown, '## Ask latency ratios on hartmann6')).toEqual([
      ['n_trials', 'tpe: run ÷ add', 'optuna:tpe ÷ scriba:tpe', 'optuna:tpe ÷ scriba:tpe (prefill run)'],
      ['1000', '1.75×', '15.5×', '9.42×'],
    ]);
  });
});

describe('plots', () => {
  const odd = file('scriba', [...runs('branin', 'a<b&"c"', [-1, -2]), ...runs('branin', 'tpe', [-3, -4]), ...runs('hartmann3', 'tpe', [0])]);
  const { markdown, svgs } = buildReport([odd], {});

  test('one SVG per function, embedded in the markdown', () => {
    expect(Object.keys(svgs)).toEqual(['branin.svg', 'hartmann3.svg']);
    expect(markdown).toContain('![branin](branin.svg)');
    expect(markdown).toContain('![hartmann3](hartmann3.svg)');
  });

  test('well-formed, white, at least 740x440, with a title, axis titles, one line and band per method and a legend', () => {
    const svg = svgs['branin.svg'] as string;
    wellFormed(svg);
    const [, w, h] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    expect(Number(w)).toBeGreaterThanOrEqual(740);
    expect(Number(h)).toBeGreaterThanOrEqual(440);
    expect(svg).toContain('fill="#ffffff"');
    expect(svg).toContain('font-weight="bold">branin</text>');
    expect(svg).toContain('>evaluations</text>');
    expect(svg).toContain('>log10 regret</text>');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<polygon /g)).toHaveLength(2);
    expect(svg).toContain('>scriba:a&lt;b&amp;&quot;c&quot; (S=2)</text>');
    expect(svg).toContain('>scriba:tpe (S=2)</text>');
    // Distinct colours from the palette, the same for a method in every plot.
    expect(svg).toContain('stroke="#1f77b4"');
    expect(svg).toContain('stroke="#ff7f0e"');
    expect(svgs['hartmann3.svg']).toContain('<polyline points="64.0,');
    expect(svgs['hartmann3.svg']).toContain('stroke="#ff7f0e"');
  });
});

describe('writeReport', () => {
  const dirs: string[] = [];
  const temp = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'scriba-report-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test('reads the files and writes README.md and one SVG per function', async () => {
    const dir = temp();
    const input = join(dir, 'synthetic.json');
    writeFileSync(input, JSON.stringify(QUALITY[0]));
    const written = await writeReport([input], join(dir, 'out'), { title: 'T' });
    expect(written).toEqual(['README.md', 'branin.svg', 'hartmann3.svg'].map((f) => join(dir, 'out', f)));
    const protocolLink = protocolLinkFrom(join(dir, 'out')) as string;
    expect(readFileSync(join(dir, 'out', 'README.md'), 'utf8')).toBe(buildReport(QUALITY, { title: 'T', protocolLink }).markdown);
    expect(existsSync(join(dir, 'out', 'hartmann3.svg'))).toBe(true);
  });

  test('the report links the protocol document from wherever it is written', async () => {
    const doc = protocolDocPath();
    expect(doc).toBe(join(import.meta.dirname, '..', '..', PROTOCOL_DOC));
    const dir = temp();
    const input = join(dir, 'synthetic.json');
    writeFileSync(input, JSON.stringify(QUALITY[0]));
    for (const out of [join(dir, 'a'), join(dir, 'a b', '(c)')]) {
      await writeReport([input], out);
      const markdown = readFileSync(join(out, 'README.md'), 'utf8');
      const link = /\[benchmark protocol\]\(([^)\s]+)\)/.exec(markdown)?.[1];
      expect(link, markdown.slice(0, 400)).toBeDefined();
      expect(resolve(out, decodeURIComponent(link as string))).toBe(doc);
    }
    // Without a known location the document is named, not linked.
    expect(buildReport(QUALITY).markdown).toContain(`the benchmark protocol (${PROTOCOL_DOC} in Scriba's repository) (§3, §4, §6)`);
  });

  test.each(['random-grid', 'tpe', 'cmaes', 'sobol', 'bayesianoptimization'])('the committed report bench/results/%s links the protocol', (name) => {
    const folder = join(import.meta.dirname, '..', '..', 'bench', 'results', name);
    const link = /\[benchmark protocol\]\(([^)\s]+)\)/.exec(readFileSync(join(folder, 'README.md'), 'utf8'))?.[1];
    expect(link).toBe('../../../docs/benchmark-protocol.md');
    expect(existsSync(resolve(folder, link as string))).toBe(true);
    expect(dirname(resolve(folder, link as string))).toBe(join(import.meta.dirname, '..', '..', 'docs'));
  });

  test('rejects invalid inputs, listing every problem of every file', async () => {
    const dir = temp();
    const bad = join(dir, 'bad.json');
    const broken = structuredClone(QUALITY[0]) as SyntheticFile;
    (broken.runs[0] as SyntheticRun).dim = 4;
    writeFileSync(bad, JSON.stringify(broken));
    writeFileSync(join(dir, 'text.json'), 'not json');
    const error = await writeReport([bad, join(dir, 'text.json')], join(dir, 'out')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScribaError);
    expect((error as ScribaError).code).toBe('invalid-argument');
    expect((error as ScribaError).issues).toEqual([
      { path: bad, message: 'runs[0].dim: hartmann3 has dimension 3 (§2), got 4' },
      { path: join(dir, 'text.json'), message: expect.stringContaining('cannot read a JSON file') },
    ]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
