import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { search, tune } from '../../src/index.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { bestValue } from '../../src/cli/views.js';
import { startUi, type UiServer } from '../../ui/server.js';
import { finishedExperiment, SCRIPT } from './fixture.js';

// A real SQLite store written by tune(), served over real HTTP on loopback.
let dir = '';
let db = '';
let ui: UiServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-ui-'));
  db = join(dir, 'store.db');
  await finishedExperiment(db);
  ui = await startUi({ db, port: 0, pollMs: 50 });
});
afterAll(async () => {
  await ui?.close();
  await rm(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
const get = async (path: string, init: RequestInit = {}, base = ui.url): Promise<{ status: number; headers: Headers; body: Body }> => {
  const res = await fetch(new URL(path, base), init);
  return { status: res.status, headers: res.headers, body: res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : await res.text() };
};

describe('the JSON API over the store', () => {
  test('experiments: status, counts and the best value the store holds', async () => {
    const store = new SqliteStore(db, { create: false });
    const expected = bestValue(store.loadState('ui-demo'));
    store.close();
    const { status, body } = await get('/api/experiments');
    expect(status).toBe(200);
    expect(body.allowWrite).toBe(false);
    expect(body.experiments).toHaveLength(1);
    const e = body.experiments[0];
    expect(e).toMatchObject({ name: 'ui-demo', status: 'Succeeded', algorithm: 'random', metric: 'loss', goal: 'minimize', maxTrialCount: 12 });
    expect(e.trials.succeeded).toBe(12);
    expect(e.best.value).toBe(expected);
  });

  test('an experiment: its parameters, best trial and YAML', async () => {
    const { body } = await get('/api/experiments/ui-demo');
    expect(body.plot.parameters.map((p: { name: string }) => p.name)).toEqual(['lr', 'layers', 'optimizer']);
    expect(body.plot.parameters[0]).toMatchObject({ kind: 'number', log: true, min: 1e-4, max: 0.1 });
    expect(body.bestTrial.value).toBe(body.row.best.value);
    expect(body.yaml).toContain('objectiveMetricName: loss');
  });

  test('trials are paged, sorted and filtered on the server', async () => {
    const all = (await get('/api/experiments/ui-demo/trials?limit=500')).body;
    expect(all.total).toBe(12);
    expect(all.rows.map((r: { index: number }) => r.index)).toEqual([...Array(12).keys()]);
    const page = (await get('/api/experiments/ui-demo/trials?sort=value&order=asc&offset=5&limit=5')).body;
    expect(page.total).toBe(12);
    const values = all.rows.map((r: { value: number }) => r.value).sort((a: number, b: number) => a - b);
    expect(page.rows.map((r: { value: number }) => r.value)).toEqual(values.slice(5, 10));
    const desc = (await get('/api/experiments/ui-demo/trials?sort=param:lr&order=desc&limit=3')).body;
    const lrs = all.rows.map((r: { params: { lr: string } }) => Number(r.params.lr)).sort((a: number, b: number) => b - a);
    expect(desc.rows.map((r: { params: { lr: string } }) => Number(r.params.lr))).toEqual(lrs.slice(0, 3));
    const scripted = all.rows.filter((r: { params: { optimizer: string } }) => r.params.optimizer === SCRIPT).length;
    expect((await get(`/api/experiments/ui-demo/trials?text=${encodeURIComponent('<script>')}`)).body.total).toBe(scripted);
    expect((await get('/api/experiments/ui-demo/trials?conditions=Failed')).body.total).toBe(0);
    expect((await get('/api/experiments/ui-demo/trials?limit=100000')).body.rows).toHaveLength(12);
  });

  test('a trial: record, observation log and YAML; unknown names are 404 with the name', async () => {
    const first = (await get('/api/experiments/ui-demo/trials?limit=1')).body.rows[0];
    const { body } = await get(`/api/trials/${first.name}`);
    expect(body.experiment).toBe('ui-demo');
    // Five reports and the final value the objective returned.
    expect(body.log).toHaveLength(6);
    expect(Number(body.log[5].value)).toBe(first.value);
    expect(body.yaml).toContain(first.name);
    const logs = (await get(`/api/trials/${first.name}/logs`)).body;
    expect(logs).toMatchObject({ none: true, text: '' });
    const missing = await get('/api/trials/nosuch');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain('nosuch');
    expect((await get('/api/experiments/nosuch')).status).toBe(404);
    expect((await get('/api/nothing-here')).status).toBe(404);
  });

  test('the page: HTML, script and style, each with a policy that forbids inline scripts', async () => {
    for (const path of ['/', '/app.js', '/style.css']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await get('/')).body).toContain('<script type="module" src="/app.js"></script>');
  });
});

describe('pictures', () => {
  test('each picture as SVG (markup escaped, no script allowed) and as PNG; an unknown one is 404 naming them', async () => {
    for (const kind of ['history', 'parallel', 'slice', 'curves']) {
      const svg = await get(`/api/experiments/ui-demo/plots/${kind}.svg`);
      expect(svg.status).toBe(200);
      expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(svg.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
      expect(svg.body).toMatch(/^<\?xml/);
      expect(svg.body).not.toContain('<script');
      const png = await fetch(new URL(`/api/experiments/ui-demo/plots/${kind}.png`, ui.url));
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    }
    // The parallel coordinates list the markup category as text.
    expect((await get('/api/experiments/ui-demo/plots/parallel.svg')).body).toContain('&lt;script&gt;');
    const unknown = await get('/api/experiments/ui-demo/plots/pie.svg');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('history.svg, parallel.svg, slice.svg, curves.svg');
    expect((await get('/api/experiments/nosuch/plots/history.svg')).status).toBe(404);
  });
});

describe('safety', () => {
  test('on loopback a request naming another host is refused (DNS rebinding)', async () => {
    const port = new URL(ui.url).port;
    const status = await new Promise<number>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/experiments', headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      });
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(403);
  });

  test('bound beyond loopback a token is required, by header or query', async () => {
    const open = await startUi({ db, host: '0.0.0.0', port: 0 });
    try {
      expect(open.token).toMatch(/^[\w-]{20,}$/);
      const base = `http://127.0.0.1:${new URL(open.url).port}/`;
      expect((await get('/api/experiments', {}, base)).status).toBe(401);
      expect((await get('/api/experiments', { headers: { authorization: 'Bearer wrong' } }, base)).status).toBe(401);
      expect((await get('/api/experiments', { headers: { authorization: `Bearer ${open.token}` } }, base)).status).toBe(200);
      expect((await get(`/api/experiments?token=${open.token}`, {}, base)).status).toBe(200);
      expect(open.url).toContain(`token=${open.token}`);
    } finally {
      await open.close();
    }
  });

  test('read-only unless allowWrite; writes need the write header; delete then removes the experiment', async () => {
    const writeHeaders = { 'x-scriba-write': '1' };
    const refused = await get('/api/experiments/ui-demo', { method: 'DELETE', headers: writeHeaders });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toContain('--allow-write');
    const other = join(dir, 'writable.db');
    await finishedExperiment(other, 'to-delete', 3);
    const writable = await startUi({ db: other, port: 0, allowWrite: true });
    try {
      const base = writable.url;
      expect((await get('/api/experiments/to-delete', { method: 'DELETE' }, base)).status).toBe(403);
      const stop = await get('/api/experiments/to-delete/stop', { method: 'POST', headers: writeHeaders }, base);
      expect(stop.status).toBe(409);
      expect(stop.body.error).toContain('no process is running to-delete');
      const deleted = await get('/api/experiments/to-delete', { method: 'DELETE', headers: writeHeaders }, base);
      expect(deleted).toMatchObject({ status: 200, body: { deleted: 'to-delete' } });
      expect((await get('/api/experiments', {}, base)).body.experiments).toEqual([]);
    } finally {
      await writable.close();
    }
  });
});

describe('live updates', () => {
  test('a commit by another process is announced as a change event', async () => {
    const controller = new AbortController();
    const res = await fetch(new URL('/api/events', ui.url), { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        text += decoder.decode(value);
      }
    };
    await until(/event: hello/);
    await tune({ name: 'second', parameters: { x: search.double({ min: 0, max: 1 }) }, objectiveType: 'minimize', maxTrialCount: 2, seed: 1, store: db, objective: ({ x }) => x });
    await until(/event: change\ndata: \{"version":\d+\}/);
    controller.abort();
    const names = (await get('/api/experiments')).body.experiments.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(['ui-demo', 'second']));
  });
});
