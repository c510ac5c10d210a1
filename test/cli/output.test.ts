import { describe, expect, test } from 'vitest';
import { formatNumber, table } from '../../src/cli/output.js';

describe('formatNumber: one rule for every table and summary', () => {
  test.each([
    ['0.30000000000000004', '0.3'],
    [0.1 + 0.2, '0.3'],
    ['0.4082557756919414', '0.408256'],
    ['123456789', '123457000'],
    ['0.000012345678', '0.0000123457'],
    ['1e-9', '1e-9'],
    ['-2.50000', '-2.5'],
    ['16', '16'],
    ['0', '0'],
    ['unavailable', 'unavailable'],
    ['relu', 'relu'],
    ['', ''],
    ['Infinity', 'Infinity'],
    [undefined, '-'],
  ] as const)('%j -> %j', (value, shown) => {
    expect(formatNumber(value)).toBe(shown);
  });
});

test('table: columns padded to the widest cell, three spaces apart, the last one unpadded', () => {
  expect(table(['NAME', 'BEST(loss)'], [['a', '0.1'], ['longer', '2']])).toBe('NAME     BEST(loss)\na        0.1\nlonger   2');
});
