import { createRng } from '../../src/rng.js';
import { compileSpace, encodeValue, sampleValue, type NumericDomain, type SearchSpace } from '../../src/search-space/index.js';
import type { ParameterAssignment, TrialRecord } from '../../src/trial/types.js';
import type { Algorithm, SuggestionReply } from '../types.js';
import { rungOf } from './brackets.js';
import { BRACKET_LABEL, CONFIG_LABEL, hasEnded, rankValue, ranked, rungLabels, rungTrials, RUNG_LABEL } from './rung.js';
import { configOf, HYPERBAND, stateSettings, validateHyperband, writtenPosition, type HyperbandConfig, type Position } from './settings.js';

export { BRACKET_LABEL, CONFIG_LABEL, RUNG_LABEL } from './rung.js';
export { bracketRungs, sMaxOf, totalTrials } from './brackets.js';

/**
 * Hyperband (Katib's `hyperband`; Li et al., JMLR 2018, Algorithm 1). Brackets
 * s = s_max..0 each draw n uniform random configurations and run successive halving on
 * them: rung i gives n_i configurations resource r_i (the `resource_name` parameter),
 * and the best ⌊n_i/η⌋ by the objective go on to rung i+1.
 *
 * Settings: `r_l` (R, required), `resource_name` (required), `eta` (3). Each reply
 * writes the position back as settings under Katib's names (`current_s`, `current_i`,
 * `evaluating_trials`, ...) and labels each trial with its bracket and rung, so a fresh
 * instance continues from the request alone. A reply holds at most `count` assignments:
 * fewer, with `waiting`, while the current rung's trials run; `exhausted` after bracket 0.
 *
 * @example
 *   const reply = await createHyperband().getSuggestions({ experiment, trials, count: 3, seed: 1 });
 */
export function createHyperband(): Algorithm {
  return {
    name: HYPERBAND,
    validateSettings: validateHyperband,
    async getSuggestions({ experiment, trials, count, seed }) {
      const config = configOf(experiment);
      const space = compileSpace(experiment.spec.parameters ?? []);
      // Without an objective (not a valid experiment) nothing ranks: rungs promote by listing order.
      const objective = experiment.spec.objective ?? { type: 'minimize' as const, objectiveMetricName: '' };
      const position = startPosition(config, writtenPosition(experiment), trials);
      const assignments: ParameterAssignment[][] = [];
      const labels: Array<Record<string, string>> = [];
      const reply = (extra: Partial<SuggestionReply>): SuggestionReply => ({
        assignments,
        labels,
        settingsUpdate: stateSettings(config, position),
        ...extra,
      });

      for (;;) {
        if (position.s < 0) {
          return reply({ exhausted: true, exhaustedMessage: `Hyperband's last bracket (s = 0) has ended: all ${config.sMax + 1} brackets of r_l ${config.rl} and eta ${config.eta} are done` });
        }
        const { s, i } = position;
        const rung = rungOf(config.rl, config.eta, config.sMax, s, i);
        const members = rungTrials(trials, s, i);
        const parents = i === 0 ? undefined : ranked(rungTrials(trials, s, i - 1), objective).slice(0, rung.n);
        const target = parents ? parents.length : rung.n;
        position.issued = Math.max(position.issued, members.length);
        const issuedBefore = position.issued;
        while (position.issued < target && assignments.length < count) {
          const k = position.issued++;
          const parent = parents?.[k];
          const values = parent ? promote(space, config, parent, rung.r) : draw(space, config, rung.r, createRng(seed, HYPERBAND, s, k));
          assignments.push(values);
          labels.push(rungLabels(s, i, parent ? (parent.labels?.[CONFIG_LABEL] ?? parent.name) : `${s}.${k}`));
        }
        if (position.issued < target) return reply({});
        // A rung ends when all its trials have; a handed-out trial the request does not
        // list (Katib's controller leaves MetricsUnavailable ones out) counts as ended.
        if (position.issued > issuedBefore || !members.every(hasEnded)) {
          return assignments.length < count ? reply({ waiting: true }) : reply({});
        }
        // A rung of only failed trials promotes nothing: the bracket ends there.
        const promotes = i < s && members.some((t) => rankValue(t, objective) !== undefined);
        Object.assign(position, promotes ? { i: i + 1, issued: 0 } : { s: s - 1, i: 0, issued: 0 });
      }
    },
  };
}

/**
 * Where to continue: the position the last reply wrote, or, when a caller did not
 * round-trip it, the furthest bracket and rung the trials' labels show.
 */
function startPosition(config: HyperbandConfig, written: Position | undefined, trials: readonly TrialRecord[]): Position {
  const order = (p: Position) => (config.sMax - p.s) * (config.sMax + 2) + p.i;
  let labelled: Position | undefined;
  for (const t of trials) {
    const s = Number(t.labels?.[BRACKET_LABEL]);
    const i = Number(t.labels?.[RUNG_LABEL]);
    if (!Number.isInteger(s) || !Number.isInteger(i) || s < 0 || s > config.sMax || i < 0 || i > s) continue;
    const p = { s, i, issued: 1 };
    if (!labelled || order(p) > order(labelled)) labelled = p;
    else if (order(p) === order(labelled)) labelled.issued++;
  }
  const start = written && written.s <= config.sMax ? { ...written } : { s: config.sMax, i: 0, issued: 0 };
  if (!labelled || order(labelled) < order(start)) return start;
  if (order(labelled) > order(start)) return labelled;
  return { ...start, issued: Math.max(start.issued, labelled.issued) };
}

/** A new configuration of a bracket: every parameter a uniform draw from its domain, the resource r_i. */
function draw(space: SearchSpace, config: HyperbandConfig, r: number, rng: ReturnType<typeof createRng>): ParameterAssignment[] {
  return space.domains.map((d) => (d.name === config.resourceName ? resourceAssignment(d as NumericDomain, r) : { name: d.name, value: encodeValue(d, sampleValue(d, rng)) }));
}

/** A promoted configuration (Alg. 1, line 8): the parent's values, the resource raised to r_i. */
function promote(space: SearchSpace, config: HyperbandConfig, parent: TrialRecord, r: number): ParameterAssignment[] {
  const values = new Map(parent.parameterAssignments.map((a) => [a.name, a.value]));
  return space.domains.map((d) => (d.name === config.resourceName ? resourceAssignment(d as NumericDomain, r) : { name: d.name, value: values.get(d.name) ?? '' }));
}

/** r_i for the resource parameter: rounded to an integer for an int parameter, the number itself for a double. */
function resourceAssignment(d: NumericDomain, r: number): ParameterAssignment {
  return { name: d.name, value: String(d.type === 'int' ? Math.max(1, Math.round(r)) : r) };
}
