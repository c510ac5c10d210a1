import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { getAlgorithm, registerAlgorithm, search, TIMEOUT_REASON, tune } from '../../src/index.js';

// The clock is fake: each objective moves it on, so no test depends on the machine's speed.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

const advance = (seconds: number): void => {
  vi.setSystemTime(Date.now() + seconds * 1000);
};
const parameters = { x: search.double({ min: 0, max: 1 }) };

describe('tune({ timeout })', () => {
  test('starts no trial after the timeout and ends Succeeded with ExperimentTimeoutReached', async () => {
    const result = await tune({
      objective: ({ x }) => {
        advance(10);
        return x;
      },
      parameters,
      objectiveType: 'minimize',
      parallelTrialCount: 1,
      timeout: 35,
      seed: 1,
    });
    // Trials start at 0, 10, 20 and 30 s; at 40 s the timeout has passed.
    expect(result).toMatchObject({ status: 'Succeeded', reason: TIMEOUT_REASON, counts: { total: 4, succeeded: 4 } });
    expect(TIMEOUT_REASON).toBe('ExperimentTimeoutReached');
    expect(result.message).toBe('Experiment has succeeded because its timeout of 35 s has been reached');
    expect(result.conditions.map((c) => [c.type, c.status])).toEqual([['Created', 'True'], ['Running', 'False'], ['Succeeded', 'True']]);
  });

  test('trials running at the timeout finish and are recorded', async () => {
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const result = await tune({
      objective: async ({ x }) => {
        if (++calls === 1) {
          advance(60);
          return x;
        }
        await released; // the other two run past the timeout
        return x;
      },
      parameters,
      objectiveType: 'minimize',
      parallelTrialCount: 3,
      maxTrialCount: 20,
      timeout: 30,
      onTrialComplete: () => release(),
    });
    expect(result).toMatchObject({ status: 'Succeeded', reason: TIMEOUT_REASON, counts: { total: 3, succeeded: 3, running: 0 } });
    expect(result.trials.every((t) => t.value !== undefined)).toBe(true);
  });

  test('a goal reached by a trial finishing after the timeout is the reason', async () => {
    let calls = 0;
    const result = await tune({
      objective: async () => {
        const call = ++calls;
        if (call === 1) advance(60);
        return call === 2 ? 0 : 1;
      },
      parameters,
      objectiveType: 'minimize',
      goal: 0.5,
      parallelTrialCount: 2,
      timeout: 30,
    });
    expect(result).toMatchObject({ status: 'Succeeded', reason: 'ExperimentGoalReached', counts: { total: 2 } });
  });

  test('maxTrialCount reached before the timeout ends the experiment as usual', async () => {
    const result = await tune({ objective: ({ x }) => x, parameters, objectiveType: 'minimize', maxTrialCount: 3, timeout: 3600 });
    expect(result).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', counts: { total: 3 } });
  });

  test('suggestions that arrive after the timeout start no trial', async () => {
    const random = getAlgorithm('random');
    registerAlgorithm('slow-random', () => ({
      ...random,
      name: 'slow-random',
      getSuggestions: async (request) => {
        advance(60); // the algorithm takes a minute to answer
        return random.getSuggestions(request);
      },
    }));
    const objective = vi.fn(({ x }: { x: number }) => x);
    const result = await tune({ objective, parameters, objectiveType: 'minimize', algorithm: 'slow-random', timeout: 30 });
    expect(objective).not.toHaveBeenCalled();
    // ended by the timeout, with nothing to show for it
    expect(result).toMatchObject({ status: 'Failed', reason: 'ExperimentFailed', counts: { total: 0 } });
    expect(result.message).toBe('Experiment has failed because no trial succeeded (0 trials: 0 failed, 0 without a usable objective value)');
  });
});
