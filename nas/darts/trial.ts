import * as tf from '@tensorflow/tfjs-core';
import { type BackendChoice, useBackend } from '../backend.js';
import { loadDigits } from '../data.js';
import { parseAlgorithmSettings, parseKatibJson, parseNumLayers, parseSearchSpace } from './arguments.js';
import { bestGenotypeLine, formatGenotype, type Genotype } from './genotype.js';
import { registerCoreGradients } from '../gradients.js';
import { alphaWeights, disposeNetwork, initAlphas, initNetwork, networkSpec } from './network.js';
import { alphaLines, percent } from './report.js';
import { adamState, disposeOptimizers, genotypeOf, type SearchInput, trainEpoch, validate } from './search.js';

/**
 * The DARTS trial program: what Katib's darts-cnn-cifar10 trial does with the three values
 * its suggestion service hands each trial, on the handwritten digits at reduced size.
 *
 * It prints Katib's progress lines and, once at the end, `Best-Genotype=Genotype(...)` —
 * the objective of Katib's darts example, read by its metrics filter `([\w-]+)=(Genotype.*)`.
 * After each epoch it also prints `Validation-Accuracy=<fraction>`, a numeric metric in
 * the StdOut collector's `name=value` format.
 *
 * @example
 *   await runDartsTrial({
 *     algorithmSettings: "{'num_epochs': '1', 'init_channels': '4', 'batch_size': '32'}",
 *     searchSpace: "['separable_convolution_3x3', 'max_pooling_3x3', 'skip_connection']",
 *     numLayers: '2',
 *   }, console.log);
 */
export interface DartsTrialOptions {
  /** `--algorithm-settings`, raw as received. */
  algorithmSettings: string;
  /** `--search-space`, raw as received. */
  searchSpace: string;
  /** `--num-layers`, raw as received. */
  numLayers: string;
  backend?: BackendChoice;
  /** Side of the down-sampled digits (default 14). */
  imageSize?: number;
  /** Images for the weights, w (default 256). */
  trainImages?: number;
  /** Images for the architecture, α, and for the reported accuracy (default 256). */
  validationImages?: number;
  /** Weights, α, data split and batch order (default 0). */
  seed?: number;
}

export const DARTS_TRIAL_DEFAULTS = { imageSize: 14, trainImages: 256, validationImages: 256, seed: 0 } as const;

export async function runDartsTrial(o: DartsTrialOptions, print: (line: string) => void): Promise<{ genotype: string; accuracy: number }> {
  const settings = parseAlgorithmSettings(o.algorithmSettings);
  const primitives = parseSearchSpace(o.searchSpace);
  const numLayers = parseNumLayers(o.numLayers);
  const imageSize = o.imageSize ?? DARTS_TRIAL_DEFAULTS.imageSize;
  const seed = o.seed ?? DARTS_TRIAL_DEFAULTS.seed;

  print('>>> Algorithm settings');
  for (const [key, value] of Object.entries(parseKatibJson(o.algorithmSettings, '--algorithm-settings') as Record<string, unknown>)) {
    const tabs = key.length > 13 ? '\t' : key.length < 5 ? '\t\t\t' : '\t\t';
    print(`${key}${tabs}${value === null ? 'None' : String(value)}`);
  }
  print('');
  print('>>> All Primitives');
  print(`[${primitives.map((p) => `'${p.name}'`).join(', ')}]`);
  print('');
  print(`Number of layers ${numLayers}`);
  print('');

  const data = loadDigits({ size: imageSize, train: o.trainImages ?? DARTS_TRIAL_DEFAULTS.trainImages, validation: o.validationImages ?? DARTS_TRIAL_DEFAULTS.validationImages, seed });
  const backend = await useBackend(o.backend ?? 'auto');
  registerCoreGradients();
  print(`>>> Use ${backend} backend for Training <<<`);

  const spec = networkSpec({ numLayers, numNodes: settings.numNodes, initChannels: settings.initChannels, stemMultiplier: settings.stemMultiplier, primitives, inputChannels: 1, classes: 10 });
  const alphas = initAlphas(spec, seed);
  const net = initNetwork(spec, alphas, imageSize, seed);
  const state = { sgd: { buffers: null }, adam: adamState([...alphas.normal, ...alphas.reduce]) };
  const input: SearchInput = { spec, net, alphas, settings, train: data.train, validation: data.validation, seed, print };
  let best: { top1: number; genotype: Genotype } | undefined;
  try {
    for (let epoch = 0; epoch < settings.numEpochs; epoch++) {
      print('');
      for (const line of alphaLines('>>> Alphas Normal <<<', alphaWeights(alphas.normal))) print(line);
      if (spec.hasReduce) for (const line of alphaLines('>>> Alpha Reduce <<<', alphaWeights(alphas.reduce))) print(line);
      print('');
      print('>>> Training');
      trainEpoch(input, epoch, state);
      print('');
      print('>>> Validation');
      const top1 = validate(input, epoch);
      const genotype = genotypeOf(spec, alphas);
      print('');
      print(`Model genotype = ${formatGenotype(genotype)}`);
      print(`Validation-Accuracy=${top1.toFixed(4)}`);
      // Katib keeps the first genotype to beat 0 %; the first epoch's counts when none does.
      if (!best || top1 > best.top1) best = { top1, genotype };
    }
  } finally {
    disposeOptimizers(state.sgd, state.adam);
    disposeNetwork(net, alphas);
  }
  const final = best as { top1: number; genotype: Genotype };
  print(`Final best Prec@1 = ${percent(final.top1, 4)}`);
  print('');
  const line = bestGenotypeLine(final.genotype);
  print(line);
  return { genotype: line.slice('Best-Genotype='.length), accuracy: final.top1 };
}

/** Tensors still allocated on the current backend; for checking that a trial cleans up. */
export const liveTensors = (): number => tf.memory().numTensors;
