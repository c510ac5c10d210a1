import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../nas/backend.js';
import { parameterCount, parseGenotype, randomGenotype, trainGenotype } from '../../../nas/darts/evaluate.js';
import { bestGenotypeLine, formatGenotype, type Gene, type Genotype } from '../../../nas/darts/genotype.js';
import { runDartsTrial } from '../../../nas/darts/trial.js';
import { ScribaError } from '../../../src/errors.js';
import { createRng } from '../../../src/rng.js';

const ALL_OPS = ['separable_convolution_3x3', 'separable_convolution_5x5', 'dilated_convolution_3x3', 'dilated_convolution_5x5', 'max_pooling_3x3', 'avg_pooling_3x3', 'skip_connection'];

const e = (op: string, input: number): [string, number] => [op, input];

/** One node, both edges the same operation on the two cell inputs. */
const uniform = (op: string): Gene => [[e(op, 0), e(op, 1)]];
const text = (normal: Gene, reduce: Gene): string => formatGenotype({ normal, reduce, numNodes: normal.length });

function rejection(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ScribaError);
    expect((error as ScribaError).code).toBe('invalid-argument');
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('parseGenotype', () => {
  const cases: Genotype[] = [
    // A one-layer search has no reduction cell: reduce=[].
    { normal: uniform('max_pooling_3x3'), reduce: [], numNodes: 1 },
    {
      normal: [[e('separable_convolution_3x3', 1), e('skip_connection', 0)], [e('dilated_convolution_5x5', 2), e('avg_pooling_3x3', 0)], [e('separable_convolution_5x5', 3), e('max_pooling_3x3', 1)]],
      reduce: [[e('max_pooling_3x3', 0), e('max_pooling_3x3', 1)], [e('skip_connection', 2), e('dilated_convolution_3x3', 1)], [e('avg_pooling_3x3', 0), e('skip_connection', 3)]],
      numNodes: 3,
    },
  ];

  it("reads back what genotype.ts writes, with spaces and as the spaceless Best-Genotype", () => {
    for (const g of cases) {
      expect(parseGenotype(formatGenotype(g))).toEqual(g);
      expect(parseGenotype(bestGenotypeLine(g).slice('Best-Genotype='.length))).toEqual(g);
    }
  });

  it('rejects bad text, naming what is wrong', () => {
    const one = "[[('skip_connection', 0), ('skip_connection', 1)]]";
    const good = (normal: string, reduce = one, concat = 'range(2, 3)') => `Genotype(normal=${normal}, normal_concat=${concat}, reduce=${reduce}, reduce_concat=${concat})`;
    const table: Array<[string, string]> = [
      ['', 'expected "Genotype(" at the start, found the end of the text'],
      [`Best-Genotype=${good(one)}`, 'expected "Genotype(" at the start'],
      // The original DARTS code's flat list of pairs is not Katib's nested form.
      ["Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)], normal_concat=[2], reduce=[], reduce_concat=[2])", 'expected "[" opening normal node 0'],
      [good("[[('conv_3x3', 0), ('skip_connection', 1)]]"), 'unknown operation "conv_3x3"'],
      [good("[[('none', 0), ('skip_connection', 1)]]"), 'none is not an operation of a discrete cell'],
      [good("[[('skip_connection', 0), ('skip_connection', 2)]]"), 'normal node 0 reads state 2; node 0 can read states 0..1'],
      [good("[[('skip_connection', 0), ('skip_connection', 1), ('skip_connection', 1)]]"), 'normal node 0 has 3 edges'],
      [good("[[('skip_connection', 0), ('skip_connection', x)]]"), 'expected an integer (input state) in normal node 0, edge 1'],
      [good("[[('skip_connection', 0), ('skip_connection, 1)]]"), 'unterminated operation name in normal node 0, edge 1'],
      [good(one, one, 'range(2, 5)'), 'normal_concat is range(2, 5); with 1 nodes a cell concatenates range(2, 3)'],
      [good(one, `[${one.slice(1, -1)}, ${one.slice(1, -1)}]`), 'the normal cell has 1 nodes but the reduce cell 2'],
      [good('[]', '[]', 'range(2, 2)'), 'the normal cell has no nodes'],
      [`${good(one)}x`, 'unexpected text after the closing parenthesis: "x"'],
      [good(one).slice(0, 40), 'found the end of the text'],
    ];
    for (const [bad, message] of table) expect(rejection(() => parseGenotype(bad)), bad).toContain(message);
  });
});

