/**
 * The dashboard page: a hash router over three views (experiments, an experiment, a
 * trial), drawn from the JSON API with DOM nodes and text only (never HTML from data), the
 * pictures as server-drawn SVG images, and live updates from the server's events.
 */

export {};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const token = new URLSearchParams(location.search).get('token') ?? sessionStorage.getItem('scriba-token') ?? '';
if (token) sessionStorage.setItem('scriba-token', token);

const main = document.getElementById('main') as HTMLElement;
const crumbs = document.getElementById('crumbs') as HTMLElement;
const live = document.getElementById('live') as HTMLElement;

/** Builds an element; string children become text nodes. */
function h(tag: string, attrs: Record<string, string | boolean | ((e: Event) => void)> = {}, ...children: Array<Node | string | null | undefined>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false) el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

function withToken(path: string): string {
  if (!token) return path;
  return `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

async function api(path: string, init: RequestInit = {}): Promise<Json> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { ...init, headers });
  const body = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new Error(body.error ?? `${res.status}`);
  return body;
}

const enc = encodeURIComponent;

function num(x: number | undefined): string {
  if (x === undefined || x === null) return '-';
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(4) : String(Number(x.toPrecision(6)));
}

function age(iso: string | undefined): string {
  if (!iso) return '-';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

function status(text: string): HTMLElement {
  return h('span', { class: `status status-${text.replace(/[^\w]/g, '')}` }, text);
}

function setCrumbs(...items: Array<[string, string?]>): void {
  crumbs.replaceChildren(...items.flatMap(([label, href], i) => [i > 0 ? ' / ' : '', href ? h('a', { href }, label) : h('span', {}, label)]));
}

// ----- views -----

let version = 0;
let renderToken = 0;

async function listView(): Promise<void> {
  setCrumbs(['experiments']);
  const { experiments } = await api('/api/experiments');
  const rows = (experiments as Json[]).map((e) =>
    h(
      'tr',
      { 'data-experiment': e.name },
      h('td', {}, h('a', { href: `#/experiments/${enc(e.name)}` }, e.name)),
      h('td', {}, status(e.status)),
      h('td', {}, e.reason),
      h('td', { class: 'num' }, `${e.trials.succeeded + e.trials.earlyStopped}/${e.maxTrialCount ?? e.trials.total}`),
      h('td', { class: 'num' }, String(e.trials.running + e.trials.pending)),
      h('td', { class: 'num' }, String(e.trials.failed + e.trials.metricsUnavailable)),
      h('td', { class: 'num' }, e.best ? num(e.best.value) : '-'),
      h('td', {}, `${e.goal} ${e.metric}`),
      h('td', {}, e.algorithm),
      h('td', {}, age(e.createdAt)),
    ),
  );
  main.replaceChildren(
    h('h1', {}, 'Experiments'),
    rows.length === 0
      ? h('p', { class: 'muted' }, 'No experiments in this store yet: run one with scriba run FILE.yaml.')
      : h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { id: 'experiments' },
            h('thead', {}, h('tr', {}, ...['Name', 'Status', 'Reason', 'Done', 'Running', 'Failed', 'Best', 'Objective', 'Algorithm', 'Age'].map((t) => h('th', {}, t)))),
            h('tbody', {}, ...rows),
          ),
        ),
  );
}

interface TableState {
  sort: string;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
  text: string;
  conditions: string[];
}
const tables = new Map<string, TableState>();
const CONDITIONS = ['Succeeded', 'Running', 'EarlyStopped', 'Failed', 'MetricsUnavailable', 'Killed', 'Created'];

