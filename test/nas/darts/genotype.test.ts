import { describe, expect, it } from 'vitest';
import { bestGenotypeLine, deriveGene, formatGenotype } from '../../../nas/darts/genotype.js';

const OPS = ['max_pooling_3x3', 'skip_connection', 'separable_convolution_3x3', 'none'];

describe('genotype derivation (Liu et al. 2019, §2.4)', () => {
  it('keeps per node the two edges whose strongest non-none weight is largest, in that order', () => {
    // Node 0: edge 0 best non-none is skip (0.3; none's 0.6 is ignored), edge 1 best is sep (0.5).
    //   → [(sep, 1), (skip, 0)].
    // Node 1: edges 0..2 best: max 0.4, skip 0.45, sep 0.35 → [(skip, 1), (max, 0)].
    const normal = deriveGene(
      [
        [[0.05, 0.3, 0.05, 0.6], [0.2, 0.1, 0.5, 0.2]],
        [[0.4, 0.1, 0.1, 0.4], [0.2, 0.45, 0.1, 0.25], [0.3, 0.05, 0.35, 0.3]],
      ],
      OPS,
    );
    expect(normal).toEqual([[['separable_convolution_3x3', 1], ['skip_connection', 0]], [['skip_connection', 1], ['max_pooling_3x3', 0]]]);
  });

  it('breaks ties toward the lower operation and edge index', () => {
    expect(deriveGene([[[0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]]], OPS)).toEqual([[['max_pooling_3x3', 0], ['max_pooling_3x3', 1]]]);
  });

  it("writes Katib's Genotype text, and the Best-Genotype line without spaces", () => {
    const g = { normal: [[['max_pooling_3x3', 0], ['max_pooling_3x3', 1]] as Array<[string, number]>], reduce: [], numNodes: 1 };
    // Python: str(Genotype(normal=[[('max_pooling_3x3', 0), ('max_pooling_3x3', 1)]], normal_concat=range(2, 3), reduce=[], reduce_concat=range(2, 3)))
    expect(formatGenotype(g)).toBe(
      "Genotype(normal=[[('max_pooling_3x3', 0), ('max_pooling_3x3', 1)]], normal_concat=range(2, 3), reduce=[], reduce_concat=range(2, 3))",
    );
    expect(bestGenotypeLine(g)).toBe("Best-Genotype=Genotype(normal=[[('max_pooling_3x3',0),('max_pooling_3x3',1)]],normal_concat=range(2,3),reduce=[],reduce_concat=range(2,3))");
  });
});
