import { ScribaError } from '../../src/errors.js';
import { type BackendChoice, useBackend } from '../backend.js';
import { loadDigits } from '../data.js';
import { parseArchitecture, parseNnConfig } from './katib-args.js';
import { type EpochMetrics, metricLines } from './metrics.js';
import { describeOperation, layersFrom } from './operations.js';
import { type NetworkPlan, nonTrainableCount, planNetwork, trainableCount } from './plan.js';
import { createTrainState, disposeTrainState, evaluate, trainEpoch } from './train.js';

export interface EnasTrialOptions {
  /** The trial's `architecture` assignment, as Katib passes it (JSON with ' for "). */
  architecture: string;
  /** The trial's `nn_config` assignment, as Katib passes it. */
  nnConfig: string;
  /** Training epochs (default 1, what Katib's enas examples pass). */
  numEpochs?: number;
  /** TensorFlow.js backend (default auto). */
  backend?: BackendChoice;
  /** Side of the digit images (default 14). */
  imageSize?: number;
  /** Training images (default 2,000). */
  trainImages?: number;
  /** Validation images (default 500). */
  validationImages?: number;
  /** Images per step (default 64). */
  batchSize?: number;
  /** Adam's step size (default 1e-3, as Katib's trial). */
  learningRate?: number;
  /** Weights, data split and batch order (default 0). */
  seed?: number;
  /** Training images batch normalisation's inference statistics are estimated on after each epoch (default 1,000; see population-stats.ts). */
  normImages?: number;
  /** Where warnings go (default stderr). */
  warn?: (line: string) => void;
}

export interface EnasTrialResult {
  /** The last epoch's Validation-Accuracy. */
  validationAccuracy: number;
  epochs: EpochMetrics[];
  /** Seconds each epoch took to train and evaluate. */
  epochSeconds: number[];
}

/**
 * The trial program of Katib's ENAS examples: builds the network an enas suggestion's
 * `architecture` and `nn_config` describe (Katib's ModelConstructor), trains it with Adam
 * on the digits that ship with Scriba, and prints Training-Accuracy, Training-Loss,
 * Validation-Accuracy and Validation-Loss after every epoch, one `name=value` line each.
 *
 * The network's input is the data's shape (size × size × 1), whatever nn_config's
 * input_sizes say (Katib's examples say 32 × 32 × 3, for CIFAR-10): a difference is
 * reported once through `warn`. The classes are the last of output_sizes, as in Katib.
 *
 * @example
 * await runEnasTrial({ architecture: "[[0]]", nnConfig: "{'num_layers': 1, 'input_sizes': [14, 14, 1], 'output_sizes': [10], " +
 *   "'embedding': {'0': {'opt_id': 0, 'opt_type': 'convolution', 'opt_params': {'filter_size': '3', 'num_filter': '32', 'stride': '1'}}}}",
 *   backend: 'cpu' }, console.log);
 */
export async function runEnasTrial(o: EnasTrialOptions, print: (line: string) => void): Promise<EnasTrialResult> {
  const warn = o.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const architecture = parseArchitecture(o.architecture);
  const config = parseNnConfig(o.nnConfig);
  const layers = layersFrom(architecture, config);
  const numEpochs = positiveInteger(o.numEpochs ?? 1, 'num_epochs');
  const batchSize = positiveInteger(o.batchSize ?? 64, 'batch size');
  const learningRate = o.learningRate ?? 1e-3;
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new ScribaError('invalid-argument', `learning rate: expected a positive number, got ${learningRate}`);
  const normImages = positiveInteger(o.normImages ?? 1000, 'batch normalisation images');
  const seed = o.seed ?? 0;

  const data = loadDigits({ size: o.imageSize ?? 14, train: o.trainImages ?? 2000, validation: o.validationImages ?? 500, seed });
  const input = [data.train.size, data.train.size, data.train.channels] as const;
  if (config.inputSizes.join(',') !== input.join(',')) {
    warn(`--nn_config: input_sizes [${config.inputSizes.join(', ')}] differ from the data's ${input.join('x')} images; the network takes ${input.join('x')}`);
  }
  const classes = config.outputSizes[config.outputSizes.length - 1] ?? 0;
  if (classes < data.train.classes) {
    throw new ScribaError('invalid-argument', `--nn_config: output_sizes ends in ${classes}, but the digits have ${data.train.classes} classes`);
  }
  const plan = planNetwork(layers, input, classes);
  const backend = await useBackend(o.backend ?? 'auto');
  describe(plan, backend, print, warn);

  const state = createTrainState(plan, { batchSize, learningRate, seed, normImages });
  const epochs: EpochMetrics[] = [];
  const epochSeconds: number[] = [];
  try {
    for (let e = 0; e < numEpochs; e++) {
      print(`Epoch ${e + 1}/${numEpochs}`);
      const started = performance.now();
      const training = trainEpoch(state, data.train, e);
      const validation = evaluate(state, data.validation);
      const metrics = { trainingAccuracy: training.accuracy, trainingLoss: training.loss, validationAccuracy: validation.accuracy, validationLoss: validation.loss };
      epochSeconds.push((performance.now() - started) / 1000);
      epochs.push(metrics);
      for (const line of metricLines(metrics)) print(line);
    }
  } finally {
    disposeTrainState(state);
  }
  return { validationAccuracy: epochs[epochs.length - 1]?.validationAccuracy ?? NaN, epochs, epochSeconds };
}

/** The network as built, for the trial's log (Katib's trial prints its Keras summary). */
function describe(plan: NetworkPlan, backend: string, print: (line: string) => void, warn: (line: string) => void): void {
  print(`ENAS network on ${backend}: input ${plan.input.join('x')}, ${plan.classes} classes`);
  for (const layer of plan.layers) {
    const from = layer.inputs.map((i) => (i === 0 ? 'input' : `layer ${i}`)).join(' + ');
    print(`  layer ${layer.index} (op ${layer.opId}): ${describeOperation(layer.operation)}; from ${from} (${layer.inputShape.join('x')}) to ${layer.outputShape.join('x')}`);
    if (layer.identity) {
      warn(`layer ${layer.index}: its ${layer.inputShape[0]}x${layer.inputShape[1]} input cannot be pooled further; the layer passes it through unchanged`);
    }
  }
  print(`  global average pooling, dense to ${plan.classes} classes, softmax`);
  print(`  parameters: ${trainableCount(plan)} trainable, ${nonTrainableCount(plan)} non-trainable`);
}

function positiveInteger(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new ScribaError('invalid-argument', `${name}: expected a positive integer, got ${n}`);
  return n;
}