async function experimentView(name: string): Promise<void> {
  setCrumbs(['experiments', '#/'], [name]);
  // The experiment and the first page of its trials, asked for together.
  const [x, firstPage] = await Promise.all([api(`/api/experiments/${enc(name)}`), api(trialsPath(name))]);
  const row = x.row;
  const cards = h(
    'div',
    { class: 'cards' },
    card('Status', status(row.status), row.reason),
    card('Trials', `${row.trials.succeeded + row.trials.earlyStopped}/${row.maxTrialCount ?? row.trials.total}`, `${row.trials.running + row.trials.pending} running, ${row.trials.failed + row.trials.metricsUnavailable} failed, ${row.trials.earlyStopped} early stopped`),
    card(`Best ${row.metric} (${row.goal})`, row.best ? num(row.best.value) : '-', row.best ? row.best.trial : 'no completed trial yet'),
    card('Algorithm', row.algorithm, age(row.createdAt) + ' old'),
  );
  const best = x.bestTrial
    ? h(
        'div',
        {},
        h('h2', {}, 'Best trial'),
        h('p', {}, h('a', { href: `#/trials/${enc(x.bestTrial.name)}` }, x.bestTrial.name), ` ${row.metric} = ${num(x.bestTrial.value)}`),
        paramTable(x.bestTrial.params),
      )
    : null;
  const metrics = [row.metric, ...((x.plot.additionalMetrics as string[] | undefined) ?? [])];
  // Thousands of marks are drawn faster by the server as PNG than by the browser as SVG.
  const format = row.trials.total > 2000 ? 'png' : 'svg';
  const plots = h(
    'div',
    { class: 'plots' },
    picture(name, 'history', 'Optimisation history', format),
    picture(name, 'parallel', 'Parallel coordinates', format),
    picture(name, 'slice', 'Slice', format),
    picture(name, 'curves', `Intermediate values of ${metrics[0]}`, format),
  );
  main.replaceChildren(
    h('h1', {}, name),
    h('p', { class: 'muted' }, row.message),
    cards,
    writeButtons(name, x.allowWrite === true, row.status) ?? '',
    best ?? h('p', { class: 'muted' }, 'No completed trial yet.'),
    h('h2', {}, 'Pictures'),
    plots,
    h('h2', {}, 'Trials'),
    h('div', { id: 'trials' }, h('p', { class: 'muted' }, 'Loading trials…')),
    h('h2', {}, 'Experiment'),
    h('pre', { id: 'experiment-yaml' }, x.yaml),
  );
  loadPictures(plots);
  await trialTable(name, x.plot.parameters.map((p: Json) => p.name), firstPage);
}

function card(label: string, value: Node | string, note?: string): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), note ? h('div', { class: 'muted' }, note) : null);
}

function picture(experiment: string, kind: string, title: string, format: string): HTMLElement {
  const src = withToken(`/api/experiments/${enc(experiment)}/plots/${kind}.${format}?v=${version}`);
  return h('div', { class: 'plot', 'data-plot': kind }, h('a', { href: src, target: '_blank', title: 'open full size' }, h('img', { 'data-src': src, alt: title })));
}

/** Loads the pictures one after another, in page order, so the first is not slowed by the rest. */
function loadPictures(root: HTMLElement): void {
  const images = [...root.querySelectorAll<HTMLImageElement>('img[data-src]')];
  const next = (i: number) => {
    const img = images[i];
    if (!img) return;
    img.addEventListener('load', () => next(i + 1), { once: true });
    img.addEventListener('error', () => next(i + 1), { once: true });
    img.src = img.dataset.src ?? '';
  };
  next(0);
}

function writeButtons(name: string, allowed: boolean, state: string): HTMLElement | null {
  if (!allowed) return null;
  const act = (method: string, path: string, confirmText?: string) => async () => {
    if (confirmText && !confirm(confirmText)) return;
    try {
      await api(path, { method, headers: { 'x-scriba-write': '1' } });
      if (method === 'DELETE') location.hash = '#/';
      else void render();
    } catch (error) {
      alert((error as Error).message);
    }
  };
  const running = state === 'Running' || state === 'Created' || state === 'Restarting';
  return h(
    'div',
    { class: 'toolbar' },
    running ? h('button', { onclick: act('POST', `/api/experiments/${enc(name)}/stop`) }, 'Stop') : h('button', { onclick: act('POST', `/api/experiments/${enc(name)}/resume`) }, 'Resume'),
    h('button', { class: 'danger', onclick: act('DELETE', `/api/experiments/${enc(name)}`, `Delete ${name}, its trials and logs?`) }, 'Delete'),
  );
}

