import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { studySnippet, tuneSnippet } from './readme-snippets.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const snippets = readFileSync(new URL('./readme-snippets.ts', import.meta.url), 'utf8');

/** The TypeScript blocks of one README section, without their import lines. */
function readmeBlocks(heading: string): string[] {
  const start = readme.indexOf(`## ${heading}`);
  expect(start, `README section "${heading}"`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 3);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) =>
    (m[1] as string)
      .split('\n')
      .filter((line) => !line.startsWith('import '))
      .join('\n')
      .trim(),
  );
}

/** The code between `// <readme:NAME>` and `// </readme:NAME>`, dedented. */
function snippet(name: string): string {
  const m = new RegExp(`// <readme:${name}>\\n([\\s\\S]*?)\\n\\s*// </readme:${name}>`).exec(snippets);
  expect(m, `snippet ${name}`).not.toBeNull();
  return (m?.[1] as string)
    .split('\n')
    .map((line) => line.replace(/^ {2}/, ''))
    .join('\n')
    .trim();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('README API sections', () => {
  test('their code is the code test/api/readme-snippets.ts type-checks', () => {
    expect(readmeBlocks('Tuning a function: `tune()`')).toEqual([snippet('tune')]);
    expect(readmeBlocks('Driving the loop yourself: `createStudy()`')).toEqual([snippet('study')]);
    for (const block of [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].slice(0, 2)) {
      expect(block[1]).toMatch(/from 'scriba';/);
    }
  });

  test('the tune() example runs and prints its status and best parameters', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await tuneSnippet();
    const lines = log.mock.calls;
    expect(lines).toHaveLength(32); // 30 trials, then status and best parameters
    expect(lines[30]).toEqual(['Succeeded', 'ExperimentMaxTrialsReached']);
    expect(lines[31]?.[0]).toMatchObject({ lr: expect.any(Number), optimizer: expect.stringMatching(/^(sgd|adam)$/) });
  });

  test('the createStudy() example runs its 20 asks after the added result', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await studySnippet();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toMatchObject({ condition: 'Succeeded', parameters: { x: expect.any(Number) } });
  });
});
