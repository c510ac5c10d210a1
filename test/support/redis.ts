import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private redis-server on a free loopback port, without persistence (as the queue tests
 * require), for one test file. CI installs Debian's redis-server; outside CI a missing
 * server is an error too, so a test never passes for want of Redis.
 *
 *   const redis = await startRedis();
 *   ... redis.url ...
 *   await redis.restart(); // a crash and restart: everything in it is lost
 *   await redis.stop();
 */
export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL) and starts a new, empty one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function redisServerMissing(): string | undefined {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'redis-server is not installed (apt-get install redis-server)';
}

/** `tls`: a folder holding server.crt, server.key and ca.crt (test/suggestion-service/support.ts makeCertificates): TLS only, rediss://. */
export async function startRedis(options: { password?: string; tls?: string } = {}): Promise<TestRedis> {
  const missing = redisServerMissing();
  if (missing) throw new Error(missing);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'scriba-redis-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const tls = options.tls;
    const listen = tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', join(tls, 'server.crt'), '--tls-key-file', join(tls, 'server.key'), '--tls-ca-cert-file', join(tls, 'ca.crt'), '--tls-auth-clients', 'no']
      : ['--port', String(port)];
    const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    if (options.password) args.push('--requirepass', options.password);
    const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (data: Buffer): void => {
        out += data.toString();
        if (out.includes('Ready to accept connections')) resolve();
      };
      c.stdout?.on('data', onData);
      c.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
  };
  const kill = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await start();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    port,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