function paramTable(params: Record<string, string>): HTMLElement {
  return h('table', { class: 'params' }, h('tbody', {}, ...Object.entries(params).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))));
}

function tableState(name: string): TableState {
  const s = tables.get(name) ?? { sort: 'index', order: 'asc', offset: 0, limit: 50, text: '', conditions: [] };
  tables.set(name, s);
  return s;
}

function trialsPath(name: string): string {
  const s = tableState(name);
  const q = new URLSearchParams({ sort: s.sort, order: s.order, offset: String(s.offset), limit: String(s.limit) });
  if (s.text) q.set('text', s.text);
  if (s.conditions.length) q.set('conditions', s.conditions.join(','));
  return `/api/experiments/${enc(name)}/trials?${q}`;
}

async function trialTable(name: string, parameters: string[], given?: Json): Promise<void> {
  const holder = document.getElementById('trials');
  if (!holder) return;
  const s = tableState(name);
  const page = given ?? (await api(trialsPath(name)));
  const redo = () => void trialTable(name, parameters);
  const column = (label: string, key: string) =>
    h('th', { class: `sortable${s.sort === key ? ` sorted-${s.order}` : ''}`, 'data-sort': key, onclick: () => {
      if (s.sort === key) s.order = s.order === 'asc' ? 'desc' : 'asc';
      else Object.assign(s, { sort: key, order: key === 'value' ? 'asc' : 'asc' });
      s.offset = 0;
      redo();
    } }, label);
  const search = h('input', { type: 'search', placeholder: 'filter by name or value', value: s.text }) as HTMLInputElement;
  search.addEventListener('change', () => {
    s.text = search.value;
    s.offset = 0;
    redo();
  });
  const boxes = CONDITIONS.map((c) => {
    const box = h('input', { type: 'checkbox', value: c, ...(s.conditions.includes(c) ? { checked: true } : {}) }) as HTMLInputElement;
    box.addEventListener('change', () => {
      s.conditions = box.checked ? [...s.conditions, c] : s.conditions.filter((x) => x !== c);
      s.offset = 0;
      redo();
    });
    return h('label', {}, box, c);
  });
  const last = Math.max(0, Math.ceil(page.total / s.limit) - 1);
  const at = Math.floor(s.offset / s.limit);
  const go = (p: number) => () => {
    s.offset = Math.min(last, Math.max(0, p)) * s.limit;
    redo();
  };
  const body = (page.rows as Json[]).map((t) =>
    h(
      'tr',
      { 'data-trial': t.name },
      h('td', { class: 'num' }, String(t.index)),
      h('td', {}, h('a', { href: `#/trials/${enc(t.name)}` }, t.name)),
      h('td', {}, status(t.condition)),
      h('td', { class: 'num' }, num(t.value)),
      ...parameters.map((p) => h('td', {}, t.params[p] ?? '')),
    ),
  );
  holder.replaceChildren(
    h('div', { class: 'toolbar' }, search, ...boxes),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { id: 'trial-table' },
        h('thead', {}, h('tr', {}, column('#', 'index'), column('Name', 'name'), column('Status', 'condition'), column('Objective', 'value'), ...parameters.map((p) => column(p, `param:${p}`)))),
        h('tbody', {}, ...body),
      ),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { onclick: go(0), ...(at === 0 ? { disabled: true } : {}) }, '« first'),
      h('button', { onclick: go(at - 1), ...(at === 0 ? { disabled: true } : {}) }, '‹ previous'),
      h('span', { id: 'page-info' }, `${page.total === 0 ? 0 : s.offset + 1}–${Math.min(page.total, s.offset + s.limit)} of ${page.total}`),
      h('button', { onclick: go(at + 1), ...(at >= last ? { disabled: true } : {}) }, 'next ›'),
      h('button', { onclick: go(last), ...(at >= last ? { disabled: true } : {}) }, 'last »'),
    ),
  );
}

