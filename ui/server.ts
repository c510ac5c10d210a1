import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCRIBA_CLI } from '../trials/process-runner.js';
import { deleteExperiment } from '../src/cli/delete.js';
import type { Io } from '../src/cli/io.js';
import { ScribaError } from '../src/errors.js';
import { processExists } from '../src/store/sqlite-store.js';
import { UiData, type TrialQuery } from './data.js';
import { PAGE_HTML, PAGE_CSS } from './page.js';
import { drawPlot, isPlotName, PLOTS, svgToPngAsync, type PlotName } from './plots/index.js';

/**
 * `scriba ui`'s HTTP server: a JSON API over the store, server-sent events when the store
 * changes, the pictures as SVG, and the static page. Read-only unless `allowWrite`.
 *
 * Safety: it binds loopback by default; bound elsewhere it requires a token (header
 * `Authorization: Bearer T` or `?token=T`). On loopback the Host header must name
 * loopback (no DNS rebinding). Writes need the header `X-Scriba-Write: 1`, which a page of
 * another origin cannot send without a CORS preflight this server never grants. The page
 * builds the DOM from text only, and every response forbids inline scripts (CSP).
 */
export interface UiOptions {
  db: string;
  host?: string;
  port?: number;
  /** Required (generated when absent) unless the host is loopback. */
  token?: string;
  allowWrite?: boolean;
  /** How often the store is checked for changes (ms). */
  pollMs?: number;
}

export interface UiServer {
  url: string;
  token?: string;
  server: Server;
  close(): Promise<void>;
}

