import fc from 'fast-check';
import { expect, test } from 'vitest';
import { sortedOrder } from '../../../algorithms/tpe/parzen.js';

test('sortedOrder is a stable ascending sort of values in [0, 1], ties and ends included', () => {
  const value = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 0.5, 0.25));
  fc.assert(
    fc.property(fc.array(value, { maxLength: 200 }), (values) => {
      const expected = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
      expect([...sortedOrder(Float64Array.from(values))]).toEqual(expected);
    }),
    { numRuns: 500 },
  );
});
