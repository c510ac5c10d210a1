/** Metrics collection (katib-spec §6): line parsers for TEXT and JSON, and a streaming collector. */
export type { CollectorSpec, ReportLogs, TrialCollector } from './types.js';
export { createCollector, type CollectorOptions } from './collector.js';
export { DEFAULT_FILTER, MAX_TEXT_LINE_LENGTH, compileFilters, compileRe2, parseTextLine, type CompiledFilter, type TextFilter } from './text.js';
export { TIMESTAMP_FIELD, parseJsonLine } from './json.js';
export { fromEpochSeconds, isRfc3339, readTime } from './timestamp.js';
