import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/**
 * Ends trial process groups when the runner that started them dies, kill -9 included.
 * Linux has no parent-death signal for a whole process group, so one small helper process
 * per run holds a pipe from the runner: the runner writes the group of each trial it starts
 * (`+pgid`) and ends (`-pgid`); when the pipe closes without `close`, the runner is gone,
 * and the helper stops what is left (SIGTERM, SIGKILL after the grace period) and exits.
 */
export interface Reaper {
  track(pgid: number): void;
  untrack(pgid: number): void;
  /** The run is over: the helper exits (it stops nothing still tracked; the runner did). */
  close(): void;
}

/** The helper's program, run with `node -e` so that it needs no file of its own. */
const HELPER = String.raw`
const graceMs = Number(process.argv[1]);
const groups = new Set();
let closed = false;
const alive = (g) => { try { process.kill(-g, 0); return true; } catch { return false; } };
const signal = (g, s) => { try { process.kill(-g, s); } catch {} };
// A terminal's signals reach the runner, which stops its own trials; this helper waits for the pipe.
for (const s of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(s, () => {});
const lines = require('node:readline').createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'close') closed = true;
  else if (line[0] === '+') groups.add(Number(line.slice(1)));
  else if (line[0] === '-') groups.delete(Number(line.slice(1)));
});
lines.on('close', () => {
  if (closed || groups.size === 0) process.exit(0);
  for (const g of groups) signal(g, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  setInterval(() => {
    const left = [...groups].filter(alive);
    if (left.length > 0 && Date.now() < deadline) return;
    for (const g of left) signal(g, 'SIGKILL');
    process.exit(0);
  }, 50);
});
`;

export function startReaper(graceMs: number): Reaper {
  const child = spawn(process.execPath, ['-e', HELPER, String(graceMs)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  const pipe = child.stdin as Writable & { unref?: () => void };
  // Neither the helper nor its pipe keeps this process alive.
  child.unref();
  pipe.unref?.();
  pipe.on('error', () => undefined); // the helper died: there is nothing left to tell it
  child.on('error', () => undefined);
  const send = (line: string): void => {
    if (pipe.writable) pipe.write(`${line}\n`);
  };
  return {
    track: (pgid) => send(`+${pgid}`),
    untrack: (pgid) => send(`-${pgid}`),
    close: () => {
      send('close');
      pipe.end();
    },
  };
}
