import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ScribaError } from '../errors.js';

/** What to do about each kind of SQLite fault, by the error's primary result code. */
const ADVICE: Readonly<Record<string, (path: string, detail: string) => string>> = {
  SQLITE_CORRUPT: (p, d) => `store ${p} is damaged (${d}); restore it from a copy, or pass --db with a new path`,
  SQLITE_NOTADB: (p, d) => `store ${p} is not a SQLite database (${d}); pass --db with a Scriba store or a new path`,
  SQLITE_READONLY: (p, d) => `store ${p} is read-only (${d}); make the file and its folder writable, or pass --db with another path`,
  SQLITE_BUSY: (p, d) => `store ${p} is locked by another process (${d}); try again when that process has finished`,
  SQLITE_LOCKED: (p, d) => `store ${p} is locked (${d}); try again when the other writer has finished`,
  SQLITE_CANTOPEN: (p, d) => `cannot open store ${p} (${d}); check that it is a file and that its folder exists and is readable and writable`,
  SQLITE_FULL: (p, d) => `store ${p} cannot grow: the disk is full (${d}); free some space, or pass --db with a path on another disk`,
  SQLITE_IOERR: (p, d) => `store ${p} cannot be read or written: disk I/O error (${d}); check the disk, or pass --db with another path`,
  SQLITE_PERM: (p, d) => `store ${p} may not be accessed (${d}); check the file's permissions, or pass --db with another path`,
  SQLITE_AUTH: (p, d) => `store ${p} may not be accessed (${d}); check the file's permissions, or pass --db with another path`,
  SQLITE_NOLFS: (p, d) => `store ${p} is too large for this file system (${d}); pass --db with a path on another disk`,
  SQLITE_SCHEMA: (p, d) => `store ${p} changed while it was read (${d}); try again`,
};

/** better-sqlite3's SqliteError: `code` is SQLite's extended result code, e.g. SQLITE_IOERR_WRITE. */
function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** The primary result code of an extended one: SQLITE_IOERR_WRITE is SQLITE_IOERR. */
function primary(code: string): string {
  return Object.keys(ADVICE).find((p) => code === p || code.startsWith(`${p}_`)) ?? code;
}

/**
 * A SQLite error as a store fault naming the file and what to do; undefined for anything
 * that is not an error of SQLite's. The message is kept, with the extended code when it says more.
 */
export function sqliteFault(path: string, error: unknown): ScribaError | undefined {
  const code = sqliteCode(error);
  if (code === undefined) return undefined;
  const message = (error as Error).message || code;
  if (code === 'SQLITE_CANTOPEN' && isDirectory(path)) {
    return new ScribaError('store', `store ${path} is a directory, not a SQLite file; pass --db with a file path, e.g. ${path}/scriba.db`);
  }
  const base = primary(code);
  const detail = code === base ? message : `${message}, ${code}`;
  const advice = ADVICE[base];
  return new ScribaError('store', advice ? advice(path, detail) : `store ${path}: ${detail}`);
}

/**
 * Why the store's folder cannot be created (mkdir's error): the part of the path that is a
 * file, or the folder that may not be written.
 */
export function createFault(path: string, error: unknown): ScribaError | undefined {
  const e = error as NodeJS.ErrnoException | null;
  const where = typeof e?.path === 'string' ? e.path : dirname(path);
  switch (e?.code) {
    case 'EEXIST':
    case 'ENOTDIR': {
      const file = firstFile(dirname(path)) ?? where;
      return new ScribaError('store', `cannot create store ${path}: ${file} is not a directory; pass --db with a path in a folder`);
    }
    case 'EACCES':
    case 'EPERM':
      return new ScribaError('store', `cannot create store ${path}: permission denied on ${existingAncestor(where)}; pass --db with a path in a folder you may write`);
    case 'EROFS':
      return new ScribaError('store', `cannot create store ${path}: ${where} is on a read-only file system; pass --db with a path on another disk`);
    case 'ENOSPC':
      return new ScribaError('store', `cannot create store ${path}: the disk is full; free some space, or pass --db with a path on another disk`);
    case undefined:
      return undefined;
    default:
      return new ScribaError('store', `cannot create store ${path}: ${(e as Error).message}`);
  }
}

/** Either kind of fault, or the error itself when it is neither. */
export function storeFault(path: string, error: unknown): unknown {
  if (error instanceof ScribaError) return error;
  return sqliteFault(path, error) ?? error;
}

/** The path's status, or undefined when it cannot be had (missing, or a file on the way). */
function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  return stat(path)?.isDirectory() === true;
}

/** The nearest part of the folder path (itself or above) that exists and is not a directory. */
function firstFile(folder: string): string | undefined {
  for (let p = folder; ; p = dirname(p)) {
    const s = stat(p);
    if (s) return s.isDirectory() ? undefined : p;
    if (dirname(p) === p) return undefined;
  }
}

/** The nearest folder (itself or above) that exists: the one that could not be written. */
function existingAncestor(folder: string): string {
  for (let p = resolve(folder); ; p = dirname(p)) {
    if (stat(p) || dirname(p) === p) return p;
  }
}

/**
 * Makes every method of a store class throw store faults naming its file (`this.path`)
 * for SQLite's errors, so that no caller sees a bare SQLite message.
 */
export function faultsNamed(store: { prototype: { readonly path: string } }): void {
  const proto = store.prototype as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const method = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
    if (name === 'constructor' || typeof method !== 'function') continue;
    Object.defineProperty(proto, name, {
      value: function (this: { readonly path: string }, ...args: unknown[]): unknown {
        try {
          return (method as (...a: unknown[]) => unknown).apply(this, args);
        } catch (error) {
          throw storeFault(this.path, error);
        }
      },
      writable: true,
      configurable: true,
    });
  }
}
