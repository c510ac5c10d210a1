import { ScribaError } from '../../src/errors.js';
import type { Rng } from '../../src/rng.js';
import { parseSearchSpace, type Primitive } from './arguments.js';
import { formatGenotype, type Gene, type Genotype } from './genotype.js';

/**
 * The Genotype text read back, and random genotypes of the same space. The text is what
 * genotype.ts writes — Python's str() of Katib's namedtuple, with or without its spaces:
 *   Genotype(normal=[[('op', j), ('op', j)], ...], normal_concat=range(2, n+2),
 *            reduce=[...], reduce_concat=range(2, n+2))
 * Node i (0-based) reads two of the states 0..i+1 (the cell's two inputs, then the earlier
 * nodes), k = 2 as in Liu et al. 2019, §2.4. `reduce` is empty when the search net had no
 * reduction cell (one layer).
 */

const fail = (message: string): never => {
  throw new ScribaError('invalid-argument', `genotype: ${message}`);
};

interface Cursor {
  text: string;
  at: number;
}

function skipSpace(c: Cursor): void {
  while (c.at < c.text.length && /\s/.test(c.text[c.at] as string)) c.at++;
}

function near(c: Cursor): string {
  const rest = c.text.slice(c.at, c.at + 20);
  return rest === '' ? 'the end of the text' : `${JSON.stringify(rest)} at character ${c.at}`;
}

function expect(c: Cursor, token: string, what: string): void {
  skipSpace(c);
  if (!c.text.startsWith(token, c.at)) fail(`expected ${JSON.stringify(token)} ${what}, found ${near(c)}`);
  c.at += token.length;
}

function peek(c: Cursor, token: string): boolean {
  skipSpace(c);
  return c.text.startsWith(token, c.at);
}

function integer(c: Cursor, what: string): number {
  skipSpace(c);
  const m = /^-?\d+/.exec(c.text.slice(c.at));
  if (!m) return fail(`expected an integer ${what}, found ${near(c)}`);
  c.at += m[0].length;
  return Number.parseInt(m[0], 10);
}

function quoted(c: Cursor, what: string): string {
  skipSpace(c);
  const q = c.text[c.at];
  if (q !== "'" && q !== '"') return fail(`expected a quoted operation name ${what}, found ${near(c)}`);
  // Operation names are word characters; anything else before the closing quote means it is missing.
  const m = /^[\w-]*/.exec(c.text.slice(c.at + 1)) as RegExpExecArray;
  const name = m[0];
  if (c.text[c.at + 1 + name.length] !== q) return fail(`unterminated operation name ${what}, from ${near(c)}`);
  c.at += name.length + 2;
  return name;
}

/** `[...]` of comma-separated items; an empty list is allowed. */
function list<T>(c: Cursor, item: (index: number) => T, what: string): T[] {
  expect(c, '[', `opening ${what}`);
  const out: T[] = [];
  if (peek(c, ']')) {
    c.at++;
    return out;
  }
  for (;;) {
    out.push(item(out.length));
    if (peek(c, ',')) c.at++;
    else break;
  }
  expect(c, ']', `closing ${what}`);
  return out;
}

function gene(c: Cursor, cell: string): Gene {
  return list(c, (node) => list(c, (edge): [string, number] => {
    const where = `in ${cell} node ${node}, edge ${edge}`;
    expect(c, '(', where);
    const op = quoted(c, where);
    expect(c, ',', where);
    const input = integer(c, `(input state) ${where}`);
    expect(c, ')', where);
    return [op, input];
  }, `${cell} node ${node}`), `the ${cell} cell`);
}

function range(c: Cursor, name: string): [number, number] {
  expect(c, `${name}=`, '');
  expect(c, 'range(', `after ${name}=`);
  const from = integer(c, `in ${name}`);
  expect(c, ',', `in ${name}`);
  const to = integer(c, `in ${name}`);
  expect(c, ')', `closing ${name}`);
  return [from, to];
}

