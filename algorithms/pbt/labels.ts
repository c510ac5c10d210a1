/**
 * The labels Katib's pbt service puts on each trial it suggests (katib-spec §4.6). The
 * population is rebuilt from them on every request, and a runner reads the parent label
 * to seed the child's checkpoint directory with a copy of the parent's.
 */

/** The trial's generation, a decimal string: "0" for the random first population. */
export const PBT_GENERATION_LABEL = 'pbt.suggestion.katib.kubeflow.org/generation';

/** The name of the trial whose checkpoint the trial starts from; absent in generation 0. */
export const PBT_PARENT_LABEL = 'pbt.suggestion.katib.kubeflow.org/parent';

/** Katib's trial-name alphabet (katib-spec §3.3): no vowels, no look-alike digits. */
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** Length of the random part of a name: 27^12 ≈ 1.5e17 names. */
const ID_LENGTH = 12;

/**
 * Kubernetes label values are at most 63 characters, and the parent label holds a trial
 * name, so names stay within 63: the experiment's part is cut when it is longer. (Katib's
 * `<experiment>-<uuid4>` passes 63 with an experiment name over 26 characters.)
 */
export const MAX_TRIAL_NAME_LENGTH = 63;

/** `<experiment>-<id>`, the id drawn by `draw` (a uniform integer below n), unique among `taken`. */
export function pbtTrialName(experiment: string, draw: (n: number) => number, taken: ReadonlySet<string>): string {
  const prefix = experiment.slice(0, MAX_TRIAL_NAME_LENGTH - ID_LENGTH - 1).replace(/[-.]+$/, '');
  for (;;) {
    let id = '';
    for (let i = 0; i < ID_LENGTH; i++) id += NAME_CHARS[draw(NAME_CHARS.length)];
    const name = prefix ? `${prefix}-${id}` : id;
    if (!taken.has(name)) return name;
  }
}
