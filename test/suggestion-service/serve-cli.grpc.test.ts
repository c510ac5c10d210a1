import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { main, type Io } from '../../src/cli/main.js';
import { serve } from '../../src/cli/serve.js';
import { DbManagerClient, EarlyStoppingClient, SuggestionClient } from '../../suggestion-service/client.js';
import { experiment, makeCertificates, trial } from './support.js';

const root = join(import.meta.dirname, '..', '..');
// The built CLI (npm test builds dist/ first); SCRIBA_BIN points at another build.
const bin = resolve(root, process.env.SCRIBA_BIN ?? 'dist/src/bin.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scriba-serve-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  let listening: (address: string) => void = () => {};
  const address = new Promise<string>((resolve) => (listening = resolve));
  const io: Io = {
    out: (l) => {
      out.push(l);
      const m = / on (\S+:\d+)/.exec(l);
      if (m?.[1]) listening(m[1]);
    },
    err: (l) => err.push(l),
    raw: () => {},
    progress: () => {},
    isTTY: false,
  };
  return { io, out, err, address };
}

/** `scriba serve ...` in this process, stopped when `stop()` is called. */
function serveInProcess(args: string[]) {
  const cap = captureIo();
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const exit = serve(args, cap.io, () => stopped);
  return { ...cap, stop, exit };
}

