import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bin, root } from './support.js';

// The README's walk-through of `scriba run`, command by command in the order written, in a
// fresh folder holding the examples: each must succeed where the one before left off.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-readme-'));
  await cp(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function walkthrough(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Running a Katib Experiment YAML'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

function sh(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { cwd: dir, timeout: 240_000, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

test('the README walk-through runs in the order written', async () => {
  const node = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`;
  const example = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.example ?? '';
  const lines = walkthrough();
  expect(lines[0]).toBe('npm run example');
  expect(lines.length).toBeGreaterThan(8);
  let trial = '';
  for (const line of lines) {
    const command = (line === 'npm run example' ? example.replaceAll('node dist/src/bin.js', node) : line.replace(/^npx scriba /, `${node} `)).replaceAll(
      'two-moons-grid-xxxxxxxx',
      trial,
    );
    const result = await sh(command);
    expect({ line, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ line, code: 0, stderr: '' });
    if (line.startsWith('npx scriba get experiments')) expect(result.stdout).toMatch(/^two-moons-random\s+Succeeded\s/m);
    if (line.startsWith('npx scriba get trials two-moons-grid')) trial = /^(two-moons-grid-\w{8})\s/m.exec(result.stdout)?.[1] ?? '';
    if (line.startsWith('npx scriba delete')) expect(result.stdout).toMatch(/^experiment "two-moons-\w+" deleted$/m);
  }
  expect(trial).not.toBe('');
  // npm run example again replaces its earlier run instead of refusing it
  const again = await sh(example.replaceAll('node dist/src/bin.js', node));
  expect(again.code).toBe(0);
}, 600_000);
