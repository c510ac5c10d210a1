import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { ScribaError, errorMessage } from '../src/errors.js';
import type { MetricLog } from '../src/trial/types.js';
import { parseJsonLine } from './json.js';
import { MAX_TEXT_LINE_LENGTH, compileFilters, parseTextLine } from './text.js';
import { readTime } from './timestamp.js';
import type { CollectorSpec, ReportLogs, TrialCollector } from './types.js';

export interface CollectorOptions {
  /** The time a line is read, for rows whose line has no timestamp (RFC 3339). */
  now?: () => string;
  /** How often a File collector looks for new bytes; 100 ms by default. */
  pollMs?: number;
}

const DEFAULT_POLL_MS = 100;
const READ_CHUNK_BYTES = 64 * 1024;
/** Queued output is cut into pieces of at most this many bytes (or characters). */
const PARSE_SLICE = 64 * 1024;
/** Parsing yields to the event loop after this long, so timers and pipes are served. */
const PARSE_TURN_MS = 4;

/**
 * Collects one trial's metrics as they appear (katib-spec §6), reporting the rows of each
 * line as soon as the line is complete. Katib's sidecar reports the whole log once, after
 * the trial ends; reporting as lines arrive lets intermediate values feed early stopping.
 * Rows once reported stay, so Katib's last step (a log without the objective is replaced
 * by one `unavailable` row) is left to the observation, which gives the same objective.
 *
 * - `StdOut`: the trial's stdout and stderr, each split into lines on its own (Katib
 *   redirects both into one file, `2>&1`).
 * - `File`: follows `spec.path`, polling every `pollMs` for new bytes; the file may appear
 *   late, grow, or shrink (then it is read again from the start). Output is ignored.
 *
 * After a bad JSON line nothing more is reported and `finish()` rejects with its error.
 *
 * Output is queued as it arrives and parsed line by line in turns of a few milliseconds,
 * yielding to the event loop between turns, so timers, signals and the trial's pipes are
 * served while a large output is parsed (or a slow `report` runs); `finish()` resolves
 * once all of it has been. TEXT lines are read on their first MAX_TEXT_LINE_LENGTH characters.
 *
 * @example
 * const collector = createCollector({ kind: 'StdOut', format: 'TEXT', metricNames: ['loss'] }, save);
 * child.stdout.on('data', (chunk) => collector.stdout(chunk));
 * child.on('exit', () => void collector.finish());
 */
export function createCollector(spec: CollectorSpec, report: ReportLogs, options: CollectorOptions = {}): TrialCollector {
  const sink = createSink(spec, report, options.now ?? readTime);
  // JSON lines are read whole: JSON.parse is linear, and a cut line would not parse.
  const maxLine = spec.format === 'TEXT' ? MAX_TEXT_LINE_LENGTH : Infinity;
  if (spec.kind === 'StdOut') return collectOutput(sink, maxLine);
  if (spec.path === undefined || spec.path === '') {
    throw new ScribaError('invalid-argument', 'a File metrics collector needs a path');
  }
  return followFile(spec.path, sink, options.pollMs ?? DEFAULT_POLL_MS, maxLine);
}

/** One stream of lines: its splitter and the number of the last line it gave. */
interface LineSource {
  name: string;
  splitter: LineSplitter;
  lineNumber: number;
}

interface Sink {
  /** Parses and reports lines, until a line fails. */
  emit(source: LineSource, lines: readonly string[]): void;
  fail(error: unknown): void;
  readonly failed: boolean;
  /** Throws the first failure, if any. */
  check(): void;
}

function lineSource(name: string, maxLine: number): LineSource {
  return { name, splitter: createLineSplitter(maxLine), lineNumber: 0 };
}

function createSink(spec: CollectorSpec, report: ReportLogs, now: () => string): Sink {
  const filters = spec.format === 'TEXT' ? compileFilters(spec.filters) : [];
  const parse = (line: string, lineNumber: number, source: string): MetricLog[] =>
    spec.format === 'JSON'
      ? parseJsonLine(line, spec.metricNames, lineNumber, source, now)
      : parseTextLine(line, spec.metricNames, filters, now);
  let failure: { error: unknown } | undefined;
  return {
    emit(source, lines) {
      for (const line of lines) {
        if (failure) return;
        source.lineNumber += 1;
        try {
          const rows = parse(line, source.lineNumber, source.name);
          if (rows.length > 0) report(rows);
        } catch (error) {
          failure = { error };
        }
      }
    },
    fail(error) {
      failure ??= { error };
    },
    get failed() {
      return failure !== undefined;
    },
    check() {
      if (failure) throw failure.error;
    },
  };
}

