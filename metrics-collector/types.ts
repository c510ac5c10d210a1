import type { MetricLog } from '../src/trial/types.js';

/** What to collect from one trial, resolved from the experiment's metricsCollectorSpec. */
export interface CollectorSpec {
  /** StdOut parses the trial's stdout and stderr; File follows a file the trial writes. */
  kind: 'StdOut' | 'File';
  format: 'TEXT' | 'JSON';
  /** For File: the file on this machine (already mapped into the trial's directory). */
  path?: string;
  /** Katib's metricsFormat filters (TEXT only); the default filter when absent or empty. */
  filters?: readonly string[];
  /** The objective and additional metric names; other names are ignored. */
  metricNames: readonly string[];
}

/** Collects one trial's metrics while it runs, reporting observation-log rows as they appear. */
export interface TrialCollector {
  /** Output of the trial's process, as it arrives. */
  stdout(chunk: Buffer | string): void;
  stderr(chunk: Buffer | string): void;
  /**
   * The process has ended: reads what remains (the last unterminated line, the rest of
   * the file) and stops watching. Resolves once every row has been reported; rejects with
   * a ScribaError naming the file and line when the metrics cannot be parsed (a bad JSON line).
   */
  finish(): Promise<void>;
}

export type ReportLogs = (logs: MetricLog[]) => void;
