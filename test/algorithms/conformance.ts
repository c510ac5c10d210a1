import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Algorithm, AlgorithmExperiment } from '../../algorithms/types.js';
import type { AlgorithmSetting, ExperimentSpec, ParameterSpec } from '../../src/experiment/types.js';
import { compileSpace, decodeValue } from '../../src/search-space/index.js';
import type { ParameterAssignment } from '../../src/trial/types.js';
import { historyFor, parametersArbitrary, type SpaceOptions } from '../support/arbitraries.js';

export interface ConformanceOptions {
  create: () => Algorithm;
  space?: SpaceOptions;
  /** Settings that must be rejected, each with the setting name the message must mention. */
  badSettings: AlgorithmSetting[];
  /** Settings that must be accepted. */
  goodSettings?: AlgorithmSetting[];
  /**
   * Generated parameter lists, replacing those of `space` when an algorithm needs a shape
   * that `adapt` cannot give without changing the parameters (cmaes: two int/double ones).
   */
  parameters?: fc.Arbitrary<ParameterSpec[]>;
  /** Adjusts a generated spec to what the algorithm needs (e.g. a maxTrialCount within a grid). */
  adapt?: (spec: ExperimentSpec) => ExperimentSpec;
  runs?: number;
}

export function experimentOf(parameters: ParameterSpec[], settings: AlgorithmSetting[], name: string): AlgorithmExperiment {
  return {
    name: 'conformance',
    spec: {
      parameters,
      objective: { type: 'minimize', objectiveMetricName: 'loss' },
      algorithm: { algorithmName: name, algorithmSettings: settings },
      parallelTrialCount: 3,
    },
  };
}

/** Every assignment names each parameter once, with a value of its domain (range, int, step, list). */
export function expectInSpace(parameters: ParameterSpec[], assignments: ParameterAssignment[]): void {
  const space = compileSpace(parameters);
  expect(assignments.map((a) => a.name).sort()).toEqual(parameters.map((p) => p.name).sort());
  for (const a of assignments) {
    const d = space.byName.get(a.name)!;
    expect(() => decodeValue(d, a.value), `${a.name}=${a.value} in ${JSON.stringify(parameters)}`).not.toThrow();
  }
}

/** The suite every algorithm plugin must pass (DESIGN.md, plugin contract). */
export function describeConformance(name: string, o: ConformanceOptions): void {
  const runs = o.runs ?? 60;
  const build = (parameters: ParameterSpec[], settings: AlgorithmSetting[] = []): AlgorithmExperiment => {
    const e = experimentOf(parameters, settings, name);
    return o.adapt ? { ...e, spec: o.adapt(e.spec) } : e;
  };
  const scenario = fc.record({
    parameters: o.parameters ?? parametersArbitrary(o.space),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    historyLength: fc.integer({ min: 0, max: 25 }),
    count: fc.integer({ min: 1, max: 6 }),
  });

  describe(`algorithm conformance: ${name}`, () => {
    test('generated experiments are valid for it', () => {
      fc.assert(
        fc.property(scenario, ({ parameters }) => {
          expect(o.create().validateSettings(build(parameters))).toEqual([]);
        }),
        { numRuns: runs },
      );
    });

    test('returns exactly count suggestions inside the feasible space, over histories in every condition', async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ parameters, seed, historyLength, count }) => {
          const experiment = build(parameters);
          const trials = historyFor(experiment.spec, seed, historyLength);
          const reply = await o.create().getSuggestions({ experiment, trials, count, seed });
          if (reply.exhausted) expect(reply.assignments.length).toBeLessThanOrEqual(count);
          else expect(reply.assignments).toHaveLength(count);
          for (const a of reply.assignments) expectInSpace(parameters, a);
        }),
        { numRuns: runs },
      );
    });

    test('the same seed and history give the same suggestions', async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ parameters, seed, historyLength, count }) => {
          const experiment = build(parameters);
          const trials = historyFor(experiment.spec, seed, historyLength);
          const first = await o.create().getSuggestions({ experiment, trials, count, seed });
          const second = await o.create().getSuggestions({ experiment, trials, count, seed });
          expect(second).toEqual(first);
        }),
        { numRuns: Math.ceil(runs / 2) },
      );
    });

    test('int, step and list parameters get only their own values', async () => {
      const parameters: ParameterSpec[] = [
        { name: 'units', parameterType: 'int', feasibleSpace: { min: '8', max: '64', step: '8' } },
        { name: 'rate', parameterType: 'double', feasibleSpace: { min: '0.1', max: '0.5', step: '0.1' } },
        { name: 'batch', parameterType: 'discrete', feasibleSpace: { list: ['16', '32', '128'] } },
        { name: 'opt', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam'] } },
      ];
      const experiment = build(parameters);
      const reply = await o.create().getSuggestions({ experiment, trials: [], count: 12, seed: 7 });
      const allowed: Record<string, string[]> = {
        units: ['8', '16', '24', '32', '40', '48', '56', '64'],
        rate: ['0.1', '0.2', '0.3', '0.4', '0.5'],
        batch: ['16', '32', '128'],
        opt: ['sgd', 'adam'],
      };
      expect(reply.assignments.length).toBeGreaterThan(0);
      for (const assignment of reply.assignments) {
        for (const a of assignment) expect(allowed[a.name], `${a.name}=${a.value}`).toContain(a.value);
      }
    });

    test.each(o.badSettings)('rejects setting $name=$value with a message naming it', (setting) => {
      const parameters: ParameterSpec[] = [
        { name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max: '1', step: '0.25' } },
        { name: 'y', parameterType: 'int', feasibleSpace: { min: '1', max: '5' } },
      ];
      const issues = o.create().validateSettings(build(parameters, [setting]));
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.some((i) => i.message.includes(setting.name) && i.path.startsWith('spec.algorithm.algorithmSettings[0]'))).toBe(true);
    });

    test('accepts its valid settings', () => {
      const parameters: ParameterSpec[] = [
        { name: 'x', parameterType: 'double', feasibleSpace: { min: '0', max: '1', step: '0.25' } },
        { name: 'y', parameterType: 'int', feasibleSpace: { min: '1', max: '5' } },
      ];
      expect(o.create().validateSettings(build(parameters, o.goodSettings ?? []))).toEqual([]);
    });
  });
}
