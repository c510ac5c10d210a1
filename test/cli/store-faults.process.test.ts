import { execFile } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, openSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { jobExperimentYaml } from '../support/katib-yaml.js';
import { bin, root, scriba, type Result } from './support.js';

// Faults of the store file itself, on real SQLite files and real CLI processes: each is one
// line on stderr naming the file and what to do, with the store-fault exit code (74).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const STORE_FAULT = 74;

let dir: string;
let store: string; // a real store holding the finished experiment `faults`
let file: string;
let other: string; // an experiment the store does not hold yet

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-faults-'));
  file = join(dir, 'faults.yaml');
  other = join(dir, 'other.yaml');
  const command = '[sh, -c, "echo loss=${trialParameters.x}"]';
  await writeFile(file, jobExperimentYaml({ name: 'faults', maxTrialCount: 1, parallelTrialCount: 1, command }));
  await writeFile(other, jobExperimentYaml({ name: 'other', maxTrialCount: 1, parallelTrialCount: 1, command }));
  store = join(dir, 'good.db');
  const run = await scriba(['run', file, '--db', store, '--gpus', 'none']);
  expect(run.code, run.stderr).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A copy of the good store, to damage. */
function copyOfStore(name: string): string {
  const copy = join(dir, name);
  copyFileSync(store, copy);
  return copy;
}

/** Overwrites `bytes` of the file at `offset`. */
function overwrite(path: string, offset: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** One line on stderr, naming the file, without a stack trace or an internal error; nothing on stdout. */
function expectFault(result: Result, code: number, pattern: RegExp, path: string): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.at(-1)).toMatch(pattern);
  expect(lines.at(-1)).toContain(path);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/internal error|SqliteError|Error:/);
}

/** Every command that opens an existing store, on `db`. */
function readers(db: string): string[][] {
  return [
    ['get', 'experiments', '--db', db],
    ['get', 'trials', 'faults', '--db', db, '-o', 'json'],
    ['get', 'trial', 'faults-x', '--db', db],
    ['describe', 'experiment', 'faults', '--db', db],
    ['describe', 'trial', 'faults-x', '--db', db],
    ['delete', 'experiment', 'faults', '--db', db],
    ['logs', 'faults-x', '--db', db],
    ['resume', 'faults', '--db', db, '--gpus', 'none'],
  ];
}

describe('a file that is not a database', () => {
  test('every command says so, naming it', async () => {
    const db = join(dir, 'notes.db');
    writeFileSync(db, 'these are my notes, not a database\n'.repeat(200));
    const pattern = /^scriba: store .+ is not a SQLite database \(file is not a database\); pass --db with a Scriba store or a new path$/;
    const serve = ['serve', 'db-manager', '--port', '0', '--db', db];
    for (const args of [...readers(db), ['run', file, '--db', db, '--gpus', 'none'], serve]) {
      expectFault(await scriba(args), STORE_FAULT, pattern, db);
    }
  });
});

describe('a damaged store', () => {
  test('pages overwritten with garbage', async () => {
    const db = copyOfStore('garbled.db');
    overwrite(db, 4096, Buffer.alloc(8192, 0xff));
    const pattern = /^scriba: store .+ is damaged \(database disk image is malformed\); restore it from a copy, or pass --db with a new path$/;
    for (const args of [['get', 'experiments', '--db', db], ['describe', 'experiment', 'faults', '--db', db], ['run', file, '--db', db, '--gpus', 'none']]) {
      expectFault(await scriba(args), STORE_FAULT, pattern, db);
    }
  });

  test('truncated', async () => {
    const db = copyOfStore('truncated.db');
    truncateSync(db, 5000);
    const pattern = /^scriba: store .+ is damaged \(database disk image is malformed\)/;
    for (const args of readers(db)) expectFault(await scriba(args), STORE_FAULT, pattern, db);
  });
});

describe('a read-only store', () => {
  // SQLite opens a file whose header gives a write version above 2 read-only, whoever runs
  // it (chmod 0444 would not stop root, and tests may run as root).
  let db: string;
  beforeAll(() => {
    db = copyOfStore('read-only.db');
    overwrite(db, 18, Buffer.from([3]));
  });

  test('can be read', async () => {
    const get = await scriba(['get', 'experiments', '--db', db]);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toMatch(/^faults\s+Succeeded\s/m);
  });

  test('run, delete and resume say it cannot be written', async () => {
    const pattern = /^scriba: store .+ is read-only \(attempt to write a readonly database\); make the file and its folder writable, or pass --db with another path$/;
    for (const args of [['run', other, '--db', db, '--gpus', 'none'], ['delete', 'experiment', 'faults', '--db', db], ['resume', 'faults', '--db', db, '--gpus', 'none']]) {
      expectFault(await scriba(args), STORE_FAULT, pattern, db);
    }
  });
});

describe('a path where no store can be', () => {
  test('a parent that is a file', async () => {
    const parent = join(dir, 'plain-file');
    writeFileSync(parent, 'x');
    for (const db of [join(parent, 'x.db'), join(parent, 'a', 'b', 'x.db')]) {
      const result = await scriba(['run', file, '--db', db, '--gpus', 'none']);
      expectFault(result, STORE_FAULT, new RegExp(`^scriba: cannot create store .+: ${parent.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a directory; pass --db with a path in a folder$`), db);
    }
  });

  test('a directory given as the store', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    for (const args of [['get', 'experiments', '--db', folder], ['run', file, '--db', folder, '--gpus', 'none']]) {
      expectFault(await scriba(args), STORE_FAULT, /^scriba: store .+ is a directory, not a SQLite file; pass --db with a file path/, folder);
    }
  });

  test('a folder that may not be written', async () => {
    // Root writes anywhere: as root the CLI runs as nobody, for whom the folder is read-only.
    const asRoot = process.getuid?.() === 0;
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(dir, 0o755);
    chmodSync(locked, 0o555);
    const db = join(locked, 'sub', 'x.db');
    const result = await new Promise<Result>((resolve) => {
      execFile(process.execPath, [bin, 'run', file, '--db', db, '--gpus', 'none'], { cwd: root, timeout: 60_000, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
    expectFault(result, STORE_FAULT, new RegExp(`^scriba: cannot create store .+: permission denied on ${locked}; pass --db with a path in a folder you may write$`), db);
  });
});

describe('no store at the path', () => {
  test('get, describe, logs and delete exit 1 (NotFound) with the message on stderr; resume exits 2', async () => {
    const db = join(dir, 'nothing-here.db');
    const pattern = /^scriba: no store at .+: run an experiment first, or pass --db$/;
    for (const args of readers(db)) {
      expectFault(await scriba(args), args[0] === 'resume' ? 2 : 1, pattern, db);
    }
    const ignored = await scriba(['delete', 'experiment', 'faults', '--db', db, '--ignore-not-found']);
    expect(ignored.code).toBe(0);
  });
});