const SILENT: Io = { out: () => undefined, err: () => undefined, raw: () => undefined, progress: () => undefined, isTTY: false };
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export async function startUi(options: UiOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  const token = options.token ?? (loopback ? undefined : randomBytes(18).toString('base64url'));
  const data = new UiData(options.db);
  const app = appScript();
  const clients = new Set<ServerResponse>();
  let version = data.version();
  const poll = setInterval(() => {
    let now: number;
    try {
      now = data.version();
    } catch {
      return;
    }
    if (now === version) return;
    version = now;
    for (const res of clients) res.write(`event: change\ndata: ${JSON.stringify({ version: now })}\n\n`);
  }, options.pollMs ?? 500);
  const keepAlive = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, 15_000);

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      sendError(res, error);
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    if (loopback && !hostAllowed(req.headers.host)) return send(res, 403, 'text/plain', 'forbidden host\n');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
    if (req.method === 'GET' && path === '/style.css') return send(res, 200, 'text/css; charset=utf-8', PAGE_CSS);
    if (req.method === 'GET' && path === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', app);
    if (!path.startsWith('/api/')) return send(res, 404, 'text/plain', 'not found\n');
    if (token !== undefined && !authorized(req, url, token)) return sendJson(res, 401, { error: 'a token is required: open the URL scriba ui printed' });
    const parts = path.split('/').slice(2).map(decodeURIComponent);

    if (req.method === 'GET') {
      if (parts[0] === 'events' && parts.length === 1) return events(res);
      if (parts[0] === 'experiments' && parts.length === 1) return sendJson(res, 200, { experiments: data.experiments(), allowWrite: options.allowWrite === true });
      if (parts[0] === 'experiments' && parts.length === 2) return sendJson(res, 200, { ...data.experiment(parts[1] as string), allowWrite: options.allowWrite === true });
      if (parts[0] === 'experiments' && parts[2] === 'trials' && parts.length === 3) return sendJson(res, 200, data.trials(parts[1] as string, trialQuery(url)));
      if (parts[0] === 'experiments' && parts[2] === 'plots' && parts.length === 4) {
        const [, kind = '', format = ''] = /^(\w+)\.(svg|png)$/.exec(parts[3] as string) ?? [];
        if (!isPlotName(kind)) return sendJson(res, 404, { error: `no picture "${parts[3]}"; pictures: ${PLOTS.map((k) => `${k}.svg`).join(', ')} (or .png)` });
        void picture(parts[1] as string, kind, format as 'svg' | 'png', url.searchParams.get('metric') ?? undefined)
          .then((body) => send(res, 200, format === 'png' ? 'image/png' : 'image/svg+xml; charset=utf-8', body, SVG_CSP))
          .catch((error: unknown) => sendError(res, error));
        return;
      }
      if (parts[0] === 'trials' && parts.length === 2) {
        const trial = data.trial(parts[1] as string);
        return trial ? sendJson(res, 200, trial) : sendJson(res, 404, { error: `trials "${parts[1]}" not found` });
      }
      if (parts[0] === 'trials' && parts[2] === 'logs' && parts.length === 3) {
        const out = data.trialOutput(parts[1] as string);
        return sendJson(res, 200, out ?? { text: '', truncated: false, none: true });
      }
    }
    if (parts[0] === 'experiments' && parts.length >= 2 && (req.method === 'POST' || req.method === 'DELETE')) return write(req, res, parts);
    return sendJson(res, 404, { error: `no route ${req.method} ${path}` });
  }

  // Pictures drawn for the store as it is now; a commit by another process makes them stale.
  const pictures = new Map<string, { version: number; body: string | Buffer }>();
  async function picture(name: string, kind: PlotName, format: 'svg' | 'png', metric: string | undefined): Promise<string | Buffer> {
    const key = JSON.stringify([name, kind, format, metric ?? null]);
    const now = data.version();
    const known = pictures.get(key);
    if (known && known.version === now) return known.body;
    const svg = drawPlot(kind, data.plot(name), () => data.curves(name, metric), metric !== undefined ? { metric } : {});
    // PNG is drawn on resvg's threads, so the table and the API answer meanwhile.
    const body = format === 'png' ? await svgToPngAsync(svg) : svg;
    pictures.set(key, { version: now, body });
    return body;
  }

  function events(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
    res.write(`event: hello\ndata: ${JSON.stringify({ version })}\n\n`);
    clients.add(res);
    res.on('close', () => clients.delete(res));
  }

  function write(req: IncomingMessage, res: ServerResponse, parts: string[]): void {
    if (!options.allowWrite) return sendJson(res, 403, { error: 'read-only: start scriba ui with --allow-write to stop, resume or delete experiments' });
    if (req.headers['x-scriba-write'] !== '1') return sendJson(res, 403, { error: 'writes need the header X-Scriba-Write: 1' });
    const name = parts[1] as string;
    if (!data.store.hasExperiment(name)) return sendJson(res, 404, { error: `experiments "${name}" not found` });
    const owner = data.store.owner(name);
    if (req.method === 'DELETE' && parts.length === 2) {
      void deleteExperiment(name, { db: options.db, ignoreNotFound: false }, SILENT)
        .then(() => {
          data.invalidate();
          sendJson(res, 200, { deleted: name });
        })
        .catch((error: unknown) => sendError(res, error));
      return;
    }
    if (req.method === 'POST' && parts[2] === 'stop' && parts.length === 3) {
      if (!owner.alive || owner.pid === undefined || !processExists(owner.pid)) return sendJson(res, 409, { error: `no process is running ${name}` });
      // As Ctrl-C: the run stops its trials and leaves the experiment to resume.
      process.kill(owner.pid, 'SIGTERM');
      return sendJson(res, 202, { stopping: name, pid: owner.pid });
    }
    if (req.method === 'POST' && parts[2] === 'resume' && parts.length === 3) {
      if (owner.alive) return sendJson(res, 409, { error: `${name} is already being run by process ${owner.pid}` });
      const log = join(dirname(resolve(options.db)), `ui-resume-${name.replace(/[^\w.-]/g, '_')}.log`);
      const fd = openSync(log, 'a');
      const child = spawn(process.execPath, [SCRIBA_CLI, 'resume', name, '--db', resolve(options.db)], { detached: true, stdio: ['ignore', fd, fd] });
      child.unref();
      return sendJson(res, 202, { resuming: name, pid: child.pid, log });
    }
    return sendJson(res, 404, { error: `no route ${req.method} /api/${parts.join('/')}` });
  }

  function hostAllowed(header: string | undefined): boolean {
    if (!header) return false;
    const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : (header.split(':')[0] ?? '');
    return isLoopback(name);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 8080, host, () => ok());
  });
  // Read every experiment once now, so that the first page a browser opens finds them read.
  setImmediate(() => {
    try {
      data.experiments();
    } catch {
      // the page will report what is wrong when it asks
    }
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown}:${address.port}/${token ? `?token=${token}` : ''}`;
  return {
    url,
    ...(token ? { token } : {}),
    server,
    close: async () => {
      clearInterval(poll);
      clearInterval(keepAlive);
      for (const res of clients) res.end();
      clients.clear();
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      data.close();
    },
  };
}

function authorized(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function trialQuery(url: URL): TrialQuery {
  const p = url.searchParams;
  const number = (k: string) => {
    const v = p.get(k);
    return v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
  };
  const offset = number('offset');
  const limit = number('limit');
  const conditions = (p.get('conditions') ?? '').split(',').filter(Boolean);
  return {
    ...(offset !== undefined ? { offset } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(p.get('sort') ? { sort: p.get('sort') as string } : {}),
    order: p.get('order') === 'desc' ? 'desc' : 'asc',
    ...(conditions.length > 0 ? { conditions } : {}),
    ...(p.get('text') ? { text: p.get('text') as string } : {}),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, csp = CSP): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error instanceof ScribaError) return sendJson(res, error.code === 'not-found' ? 404 : error.code === 'failed-precondition' ? 409 : 400, { error: error.message });
  sendJson(res, 500, { error: `internal error: ${(error as Error).message}` });
}

/** The built page script: next to this module in the build, or in dist/ when this runs from source. */
function appScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const file of [join(here, 'web', 'app.js'), join(here, '..', 'dist', 'ui', 'web', 'app.js')]) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // try the next place
    }
  }
  throw new ScribaError('internal', 'the dashboard page is not built: run npm run build');
}