function collectOutput(sink: Sink, maxLine: number): TrialCollector {
  const out = lineSource('stdout', maxLine);
  const err = lineSource('stderr', maxLine);
  const queue: Array<{ source: LineSource; piece: Buffer | string }> = [];
  let head = 0;
  let batch: { source: LineSource; lines: string[]; next: number } | undefined;
  let scheduled = false;
  let idle: (() => void) | undefined;
  let finished: Promise<void> | undefined;

  /** Parses queued lines for about PARSE_TURN_MS, then yields to the event loop. */
  const drain = (): void => {
    scheduled = false;
    const deadline = performance.now() + PARSE_TURN_MS;
    for (let n = 1; !sink.failed; n += 1) {
      if (n % 32 === 0 && performance.now() > deadline) return schedule();
      if (batch === undefined || batch.next === batch.lines.length) {
        if (head === queue.length) break;
        const { source, piece } = queue[head] as { source: LineSource; piece: Buffer | string };
        queue[head++] = undefined as never;
        batch = { source, lines: source.splitter.push(piece), next: 0 };
        continue;
      }
      sink.emit(batch.source, [batch.lines[batch.next++] as string]);
    }
    batch = undefined;
    queue.length = head = 0;
    idle?.();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  };
  const take = (source: LineSource, chunk: Buffer | string) => {
    if (finished !== undefined || sink.failed) return;
    for (let at = 0; at < chunk.length; at += PARSE_SLICE) {
      queue.push({ source, piece: chunk.length <= PARSE_SLICE ? chunk : chunk.slice(at, at + PARSE_SLICE) });
    }
    schedule();
  };
  return {
    stdout: (chunk) => take(out, chunk),
    stderr: (chunk) => take(err, chunk),
    finish() {
      finished ??= (async () => {
        if (scheduled) await new Promise<void>((done) => (idle = done));
        sink.emit(out, out.splitter.end());
        sink.emit(err, err.splitter.end());
        sink.check();
      })();
      return finished;
    },
  };
}

function followFile(path: string, sink: Sink, pollMs: number, maxLine: number): TrialCollector {
  const file = lineSource(path, maxLine);
  const buffer = Buffer.alloc(READ_CHUNK_BYTES);
  let offset = 0;
  let inode: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> = Promise.resolve();
  let finished: Promise<void> | undefined;

  /** Reads the bytes written since the last read; a missing file is not (yet) an error. */
  const readNew = async (): Promise<void> => {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const stats = await handle.stat();
      // Shorter than what was read, or another file at the path: it was rewritten.
      if (stats.size < offset || (inode !== undefined && stats.ino !== inode)) {
        offset = 0;
        file.splitter.reset();
        file.lineNumber = 0;
      }
      inode = stats.ino;
      while (!sink.failed) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        await emitInTurns(sink, file, file.splitter.push(buffer.subarray(0, bytesRead)));
      }
    } finally {
      await handle.close();
    }
  };

  const poll = (): void => {
    reading = readNew()
      // A failed poll is retried; the final read in finish() reports a lasting failure.
      .catch(() => undefined)
      .then(() => {
        if (!stopped && !sink.failed) timer = setTimeout(poll, pollMs).unref();
      });
  };
  poll();

  return {
    stdout: () => undefined,
    stderr: () => undefined,
    finish() {
      finished ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await reading;
        if (!sink.failed) {
          try {
            await readNew();
          } catch (error) {
            sink.fail(new ScribaError('failed-precondition', `cannot read metrics file ${path}: ${errorMessage(error)}`));
          }
        }
        sink.emit(file, file.splitter.end());
        sink.check();
      })();
      return finished;
    },
  };
}

/** Emits lines, yielding to the event loop every PARSE_TURN_MS (a slow `report`). */
async function emitInTurns(sink: Sink, source: LineSource, lines: readonly string[]): Promise<void> {
  let deadline = performance.now() + PARSE_TURN_MS;
  for (let i = 0; i < lines.length && !sink.failed; i += 32) {
    sink.emit(source, lines.slice(i, i + 32));
    if (performance.now() > deadline) {
      await new Promise((resume) => setImmediate(resume));
      deadline = performance.now() + PARSE_TURN_MS;
    }
  }
}

/**
 * Splits a stream that arrives in chunks into lines. `\n` ends a line and a `\r` before
 * it is dropped; a UTF-8 character whose bytes straddle two chunks is decoded whole.
 * Lines are cut to `maxLine` characters, and no more than that is kept of a line.
 */
interface LineSplitter {
  /** The lines that `chunk` completes, without their terminators. */
  push(chunk: Buffer | string): string[];
  /** The last, unterminated line (if any); the splitter is then empty again. */
  end(): string[];
  /** Drops what is buffered: the stream starts again (a truncated file). */
  reset(): void;
}

function createLineSplitter(maxLine: number): LineSplitter {
  let decoder = new StringDecoder('utf8');
  let pending = '';
  const cut = (line: string): string => (line.length > maxLine ? line.slice(0, maxLine) : line);

  const split = (text: string): string[] => {
    if (!text.includes('\n')) {
      // A long line in many chunks is not split again each time, nor kept past maxLine.
      if (pending.length < maxLine) pending = cut(pending + text);
      return [];
    }
    const parts = (pending + text).split('\n');
    pending = cut(parts.pop() ?? '');
    return parts.map((line) => stripCarriageReturn(cut(line)));
  };

  return {
    push(chunk) {
      // A string after bytes: the bytes of an unfinished character become U+FFFD first.
      return split(typeof chunk === 'string' ? decoder.end() + chunk : decoder.write(chunk));
    },
    end() {
      const last = cut(pending + decoder.end());
      pending = '';
      return last === '' ? [] : [stripCarriageReturn(last)];
    },
    reset() {
      decoder = new StringDecoder('utf8');
      pending = '';
    },
  };
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
