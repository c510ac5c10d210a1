import { Command, Option } from 'commander';
import { action, integer, usageError, type Context } from './commander.js';

/** The data and backend flags both NAS trial programs take. */
interface CommonFlags {
  backend: string;
  imageSize: string;
  trainImages: string;
  validationImages: string;
  seed: string;
}

const BACKENDS = ['auto', 'cpu', 'wasm', 'gpu'] as const;

function common(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend: auto (gpu if @tensorflow/tfjs-node-gpu is installed, else wasm), cpu, wasm, gpu').default('auto'))
    .option('--image-size <n>', 'side of the down-sampled digit images (1..28)', '14')
    .option('--train-images <n>', 'training images, balanced over the ten digits', '2000')
    .option('--validation-images <n>', 'validation images', '500')
    .option('--seed <n>', 'weights, data split and batch order', '0');
}

function commonOptions(o: CommonFlags) {
  if (!(BACKENDS as readonly string[]).includes(o.backend)) throw usageError(`--backend: expected one of ${BACKENDS.join(', ')}, got "${o.backend}"`);
  return {
    backend: o.backend as (typeof BACKENDS)[number],
    imageSize: integer(o.imageSize, '--image-size', 1),
    trainImages: integer(o.trainImages, '--train-images', 1),
    validationImages: integer(o.validationImages, '--validation-images', 1),
    seed: integer(o.seed, '--seed', 0),
  };
}

/**
 * `scriba nas enas-trial` and `scriba nas darts-trial`: the trial programs of Katib's NAS
 * examples, on the digits that ship with Scriba, taking Katib's flags, so an Experiment
 * needs only its container command changed. TensorFlow.js loads only when one runs.
 */
export function nasCommand(ctx: Context): Command {
  const print = (line: string): void => ctx.io.out(line);
  const nas = new Command('nas').description("trial programs for Katib's NAS algorithms (enas, darts), on TensorFlow.js");
  common(
    nas
      .command('enas-trial')
      .description("train the architecture an enas suggestion gives (Katib's flags), printing Validation-Accuracy per epoch")
      .requiredOption('--architecture <json>', "the trial's architecture assignment")
      .requiredOption('--nn_config <json>', "the trial's nn_config assignment")
      .option('--num_epochs <n>', 'training epochs', '1')
      .option('--batch-size <n>', 'images per step', '64'),
  ).action(
    action(ctx, async (o: CommonFlags & { architecture: string; nn_config: string; num_epochs: string; batchSize: string }) => {
      const { runEnasTrial } = await import('../../nas/enas/trial.js');
      await runEnasTrial(
        { architecture: o.architecture, nnConfig: o.nn_config, numEpochs: integer(o.num_epochs, '--num_epochs', 1), batchSize: integer(o.batchSize, '--batch-size', 1), ...commonOptions(o) },
        print,
      );
      return 0;
    }),
  );
  common(
    nas
      .command('darts-trial')
      .description("run a DARTS search with the settings a darts suggestion gives (Katib's flags), printing Best-Genotype and Validation-Accuracy per epoch")
      .requiredOption('--algorithm-settings <json>', "the trial's algorithm-settings assignment")
      .requiredOption('--search-space <json>', "the trial's search-space assignment")
      .requiredOption('--num-layers <n>', "the trial's num-layers assignment"),
  ).action(
    action(ctx, async (o: CommonFlags & { algorithmSettings: string; searchSpace: string; numLayers: string }) => {
      const { runDartsTrial } = await import('../../nas/darts/trial.js');
      await runDartsTrial({ algorithmSettings: o.algorithmSettings, searchSpace: o.searchSpace, numLayers: o.numLayers, ...commonOptions(o) }, print);
      return 0;
    }),
  );
  return nas;
}
