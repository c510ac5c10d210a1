import { describe, expect, test } from 'vitest';
import { createStudy, search, tune, TrialPruned } from '../../src/index.js';
import { ScribaError } from '../../src/errors.js';

const parameters = { x: search.double({ min: 0, max: 1 }) };
const medianstop = { earlyStopping: 'medianstop', earlyStoppingSettings: { min_trials_required: 2, start_step: 2 } } as const;

function issuesOf(f: () => unknown): ReadonlyArray<{ path: string; message: string }> {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ScribaError);
    return (error as ScribaError).issues ?? [];
  }
  throw new Error('expected an error');
}

describe('createStudy() with early stopping', () => {
  test('report() answers true once the rule stops the trial; it is then EarlyStopped and tell() keeps it so', async () => {
    const study = createStudy({ parameters, objectiveType: 'minimize', objectiveMetricName: 'loss', ...medianstop, seed: 1 });
    // Two trials define the rule: start-step means (0.5+0.4)/2 = 0.45 and (0.3+0.2)/2 = 0.25, median 0.35.
    for (const curve of [[0.5, 0.4], [0.3, 0.2]]) {
      const t = await study.ask();
      for (const loss of curve) expect(study.report(t, { loss })).toBe(false);
      study.tell(t);
    }
    const bad = await study.ask();
    expect(study.report(bad, { loss: 0.9 })).toBe(false); // step 1 < start_step
    expect(study.shouldStop(bad)).toBe(false);
    expect(study.report(bad, { loss: 0.8 })).toBe(true); // best 0.8 > 0.35 at step 2
    expect(study.shouldStop(bad)).toBe(true);
    expect(study.report(bad, { loss: 0.01 })).toBe(true); // ignored: the trial has ended
    const result = study.tell(bad, { loss: 0.01 });
    expect(result.condition).toBe('EarlyStopped');
    expect(result.reason).toBe('TrialEarlyStopped');
    expect(result.logs.map((l) => l.value)).toEqual(['0.9', '0.8']);
    expect(result.value).toBe(0.8);
    expect(study.fail(bad, 'late').condition).toBe('EarlyStopped');

    const good = await study.ask();
    expect(study.report(good, { loss: 0.3 })).toBe(false);
    expect(study.report(good, { loss: 0.2 })).toBe(false);
    expect(study.tell(good, { loss: 0.1 }).condition).toBe('Succeeded');
    expect(study.result().counts).toMatchObject({ succeeded: 3, earlyStopped: 1 });
  });

  test('bad early-stopping options are refused with the option named', () => {
    const base = { parameters, objectiveType: 'minimize' } as const;
    expect(issuesOf(() => createStudy({ ...base, earlyStopping: 'nosuch' }))).toEqual([
      expect.objectContaining({ path: 'earlyStopping', message: expect.stringContaining('unknown early stopping algorithm name nosuch') }),
    ]);
    expect(issuesOf(() => createStudy({ ...base, earlyStopping: 'medianstop', earlyStoppingSettings: { start_step: 0 } }))).toEqual([
      expect.objectContaining({ path: 'earlyStoppingSettings.start_step' }),
    ]);
    expect(issuesOf(() => createStudy({ ...base, earlyStopping: 'medianstop', earlyStoppingSettings: { patience: 3 } }))).toEqual([
      expect.objectContaining({ path: 'earlyStoppingSettings.patience', message: expect.stringContaining('unknown setting patience') }),
    ]);
    expect(issuesOf(() => createStudy({ ...base, earlyStoppingSettings: { start_step: 2 } }))).toEqual([
      expect.objectContaining({ path: 'earlyStoppingSettings', message: expect.stringContaining('applies only with earlyStopping') }),
    ]);
  });
});

describe('tune() with early stopping', () => {
  test("the objective learns from report() that it should stop; its signal aborts; what it does afterwards is not recorded", async () => {
    const seen: Array<{ stoppedAt?: number; aborted: boolean; shouldStop: boolean }> = [];
    let calls = 0;
    const result = await tune({
      parameters,
      objectiveType: 'minimize',
      objectiveMetricName: 'loss',
      ...medianstop,
      maxTrialCount: 4,
      parallelTrialCount: 1,
      seed: 2,
      objective: async (_p, context) => {
        // Trials 0 and 1 set the median of start-step means to 0.5; trial 2 is worse, trial 3 better.
        const curve = [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [0.9, 0.9, 0.9], [0.1, 0.1, 0.1]][calls++] as number[];
        const record: { stoppedAt?: number; aborted: boolean; shouldStop: boolean } = { aborted: false, shouldStop: false };
        seen.push(record);
        for (let step = 1; step <= curve.length; step++) {
          if (context.report({ loss: curve[step - 1] as number })) {
            record.stoppedAt = step;
            break;
          }
        }
        record.aborted = context.signal.aborted;
        record.shouldStop = context.shouldStop();
        return { loss: 0.0001 }; // ignored for a stopped trial
      },
    });
    expect(result.trials.map((t) => t.condition)).toEqual(['Succeeded', 'Succeeded', 'EarlyStopped', 'Succeeded']);
    expect(seen[2]).toEqual({ stoppedAt: 2, aborted: true, shouldStop: true });
    expect(seen[3]).toEqual({ aborted: false, shouldStop: false });
    expect(result.trials[2]?.logs.map((l) => l.value)).toEqual(['0.9', '0.9']);
    expect(result.trials[2]?.value).toBe(0.9);
    expect(result.counts).toMatchObject({ succeeded: 3, earlyStopped: 1 });
  });

  test('an objective that throws TrialPruned ends EarlyStopped with what it reported', async () => {
    const result = await tune({
      parameters,
      objectiveType: 'minimize',
      maxTrialCount: 2,
      seed: 3,
      objective: (_p, context) => {
        context.report({ objective: 0.7 });
        throw new TrialPruned();
      },
    });
    expect(result.trials.map((t) => t.condition)).toEqual(['EarlyStopped', 'EarlyStopped']);
    expect(result.trials[0]?.value).toBe(0.7);
    // Early-stopped trials rank (Katib: they carry an observation).
    expect(result.bestTrial?.value).toBe(0.7);
  });
});
