import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRandom } from '../../../algorithms/random/index.js';
import { plotCommand } from '../../../src/cli/plot.js';
import { ScribaError } from '../../../src/errors.js';
import { runExperiment } from '../../../src/loop/run.js';
import { createState } from '../../../src/loop/state.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { autoRunner, makeExperiment, metric } from '../../support/experiment.js';
import { group, parse, size, tags, texts } from './support.js';

const SCRIPT = '<script>alert(1)</script>';

/**
 * A real store: "plots" with 8 trials over a log-scale learning rate, an int and a
 * categorical whose second value is markup. Trial i reports loss 10 - i + 1/step and
 * accuracy at each step: i % 4 = 2 is early stopped after 2 steps, i % 4 = 3 fails having
 * reported nothing, the others succeed after 5. "all-failed" has 3 trials that all fail.
 */
let dir = '';
let db = '';
const lines: string[] = [];
const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), raw: () => undefined, progress: () => undefined, isTTY: false };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-plot-'));
  db = join(dir, 'scriba.db');
  const store = new SqliteStore(db);
  try {
    const spec = {
      maxTrialCount: 8,
      maxFailedTrialCount: 8,
      parallelTrialCount: 1,
      parameters: [
        { name: 'lr', parameterType: 'double' as const, feasibleSpace: { min: '0.0001', max: '0.1', distribution: 'logUniform' as const } },
        { name: 'layers', parameterType: 'int' as const, feasibleSpace: { min: '1', max: '4' } },
        { name: 'optimizer', parameterType: 'categorical' as const, feasibleSpace: { list: ['sgd', SCRIPT] } },
      ],
    };
    const plots = createState({ ...makeExperiment(spec), metadata: { name: 'plots' } }, 5, store);
    store.createExperiment(plots);
    await runExperiment({
      experiment: plots,
      algorithm: createRandom(),
      runner: autoRunner((i) => {
        if (i % 4 === 3) return { outcome: { status: 'failed', message: 'diverged' } };
        const steps = i % 4 === 2 ? 2 : 5;
        const logs = Array.from({ length: steps }, (_, s) => [metric('loss', 10 - i + 1 / (s + 1)), metric('accuracy', 0.5 + i / 20 + s / 100)]).flat();
        return { outcome: { status: i % 4 === 2 ? 'earlyStopped' : 'completed' }, logs };
      }),
    });
    const failed = createState({ ...makeExperiment({ maxTrialCount: 3, maxFailedTrialCount: 3, parallelTrialCount: 1 }), metadata: { name: 'all-failed' } }, 1, store);
    store.createExperiment(failed);
    await runExperiment({ experiment: failed, algorithm: createRandom(), runner: autoRunner(() => ({ outcome: { status: 'failed', message: 'no' } })) });
  } finally {
    store.close();
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const KINDS = ['history', 'parallel', 'slice', 'curves'] as const;
const ihdr = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe('scriba plot over a real store', () => {
  test('each kind as SVG and as PNG of the same size', async () => {
    for (const kind of KINDS) {
      const svgFile = join(dir, `${kind}.svg`);
      const pngFile = join(dir, `${kind}.PNG`);
      lines.length = 0;
      expect(plotCommand(kind, 'plots', { db, out: svgFile }, io)).toBe(0);
      expect(plotCommand(kind, 'plots', { db, out: pngFile }, io)).toBe(0);
      expect(lines).toEqual([`${kind} of plots written to ${svgFile}`, `${kind} of plots written to ${pngFile}`]);
      const svg = await readFile(svgFile, 'utf8');
      const png = await readFile(pngFile);
      expect(parse(svg)).toEqual(size(svg));
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(ihdr(png)).toEqual(size(svg));
      expect(svg).not.toContain(SCRIPT);
    }
  });

  test('history: the 6 trials that rank (4 Succeeded, 2 EarlyStopped) and the best of them', async () => {
    await plotCommand('history', 'plots', { db, out: join(dir, 'h.svg') }, io);
    const svg = await readFile(join(dir, 'h.svg'), 'utf8');
    expect(tags(group(svg, 'succeeded'), 'circle')).toHaveLength(4);
    expect(tags(group(svg, 'early-stopped'), 'circle')).toHaveLength(2);
    // Each trial's value is its least loss: 10 - i + 1/5 after 5 steps, 10 - i + 1/2 when
    // stopped after 2; trial 7 failed, so trial 6 (EarlyStopped, 4.5) beats trial 5 (5.2).
    const store = new SqliteStore(db, { create: false });
    const names = store.loadState('plots').trials.map((t) => t.name);
    store.close();
    expect(texts(svg)).toContain(`best: ${names[6]}`);
    expect(svg).toContain(`<title>${names[6]}: 4.5 (EarlyStopped)</title>`);
    expect(texts(svg)).toContain('2 trials without a value not drawn');
    expect(texts(svg)).toContain('plots: loss by trial');
  });

  test('parallel and slice: the categorical value reaches the picture escaped', async () => {
    for (const kind of ['parallel', 'slice'] as const) {
      await plotCommand(kind, 'plots', { db, out: join(dir, `${kind}-x.svg`) }, io);
      const svg = await readFile(join(dir, `${kind}-x.svg`), 'utf8');
      expect(texts(svg)).toContain(SCRIPT);
      expect(texts(svg)).toContain('sgd');
      expect(svg).toContain('&lt;script&gt;');
    }
  });

  test("curves: each trial's observation log, of the objective metric or of --metric", async () => {
    await plotCommand('curves', 'plots', { db, out: join(dir, 'c.svg') }, io);
    const loss = await readFile(join(dir, 'c.svg'), 'utf8');
    // 6 trials reported; the failed ones nothing. Early stops end in a dot.
    expect(tags(loss, 'polyline')).toHaveLength(6);
    expect(texts(loss)).toContain('plots: loss by step');
    const stops = tags(group(loss, 'stops'), 'circle');
    expect(stops).toHaveLength(2);
    await plotCommand('curves', 'plots', { db, out: join(dir, 'a.svg'), metric: 'accuracy', logY: true }, io);
    const accuracy = await readFile(join(dir, 'a.svg'), 'utf8');
    expect(texts(accuracy)).toContain('plots: accuracy by step');
    expect(texts(accuracy)).toContain('accuracy (log scale)');
    expect(tags(accuracy, 'polyline')).toHaveLength(6);
    await plotCommand('curves', 'plots', { db, out: join(dir, 'n.svg'), metric: 'nothing' }, io);
    expect(texts(await readFile(join(dir, 'n.svg'), 'utf8'))).toContain('no intermediate values of nothing');
  });

  test('an experiment without a value: pictures that say so', async () => {
    for (const kind of KINDS) {
      const out = join(dir, `empty-${kind}.svg`);
      expect(plotCommand(kind, 'all-failed', { db, out }, io)).toBe(0);
      const svg = await readFile(out, 'utf8');
      expect(texts(svg)).toContain(kind === 'curves' ? 'no intermediate values of loss' : 'no completed trials');
      parse(svg);
    }
  });

  test('bad input: the argument or flag named, and what was expected', () => {
    const out = join(dir, 'x.svg');
    const fails = (run: () => number, code: ScribaError['code'], message: string | RegExp) => {
      expect(run).toThrow(ScribaError);
      expect(run).toThrow(message);
      try {
        run();
      } catch (error) {
        expect((error as ScribaError).code).toBe(code);
      }
    };
    fails(() => plotCommand('pie', 'plots', { db, out }, io), 'invalid-argument', 'unknown picture "pie"; expected one of history, parallel, slice, curves');
    fails(() => plotCommand('importance', 'plots', { db, out }, io), 'failed-precondition', /^plot importance: parameter importance is not computed yet, so its picture is not available yet/);
    fails(() => plotCommand('history', 'plots', { db, out: join(dir, 'x.jpg') }, io), 'invalid-argument', '--out: expected a file name ending in .svg or .png, got');
    fails(() => plotCommand('history', 'plots', { db, out: join(dir, 'svg') }, io), 'invalid-argument', '--out: expected a file name ending in .svg or .png');
    fails(() => plotCommand('history', 'nosuch', { db, out }, io), 'not-found', 'experiments "nosuch" not found');
    fails(() => plotCommand('history', 'plots', { db, out, metric: 'loss' }, io), 'invalid-argument', '--metric: applies to curves only');
    fails(() => plotCommand('parallel', 'plots', { db, out, logY: true }, io), 'invalid-argument', '--log-y: applies to history and curves only');
    fails(() => plotCommand('history', 'plots', { db, out: join(dir, 'no', 'such', 'dir', 'x.svg') }, io), 'invalid-argument', /--out: cannot write .*x\.svg/);
    expect(existsSync(out)).toBe(false);
  });
});
