import { describe, expect, test } from 'vitest';
import { numericValue, observe, strategyFor, strategyValue } from '../../src/trial/observation.js';

const log = (timeStamp: string, name: string, value: string) => ({ timeStamp, name, value });

describe('observation from logs (katib-spec §6)', () => {
  test('min and max over numeric values, latest by greatest timestamp', () => {
    const logs = [
      log('2026-01-01T00:00:03Z', 'loss', '0.3'),
      log('2026-01-01T00:00:01Z', 'loss', '0.9'),
      log('2026-01-01T00:00:02Z', 'loss', '0.1'),
      log('2026-01-01T00:00:02Z', 'acc', '0.5'),
    ];
    expect(observe(logs, ['loss', 'acc', 'f1']).metrics).toEqual([
      { name: 'loss', min: '0.1', max: '0.9', latest: '0.3' },
      { name: 'acc', min: '0.5', max: '0.5', latest: '0.5' },
      { name: 'f1', min: 'unavailable', max: 'unavailable', latest: 'unavailable' },
    ]);
  });

  test('equal timestamps: the later entry is latest; non-numeric values can be latest but not min/max', () => {
    const logs = [log('2026-01-01T00:00:00Z', 'm', '2'), log('2026-01-01T00:00:00Z', 'm', 'Genotype(x)')];
    expect(observe(logs, ['m']).metrics[0]).toEqual({ name: 'm', min: '2', max: '2', latest: 'Genotype(x)' });
  });

  test('a malformed timestamp is an error', () => {
    expect(() => observe([log('yesterday', 'm', '1')], ['m'])).toThrow(/timestamp "yesterday"/);
  });

  test('strategy value falls back to latest when min/max are unavailable', () => {
    const m = { name: 'm', min: 'unavailable', max: 'unavailable', latest: 'x' };
    expect(strategyValue(m, 'min')).toBe('x');
    expect(strategyValue({ ...m, min: '1' }, 'min')).toBe('1');
    expect(strategyValue({ ...m, max: '5' }, 'latest')).toBe('x');
  });

  test('default strategies follow the objective type, for additional metrics too (Katib)', () => {
    const objective = { type: 'maximize' as const, objectiveMetricName: 'acc', additionalMetricNames: ['loss'] };
    expect(strategyFor(objective, 'acc')).toBe('max');
    expect(strategyFor(objective, 'loss')).toBe('max');
    expect(strategyFor({ ...objective, metricStrategies: [{ name: 'loss', value: 'min' }] }, 'loss')).toBe('min');
  });

  test('numeric parsing: Infinity forms are numbers, NaN and text are not', () => {
    expect([numericValue('1e-3'), numericValue('inf'), numericValue('-Infinity'), numericValue('NaN'), numericValue('abc'), numericValue('')]).toEqual([
      1e-3, Infinity, -Infinity, undefined, undefined, undefined,
    ]);
  });
});
