import fc from 'fast-check';
import type { Distribution, ExperimentSpec, ParameterSpec } from '../../src/experiment/types.js';
import { createRng } from '../../src/rng.js';
import { compileSpace, encodeValue, sampleValue } from '../../src/search-space/index.js';
import type { TrialConditionType, TrialRecord } from '../../src/trial/types.js';

/** Shapes a generated space must have for an algorithm (grid needs a step on every double). */
export interface SpaceOptions {
  doubleStep?: 'optional' | 'required';
  maxParameters?: number;
}

const distributions: Distribution[] = ['uniform', 'logUniform', 'normal', 'logNormal'];

function numberText(x: number): string {
  return String(Number(x.toPrecision(6)));
}

function doubleParameter(stepRequired: boolean): fc.Arbitrary<Omit<ParameterSpec, 'name'>> {
  return fc
    .record({
      distribution: fc.constantFrom(...distributions),
      min: fc.double({ min: -1000, max: 1000, noNaN: true }),
      width: fc.double({ min: 1e-3, max: 1000, noNaN: true }),
      steps: stepRequired ? fc.integer({ min: 1, max: 20 }).map((n) => n as number | undefined) : fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    })
    .map(({ distribution, min, width, steps }) => {
      const lo = distribution === 'logUniform' || distribution === 'logNormal' ? Math.abs(min) / 10 + 1e-3 : min;
      const minText = numberText(lo);
      const maxText = numberText(Number(minText) + width);
      const feasibleSpace: ParameterSpec['feasibleSpace'] = { min: minText, max: maxText, distribution };
      if (steps !== undefined) feasibleSpace.step = numberText((Number(maxText) - Number(minText)) / steps);
      return { parameterType: 'double' as const, feasibleSpace };
    })
    .filter((p) => Number(p.feasibleSpace.step ?? 1) > 0 && Number(p.feasibleSpace.max) > Number(p.feasibleSpace.min));
}

const intParameter: fc.Arbitrary<Omit<ParameterSpec, 'name'>> = fc
  .record({
    distribution: fc.constantFrom(...distributions),
    min: fc.integer({ min: -100, max: 100 }),
    width: fc.integer({ min: 0, max: 200 }),
    step: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
  })
  .map(({ distribution, min, width, step }) => {
    const lo = distribution === 'logUniform' || distribution === 'logNormal' ? Math.abs(min) + 1 : min;
    const feasibleSpace: ParameterSpec['feasibleSpace'] = { min: String(lo), max: String(lo + width), distribution };
    if (step !== undefined) feasibleSpace.step = String(step);
    return { parameterType: 'int' as const, feasibleSpace };
  });

const discreteParameter: fc.Arbitrary<Omit<ParameterSpec, 'name'>> = fc
  .uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 6 })
  .map((values) => ({ parameterType: 'discrete' as const, feasibleSpace: { list: values.map((v) => String(v / 2)), distribution: 'uniform' as const } }));

const categoricalParameter: fc.Arbitrary<Omit<ParameterSpec, 'name'>> = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { minLength: 1, maxLength: 6 })
  .map((values) => ({ parameterType: 'categorical' as const, feasibleSpace: { list: values, distribution: 'uniform' as const } }));

/** Random valid Katib parameter lists, named p0, p1, ... */
export function parametersArbitrary(options: SpaceOptions = {}): fc.Arbitrary<ParameterSpec[]> {
  const one = fc.oneof(doubleParameter(options.doubleStep === 'required'), intParameter, discreteParameter, categoricalParameter);
  return fc
    .array(one, { minLength: 1, maxLength: options.maxParameters ?? 5 })
    .map((ps) => ps.map((p, i) => ({ name: `p${i}`, ...p })));
}

const conditions: TrialConditionType[] = ['Created', 'Running', 'Succeeded', 'Killed', 'Failed', 'MetricsUnavailable', 'EarlyStopped'];

/** A history of trials over a space, in every condition, with objective values where Katib would have them. */
export function historyFor(spec: ExperimentSpec, seed: number, length: number): TrialRecord[] {
  const space = compileSpace(spec.parameters ?? []);
  const metric = spec.objective?.objectiveMetricName ?? 'objective';
  const rng = createRng(seed, 'history');
  return Array.from({ length }, (_, i): TrialRecord => {
    const condition = conditions[rng.int(conditions.length)] as TrialConditionType;
    const value = String((rng.next() - 0.5) * 100);
    const observed = condition === 'Succeeded' || condition === 'EarlyStopped' || (condition === 'Failed' && rng.next() < 0.5);
    return {
      name: `h-${i}`,
      parameterAssignments: space.domains.map((d) => ({ name: d.name, value: encodeValue(d, sampleValue(d, rng)) })),
      condition,
      conditions: [{ type: condition, status: 'True', reason: `Trial${condition}`, message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      creationTime: '2026-01-01T00:00:00Z',
      ...(observed ? { observation: { metrics: [{ name: metric, min: value, max: value, latest: value }] } } : {}),
    };
  });
}
