import { describe, expect, it } from 'vitest';
import { parseAlgorithmSettings, parseKatibJson, parseNumLayers, parseSearchSpace } from '../../../nas/darts/arguments.js';
import { ScribaError } from '../../../src/errors.js';

/** What Katib's DARTS service sends: json.dumps of its defaults overlaid with the user's strings, `"` → `'`. */
const KATIB_SETTINGS =
  "{'num_epochs': '1', 'w_lr': 0.025, 'w_lr_min': 0.001, 'w_momentum': 0.9, 'w_weight_decay': 0.0003, 'w_grad_clip': 5.0, 'alpha_lr': 0.0003, 'alpha_weight_decay': 0.001, 'batch_size': 128, 'num_workers': 4, 'init_channels': '1', 'print_step': 50, 'num_nodes': '1', 'stem_multiplier': '1'}";

function invalid(f: () => unknown, flag: string): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ScribaError);
    expect((error as ScribaError).code).toBe('invalid-argument');
    expect((error as Error).message.startsWith(flag), (error as Error).message).toBe(true);
    return;
  }
  throw new Error(`expected an invalid-argument error naming ${flag}`);
}

describe('Katib-format DARTS arguments', () => {
  it('reads the settings of darts-cpu.yaml as Katib sends them, user strings and default numbers alike', () => {
    const s = parseAlgorithmSettings(KATIB_SETTINGS);
    expect(s).toEqual({
      numEpochs: 1, wLr: 0.025, wLrMin: 0.001, wMomentum: 0.9, wWeightDecay: 0.0003, wGradClip: 5, alphaLr: 0.0003,
      alphaWeightDecay: 0.001, batchSize: 128, numWorkers: 4, initChannels: 1, printStep: 50, numNodes: 1, stemMultiplier: 1,
    });
  });

  it('accepts the literal double quotes a container command without a shell passes on', () => {
    expect(parseAlgorithmSettings(`"${KATIB_SETTINGS}"`)).toEqual(parseAlgorithmSettings(KATIB_SETTINGS));
    expect(parseSearchSpace(`"['max_pooling_3x3']"`).map((p) => p.name)).toEqual(['max_pooling_3x3', 'none']);
    expect(parseNumLayers('"3"')).toBe(3);
    expect(parseKatibJson(' "{\'a\': \'b\'}" ', 'x')).toEqual({ a: 'b' });
  });

  it('turns None (null) into a whole-split batch, takes Katib defaults for missing names, ignores unknown names', () => {
    const s = parseAlgorithmSettings("{'batch_size': null, 'something_else': 'x'}");
    expect(s.batchSize).toBeNull();
    expect(s.numEpochs).toBe(50);
    expect(s.initChannels).toBe(16);
    expect(s.stemMultiplier).toBe(3);
  });

  it('rejects bad settings with a message naming the flag and the setting', () => {
    invalid(() => parseAlgorithmSettings('{num_epochs: 1}'), '--algorithm-settings');
    invalid(() => parseAlgorithmSettings("['num_epochs']"), '--algorithm-settings');
    invalid(() => parseAlgorithmSettings("{'num_epochs': '0'}"), '--algorithm-settings: num_epochs');
    invalid(() => parseAlgorithmSettings("{'num_epochs': '1.5'}"), '--algorithm-settings: num_epochs');
    invalid(() => parseAlgorithmSettings("{'w_lr': '-0.1'}"), '--algorithm-settings: w_lr');
    invalid(() => parseAlgorithmSettings("{'w_lr': null}"), '--algorithm-settings: w_lr');
    invalid(() => parseAlgorithmSettings("{'init_channels': 'many'}"), '--algorithm-settings: init_channels');
  });

  it("parses Katib's search-space names and appends none", () => {
    const ops = parseSearchSpace(
      "['separable_convolution_3x3', 'separable_convolution_5x5', 'dilated_convolution_3x3', 'dilated_convolution_5x5', 'max_pooling_3x3', 'avg_pooling_3x3', 'skip_connection']",
    );
    expect(ops.map((p) => [p.kind, p.size])).toEqual([
      ['separable_convolution', 3], ['separable_convolution', 5], ['dilated_convolution', 3], ['dilated_convolution', 5],
      ['max_pooling', 3], ['avg_pooling', 3], ['skip_connection', 1], ['none', 0],
    ]);
  });

  it('rejects unknown operations, even sizes, empty lists and bad layer counts', () => {
    invalid(() => parseSearchSpace("['convolution_3x3']"), '--search-space');
    invalid(() => parseSearchSpace("['max_pooling_3x5']"), '--search-space');
    invalid(() => parseSearchSpace("['max_pooling_4x4']"), '--search-space');
    invalid(() => parseSearchSpace('[]'), '--search-space');
    invalid(() => parseSearchSpace("'max_pooling_3x3'"), '--search-space');
    invalid(() => parseNumLayers('0'), '--num-layers');
    invalid(() => parseNumLayers('two'), '--num-layers');
    expect(parseNumLayers(' 8 ')).toBe(8);
  });
});
