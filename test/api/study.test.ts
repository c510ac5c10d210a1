import { describe, expect, test } from 'vitest';
import { createStudy, ScribaError, search } from '../../src/index.js';

const options = {
  parameters: { x: search.double({ min: -5, max: 5 }), k: search.int({ min: 1, max: 3 }) },
  objectiveType: 'minimize' as const,
  maxTrialCount: 6,
  seed: 8,
};

describe('createStudy(): ask and tell', () => {
  test('runs an experiment driven by the caller', async () => {
    const study = createStudy(options);
    let asked = 0;
    while (!study.done) {
      const trial = await study.ask();
      asked++;
      expect(typeof trial.parameters.x).toBe('number');
      study.tell(trial, ((trial.parameters.x as number) - 2) ** 2);
    }
    const result = study.result();
    expect(asked).toBe(6);
    expect(result).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', seed: 8 });
    expect(result.bestTrial?.value).toBe(Math.min(...result.trials.map((t) => t.value as number)));
  });

  test('asks the same trials as tune() would with the same seed', async () => {
    const a = createStudy(options);
    const b = createStudy(options);
    const ta = await a.ask();
    const tb = await b.ask();
    expect(tb).toEqual(ta);
  });

  test('refuses to ask past maxTrialCount while trials run, and after the end', async () => {
    const study = createStudy({ ...options, maxTrialCount: 2 });
    const t1 = await study.ask();
    const t2 = await study.ask();
    await expect(study.ask()).rejects.toThrow(/all 2 trials of maxTrialCount have been asked/);
    study.tell(t1, { objective: 1 });
    study.report(t2, { objective: 5 });
    const r = study.tell(t2, 3);
    expect(r.observation.metrics[0]).toEqual({ name: 'objective', min: '3', max: '5', latest: '3' });
    expect(study.done).toBe(true);
    await expect(study.ask()).rejects.toThrow(/the study has ended: ExperimentMaxTrialsReached/);
  });

  test('tell and fail name the trial they cannot act on', async () => {
    const study = createStudy(options);
    const t = await study.ask();
    expect(() => study.tell('nope', 1)).toThrow(ScribaError);
    expect(() => study.tell('nope', 1)).toThrow(/no trial named "nope"/);
    expect(() => study.tell(t, { objective: [1] } as never)).toThrow(/metrics: expected a number or an object/);
    study.fail(t, 'out of memory');
    expect(() => study.tell(t, 1)).toThrow(/has already ended \(Failed\)/);
    expect(study.result().trials[0]).toMatchObject({ condition: 'Failed', message: 'out of memory' });
  });

  test('fails at maxFailedTrialCount', async () => {
    const study = createStudy({ ...options, maxFailedTrialCount: 1 });
    study.fail(await study.ask(), 'boom');
    expect(study.done).toBe(true);
    expect(study.result()).toMatchObject({ status: 'Failed', reason: 'ExperimentFailed' });
  });

  test('concurrent asks on a grid get distinct points; an exhausted grid ends the study', async () => {
    const study = createStudy({ parameters: { k: search.int({ min: 1, max: 3 }) }, objectiveType: 'maximize', algorithm: 'grid' });
    const trials = await Promise.all([study.ask(), study.ask(), study.ask()]);
    expect(trials.map((t) => t.parameters.k).sort()).toEqual([1, 2, 3]);
    await expect(study.ask()).rejects.toThrow(/exhausted/);
    for (const t of trials) study.tell(t, t.parameters.k as number);
    expect(study.done).toBe(true);
    expect(study.result()).toMatchObject({ status: 'Succeeded', reason: 'ExperimentSuggestionEndReached' });
    expect(study.result().bestTrial?.parameters.k).toBe(3);
  });
});

describe('createStudy(): add', () => {
  test('records known results without asking the algorithm, and they count', async () => {
    const study = createStudy({ ...options, maxTrialCount: 3 });
    const added = study.add({ x: 2, k: 3 }, 0.25);
    expect(added).toMatchObject({ condition: 'Succeeded', value: 0.25, parameters: { x: 2, k: 3 } });
    expect(added.parameterAssignments).toEqual([{ name: 'x', value: '2' }, { name: 'k', value: '3' }]);
    expect(() => study.add({ x: 9, k: 1 }, 1)).toThrow(/value "9" of parameter "x" is not a number in \[-5, 5\]/);
    expect(() => study.add({ x: 1 } as never, 1)).toThrow(/no value for parameter "k"/);
    study.tell(await study.ask(), 1);
    study.add({ x: 0, k: 1 }, 0.1);
    expect(study.result()).toMatchObject({ status: 'Succeeded', reason: 'ExperimentMaxTrialsReached', bestTrial: { value: 0.1 } });
  });
});