/** An operation name of the search space (Katib's form), as the primitive the network builds. */
export function primitiveOf(name: string): Primitive {
  if (name === 'none') fail(`none is not an operation of a discrete cell (the derivation leaves it out, Liu et al. 2019, §2.4)`);
  try {
    return parseSearchSpace(JSON.stringify([name]))[0] as Primitive;
  } catch (error) {
    return fail(`unknown operation ${JSON.stringify(name)}: ${(error as Error).message.replace(/^--search-space: /, '')}`);
  }
}

function checkGene(g: Gene, cell: string): void {
  g.forEach((node, i) => {
    if (node.length !== 2) fail(`${cell} node ${i} has ${node.length} edges; each node keeps k = 2 (Liu et al. 2019, §2.4)`);
    for (const [op, input] of node) {
      primitiveOf(op);
      if (input < 0 || input >= i + 2) fail(`${cell} node ${i} reads state ${input}; node ${i} can read states 0..${i + 1} (the two cell inputs and the nodes before it)`);
    }
  });
}

/**
 * The structure of a Genotype text; a ScribaError('invalid-argument') naming the part that is
 * wrong otherwise.
 * @example parseGenotype("Genotype(normal=[[('skip_connection',0),('max_pooling_3x3',1)]],normal_concat=range(2,3),reduce=[],reduce_concat=range(2,3))")
 */
export function parseGenotype(text: string): Genotype {
  if (typeof text !== 'string') return fail(`expected text, got ${typeof text}`);
  const c: Cursor = { text, at: 0 };
  expect(c, 'Genotype(', 'at the start');
  expect(c, 'normal=', 'after Genotype(');
  const normal = gene(c, 'normal');
  expect(c, ',', 'after the normal cell');
  const normalConcat = range(c, 'normal_concat');
  expect(c, ',', 'after normal_concat');
  expect(c, 'reduce=', 'after normal_concat');
  const reduce = gene(c, 'reduce');
  expect(c, ',', 'after the reduce cell');
  const reduceConcat = range(c, 'reduce_concat');
  expect(c, ')', 'closing Genotype(');
  skipSpace(c);
  if (c.at < text.length) fail(`unexpected text after the closing parenthesis: ${near(c)}`);

  const numNodes = normal.length;
  if (numNodes === 0) fail('the normal cell has no nodes');
  if (reduce.length !== 0 && reduce.length !== numNodes) fail(`the normal cell has ${numNodes} nodes but the reduce cell ${reduce.length}`);
  for (const [name, [from, to]] of [['normal_concat', normalConcat], ['reduce_concat', reduceConcat]] as const) {
    if (from !== 2 || to !== 2 + numNodes) fail(`${name} is range(${from}, ${to}); with ${numNodes} nodes a cell concatenates range(2, ${2 + numNodes})`);
  }
  checkGene(normal, 'normal');
  checkGene(reduce, 'reduce');
  return { normal, reduce, numNodes };
}

/**
 * A genotype drawn uniformly from the space the search derives from: per node two distinct
 * input states among 0..i+1, and for each an operation of `searchSpace` other than none, as the
 * random baseline of Liu et al. 2019 (Table 1) samples cells from the search space. Normal cell first,
 * then reduce; per node the two inputs, then their two operations. Written as the trial's
 * Best-Genotype text (no spaces), which parseGenotype and trainGenotype read.
 */
export function randomGenotype(searchSpace: readonly string[], numNodes: number, rng: Rng): string {
  if (!Number.isInteger(numNodes) || numNodes < 1) fail(`numNodes: expected a positive integer, got ${numNodes}`);
  const ops = searchSpace.filter((name) => name !== 'none');
  if (ops.length === 0) fail('the search space has no operation other than none');
  ops.forEach(primitiveOf);
  const draw = (): Gene =>
    Array.from({ length: numNodes }, (_, i) => {
      const first = rng.int(i + 2);
      const other = rng.int(i + 1);
      const second = other >= first ? other + 1 : other;
      return [first, second].map((input): [string, number] => [ops[rng.int(ops.length)] as string, input]);
    });
  const normal = draw();
  const reduce = draw();
  return formatGenotype({ normal, reduce, numNodes }).replaceAll(' ', '');
}
