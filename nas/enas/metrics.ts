/**
 * The metrics Katib's ENAS trial prints after every epoch, one `name=value` line each, in
 * this order; Katib's StdOut collector reads them with its default filter (katib-spec §6).
 * The enas examples' objective is Validation-Accuracy.
 */
export const ENAS_METRIC_NAMES = ['Training-Accuracy', 'Training-Loss', 'Validation-Accuracy', 'Validation-Loss'] as const;
export type EnasMetricName = (typeof ENAS_METRIC_NAMES)[number];

export interface EpochMetrics {
  trainingAccuracy: number;
  trainingLoss: number;
  validationAccuracy: number;
  validationLoss: number;
}

/** The epoch's metric lines, e.g. `Validation-Accuracy=0.912`. */
export function metricLines(m: EpochMetrics): string[] {
  const values: Record<EnasMetricName, number> = {
    'Training-Accuracy': m.trainingAccuracy,
    'Training-Loss': m.trainingLoss,
    'Validation-Accuracy': m.validationAccuracy,
    'Validation-Loss': m.validationLoss,
  };
  return ENAS_METRIC_NAMES.map((name) => `${name}=${formatValue(values[name])}`);
}

/**
 * A value as Katib's filter reads it: plain decimal or exponent notation (JavaScript's
 * shortest round-trip form, like Python's repr of a float).
 */
export function formatValue(value: number): string {
  return String(value);
}
