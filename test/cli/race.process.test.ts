import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadExperiment } from '../../src/experiment/load.js';
import { createState } from '../../src/loop/state.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { jobExperimentYaml } from '../support/katib-yaml.js';
import { start, waitFor } from './support.js';

// Two processes started together on the same experiment: exactly one runs it, the other is
// refused (or, when it comes after the first has finished, finds nothing left to run).
// Every trial appends a line to runs.log, so a trial that ran twice shows as an extra line.
// To release both in the same moment, the test holds the store's write lock until both
// processes have the file open; they then wait on the lock (busy_timeout) and go together.
const MAX = 4;
const ROUNDS = 12;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-race-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function experimentYaml(runs: string): string {
  const script = `require('fs').appendFileSync(${JSON.stringify(runs)}, process.argv[1] + '\\n'); console.log('loss=' + process.argv[1])`;
  return jobExperimentYaml({ name: 'race', maxTrialCount: MAX, parallelTrialCount: 2, command: `[${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(script)}, "\${trialParameters.x}"]` });
}

/** A stored experiment that no process owns and that has trials left to run, as after a crash. */
function storeUnowned(db: string, yaml: string): void {
  const { experiment, issues } = loadExperiment(yaml);
  expect(issues).toEqual([]);
  const store = new SqliteStore(db);
  try {
    store.createExperiment(createState(experiment!, 5, store));
    store.release('race');
  } finally {
    store.close();
  }
}

/** Holds a write transaction on the store (creating it if needed) until `commit`. */
function holdWriteLock(db: string) {
  const store = new SqliteStore(db); // the tables exist, so the processes' schema checks only read
  store.close();
  const holder = new Database(db);
  holder.pragma('busy_timeout = 5000');
  holder.exec('BEGIN IMMEDIATE');
  return {
    commit: () => {
      holder.exec('COMMIT');
      holder.close();
    },
  };
}

/** Whether process `pid` has the file open. */
function hasOpen(pid: number, file: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

function rowCounts(db: string): { trials: number; succeeded: number; observations: number } {
  const store = new Database(db, { readonly: true });
  try {
    const one = (sql: string) => (store.prepare(sql).get() as { n: number }).n;
    return {
      trials: one('SELECT count(*) AS n FROM trials'),
      succeeded: one("SELECT count(*) AS n FROM trials WHERE condition = 'Succeeded'"),
      observations: one('SELECT count(*) AS n FROM observation_logs'),
    };
  } finally {
    store.close();
  }
}

async function race(args: (db: string, file: string) => string[][], round: string, prepare: (db: string, yaml: string) => void) {
  const db = join(dir, round, 'scriba.db');
  const runs = join(dir, `${round}.runs.log`);
  const file = join(dir, `${round}.yaml`);
  const yaml = experimentYaml(runs);
  await writeFile(file, yaml);
  await writeFile(runs, '');
  prepare(db, yaml);
  const gate = holdWriteLock(db);
  const processes = args(db, file).map((a) => start([...a, '--db', db, '--json', '--gpus', 'none'], dir));
  await waitFor(() => (processes.every((p) => p.child.pid !== undefined && hasOpen(p.child.pid, db)) ? true : undefined), 'both processes to open the store');
  gate.commit();
  const codes = await Promise.all(processes.map((p) => p.exited));
  const refused = processes.filter((p) => /is being run by process \d+/.test(p.stderr()));
  const ran = (await readFile(runs, 'utf8')).split('\n').filter(Boolean);
  return { codes, refused: refused.length, ran, rows: rowCounts(db), stderr: processes.map((p) => p.stderr()) };
}

test.each([
  ['resume', 'two `scriba resume` of an unowned experiment', (db: string) => [['resume', 'race'], ['resume', 'race']], storeUnowned],
  ['run', 'two `scriba run` of a new experiment', (_db: string, file: string) => [['run', file], ['run', file]], () => {}],
] as const)('%s: %s started together: every trial runs once', async (kind, _what, args, prepare) => {
  let refusals = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const r = await race(args, `${kind}-${round}`, prepare);
    // One process ran the experiment; the other was refused, or came later and found it done
    // (`resume` then reports it, `run` says it has ended).
    expect(r.ran, JSON.stringify(r.stderr)).toHaveLength(MAX);
    expect(new Set(r.ran).size).toBe(MAX);
    expect(r.rows).toEqual({ trials: MAX, succeeded: MAX, observations: MAX });
    expect(r.codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(1);
    for (const [i, code] of r.codes.entries()) if (code !== 0) expect(r.stderr[i]).toMatch(/is being run by process \d+|has already ended/);
    for (const err of r.stderr) expect(err).not.toMatch(/\n\s+at /);
    refusals += r.refused;
  }
  // Started together, the two overlap in most rounds, so the refusal path is taken.
  expect(refusals).toBeGreaterThan(0);
}, 300_000);
