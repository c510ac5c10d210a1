import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { search, tune } from '../../src/index.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startUi, type UiServer } from '../../ui/server.js';
import { finishedExperiment, SCRIPT } from './fixture.js';

/*
 * The dashboard in a real browser (Debian's chromium, headless, driven by playwright-core)
 * over a real store: `scriba run examples/median-stop.yaml` (the built CLI, real trial
 * processes, early-stopped trials) and a tune() experiment whose parameter values hold
 * markup. With SCRIBA_UI_SCREENSHOTS=DIR it also saves a screenshot of each page there.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const EXPERIMENT = 'two-moons-median-stop';
const shots = process.env.SCRIBA_UI_SCREENSHOTS;
let dir = '';
let db = '';
let ui: UiServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-ui-browser-'));
  db = join(dir, 'store.db');
  await promisify(execFile)(process.execPath, [join(ROOT, 'dist/src/bin.js'), 'run', join(ROOT, 'examples/median-stop.yaml'), '--db', db, '--seed', '5'], { cwd: ROOT });
  await finishedExperiment(db);
  ui = await startUi({ db, port: 0, pollMs: 50 });
  const executablePath = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  if (shots) await mkdir(shots, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await rm(dir, { recursive: true, force: true });
});

const shot = async (name: string) => {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
};

/** The store's own view of an experiment, to check what the page shows against. */
function stored(name: string) {
  const store = new SqliteStore(db, { create: false });
  try {
    return store.loadState(name);
  } finally {
    store.close();
  }
}

describe('the dashboard in chromium', () => {
  test('the list, an experiment, its pictures, table and a trial, as the store has them', async () => {
    const state = stored(EXPERIMENT);
    await page.goto(ui.url);
    const row = page.locator(`#experiments tr[data-experiment="${EXPERIMENT}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('Succeeded');
    expect(await page.locator('#experiments tbody tr').count()).toBe(2);
    await shot('ui-experiments');

    await row.locator('a').click();
    await page.locator('#trial-table tbody tr').first().waitFor();
    expect(await page.locator('h1').textContent()).toBe(EXPERIMENT);
    expect(await page.locator('#trial-table tbody tr').count()).toBe(state.trials.length);
    const early = state.trials.filter((t) => t.condition === 'EarlyStopped').length;
    expect(early).toBeGreaterThan(0);
    expect(await page.locator('#trial-table tbody td span.status-EarlyStopped').count()).toBe(early);
    // Every picture loads as an image the browser could decode.
    for (const kind of ['history', 'parallel', 'slice', 'curves']) {
      const img = page.locator(`[data-plot="${kind}"] img`);
      await img.scrollIntoViewIfNeeded();
      await expect.poll(() => img.evaluate((el) => {
        const image = el as unknown as { complete: boolean; naturalWidth: number };
        return image.complete ? image.naturalWidth : 0;
      })).toBeGreaterThan(100);
    }
    await page.evaluate('window.scrollTo(0, 0)');
    await shot('ui-experiment');

    // Sorting by the objective on the server: the first row is the best trial.
    await page.locator('th[data-sort="value"]').click();
    await page.locator('th.sorted-asc[data-sort="value"]').waitFor();
    const best = state.trials.filter((t) => t.observation).map((t) => ({ name: t.name, value: Number(t.observation?.metrics.find((m) => m.name === 'loss')?.min) }));
    const min = best.reduce((a, b) => (b.value < a.value ? b : a));
    expect(await page.locator('#trial-table tbody tr').first().getAttribute('data-trial')).toBe(min.name);
    // Filtering by condition.
    await page.locator('label', { hasText: 'EarlyStopped' }).locator('input').check();
    await expect.poll(() => page.locator('#trial-table tbody tr').count()).toBe(early);

    // A trial: parameters, its observation log and what its process printed.
    const trial = state.trials.find((t) => t.condition === 'EarlyStopped');
    await page.locator(`#trial-table tr[data-trial="${trial?.name}"] a`).click();
    await page.locator('#trial-logs').waitFor();
    expect(await page.locator('h1').textContent()).toBe(trial?.name);
    const logLines = (await page.locator('#observation-log').textContent())?.split('\n') ?? [];
    const store = new SqliteStore(db, { create: false });
    const expectedLog = store.observationLog(trial?.name ?? '');
    store.close();
    expect(logLines).toHaveLength(expectedLog.length);
    expect(logLines[0]).toContain(`${expectedLog[0]?.name}=${expectedLog[0]?.value}`);
    expect((await page.locator('#trial-logs').textContent())?.length).toBeGreaterThan(0);
    for (const a of trial?.parameterAssignments ?? []) expect(await page.locator('table.params').textContent()).toContain(`${a.name}${a.value}`);
    await shot('ui-trial');
  }, 120_000);

  test('markup in parameter values is shown as text and never runs', async () => {
    await page.goto(`${ui.url}#/experiments/ui-demo`);
    await page.locator('#trial-table tbody tr').first().waitFor();
    await page.locator('input[type=search]').fill('<script>');
    await page.locator('input[type=search]').press('Enter');
    const cells = page.locator('#trial-table tbody td', { hasText: SCRIPT });
    await expect.poll(() => cells.count()).toBeGreaterThan(0);
    expect(await cells.first().textContent()).toBe(SCRIPT);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('main script').count()).toBe(0);
  }, 60_000);

  test('a running experiment shows up and updates live', async () => {
    await page.goto(ui.url);
    await page.locator('#experiments tbody tr').first().waitFor();
    let release = (): void => {};
    let first = true;
    const gate = new Promise<void>((ok) => (release = ok));
    const run = tune({
      name: 'live-one',
      parameters: { x: search.double({ min: 0, max: 1 }) },
      objectiveType: 'minimize',
      maxTrialCount: 3,
      parallelTrialCount: 1,
      seed: 2,
      store: db,
      // The first trial waits until the page has shown the experiment Running.
      objective: async ({ x }) => {
        if (first) {
          first = false;
          await gate;
        }
        return x;
      },
    });
    const row = page.locator('#experiments tr[data-experiment="live-one"]');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('Running');
    release();
    await run;
    await expect.poll(() => row.locator('td').nth(1).textContent(), { timeout: 30_000 }).toBe('Succeeded');
    expect(await row.locator('td').nth(3).textContent()).toBe('3/3');
  }, 60_000);
});