describe('scriba serve (in process)', () => {
  test('suggestion --algorithm all on a free port: serves, then shuts down when told', async () => {
    const s = serveInProcess(['suggestion', '--algorithm', 'all', '--port', '0']);
    const address = await s.address;
    expect(s.out[0]).toMatch(/^scriba: serving api\.v1\.beta1\.Suggestion \(every algorithm by its name: random, grid, tpe, .*\) on 127\.0\.0\.1:\d+$/);
    const client = new SuggestionClient(address);
    expect((await client.getSuggestions({ experiment: experiment('tpe'), trials: [], count: 4 })).assignments).toHaveLength(4);
    client.close();
    s.stop();
    expect(await s.exit).toBe(0);
    expect(s.out.at(-1)).toBe('scriba: shutting down');
  });

  test('db-manager --db keeps the logs in the store across restarts', async () => {
    const db = join(dir, 'katib.db');
    const first = serveInProcess(['db-manager', '--port', '0', '--db', db]);
    let client = new DbManagerClient(await first.address);
    await client.reportObservationLog('trial-1', [{ timeStamp: '2026-02-03T04:05:06.789Z', name: 'loss', value: '0.125' }]);
    client.close();
    first.stop();
    expect(await first.exit).toBe(0);
    const second = serveInProcess(['db-manager', '--port', '0', '--db', db]);
    client = new DbManagerClient(await second.address);
    expect(await client.getObservationLog('trial-1')).toEqual([{ timeStamp: '2026-02-03T04:05:06.789Z', name: 'loss', value: '0.125' }]);
    client.close();
    second.stop();
    expect(await second.exit).toBe(0);
  });

  test.each([
    [['serve', 'suggestion'], '--algorithm NAME|all is required'],
    [['serve', 'suggestion', '--algorithm', 'nope'], 'unknown algorithm name nope'],
    [['serve', 'suggestion', '--algorithm', 'all', '--port', '70000'], '--port expects an integer from 0 to 65535'],
    [['serve', 'suggestion', '--algorithm', 'all', '--db', 'x.db'], '--db is for early-stopping and db-manager'],
    [['serve', 'early-stopping', '--algorithm', 'tpe'], '--algorithm is for scriba serve suggestion'],
    [['serve', 'db-manager', '--algorithm-threads', '2'], '--algorithm-threads is for scriba serve suggestion'],
    [['serve', 'suggestion', '--algorithm', 'all', '--algorithm-threads', 'many'], '--algorithm-threads expects an integer from 0 to 64'],
    [['serve', 'db-manager', '--tls-cert', 'server.crt'], '--tls-cert and --tls-key go together'],
    [['serve', 'db-manager', '--tls-cert', '/no/such.crt', '--tls-key', '/no/such.key'], '--tls-cert /no/such.crt: cannot read: ENOENT'],
    [['serve', 'everything'], 'expected suggestion, early-stopping or db-manager, got everything'],
    [['serve', 'suggestion', '--algorithm', 'all', '--db-manager-ca', 'ca.crt'], '--db-manager-ca is for scriba serve early-stopping'],
    [['serve', 'early-stopping', '--db-manager-cert', 'client.crt'], '--db-manager-cert and --db-manager-key go together'],
    [['serve', 'early-stopping', '--db-manager-ca', '/no/such.crt'], '--db-manager-ca /no/such.crt: cannot read: ENOENT'],
  ])('%j is a usage error (exit 2): %s', async (argv, message) => {
    const cap = captureIo();
    expect(await main(argv, cap.io)).toBe(2);
    expect(cap.err.join('\n')).toContain(message);
  });

  test('early-stopping --db-manager-ca reads logs from a DB manager over TLS; without it the call fails', async () => {
    const certs = makeCertificates();
    const db = serveInProcess(['db-manager', '--port', '0', '--db', join(dir, 'k.db'), '--tls-cert', join(certs.dir, 'server.crt'), '--tls-key', join(certs.dir, 'server.key')]);
    const secure = serveInProcess(['early-stopping', '--port', '0', '--db-manager-ca', join(certs.dir, 'ca.crt')]);
    const plain = serveInProcess(['early-stopping', '--port', '0']);
    try {
      const dbAddress = await db.address;
      const reporter = new DbManagerClient(dbAddress, { tls: { ca: certs.ca } });
      const losses: Record<string, number[]> = { a: [1, 2], b: [3, 4], c: [5, 6] };
      for (const [name, values] of Object.entries(losses)) {
        await reporter.reportObservationLog(name, values.map((v, i) => ({ timeStamp: `2026-01-01T00:00:0${i}Z`, name: 'loss', value: String(v) })));
      }
      reporter.close();
      const e = experiment('random', { parameters: [{ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0', max: '1' } }] });
      const request = {
        experiment: { ...e, spec: { ...e.spec, earlyStopping: { algorithmName: 'medianstop', algorithmSettings: [{ name: 'start_step', value: '2' }] } } },
        trials: Object.keys(losses).map((name) => trial(name, 'Succeeded', '0.1', 1)),
        dbManagerAddress: dbAddress,
      };
      const client = new EarlyStoppingClient(await secure.address);
      // Means of the first two values: 1.5, 3.5, 5.5; their median 3.5.
      expect(await client.getEarlyStoppingRules(request)).toEqual([{ name: 'loss', value: '3.5', comparison: 'greater', startStep: 2 }]);
      client.close();
      const refused = new EarlyStoppingClient(await plain.address, { timeoutMs: 5000 });
      await expect(refused.getEarlyStoppingRules(request)).rejects.toMatchObject({ details: expect.stringContaining(dbAddress) });
      refused.close();
    } finally {
      for (const s of [db, secure, plain]) s.stop();
      await Promise.all([db.exit, secure.exit, plain.exit]);
      certs.remove();
    }
  });

  test('a port already taken: exit 2, saying so', async () => {
    const first = serveInProcess(['suggestion', '--algorithm', 'random', '--port', '0']);
    const port = (await first.address).split(':')[1] as string;
    const cap = captureIo();
    expect(await main(['serve', 'db-manager', '--port', port, '--db', join(dir, 'x.db')], cap.io)).toBe(2);
    expect(cap.err.join('\n')).toContain(`cannot listen on 127.0.0.1:${port}`);
    first.stop();
    expect(await first.exit).toBe(0);
  });

  test('serve --help prints the usage', async () => {
    const cap = captureIo();
    expect(await main(['serve', '--help'], cap.io)).toBe(0);
    expect(cap.out.join('\n')).toContain('scriba serve suggestion --algorithm NAME|all [--port 6789] [--host 127.0.0.1]');
  });
});

/** The built CLI as a child process; resolves with its address once it listens. */
function spawnServe(args: string[]) {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const address = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = / on (\S+:\d+)/.exec(stdout);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, address, exited, output: () => stdout };
}

describe('scriba serve (the built CLI, a real process)', () => {
  test('SIGTERM shuts it down gracefully (exit 0); a new process answers the same request the same way', async () => {
    const e = experiment('multivariate-tpe', { settings: [{ name: 'n_startup_trials', value: '1' }] });
    const trials = [
      { name: 'a', parameterAssignments: [{ name: 'lr', value: '0.01' }, { name: 'units', value: '16' }, { name: 'dropout', value: '0.1' }, { name: 'batch', value: '32' }, { name: 'optimizer', value: 'adam' }], condition: 'Succeeded' as const, conditions: [], creationTime: '', startTime: '2026-01-01T00:00:00Z', observation: { metrics: [{ name: 'loss', min: '0.3', max: '0.3', latest: '0.3' }] } },
      { name: 'b', parameterAssignments: [{ name: 'lr', value: '0.05' }, { name: 'units', value: '64' }, { name: 'dropout', value: '0.4' }, { name: 'batch', value: '16' }, { name: 'optimizer', value: 'sgd' }], condition: 'Running' as const, conditions: [], creationTime: '', startTime: '2026-01-01T00:00:01Z' },
    ];
    const replies = [];
    for (let run = 0; run < 2; run++) {
      const p = spawnServe(['suggestion', '--algorithm', 'all', '--port', '0']);
      const client = new SuggestionClient(await p.address);
      replies.push(await client.getSuggestions({ experiment: e, trials, count: 3 }));
      client.close();
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.output()).toContain('scriba: shutting down');
    }
    expect(replies[0]?.assignments).toHaveLength(3);
    expect(replies[1]).toEqual(replies[0]);
  });
});
