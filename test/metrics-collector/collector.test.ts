import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ScribaError } from '../../src/errors.js';
import type { MetricLog } from '../../src/trial/types.js';
import { MAX_TEXT_LINE_LENGTH, createCollector, type CollectorSpec } from '../../metrics-collector/index.js';

const NOW = '2026-01-02T03:04:05.000Z';
const now = () => NOW;
const row = (name: string, value: string, timeStamp = NOW): MetricLog => ({ timeStamp, name, value });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A collector and every batch it reported. */
function collect(spec: CollectorSpec, pollMs = 5) {
  const batches: MetricLog[][] = [];
  const collector = createCollector(spec, (logs) => batches.push(logs), { now, pollMs });
  return { collector, batches, rows: () => batches.flat() };
}

const textOut: CollectorSpec = { kind: 'StdOut', format: 'TEXT', metricNames: ['loss', 'accuracy'] };

describe('StdOut collector (katib-spec §6)', () => {
  test('a line split across chunks is parsed once it is complete, one report per line', async () => {
    const { collector, batches } = collect(textOut);
    collector.stdout('lo');
    expect(batches).toEqual([]);
    collector.stdout(Buffer.from('ss=0.1\nacc'));
    await vi.waitFor(() => expect(batches).toEqual([[row('loss', '0.1')]]));
    collector.stdout('uracy=0.9 loss=0.2\n');
    await vi.waitFor(() => expect(batches).toEqual([[row('loss', '0.1')], [row('accuracy', '0.9'), row('loss', '0.2')]]));
    await collector.finish();
    expect(batches).toHaveLength(2);
  });

  test('a multi-byte character split across chunks is decoded whole', async () => {
    const spec: CollectorSpec = { ...textOut, filters: [String.raw`(\w+)=(\S+)`], metricNames: ['note'] };
    const { collector, rows } = collect(spec);
    const bytes = Buffer.from('note=naïve✓\n');
    const cut = bytes.indexOf(Buffer.from('✓')) + 1; // inside the three bytes of ✓
    collector.stdout(bytes.subarray(0, cut));
    collector.stdout(bytes.subarray(cut));
    await collector.finish();
    expect(rows()).toEqual([row('note', 'naïve✓')]);
  });

  test('\\r\\n line ends, and a leading timestamp', async () => {
    const { collector, rows } = collect(textOut);
    collector.stdout('2024-03-04T17:55:08Z loss=0.1\r\nINFO accuracy=0.5\r\n');
    await collector.finish();
    expect(rows()).toEqual([row('loss', '0.1', '2024-03-04T17:55:08Z'), row('accuracy', '0.5')]);
  });

  test('stdout and stderr are split into lines separately, and both are parsed', async () => {
    const { collector, rows } = collect(textOut);
    collector.stdout('loss=0.');
    collector.stderr('accuracy=0.9\n');
    collector.stdout('5\n');
    await collector.finish();
    expect(rows()).toEqual([row('accuracy', '0.9'), row('loss', '0.5')]);
  });

  test('finish() reports the last lines, which have no newline', async () => {
    const { collector, rows } = collect(textOut);
    collector.stdout('loss=0.3');
    collector.stderr('accuracy=0.7');
    expect(rows()).toEqual([]);
    await collector.finish();
    expect(rows()).toEqual([row('loss', '0.3'), row('accuracy', '0.7')]);
    collector.stdout('loss=0.1\n');
    await collector.finish();
    expect(rows()).toHaveLength(2);
  });

  test('JSON: nothing is reported after a bad line, and finish() rejects naming it', async () => {
    const { collector, rows } = collect({ kind: 'StdOut', format: 'JSON', metricNames: ['loss'] });
    collector.stdout('{"loss": "0.1"}\n\nloss=0.2\n{"loss": "0.3"}\n');
    await expect(collector.finish()).rejects.toThrow('stdout line 3: not a JSON object: loss=0.2');
    expect(rows()).toEqual([row('loss', '0.1')]);
  });

  test('a report that throws stops collection, and finish() rejects with its error', async () => {
    const seen: MetricLog[][] = [];
    const collector = createCollector(textOut, (logs) => {
      seen.push(logs);
      throw new Error('store is down');
    }, { now });
    collector.stdout('loss=0.1\nloss=0.2\n');
    await expect(collector.finish()).rejects.toThrow('store is down');
    expect(seen).toEqual([[row('loss', '0.1')]]);
  });

  test('a large output is parsed in slices: a timer set before it fires before finish() resolves', async () => {
    const { collector, batches } = collect(textOut);
    const events: string[] = [];
    setTimeout(() => events.push('timer'), 1);
    const lines = Array.from({ length: 200_000 }, (_, i) => `step ${i} loss=${i}`).join('\n');
    collector.stdout(`${lines}\n${'x'.repeat(4 << 20)} loss=1e9`);
    await collector.finish();
    events.push('finished');
    expect(events).toEqual(['timer', 'finished']);
    expect(batches).toHaveLength(200_000);
    expect(batches.at(-1)).toEqual([row('loss', '199999')]);
  });

  test(`a TEXT line is read on its first ${MAX_TEXT_LINE_LENGTH} characters, however it arrives`, async () => {
    const { collector, rows } = collect(textOut);
    collector.stdout('loss=0.1 ');
    for (let i = 0; i < 16; i += 1) collector.stdout(Buffer.from(`${'y'.repeat(64 * 1024)} loss=2`));
    collector.stdout('\naccuracy=0.5\n');
    await collector.finish();
    expect(rows()).toEqual([row('loss', '0.1'), row('accuracy', '0.5')]);
  });

  test('an invalid filter is rejected when the collector is created', () => {
    expect(() => createCollector({ ...textOut, filters: ['(loss'] }, () => undefined)).toThrow(ScribaError);
  });
});

