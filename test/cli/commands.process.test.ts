import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { jobExperimentYaml } from '../support/katib-yaml.js';
import { scriba } from './support.js';

// The commands around `scriba run`, through the built bin, on real SQLite files.
// Each test starts several processes; a loaded machine takes its time.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scriba-commands-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const COMMANDS = [
  'validate', 'run', 'resume', 'get', 'get experiments', 'get experiment', 'get trials', 'get trial', 'describe', 'describe experiment',
  'describe trial', 'delete', 'delete experiment', 'logs', 'bench', 'bench run', 'bench latency', 'bench report', 'bench odds',
  'serve', 'serve suggestion', 'serve early-stopping', 'serve db-manager', 'version',
];

describe('help and usage errors', () => {
  test('--help on every command and subcommand: exit 0, its usage on stdout', async () => {
    for (const command of COMMANDS) {
      const words = command.split(' ');
      const result = await scriba([...words, '--help']);
      expect({ command, code: result.code, stderr: result.stderr }).toEqual({ command, code: 0, stderr: '' });
      // `get experiment` is an alias: its help is that of `get experiments`
      const shown = command === 'get experiment' ? 'get experiments' : command;
      expect(result.stdout, command).toContain(`Usage: scriba ${shown}`);
    }
  }, 120_000);

  test('the top-level help lists every command', async () => {
    const { code, stdout } = await scriba(['--help']);
    expect(code).toBe(0);
    for (const command of ['validate', 'run', 'resume', 'get', 'describe', 'delete', 'logs', 'bench', 'serve', 'version']) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  test.each([
    [['run', 'x.yaml', '--jsn'], "scriba run: unknown option '--jsn' (did you mean --json?); see 'scriba run --help'"],
    [['get', 'experimnts'], "scriba get: unknown command 'experimnts' (did you mean experiments?); see 'scriba get --help'"],
    [['logs', 'x', '--folow'], "scriba logs: unknown option '--folow' (did you mean --follow?); see 'scriba logs --help'"],
    [['serve', 'suggestion', '--algoritm', 'all'], "scriba serve suggestion: unknown option '--algoritm' (did you mean --algorithm?); see 'scriba serve suggestion --help'"],
    [['get', 'experiments', '-o', 'xml'], "scriba get experiments: option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are json, yaml, wide, name; see 'scriba get experiments --help'"],
    [['resume'], "scriba resume: missing required argument 'name'; see 'scriba resume --help'"],
  ])('%j: exit 2 and one line', async (args, line) => {
    const result = await scriba(args);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });
});

describe('early-stopping settings (katib-spec §5)', () => {
  const withEarlyStopping = (settings: string) =>
    jobExperimentYaml({
      name: 'median',
      maxTrialCount: 2,
      parallelTrialCount: 1,
      spec: `  earlyStopping: { algorithmName: medianstop, algorithmSettings: [${settings}] }`,
      command: '[sh, -c, "echo loss=${trialParameters.x}"]',
    });

  test('validate and run reject what Katib rejects, naming the setting', async () => {
    const bad = join(dir, 'median-bad.yaml');
    await writeFile(bad, withEarlyStopping('{ name: min_trials_required, value: "-5" }, { name: patience, value: "3" }'));
    const result = await scriba(['validate', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${bad}: spec.earlyStopping.algorithmSettings[0].value: failed to validate min_trials_required(-5): expected an integer > 0`,
      `${bad}: spec.earlyStopping.algorithmSettings[1].name: unknown setting patience for algorithm medianstop; known settings: min_trials_required, start_step`,
    ]);
    const run = await scriba(['run', bad, '--db', join(dir, 'median.db'), '--gpus', 'none']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('failed to validate min_trials_required(-5)');
    expect(existsSync(join(dir, 'median.db'))).toBe(false);

    const good = join(dir, 'median-good.yaml');
    await writeFile(good, withEarlyStopping('{ name: min_trials_required, value: "1" }, { name: start_step, value: "2" }'));
    expect(await scriba(['validate', good])).toMatchObject({ code: 0, stdout: `${good}: valid\n` });
  });
});

describe('commands that read the store never create it', () => {
  test.each([
    [['get', 'experiments'], 1],
    [['get', 'experiment', 'x'], 1],
    [['get', 'trials', 'x'], 1],
    [['get', 'trial', 'x'], 1],
    [['describe', 'experiment', 'x'], 1],
    [['describe', 'trial', 'x'], 1],
    [['logs', 'x'], 1],
    [['logs', '-f', 'x'], 1],
    [['delete', 'experiment', 'x'], 1],
    [['resume', 'x'], 2],
  ])('%j', async (args, code) => {
    const db = join(dir, 'absent', 'scriba.db');
    const result = await scriba([...args, '--db', db]);
    expect(result).toEqual({ code, stdout: '', stderr: `scriba: no store at ${db}: run an experiment first, or pass --db\n` });
    expect(existsSync(join(dir, 'absent'))).toBe(false);
  });

  test('delete --ignore-not-found of a missing store: exit 0, nothing created', async () => {
    const db = join(dir, 'absent', 'scriba.db');
    expect(await scriba(['delete', 'experiment', 'x', '--ignore-not-found', '--db', db])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readdirSync(dir)).not.toContain('absent');
  });
});
