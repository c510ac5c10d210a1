import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { HealthClient, SuggestionClient } from '../../suggestion-service/client.js';
import { LIMITS } from '../../suggestion-service/limits.js';
import { experiment, serve, stopAll } from './support.js';

const root = join(import.meta.dirname, '..', '..');
// The built CLI (npm test builds dist/ first), whose algorithm threads load the compiled worker.
const bin = resolve(root, process.env.SCRIBA_BIN ?? 'dist/src/bin.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scriba-busy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

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
  return { child, address, exited, stderr: () => stderr };
}

describe('heavy GetSuggestions work does not hold health checks or shutdown', () => {
  test('cmaes over as many parameters as allowed: health answers while it computes, SIGTERM ends the process without waiting for it', async () => {
    const p = spawnServe(['suggestion', '--algorithm', 'cmaes', '--port', '0', '--grace', '0', '--algorithm-threads', '1']);
    const address = await p.address;
    const suggestion = new SuggestionClient(address, { timeoutMs: 120_000 });
    const health = new HealthClient(address, { timeoutMs: 120_000 });
    try {
      const parameters = Array.from({ length: LIMITS.parameters }, (_, i) => ({ name: `x${i}`, parameterType: 'double' as const, feasibleSpace: { min: '0', max: '1' } }));
      let settled = false;
      const heavy = suggestion.getSuggestions({ experiment: experiment('cmaes', { parameters }), trials: [], count: 10 }).then(
        (reply) => {
          settled = true;
          return reply;
        },
        (error: ServiceError) => {
          settled = true;
          return error;
        },
      );
      // Seconds of work in a thread of the server: the event loop still answers. With --grace 0
      // the shutdown waits for no call, however fast this machine computes.
      expect(await health.check('manager.v1beta1.Suggestion')).toBe('SERVING');
      expect(settled).toBe(false);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      // The process ended while the computation ran: the call was cancelled, not answered.
      const outcome = await heavy;
      expect(outcome).toBeInstanceOf(Error);
      expect([status.CANCELLED, status.UNAVAILABLE]).toContain((outcome as ServiceError).code);
    } finally {
      suggestion.close();
      health.close();
      p.child.kill('SIGKILL');
    }
  });

  test('answers and errors computed in a thread are those computed in the server thread', async () => {
    const p = spawnServe(['suggestion', '--algorithm', 'all', '--port', '0']);
    const threaded = new SuggestionClient(await p.address);
    const inThread = await serve({ suggestion: { algorithm: 'all' }, algorithmThreads: 0 });
    const direct = new SuggestionClient(inThread.address);
    const outcome = (call: Promise<unknown>) => call.then((reply) => ({ reply }), (e: ServiceError) => ({ code: e.code, details: e.details }));
    try {
      const cases = [
        experiment('random'),
        experiment('tpe'),
        experiment('cmaes'),
        experiment('random', { settings: [{ name: 'random_state', value: '-1' }] }),
        experiment('grid', { parameters: [{ name: 'k', parameterType: 'int', feasibleSpace: { min: '1', max: '2' } }] }),
      ];
      for (const e of cases) {
        const request = { experiment: e, trials: [], count: 3 };
        expect(await outcome(threaded.getSuggestions(request))).toEqual(await outcome(direct.getSuggestions(request)));
      }
    } finally {
      threaded.close();
      direct.close();
      await stopAll();
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    }
  });
});