describe('File collector (katib-spec §6)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scriba-metrics-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const fileSpec = (path: string, format: 'TEXT' | 'JSON' = 'TEXT'): CollectorSpec => ({
    kind: 'File',
    format,
    path,
    metricNames: ['loss', 'accuracy'],
  });

  test('a large file is read in full, with timers served meanwhile', async () => {
    const path = join(dir, 'metrics.log');
    const count = 200_000;
    await writeFile(path, `${Array.from({ length: count }, (_, i) => `step ${i} loss=${i}`).join('\n')}\n${'z'.repeat(1 << 20)}\n`);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    const { collector, rows } = collect(fileSpec(path), 60_000);
    await collector.finish();
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(rows()).toHaveLength(count);
    expect(rows().at(-1)).toEqual(row('loss', String(count - 1)));
  });

  test('follows a file written in several appends, reporting while the trial runs', async () => {
    const path = join(dir, 'metrics.log');
    await writeFile(path, '');
    const { collector, rows } = collect(fileSpec(path));
    await appendFile(path, 'epoch 1 loss=0.5\n');
    await vi.waitFor(() => expect(rows()).toEqual([row('loss', '0.5')]));
    await appendFile(path, 'epoch 2 loss=0.4\nepoch 3 lo');
    await vi.waitFor(() => expect(rows()).toHaveLength(2));
    await appendFile(path, 'ss=0.3 accuracy=0.9');
    await sleep(20);
    expect(rows()).toHaveLength(2); // the last line is not complete yet
    collector.stdout('loss=99\n'); // output is not a metrics source for File
    await collector.finish();
    expect(rows()).toEqual([row('loss', '0.5'), row('loss', '0.4'), row('loss', '0.3'), row('accuracy', '0.9')]);
  });

  test('a file created after the collector started', async () => {
    const path = join(dir, 'metrics.log');
    const { collector, rows } = collect(fileSpec(path));
    await sleep(20); // several polls find no file
    await writeFile(path, 'accuracy=0.8\n');
    await vi.waitFor(() => expect(rows()).toEqual([row('accuracy', '0.8')]));
    await collector.finish();
    expect(rows()).toEqual([row('accuracy', '0.8')]);
  });

  test('a file that is still missing at finish: no rows and no error', async () => {
    const { collector, rows } = collect(fileSpec(join(dir, 'never.log')));
    await sleep(15);
    await expect(collector.finish()).resolves.toBeUndefined();
    expect(rows()).toEqual([]);
  });

  test('a file that shrinks (rewritten) is read again from the start', async () => {
    const path = join(dir, 'metrics.log');
    await writeFile(path, 'loss=0.5\nloss=0.4\n');
    const { collector, rows } = collect(fileSpec(path));
    await vi.waitFor(() => expect(rows()).toHaveLength(2));
    await writeFile(path, 'loss=0.9\n');
    await vi.waitFor(() => expect(rows()).toHaveLength(3));
    await collector.finish();
    expect(rows().map((r) => r.value)).toEqual(['0.5', '0.4', '0.9']);
  });

  test('another file moved onto the path is read from the start, even when longer', async () => {
    const path = join(dir, 'metrics.log');
    await writeFile(path, 'loss=0.5\n');
    const { collector, rows } = collect(fileSpec(path));
    await vi.waitFor(() => expect(rows()).toHaveLength(1));
    await writeFile(join(dir, 'next.log'), 'loss=0.7\nloss=0.6\n');
    await rename(join(dir, 'next.log'), path);
    await collector.finish();
    expect(rows().map((r) => r.value)).toEqual(['0.5', '0.7', '0.6']);
  });

  test('JSON file with a bad line: rows before it, then finish() rejects with path and line', async () => {
    const path = join(dir, 'metrics.json');
    await writeFile(path, '{"loss": 0.5, "timestamp": 1638422847.5}\n\n{"loss": "0.4"\n{"loss": "0.3"}\n');
    const { collector, rows } = collect(fileSpec(path, 'JSON'));
    const finished = collector.finish();
    await expect(finished).rejects.toThrow(ScribaError);
    await expect(finished).rejects.toThrow(`${path} line 3: not a JSON object: {"loss": "0.4"`);
    expect(rows()).toEqual([row('loss', '0.5', '2021-12-02T05:27:27.5Z')]);
  });

  test('no polling after finish()', async () => {
    const path = join(dir, 'metrics.log');
    await writeFile(path, 'loss=0.5\n');
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const { collector, rows } = collect(fileSpec(path));
    await vi.waitFor(() => expect(rows()).toHaveLength(1));
    await collector.finish();
    expect(timers()).toBeLessThanOrEqual(before); // none of ours is left
    expect(rows()).toHaveLength(1);
    await appendFile(path, 'loss=0.4\n');
    await sleep(30);
    expect(rows()).toHaveLength(1);
  });

  test('a path that cannot be read rejects finish() with failed-precondition', async () => {
    const { collector, rows } = collect(fileSpec(dir)); // a directory
    await expect(collector.finish()).rejects.toThrow(
      expect.objectContaining({ code: 'failed-precondition', message: expect.stringContaining(`cannot read metrics file ${dir}`) }),
    );
    expect(rows()).toEqual([]);
  });

  test('a File collector needs a path', () => {
    expect(() => createCollector({ kind: 'File', format: 'TEXT', metricNames: ['loss'] }, () => undefined)).toThrow(
      'a File metrics collector needs a path',
    );
  });
});
