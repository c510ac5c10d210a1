import { search, tune } from '../../src/index.js';

/** The value a test looks for to show that text from trials is never rendered as HTML. */
export const SCRIPT = '<script>window.__pwned = 1</script>';

/**
 * A real store with one finished experiment: 12 trials of a log-scale double, an int and a
 * categorical whose second value is markup, each reporting 5 intermediate losses.
 */
export async function finishedExperiment(db: string, name = 'ui-demo', trials = 12): Promise<void> {
  await tune({
    name,
    parameters: {
      lr: search.double({ min: 1e-4, max: 1e-1, distribution: 'logUniform' }),
      layers: search.int({ min: 1, max: 4 }),
      optimizer: search.categorical(['sgd', SCRIPT]),
    },
    objectiveType: 'minimize',
    objectiveMetricName: 'loss',
    maxTrialCount: trials,
    parallelTrialCount: 1,
    seed: 3,
    store: db,
    objective: ({ lr, layers, optimizer }, { report }) => {
      const base = Math.abs(Math.log10(lr) + 2) + 0.1 * layers + (optimizer === 'sgd' ? 0 : 0.2);
      for (let step = 1; step <= 5; step++) report({ loss: base + 1 / step });
      return base + 0.2;
    },
  });
}