describe('randomGenotype', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = randomGenotype(ALL_OPS, 4, createRng(7, 'random-genotype'));
    expect(randomGenotype(ALL_OPS, 4, createRng(7, 'random-genotype'))).toBe(a);
    expect(randomGenotype(ALL_OPS, 4, createRng(8, 'random-genotype'))).not.toBe(a);
    expect(a).not.toContain(' ');
  });

  it('draws per node two distinct earlier states and operations of the space other than none', () => {
    const space = fc.uniqueArray(fc.constantFrom(...ALL_OPS, 'none'), { minLength: 1, maxLength: 8 }).filter((s) => s.some((op) => op !== 'none'));
    fc.assert(
      fc.property(space, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (ops, numNodes, seed) => {
        const t = randomGenotype(ops, numNodes, createRng(seed, 'random-genotype'));
        expect(t).toBe(randomGenotype(ops, numNodes, createRng(seed, 'random-genotype')));
        const g = parseGenotype(t);
        expect(formatGenotype(g).replaceAll(' ', '')).toBe(t);
        expect(g.numNodes).toBe(numNodes);
        for (const gene of [g.normal, g.reduce]) {
          expect(gene).toHaveLength(numNodes);
          gene.forEach((node, i) => {
            expect(node).toHaveLength(2);
            const [[opA, a], [opB, b]] = node as [[string, number], [string, number]];
            expect(a, t).not.toBe(b);
            for (const [op, input] of [[opA, a], [opB, b]] as const) {
              expect(input).toBeGreaterThanOrEqual(0);
              expect(input).toBeLessThan(i + 2);
              expect(op).not.toBe('none');
              expect(ops).toContain(op);
            }
          });
        }
      }),
      { numRuns: 200, seed: 1 },
    );
  });

  /**
   * Uniform draws. Operations: 3,000 genotypes × 2 cells × 2 nodes × 2 edges = 24,000 draws
   * from 3 operations, each share 1/3 with sd √(⅓·⅔/24000) ≈ 0.003; allowed 0.015 (5 sd).
   * Node 1's input pair, unordered, from {0, 1, 2}: 6,000 draws, each pair 1/3, sd ≈ 0.006;
   * allowed 0.03.
   */
  it('draws operations and input pairs uniformly', () => {
    const ops = ['skip_connection', 'max_pooling_3x3', 'separable_convolution_3x3', 'none'];
    const rng = createRng(3, 'random-genotype-uniform');
    const opCount = new Map<string, number>();
    const pairCount = new Map<string, number>();
    const runs = 3000;
    for (let r = 0; r < runs; r++) {
      const g = parseGenotype(randomGenotype(ops, 2, rng));
      for (const gene of [g.normal, g.reduce]) {
        for (const node of gene) for (const [op] of node) opCount.set(op, (opCount.get(op) ?? 0) + 1);
        const pair = (gene[1] ?? []).map(([, input]) => input).sort().join(',');
        pairCount.set(pair, (pairCount.get(pair) ?? 0) + 1);
      }
    }
    expect([...opCount.keys()].sort()).toEqual(ops.slice(0, 3).sort());
    for (const [op, n] of opCount) expect(Math.abs(n / (runs * 8) - 1 / 3), op).toBeLessThan(0.015);
    expect([...pairCount.keys()].sort()).toEqual(['0,1', '0,2', '1,2']);
    for (const [pair, n] of pairCount) expect(Math.abs(n / (runs * 2) - 1 / 3), pair).toBeLessThan(0.03);
  });

  it('rejects an empty space, unknown operations and a bad node count', () => {
    const rng = createRng(0, 'x');
    expect(rejection(() => randomGenotype(['none'], 2, rng))).toContain('no operation other than none');
    expect(rejection(() => randomGenotype(['conv_3x3'], 2, rng))).toContain('unknown operation "conv_3x3"');
    expect(rejection(() => randomGenotype(ALL_OPS, 0, rng))).toContain('numNodes: expected a positive integer, got 0');
  });
});

