import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jobExperimentYaml } from './support/katib-yaml.js';

// These run the built package (npm test builds it first), as a user gets it after `npm ci`.
const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-package-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the built package', () => {
  test("import ... from 'scriba' gives the public API", async () => {
    const script = `
      import { tune, search, createStudy, loadExperiment } from 'scriba';
      const r = await tune({ objective: ({ x }) => x * x, parameters: { x: search.double({ min: -1, max: 1 }) }, objectiveType: 'minimize', maxTrialCount: 3, seed: 1 });
      console.log(JSON.stringify({ status: r.status, n: r.trials.length, study: typeof createStudy, load: typeof loadExperiment }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({ status: 'Succeeded', n: 3, study: 'function', load: 'function' });
  });

  test('the scriba bin validates files, with exit codes 0, 1 and 2', async () => {
    const bin = join(root, 'dist/src/bin.js');
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    const experiment = (max: string) =>
      jobExperimentYaml({ name: 'demo', maxTrialCount: 4, parallelTrialCount: 2, min: '0.01', max, command: '[python, train.py, "--lr=${trialParameters.x}"]' });
    await writeFile(good, experiment('0.05'));
    await writeFile(bad, experiment('abc'));
    const ok = await run(process.execPath, [bin, 'validate', good]);
    expect(ok.stdout).toBe(`${good}: valid\n`);
    const failed = await run(process.execPath, [bin, 'validate', good, bad]).catch((e: { code: number; stdout: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stdout: string }).stdout).toContain(`${bad}: spec.parameters[0].feasibleSpace.max: expected a finite number, got "abc"`);
    const usage = await run(process.execPath, [bin, 'frobnicate']).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2, stderr: "scriba: unknown command 'frobnicate'; see 'scriba --help'\n" });
    const missing = await run(process.execPath, [bin, 'validate', join(dir, 'nope.yaml')]).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read: ENOENT') });
  });
});

/** The files `npm pack` would put in the tarball (no scripts run, nothing written). */
async function packList(): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, maxBuffer: 16 << 20 });
  const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return (pack?.files ?? []).map((f) => f.path);
}

describe('what the package ships', () => {
  let files: string[];
  beforeAll(async () => {
    files = await packList();
  }, 60_000);

  test('the build, the licence, the README and the protocol document the reports link', () => {
    for (const f of ['dist/src/index.js', 'dist/src/bin.js', 'dist/src/index.d.ts', 'LICENSE', 'README.md', 'package.json', 'docs/benchmark-protocol.md']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('test/') || f.endsWith('.test.js'))).toEqual([]);
  });

  test('no source map without its sources, and no code pointing at a map that is not shipped', () => {
    const shipped = new Set(files);
    const orphans: string[] = [];
    for (const map of files.filter((f) => f.endsWith('.map'))) {
      const { sources = [], sourceRoot = '', sourcesContent = [] } = JSON.parse(readFileSync(join(root, map), 'utf8')) as {
        sources?: string[]; sourceRoot?: string; sourcesContent?: Array<string | null>;
      };
      sources.forEach((source, i) => {
        const path = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
        if (!shipped.has(path) && typeof sourcesContent[i] !== 'string') orphans.push(`${map} -> ${path}`);
      });
    }
    for (const code of files.filter((f) => /\.(js|d\.ts)$/.test(f))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(root, code), 'utf8'))?.[1];
      if (url !== undefined && !url.startsWith('data:') && !shipped.has(posix.join(posix.dirname(code), url))) orphans.push(`${code} -> ${url}`);
    }
    expect(orphans).toEqual([]);
  });

  test('LICENSE is the Apache License 2.0, appendix included, with the project\'s copyright line', () => {
    const text = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(text).toContain('   Copyright 2026 The Scriba Authors\n');
    expect(text).toContain('APPENDIX: How to apply the Apache License to your work.');
    // SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt, whose appendix holds the
    // placeholder the copyright line fills in.
    const standard = text.replace('Copyright 2026 The Scriba Authors', 'Copyright [yyyy] [name of copyright owner]');
    expect(createHash('sha256').update(standard).digest('hex')).toBe('cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30');
    expect((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { license: string }).license).toBe('Apache-2.0');
  });

  test("the README's allowScripts line covers every install script a consumer's npm asks about", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const line = /^\s*"allowScripts": (\{[^}\n]*\})/m.exec(readme)?.[1];
    expect(line, 'a one-line "allowScripts": {...} in the README').toBeDefined();
    const documented = JSON.parse(line as string) as Record<string, boolean>;
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    // The project decides as it tells its users to: better-sqlite3 builds, protobufjs's check is skipped.
    expect(documented).toEqual(pkg.allowScripts);
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript === true && p.dev !== true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts).toContain('better-sqlite3');
    expect(withScripts.filter((name) => !(name in documented))).toEqual([]);
    expect(readme).toContain('npm install-scripts approve better-sqlite3');
  });
});
