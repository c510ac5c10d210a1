#!/usr/bin/env node
/**
 * The dashboard load benchmark: a store of `trials` trials with `steps` intermediate
 * values each, served by `scriba ui` (the built CLI, in its own process, started afresh
 * for each repeat so that every first render is cold), opened in headless chromium.
 *
 * Measured per repeat: time from navigation to the experiment page's first render (its
 * summary, the first page of the trial table and the optimisation history drawn), time
 * for the trial table to re-render sorted by the objective (one click, server-side sort
 * of all trials), time until the intermediate-values picture of every trial has loaded,
 * and the server's peak resident memory (VmHWM) at the end. Medians over repeats.
 *
 * Usage (after building): node dist/bench/ui/run.js [--trials 10000] [--steps 200]
 *   [--repeats 3] [--out bench/results/ui.json]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { search, tune } from '../../src/index.js';
import { median } from '../protocol.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10000' },
    steps: { type: 'string', default: '200' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/results/ui.json' },
  },
});
const TRIALS = Number(values.trials);
const STEPS = Number(values.steps);
const REPEATS = Number(values.repeats);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'dist/src/bin.js');
const NAME = 'ui-load';

/** The store: tune() records the trials; their observation logs are then written in one transaction. */
async function buildStore(db: string): Promise<number> {
  const start = performance.now();
  await tune({
    name: NAME,
    parameters: {
      lr: search.double({ min: 1e-5, max: 1e-1, distribution: 'logUniform' }),
      layers: search.int({ min: 1, max: 8 }),
      optimizer: search.categorical(['sgd', 'adam', 'rmsprop']),
      dropout: search.double({ min: 0, max: 0.5 }),
    },
    objectiveType: 'minimize',
    objectiveMetricName: 'loss',
    maxTrialCount: TRIALS,
    parallelTrialCount: 8,
    seed: 1,
    store: db,
    objective: ({ lr, layers, dropout }) => Math.abs(Math.log10(lr) + 3) + 0.05 * layers + dropout,
  });
  const sqlite = new Database(db);
  const names = sqlite.prepare('SELECT name FROM trials WHERE experiment = ?').pluck().all(NAME) as string[];
  const insert = sqlite.prepare('INSERT INTO observation_logs (trial_name, time_stamp, metric_name, value) VALUES (?, ?, ?, ?)');
  sqlite.transaction(() => {
    names.forEach((name, i) => {
      const floor = 0.2 + (i % 97) / 97;
      for (let s = 1; s <= STEPS; s++) insert.run(name, new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString(), 'loss', String(floor + 2 / s));
    });
  })();
  sqlite.close();
  return (performance.now() - start) / 1000;
}

async function startServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'ui', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ok, fail) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /on (http:\/\/\S+)/.exec(text);
      if (m?.[1]) ok(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`scriba ui exited with ${code}`)));
  });
  return { child, url };
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

const dir = mkdtempSync(join(tmpdir(), 'scriba-bench-ui-'));
const db = join(dir, 'store.db');
const executablePath = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
const rows: Array<{ experimentPageS: number; sortS: number; curvesS: number; pageRssMiB: number; peakRssMiB: number }> = [];
let buildS = 0;
try {
  buildS = await buildStore(db);
  process.stderr.write(`store: ${TRIALS} trials x ${STEPS} values in ${buildS.toFixed(1)} s\n`);
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  try {
    for (let r = 0; r < REPEATS; r++) {
      const { child, url } = await startServer(db);
      try {
        const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
        // Evaluated in the page (a function: the page's policy forbids evaluating strings).
        const loaded = (kind: string) =>
          page.waitForFunction(
            (k: string) => {
              const doc = (globalThis as unknown as { document: { querySelector(s: string): { complete: boolean; naturalWidth: number } | null } }).document;
              const img = doc.querySelector(`[data-plot="${k}"] img`);
              return img !== null && img.complete && img.naturalWidth > 0;
            },
            kind,
            { timeout: 120_000 },
          );
        let t = performance.now();
        await page.goto(`${url}#/experiments/${NAME}`);
        await page.locator('#trial-table tbody tr').first().waitFor({ timeout: 120_000 });
        await loaded('history');
        const experimentPageS = (performance.now() - t) / 1000;
        t = performance.now();
        await page.locator('th[data-sort="value"]').click();
        await page.locator('th.sorted-asc[data-sort="value"]').waitFor({ timeout: 120_000 });
        const sortS = (performance.now() - t) / 1000;
        const pageRssMiB = peakRssMiB(child.pid as number);
        t = performance.now();
        await page.locator('[data-plot="curves"]').scrollIntoViewIfNeeded();
        await loaded('curves');
        const curvesS = experimentPageS + (performance.now() - t) / 1000;
        const row = { experimentPageS, sortS, curvesS, pageRssMiB, peakRssMiB: peakRssMiB(child.pid as number) };
        rows.push(row);
        process.stderr.write(`repeat ${r + 1}/${REPEATS}: experiment page ${experimentPageS.toFixed(3)} s, sorted table ${sortS.toFixed(3)} s, curves ${curvesS.toFixed(2)} s, peak RSS ${row.pageRssMiB.toFixed(0)} MiB after the first render and sort, ${row.peakRssMiB.toFixed(0)} MiB with every picture drawn\n`);
        await page.close();
      } finally {
        child.kill('SIGTERM');
        await new Promise((ok) => child.once('exit', ok));
      }
    }
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const summary = {
  experimentPageS: median(rows.map((r) => r.experimentPageS)),
  sortS: median(rows.map((r) => r.sortS)),
  curvesS: median(rows.map((r) => r.curvesS)),
  pageRssMiB: median(rows.map((r) => r.pageRssMiB)),
  peakRssMiB: median(rows.map((r) => r.peakRssMiB)),
};
const lines = [
  `scriba ui with ${TRIALS} trials x ${STEPS} intermediate values; ${REPEATS} cold starts; ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}`,
  '',
  '| measure | median | per repeat |',
  '| --- | --- | --- |',
  `| experiment page, first render (s) | ${summary.experimentPageS.toFixed(3)} | ${rows.map((r) => r.experimentPageS.toFixed(3)).join(' / ')} |`,
  `| trial table sorted by objective (s) | ${summary.sortS.toFixed(3)} | ${rows.map((r) => r.sortS.toFixed(3)).join(' / ')} |`,
  `| every trial's curve drawn (s) | ${summary.curvesS.toFixed(2)} | ${rows.map((r) => r.curvesS.toFixed(2)).join(' / ')} |`,
  `| server peak RSS after first render and sort (MiB) | ${summary.pageRssMiB.toFixed(0)} | ${rows.map((r) => r.pageRssMiB.toFixed(0)).join(' / ')} |`,
  `| server peak RSS, every picture drawn (MiB) | ${summary.peakRssMiB.toFixed(0)} | ${rows.map((r) => r.peakRssMiB.toFixed(0)).join(' / ')} |`,
];
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, trials: TRIALS, steps: STEPS, repeats: REPEATS, storeBuildS: buildS, rows, summary }, null, 2)}\n`);