describe('the evaluation network of a genotype', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  /**
   * One node, stem multiplier 3, 2 initial channels (stem: 6 channels).
   *   stem: 3×3×1×6 conv = 54, its BN γ and β = 12                                       → 66
   * One layer (one normal cell, C = 2):
   *   preprocessing: 1×1 convs 6→2 twice = 24; operation BNs have no affine weights
   *   skip_connection ×2: 0;  classifier on 1 node × 2 channels: 2·10 + 10 = 30
   *   → 66 + 24 + 0 + 30 = 120.
   *   separable_convolution_3x3 ×2 instead: each (depthwise 3·3·2 = 18 + pointwise 2·2 = 4)
   *   twice = 44, two edges 88 → 208.
   * Two layers (normal C = 2, then reduction C = 4), skip only:
   *   cell 0: 24 as above; cell 1: 1×1 convs 6→4 = 24 and 2→4 = 8; skip at stride 2 is a
   *   factorized reduction, two 1×1 convs 4→2 = 16, on both edges 32; classifier 4·10 + 10 = 50
   *   → 66 + 24 + 24 + 8 + 32 + 50 = 204.
   */
  it('has the parameter count derived by hand', () => {
    const size = { initChannels: 2, stemMultiplier: 3, imageSize: 8 };
    const skip = text(uniform('skip_connection'), uniform('skip_connection'));
    const sep = text(uniform('separable_convolution_3x3'), uniform('separable_convolution_3x3'));
    expect(parameterCount(skip, { ...size, numLayers: 1 })).toBe(120);
    expect(parameterCount(sep, { ...size, numLayers: 1 })).toBe(208);
    expect(parameterCount(skip, { ...size, numLayers: 2 })).toBe(204);
    expect(parameterCount(text(uniform('max_pooling_3x3'), []), { ...size, numLayers: 1 })).toBe(120);
  });

  it('trains on a tiny budget: an accuracy in [0, 1], the same for the same seed, no tensors left', async () => {
    const genotype = randomGenotype(ALL_OPS, 2, createRng(11, 'evaluate-test'));
    const o = { epochs: 1, trainImages: 128, validationImages: 128, initChannels: 4, numLayers: 2, batchSize: 32, imageSize: 8, backend: 'wasm' as const, seed: 3 };
    const before = tf.memory().numTensors;
    const first = await trainGenotype(genotype, o);
    expect(tf.memory().numTensors).toBe(before);
    expect(first.validationAccuracy).toBeGreaterThanOrEqual(0);
    expect(first.validationAccuracy).toBeLessThanOrEqual(1);
    expect(first.parameters).toBe(parameterCount(genotype, o));
    expect(await trainGenotype(genotype, o)).toEqual(first);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains the genotype a search prints', async () => {
    const searched = await runDartsTrial(
      {
        algorithmSettings: "{'num_epochs': '1', 'batch_size': '16', 'init_channels': '2', 'num_nodes': '2', 'stem_multiplier': '1'}",
        searchSpace: "['separable_convolution_3x3', 'max_pooling_3x3', 'skip_connection']",
        numLayers: '2',
        backend: 'wasm',
        imageSize: 8,
        trainImages: 32,
        validationImages: 32,
      },
      () => {},
    );
    expect(parseGenotype(searched.genotype).numNodes).toBe(2);
    const { validationAccuracy } = await trainGenotype(searched.genotype, { epochs: 1, trainImages: 64, validationImages: 64, initChannels: 4, numLayers: 3, imageSize: 8, backend: 'wasm' });
    expect(validationAccuracy).toBeGreaterThanOrEqual(0);
    expect(validationAccuracy).toBeLessThanOrEqual(1);
  });

  it('gives a convolutional genotype more parameters than a skip-only one', async () => {
    const o = { epochs: 1, trainImages: 64, validationImages: 64, initChannels: 4, numLayers: 2, batchSize: 64, imageSize: 8, backend: 'wasm' as const };
    const skip = await trainGenotype(text(uniform('skip_connection'), uniform('skip_connection')), o);
    const conv = await trainGenotype(text(uniform('dilated_convolution_3x3'), uniform('separable_convolution_5x5')), o);
    expect(conv.parameters).toBeGreaterThan(skip.parameters);
  });

  it('rejects a genotype without a reduce cell for a net that has one, and a bad budget', async () => {
    const noReduce = text(uniform('skip_connection'), []);
    expect(rejection(() => parameterCount(noReduce, { numLayers: 2 }))).toContain("the genotype's reduce cell is empty");
    const error = await trainGenotype(noReduce, { epochs: 0 }).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(ScribaError);
    expect((error as Error).message).toBe('epochs: expected a positive integer, got 0');
  });
});
