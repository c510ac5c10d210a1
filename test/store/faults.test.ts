import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ScribaError } from '../../src/errors.js';
import { createFault, sqliteFault } from '../../src/store/faults.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-fault-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What `f` threw. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

describe('SQLite errors raised by real connections', () => {
  test('a full disk (SQLITE_FULL, here from a page limit)', () => {
    const path = join(dir, 'full.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x TEXT)');
    db.pragma('max_page_count = 3');
    const error = thrown(() => db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(100_000)));
    db.close();
    const fault = sqliteFault(path, error);
    expect(fault).toBeInstanceOf(ScribaError);
    expect(fault?.code).toBe('store');
    expect(fault?.message).toBe(
      `store ${path} cannot grow: the disk is full (database or disk is full); free some space, or pass --db with a path on another disk`,
    );
  });

  test('a store another process holds locked (SQLITE_BUSY)', () => {
    const path = join(dir, 'busy.db');
    const holder = new Database(path);
    holder.exec('CREATE TABLE t (x)');
    holder.exec('BEGIN IMMEDIATE');
    const writer = new Database(path, { timeout: 0 });
    const error = thrown(() => writer.exec('INSERT INTO t VALUES (1)'));
    holder.exec('ROLLBACK');
    writer.close();
    holder.close();
    expect(sqliteFault(path, error)?.message).toBe(
      `store ${path} is locked by another process (database is locked); try again when that process has finished`,
    );
  });

  test('an error that is not SQLite\'s (a closed store) is left as it is', () => {
    const path = join(dir, 'store.db');
    const store = new SqliteStore(path);
    store.close();
    expect(thrown(() => store.experimentNames())).not.toBeInstanceOf(ScribaError);
  });
});

describe('codes without a real fault to provoke', () => {
  test('extended codes keep their primary advice and say which they are', () => {
    const error = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
    expect(sqliteFault('/s.db', error)?.message).toBe(
      'store /s.db cannot be read or written: disk I/O error (disk I/O error, SQLITE_IOERR_WRITE); check the disk, or pass --db with another path',
    );
    const readonly = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY_DBMOVED' });
    expect(sqliteFault('/s.db', readonly)?.message).toMatch(/^store \/s\.db is read-only \(attempt to write a readonly database, SQLITE_READONLY_DBMOVED\)/);
  });

  test('an unknown SQLite code still names the file; other errors are not faults', () => {
    const error = Object.assign(new Error('something new'), { code: 'SQLITE_NEW' });
    expect(sqliteFault('/s.db', error)?.message).toBe('store /s.db: something new');
    expect(sqliteFault('/s.db', new TypeError('x'))).toBeUndefined();
    expect(sqliteFault('/s.db', Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
  });

  test('folders that cannot be created', () => {
    const errno = (code: string, path: string) => Object.assign(new Error(`${code}: mkdir '${path}'`), { code, path });
    expect(createFault('/ro/s/x.db', errno('EROFS', '/ro/s'))?.message).toBe(
      'cannot create store /ro/s/x.db: /ro/s is on a read-only file system; pass --db with a path on another disk',
    );
    expect(createFault('/d/x.db', errno('ENOSPC', '/d'))?.message).toBe(
      'cannot create store /d/x.db: the disk is full; free some space, or pass --db with a path on another disk',
    );
    expect(createFault('/d/x.db', new Error('no code'))).toBeUndefined();
  });
});
