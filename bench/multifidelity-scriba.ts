/**
 * Scriba's methods for the multi-fidelity benchmark (bench-protocol §5), all through the
 * Study API: one trial asked, its epochs reported one by one, then told, before the next ask.
 *
 *   const method = scribaMethod('scriba_tpe_asha', 0);
 *   const run = await runMultifidelity(method, { seed: 0 });
 */
import { createStudy, type Study, type StudyTrial } from '../src/api/study.js';
import type { StudyOptions } from '../src/api/options.js';
import { search, type SearchParameter } from '../src/api/search.js';
import { MAX_EPOCHS } from './functions/learning-curve.js';
import type { MultifidelityMethod, TrialContext, TrialEnd } from './multifidelity.js';

const SAMPLERS = ['random', 'tpe'] as const;
const RULES = ['none', 'medianstop', 'asha'] as const;
type Rule = (typeof RULES)[number];

/** Every Scriba method of the benchmark, in report order. */
export const SCRIBA_METHODS: readonly string[] = [
  ...SAMPLERS.flatMap((s) => RULES.map((r) => `scriba_${s}_${r}`)),
  'scriba_hyperband',
];

/** Optuna's reference configuration (§5 `sampler`/`pruner`) each Scriba method is measured against. */
export const OPTUNA_COUNTERPART: Readonly<Record<string, { sampler: string; pruner: string }>> = {
  scriba_random_none: { sampler: 'random', pruner: 'none' },
  scriba_random_medianstop: { sampler: 'random', pruner: 'median' },
  scriba_random_asha: { sampler: 'random', pruner: 'sha' },
  scriba_tpe_none: { sampler: 'tpe', pruner: 'none' },
  scriba_tpe_medianstop: { sampler: 'tpe', pruner: 'median' },
  scriba_tpe_asha: { sampler: 'tpe', pruner: 'sha' },
  scriba_hyperband: { sampler: 'random', pruner: 'hyperband' },
};

/** Katib early-stopping settings, translated from Optuna's pruners of §5. */
const RULE_SETTINGS: Record<Exclude<Rule, 'none'>, Record<string, number>> = {
  // MedianPruner defaults: n_startup_trials=5 -> min_trials_required 5, n_warmup_steps=0 -> start_step 1.
  medianstop: { min_trials_required: 5, start_step: 1 },
  // SuccessiveHalvingPruner(min_resource=1, reduction_factor=3, min_early_stopping_rate=0).
  asha: { min_resource: 1, reduction_factor: 3, min_early_stopping_rate: 0 },
};

/** Hyperband of Li et al. 2018 over epochs 1..81 with eta = 3 (Katib's settings). */
const HYPERBAND_SETTINGS = { r_l: 81, eta: 3, resource_name: 'epochs' };

export const SCRIBA_DESCRIPTIONS: Readonly<Record<string, string>> = Object.fromEntries(
  SCRIBA_METHODS.map((name) => [name, describe(name)]),
);

function describe(name: string): string {
  if (name === 'scriba_hyperband') {
    return 'Scriba hyperband (Katib `hyperband`, r_l=81, eta=3, resource_name=epochs; an int parameter epochs in 1..81 carries each trial\'s assignment): ' +
      'every trial trains its assignment from scratch as a new trial k and pays all its epochs (Katib restarts configurations); ' +
      'when one Hyperband run (all its brackets) ends the study, a new study starts (the next Hyperband iteration, seed = 100·seed + iteration) and k and the epochs count on across studies';
  }
  const [, sampler, rule] = name.split('_') as [string, string, Rule];
  const head = `Scriba ${sampler} (Katib \`${sampler}\`)`;
  if (rule === 'none') return `${head}, no early stopping: every trial trains 81 epochs`;
  const settings = Object.entries(RULE_SETTINGS[rule]).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${head} with early stopping \`${rule}\` (${settings}), judged after every reported epoch`;
}

const space = (): Record<string, SearchParameter<number>> => ({
  x0: search.double({ min: 0, max: 1 }),
  x1: search.double({ min: 0, max: 1 }),
  x2: search.double({ min: 0, max: 1 }),
  x3: search.double({ min: 0, max: 1 }),
});

