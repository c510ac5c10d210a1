import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { EXIT, exitCode } from '../../src/cli/commander.js';
import { root } from './support.js';

test("the README's table lists every exit code of the CLI, signals included", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'));
  const rows = [...section.matchAll(/^\| (\d+|128 \+ n) \|/gm)].map((m) => m[1]);
  expect(rows).toEqual(expect.arrayContaining([...Object.values(EXIT).map(String), '129', '130', '143', '128 + n']));
});

test('each error code has its exit code', () => {
  expect([exitCode('not-found'), exitCode('invalid-argument'), exitCode('failed-precondition'), exitCode('store'), exitCode('unavailable'), exitCode('internal')]).toEqual([1, 2, 2, 74, 69, 70]);
});
