/**
 * The discrete architecture read off the continuous one (Liu et al. 2019, §2.4): on every
 * edge keep its strongest operation other than `none`, and for every intermediate node keep
 * the k = 2 incoming edges whose kept operation is strongest. Strength is the operation's
 * softmax weight (eq. 1), as in the paper's code. Written in the text of Katib's trial
 * program: Python's `Genotype(normal=[[('op', edge), ...], ...], normal_concat=range(2, n+2),
 * reduce=..., reduce_concat=...)`, which Katib prints with its spaces removed as Best-Genotype.
 */

/** Per node, its kept incoming edges: [operation name, index of the input state]. */
export type Gene = Array<Array<[string, number]>>;

export interface Genotype {
  normal: Gene;
  reduce: Gene;
  numNodes: number;
}

/**
 * weights[node][edge][op]: softmax weights of one cell type; `primitives` in the same order,
 * `none` last. Ties go to the lower index.
 */
export function deriveGene(weights: number[][][], primitives: readonly string[], k = 2): Gene {
  const last = primitives.length - 1;
  if (primitives[last] !== 'none') throw new Error('deriveGene: the last primitive must be none');
  return weights.map((edges) => {
    const best = edges.map((row, edge) => {
      let op = 0;
      for (let o = 1; o < last; o++) if ((row[o] ?? -Infinity) > (row[op] ?? -Infinity)) op = o;
      return { edge, op, value: row[op] ?? -Infinity };
    });
    const kept = [...best].sort((a, b) => b.value - a.value || a.edge - b.edge).slice(0, k);
    return kept.map(({ op, edge }): [string, number] => [primitives[op] as string, edge]);
  });
}

function geneText(gene: Gene): string {
  return `[${gene.map((node) => `[${node.map(([op, edge]) => `('${op}', ${edge})`).join(', ')}]`).join(', ')}]`;
}

/** Python's str() of Katib's Genotype namedtuple. */
export function formatGenotype(g: Genotype): string {
  const concat = `range(2, ${2 + g.numNodes})`;
  return `Genotype(normal=${geneText(g.normal)}, normal_concat=${concat}, reduce=${geneText(g.reduce)}, reduce_concat=${concat})`;
}

/** The line Katib's metrics filter `([\w-]+)=(Genotype.*)` reads: the text without spaces. */
export function bestGenotypeLine(g: Genotype): string {
  return `Best-Genotype=${formatGenotype(g).replaceAll(' ', '')}`;
}