type Options = StudyOptions<Record<string, SearchParameter<number>>>;

/** The early-stopping part of the options (`earlyStopping`, `earlyStoppingSettings`). */
function ruleOptions(rule: Rule): Pick<Options, 'earlyStopping' | 'earlyStoppingSettings'> {
  return rule === 'none' ? {} : { earlyStopping: rule, earlyStoppingSettings: RULE_SETTINGS[rule] };
}

const configuration = (trial: StudyTrial<Record<string, number>>): number[] => [0, 1, 2, 3].map((i) => trial.parameters[`x${i}`] as number);

/** Runs epochs 1..`epochs` of a trial, reporting each and telling the last; stops where early stopping says. */
function train(study: Study<Record<string, number>>, trial: StudyTrial<Record<string, number>>, context: TrialContext, x: number[], epochs: number): TrialEnd {
  for (let t = 1; t < epochs; t++) {
    // true: early stopping stopped the trial, which is EarlyStopped already and not told.
    if (study.report(trial, { loss: context.loss(x, t) })) return { x, epochs: t };
  }
  study.tell(trial, { loss: context.loss(x, epochs) });
  return { x, epochs };
}

function sampledMethod(name: string, sampler: string, rule: Rule, seed: number): MultifidelityMethod {
  const options: Options = {
    name: 'multifidelity',
    parameters: space(),
    objectiveType: 'minimize',
    objectiveMetricName: 'loss',
    algorithm: sampler,
    seed,
    ...ruleOptions(rule),
  };
  const study = createStudy(options) as Study<Record<string, number>>;
  return {
    sampler: name,
    pruner: rule,
    async runTrial(context) {
      const trial = await study.ask();
      return train(study, trial, context, configuration(trial), MAX_EPOCHS);
    },
  };
}

/** The seed of the i-th Hyperband study of a run. */
export function hyperbandSeed(seed: number, iteration: number): number {
  return 100 * seed + iteration;
}

function hyperbandMethod(seed: number): MultifidelityMethod {
  let iteration = 0;
  const open = (): Study<Record<string, number>> => {
    const options: Options = {
      name: 'multifidelity',
      parameters: { ...space(), epochs: search.int({ min: 1, max: MAX_EPOCHS }) },
      objectiveType: 'minimize',
      objectiveMetricName: 'loss',
      algorithm: 'hyperband',
      algorithmSettings: HYPERBAND_SETTINGS,
      seed: hyperbandSeed(seed, iteration),
    };
    return createStudy(options) as Study<Record<string, number>>;
  };
  let study = open();
  return {
    sampler: 'scriba_hyperband',
    pruner: 'hyperband',
    async runTrial(context) {
      // One Hyperband run (all brackets) ends its study, when told its last trial or when
      // asked for one more: the next iteration is a new study.
      let trial: StudyTrial<Record<string, number>> | undefined;
      for (let tries = 0; trial === undefined; tries++) {
        if (!study.done) {
          try {
            trial = await study.ask();
            continue;
          } catch (error) {
            if (!study.done) throw error;
          }
        }
        if (tries > 0) throw new Error('a new Hyperband study ended before its first trial');
        iteration++;
        study = open();
      }
      const epochs = Number(trial.parameters.epochs);
      if (!Number.isInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS) throw new RangeError(`Hyperband assigned ${String(trial.parameters.epochs)} epochs; expected an integer in 1..${MAX_EPOCHS}`);
      return train(study, trial, context, configuration(trial), epochs);
    },
  };
}

/** A fresh method (a new study) for one run with the given seed. */
export function scribaMethod(name: string, seed: number): MultifidelityMethod {
  if (name === 'scriba_hyperband') return hyperbandMethod(seed);
  const m = /^scriba_(random|tpe)_(none|medianstop|asha)$/.exec(name);
  if (!m) throw new RangeError(`unknown multi-fidelity method ${name}; known: ${SCRIBA_METHODS.join(', ')}`);
  return sampledMethod(name, m[1] as string, m[2] as Rule, seed);
}
