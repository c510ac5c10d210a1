/** Benchmark reports (bench-protocol v1, §3, §4, §6, §7.1, §7.2): the public surface. */
export { buildReport, readResultFiles, writeReport, type Report, type ReportOptions } from './report.js';
export { collect, plotFileName, type Dataset, type Method, type ResultFile } from './dataset.js';
export {
  averageRanks,
  evaluationsAt,
  formatMs,
  formatSigned,
  formatSummary,
  logRegretCurve,
  roundHalfEven,
  summarise,
  summariseAt,
  FRACTIONS,
  PROTOCOL_SEEDS,
  type Summary,
} from './stats.js';
export { escapeXml, plotSvg, PALETTE } from './svg.js';
