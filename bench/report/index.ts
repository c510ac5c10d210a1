/** Benchmark reports (docs/benchmark-protocol.md, §3, §4, §6, §7.1, §7.2): the public surface. */
export { buildReport, protocolDocPath, protocolLinkFrom, readResultFiles, writeReport, type Report, type ReportOptions } from './report.js';
export { methodLabel } from './labels.js';
export { PROTOCOL_DOC } from './markdown.js';
export { charEm, textWidth } from './text-width.js';
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
export { escapeXml, legendBox, legendLabel, plotSvg, PALETTE, type LegendBox } from './svg.js';
