/**
 * The validator of §7.3 multi-fidelity result files (bench-protocol v1, with the bookkeeping
 * rules of §5 / A.4), and the same shape as JSON Schema (draft 2020-12).
 *   validateMultifidelity(JSON.parse(text)) // [] or ['runs[2].history[5].cum_epochs: ...']
 */
import { formatIssue } from '../src/errors.js';
import type { ValidationIssue } from '../src/experiment/types.js';
import { MULTIFIDELITY_SCHEMA } from './multifidelity.js';
import { checkHead, checkUnique, DRAFT, isObject, kind, META, nonNegative, reader, strings, text } from './schema.js';

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** A nullable number field: null, or a finite number. */
function nullableNumber(out: ValidationIssue[], entry: Record<string, unknown>, path: string, key: string): number | null | undefined {
  const v = entry[key];
  if (v === undefined) return void out.push({ path: `${path}.${key}`, message: 'is required' });
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) return void out.push({ path: `${path}.${key}`, message: `expected a finite number or null, got ${kind(v)}` });
  return v;
}

/** One history entry; `previous` is the entry before it (for cum_epochs and the best-so-far rules). */
function checkEntry(out: ValidationIssue[], value: unknown, path: string, k: number, maxEpochs: number, previous: Record<string, unknown> | undefined): void {
  if (!isObject(value)) return void out.push({ path, message: `expected an object, got ${kind(value)}` });
  const e = reader(out, value, path);
  const trial = e.number('trial', { integer: true, min: 0 });
  if (trial !== undefined && trial !== k) e.issue('trial', `expected ${k}: one entry per trial end in creation order (§5)`);
  const x = e.numbers('x');
  if (x !== undefined && x.length !== 4) e.issue('x', `expected 4 values (x0..x3, A.1), got ${x.length}`);
  const state = value.state;
  if (state !== 'COMPLETE' && state !== 'PRUNED') e.issue('state', `expected "COMPLETE" or "PRUNED", got ${JSON.stringify(state) ?? 'nothing'}`);
  const epochs = e.number('epochs', { integer: true, min: 1 });
  if (epochs !== undefined && epochs > maxEpochs) e.issue('epochs', `must be <= ${maxEpochs} (meta.max_epochs), got ${epochs}`);
  if (epochs !== undefined && (state === 'COMPLETE') !== (epochs === maxEpochs)) e.issue('state', `a trial is COMPLETE exactly when it trained ${maxEpochs} epochs; got ${String(state)} after ${epochs}`);
  e.number('last_value');
  e.number('asymptote_regret');
  const cum = e.number('cum_epochs', { integer: true, min: 1 });
  const before = typeof previous?.cum_epochs === 'number' ? previous.cum_epochs : 0;
  if (cum !== undefined && epochs !== undefined && cum !== before + epochs) e.issue('cum_epochs', `expected ${before} + ${epochs} = ${before + epochs}, got ${cum}`);
  const incTrial = nullableNumber(out, value, path, 'incumbent_trial');
  const incRegret = nullableNumber(out, value, path, 'incumbent_regret');
  if (incTrial !== undefined && incRegret !== undefined && (incTrial === null) !== (incRegret === null)) {
    e.issue('incumbent_regret', 'incumbent_trial and incumbent_regret are null together (before the first complete trial)');
  }
  if (incTrial !== undefined && incTrial !== null && (!Number.isInteger(incTrial) || incTrial > k)) e.issue('incumbent_trial', `expected a trial that has ended (0..${k}), got ${incTrial}`);
  if (incTrial === null && previous !== undefined && previous.incumbent_trial !== null) e.issue('incumbent_trial', 'an incumbent, once found, stays (§5)');
  const best = e.number('best_any_regret');
  if (best !== undefined && typeof previous?.best_any_regret === 'number' && best > previous.best_any_regret) {
    e.issue('best_any_regret', `is a minimum over the trials so far and must not increase: ${best} > ${previous.best_any_regret}`);
  }
}

