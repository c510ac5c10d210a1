import { describe, expect, test } from 'vitest';
import { search, tune } from '../../src/index.js';

const parameters = { x: search.double({ min: 0, max: 1 }) };

/*
 * tune({ trialTimeout }): an objective that never resolves no longer hangs the tuning.
 * The hanging objectives here never end at all, so the run can only finish through the
 * timeout, whatever the machine's speed.
 */
describe('tune({ trialTimeout })', () => {
  test('a trial that never resolves fails with "timed out", its signal aborts, and the run goes on', async () => {
    const signals: AbortSignal[] = [];
    let calls = 0;
    const result = await tune({
      objective: async ({ x }, { report, signal }) => {
        calls++;
        if (calls === 2) {
          signals.push(signal);
          report({ objective: 0.001 });
          await new Promise(() => {}); // hangs for ever
        }
        return x;
      },
      parameters,
      objectiveType: 'minimize',
      parallelTrialCount: 1,
      maxTrialCount: 3,
      maxFailedTrialCount: 2,
      trialTimeout: 0.05,
      seed: 1,
    });
    expect(result.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Failed', 'Succeeded']);
    expect(result.trials[1]?.message).toBe('timed out after 0.05 s');
    expect(signals[0]?.aborted).toBe(true);
    // what it reported before the timeout stays in its log, but it does not rank
    expect(result.trials[1]?.logs.map((l) => l.value)).toEqual(['0.001']);
    expect(result.bestTrial?.name).not.toBe(result.trials[1]?.name);
    expect(result.status).toBe('Succeeded');
  });

  test('what a timed-out objective reports or returns afterwards is not recorded', async () => {
    let late: (() => void) | undefined;
    let reportLate: (() => void) | undefined;
    const result = await tune({
      objective: (_p, { report, signal }) =>
        new Promise<number>((resolve) => {
          reportLate = () => report({ objective: 0.5 });
          late = () => resolve(0.1);
          signal.addEventListener('abort', () => {
            reportLate?.();
            late?.();
          });
        }),
      parameters,
      objectiveType: 'minimize',
      maxTrialCount: 1,
      trialTimeout: 0.02,
      seed: 2,
    });
    expect(result.trials[0]).toMatchObject({ condition: 'Failed', message: 'timed out after 0.02 s', logs: [] });
    expect(result.status).toBe('Failed');
  });

  test('a bad trialTimeout is refused, naming the option', async () => {
    await expect(tune({ objective: ({ x }) => x, parameters, objectiveType: 'minimize', maxTrialCount: 1, trialTimeout: -1 })).rejects.toThrow(
      'trialTimeout: expected a number of seconds > 0, got -1',
    );
    await expect(tune({ objective: ({ x }) => x, parameters, objectiveType: 'minimize', maxTrialCount: 1, trialTimeout: 1e9 })).rejects.toThrow(
      'trialTimeout: expected at most 2147483 seconds (24.8 days), got 1000000000',
    );
  });
});
