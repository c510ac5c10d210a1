import { describe, expect, test } from 'vitest';
import { search, tune } from '../../../src/index.js';

describe('hyperband through tune()', () => {
  test('the loop waits for each rung and ends Succeeded when the last bracket has ended', async () => {
    // R = 9, η = 3: brackets 9+3+1, 5+1 and 3 trials, 22 in all.
    const result = await tune({
      objective: async ({ x, epochs }) => (x - 0.3) ** 2 + 1 / epochs,
      parameters: { x: search.double({ min: 0, max: 1 }), epochs: search.int({ min: 1, max: 9 }) },
      objectiveMetricName: 'loss',
      objectiveType: 'minimize',
      algorithm: 'hyperband',
      algorithmSettings: { r_l: 9, eta: 3, resource_name: 'epochs' },
      maxTrialCount: 100,
      parallelTrialCount: 4,
      seed: 5,
    });
    expect(result.status).toBe('Succeeded');
    expect(result.reason).toBe('ExperimentSuggestionEndReached');
    expect(result.trials).toHaveLength(22);
    expect(result.bestTrial?.parameters.epochs).toBe(9);
    // Resources: 9 trials on 1 epoch, 3 + 5 on 3, 1 + 1 + 3 on 9.
    const on = (epochs: number) => result.trials.filter((t) => t.parameters.epochs === epochs).length;
    expect([on(1), on(3), on(9)]).toEqual([9, 8, 5]);
  });
});