/** Every problem of a §7.3 multi-fidelity result file; [] when it is valid. */
export function validateMultifidelity(json: unknown): string[] {
  const out: ValidationIssue[] = [];
  const head = checkHead(out, json, MULTIFIDELITY_SCHEMA, 'runs');
  head?.meta?.string('objective');
  const maxEpochs = head?.meta?.number('max_epochs', { integer: true, min: 1 }) ?? 81;
  head?.meta?.number('a_star');
  head?.meta?.strings('pruners');
  const seen = new Map<string, number>();
  head?.items.forEach((value: unknown, i) => {
    const path = `runs[${i}]`;
    if (!isObject(value)) return void out.push({ path, message: `expected an object, got ${kind(value)}` });
    const run = reader(out, value, path);
    run.string('sampler');
    run.string('pruner');
    run.string('engine', true);
    run.number('seed', { integer: true, min: 0 });
    const budget = run.number('budget_epochs', { integer: true, min: 1 });
    const nTrials = run.number('n_trials', { integer: true, min: 0 });
    const nComplete = run.number('n_complete', { integer: true, min: 0 });
    const total = run.number('total_epochs', { integer: true, min: 0 });
    run.number('wall_s', { min: 0, optional: true });
    const history = value.history;
    if (!Array.isArray(history)) return void run.issue('history', history === undefined ? 'is required' : `expected an array, got ${kind(history)}`);
    if (history.length === 0) run.issue('history', 'must not be empty');
    history.forEach((entry: unknown, k) => checkEntry(out, entry, `${path}.history[${k}]`, k, maxEpochs, k > 0 && isObject(history[k - 1]) ? (history[k - 1] as Record<string, unknown>) : undefined));
    const entries = history.filter(isObject);
    if (nTrials !== undefined && nTrials !== history.length) run.issue('n_trials', `expected the number of history entries (${history.length}), got ${nTrials}`);
    const complete = entries.filter((h) => h.state === 'COMPLETE').length;
    if (nComplete !== undefined && nComplete !== complete) run.issue('n_complete', `expected the COMPLETE entries (${complete}), got ${nComplete}`);
    const last = entries.at(-1)?.cum_epochs;
    if (total !== undefined && typeof last === 'number' && !near(total, last)) run.issue('total_epochs', `expected the last cum_epochs (${last}), got ${total}`);
    // §5: the run stops at the first trial end with cumulative epochs >= the budget.
    const early = entries.findIndex((h, k) => k < entries.length - 1 && typeof h.cum_epochs === 'number' && budget !== undefined && h.cum_epochs >= budget);
    if (early >= 0) out.push({ path: `${path}.history[${early}]`, message: `the run should have stopped here: cum_epochs ${String(entries[early]?.cum_epochs)} >= budget_epochs ${budget}` });
    checkUnique(out, seen, [value.engine, value.sampler, value.pruner, value.seed], 'runs', i, 'engine, sampler, pruner and seed');
  });
  return out.map(formatIssue);
}

const integer = (minimum: number) => ({ type: 'integer', minimum });
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });

export const MULTIFIDELITY_JSON_SCHEMA = {
  $schema: DRAFT,
  title: `${MULTIFIDELITY_SCHEMA} (bench-protocol §7.3)`,
  type: 'object',
  required: ['schema', 'meta', 'runs'],
  properties: {
    schema: { const: MULTIFIDELITY_SCHEMA },
    meta: {
      ...META,
      required: [...META.required, 'objective', 'max_epochs', 'a_star', 'pruners'],
      properties: { ...META.properties, objective: text, max_epochs: integer(1), a_star: { type: 'number' }, pruners: strings },
    },
    runs: {
      type: 'array', minItems: 1,
      items: {
        type: 'object',
        required: ['sampler', 'pruner', 'seed', 'budget_epochs', 'n_trials', 'n_complete', 'total_epochs', 'history'],
        properties: {
          sampler: text, pruner: text,
          engine: { ...text, description: 'overrides meta.engine for runs merged from a peer' },
          seed: integer(0), budget_epochs: integer(1),
          n_trials: { ...integer(0), description: 'history entries' },
          n_complete: { ...integer(0), description: 'COMPLETE history entries' },
          total_epochs: { ...integer(0), description: 'cum_epochs of the last entry' },
          wall_s: nonNegative,
          history: {
            type: 'array', minItems: 1, description: 'one entry per trial end, in creation order; the run stops at the first cum_epochs >= budget_epochs',
            items: {
              type: 'object',
              required: ['trial', 'x', 'state', 'epochs', 'last_value', 'asymptote_regret', 'cum_epochs', 'incumbent_trial', 'incumbent_regret', 'best_any_regret'],
              properties: {
                trial: { ...integer(0), description: 'k, 0-based creation order' },
                x: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
                state: { enum: ['COMPLETE', 'PRUNED'], description: 'COMPLETE exactly when epochs = meta.max_epochs' },
                epochs: integer(1), last_value: { type: 'number' }, asymptote_regret: { type: 'number' },
                cum_epochs: integer(1),
                incumbent_trial: nullable(integer(0)),
                incumbent_regret: { ...nullable({ type: 'number' }), description: 'null before the first complete trial (+Infinity)' },
                best_any_regret: { type: 'number' },
              },
            },
          },
        },
      },
    },
  },
};