async function trialView(name: string): Promise<void> {
  const t = await api(`/api/trials/${enc(name)}`);
  setCrumbs(['experiments', '#/'], [t.experiment, `#/experiments/${enc(t.experiment)}`], [name]);
  const logs = await api(`/api/trials/${enc(name)}/logs`);
  const record = t.record;
  main.replaceChildren(
    h('h1', {}, name),
    h('div', { class: 'cards' }, card('Status', status(record.condition), t.row.reason), card('Objective', num(t.row.value)), card('Started', record.startTime ?? '-'), card('Completed', record.completionTime ?? '-')),
    h('h2', {}, 'Parameters'),
    paramTable(t.row.params),
    h('h2', {}, 'Metrics'),
    h(
      'table',
      { id: 'metrics' },
      h('thead', {}, h('tr', {}, ...['Metric', 'Min', 'Max', 'Latest'].map((x) => h('th', {}, x)))),
      h('tbody', {}, ...((record.observation?.metrics ?? []) as Json[]).map((m) => h('tr', {}, h('td', {}, m.name), h('td', { class: 'num' }, m.min), h('td', { class: 'num' }, m.max), h('td', { class: 'num' }, m.latest)))),
    ),
    h('h2', {}, 'Conditions'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['Type', 'Reason', 'Message', 'Time'].map((x) => h('th', {}, x)))),
      h('tbody', {}, ...((record.conditions ?? []) as Json[]).map((c) => h('tr', {}, h('td', {}, c.type), h('td', {}, c.reason ?? ''), h('td', {}, c.message ?? ''), h('td', {}, c.lastTransitionTime ?? '')))),
    ),
    h('h2', {}, `Observation log (${t.log.length} values)`),
    h('pre', { id: 'observation-log' }, (t.log as Json[]).map((l) => `${l.timeStamp}  ${l.name}=${l.value}`).join('\n') || 'nothing reported'),
    h('h2', {}, 'Logs'),
    h('pre', { id: 'trial-logs' }, logs.none ? 'no output' : `${logs.truncated ? '… (earlier output left out)\n' : ''}${logs.text}`),
    h('h2', {}, 'Trial'),
    h('pre', { id: 'trial-yaml' }, t.yaml),
  );
}

// ----- routing and live updates -----

async function render(): Promise<void> {
  const mine = ++renderToken;
  const scroll = window.scrollY;
  const route = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (route[0] === 'experiments' && route[1]) await experimentView(route[1]);
    else if (route[0] === 'trials' && route[1]) await trialView(route[1]);
    else await listView();
  } catch (error) {
    if (mine === renderToken) main.replaceChildren(h('p', { class: 'error' }, (error as Error).message));
  }
  if (mine === renderToken) window.scrollTo(0, scroll);
  document.body.dataset.version = String(version);
}

let pending: ReturnType<typeof setTimeout> | undefined;
function connect(): void {
  const events = new EventSource(withToken('/api/events'));
  events.addEventListener('hello', () => live.classList.add('on'));
  events.addEventListener('change', (e) => {
    version = JSON.parse((e as MessageEvent).data).version;
    // Several commits in a burst give one redraw.
    clearTimeout(pending);
    pending = setTimeout(() => void render(), 250);
  });
  events.addEventListener('error', () => live.classList.remove('on'));
  live.textContent = 'live';
}

window.addEventListener('hashchange', () => void render());
connect();
void render();
