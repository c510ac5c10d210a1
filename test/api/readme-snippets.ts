// The TypeScript of README.md's sections "Tuning a function: tune()" and "Driving the loop
// yourself: createStudy()", verbatim but for the import, so that the type check covers it;
// test/api/readme.test.ts keeps the two in step and runs it.
import { createStudy, search, tune } from '../../src/index.js';

export async function tuneSnippet(): Promise<void> {
  // <readme:tune>
  const result = await tune({
    objective: async ({ lr, layers, batch, optimizer }, { report }) => {
      // lr, layers and batch are numbers; optimizer is 'sgd' | 'adam'
      // train, calling report({ loss }) for intermediate values if you like ...
      return { loss: 0.12, accuracy: 0.97 };            // or a bare number for the objective metric
    },
    parameters: {
      lr: search.double({ min: 1e-4, max: 1e-1, distribution: 'logUniform' }),
      layers: search.int({ min: 1, max: 4 }),
      batch: search.discrete([32, 64, 128]),
      optimizer: search.categorical(['sgd', 'adam']),
    },
    objectiveMetricName: 'loss',
    additionalMetricNames: ['accuracy'],
    objectiveType: 'minimize',
    goal: 0.05,                  // optional: stop once reached
    algorithm: 'tpe',            // random, grid, tpe, multivariate-tpe, bayesianoptimization, cmaes, sobol, pbt
    algorithmSettings: { n_startup_trials: 10 },
    maxTrialCount: 30,
    timeout: 600,                // optional, in seconds: no new trial starts after 10 minutes
    parallelTrialCount: 3,
    maxFailedTrialCount: 3,
    seed: 1,
    onTrialComplete: (trial) => console.log(trial.name, trial.condition, trial.value),
  });

  console.log(result.status, result.reason);  // e.g. Succeeded ExperimentMaxTrialsReached
  console.log(result.bestTrial?.parameters);   // typed values: { lr: 0.0123, layers: 2, ... }
  // </readme:tune>
}

export async function studySnippet(): Promise<void> {
  // <readme:study>
  const study = createStudy({
    parameters: { x: search.double({ min: -5, max: 5 }) },
    objectiveMetricName: 'loss',
    objectiveType: 'minimize',
    algorithm: 'tpe',
  });
  study.add({ x: 1.5 }, { loss: 0.25 });                // optional: a result known from elsewhere
  for (let i = 0; i < 20 && !study.done; i++) {         // your loop decides how many trials
    const trial = await study.ask();                    // { name, parameters: { x: number }, parameterAssignments }
    study.report(trial, { loss: 3.1 });                 // optional intermediate values
    study.tell(trial, { loss: (trial.parameters.x - 2) ** 2 });  // or study.fail(trial, 'reason')
  }
  console.log(study.result().bestTrial);
  // </readme:study>
}
