import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../nas/backend.js';
import { liveTensors, runDartsTrial } from '../../../nas/darts/trial.js';
import { ScribaError } from '../../../src/errors.js';

/** Katib's darts-cpu.yaml metrics filter, and the StdOut collector's default name=value filter (katib-spec §6). */
const GENOTYPE_FILTER = /([\w-]+)=(Genotype.*)/g;
const DEFAULT_FILTER = /([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)/g;

const TINY = {
  algorithmSettings: `"{'num_epochs': '1', 'w_lr': 0.025, 'batch_size': '8', 'init_channels': '2', 'num_nodes': '1', 'stem_multiplier': '1', 'print_step': '1'}"`,
  searchSpace: `"['separable_convolution_3x3', 'dilated_convolution_3x3', 'max_pooling_3x3', 'avg_pooling_3x3', 'skip_connection']"`,
  numLayers: '"2"',
  backend: 'wasm' as const,
  imageSize: 8,
  trainImages: 16,
  validationImages: 16,
};

describe('DARTS trial program', () => {
  it("runs one tiny epoch and prints the lines Katib's collectors read", async () => {
    const lines: string[] = [];
    await useBackend('wasm');
    const before = liveTensors();
    const result = await runDartsTrial(TINY, (l) => lines.push(l));
    const metrics = lines.flatMap((l) => [...l.matchAll(GENOTYPE_FILTER)].map((m) => [m[1], m[2]?.trim()]));
    expect(metrics).toEqual([['Best-Genotype', result.genotype]]);
    expect(lines.at(-1)).toBe(`Best-Genotype=${result.genotype}`);
    expect(result.genotype).toMatch(/^Genotype\(normal=\[\[\('[a-z_0-9]+',[01]\),\('[a-z_0-9]+',[01]\)\]\],normal_concat=range\(2,3\),reduce=\[\[.*\]\],reduce_concat=range\(2,3\)\)$/);
    expect(result.genotype).not.toContain(' ');
    const accuracy = lines.flatMap((l) => [...l.matchAll(DEFAULT_FILTER)].filter((m) => m[1] === 'Validation-Accuracy').map((m) => Number(m[2])));
    expect(accuracy).toHaveLength(1);
    expect(accuracy[0]).toBeCloseTo(result.accuracy, 4);
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.accuracy).toBeLessThanOrEqual(1);
    expect(lines).toContain('Train: [ 1/1] Step 000/001 Loss ' + (lines.find((l) => l.startsWith('Train: [ 1/1] Step 000/001'))?.split('Loss ')[1] ?? ''));
    expect(lines.some((l) => /^Valid: \[ 1\/1\] Final Prec@1 \d+\.\d{4}%$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('Model genotype = Genotype(normal=[['))).toBe(true);
    expect(liveTensors()).toBe(before);
  });

  it('rejects bad flags before training, naming the flag', async () => {
    const cases: Array<[Partial<typeof TINY>, string]> = [
      [{ searchSpace: "['conv_3x3']" }, '--search-space:'],
      [{ algorithmSettings: "{'num_nodes': '0'}" }, '--algorithm-settings: num_nodes'],
      [{ numLayers: 'x' }, '--num-layers:'],
    ];
    for (const [change, flag] of cases) {
      const error = await runDartsTrial({ ...TINY, ...change }, () => {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScribaError);
      expect((error as ScribaError).code).toBe('invalid-argument');
      expect((error as Error).message.startsWith(flag), (error as Error).message).toBe(true);
    }
  });
});
