import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MultifidelityFile } from './multifidelity.js';
import type { LatencyFile, SyntheticFile } from './protocol.js';

/** Optuna's sampler for each Scriba algorithm it has a counterpart of (§6 names). */
export const OPTUNA_SAMPLERS: Readonly<Record<string, string>> = {
  random: 'random',
  tpe: 'tpe',
  'multivariate-tpe': 'tpe_mv',
  cmaes: 'cmaes',
  sobol: 'qmc_sobol',
  bayesianoptimization: 'gp',
};

/**
 * How reports name Optuna's samplers after `optuna:` (the result files keep the ids of
 * OPTUNA_SAMPLERS). Where Optuna has a counterpart of a Scriba algorithm the label is that
 * algorithm's name, so `scriba:multivariate-tpe` and `optuna:multivariate-tpe` sit side by side.
 */
export const OPTUNA_LABELS: Readonly<Record<string, string>> = {
  random: 'random',
  qmc_sobol: 'qmc-sobol',
  tpe: 'tpe',
  tpe_mv: 'multivariate-tpe',
  cmaes: 'cmaes',
  gp: 'gp',
};

/** The peer driver, in the sources or beside the build. */
export function driverPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'bench', 'peers', 'optuna_driver.py');
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  return join(dirname(fileURLToPath(import.meta.url)), 'peers', 'optuna_driver.py');
}

/** Why Optuna cannot run here, or undefined when it can. */
export function optunaUnavailable(python = 'python3'): string | undefined {
  const probe = spawnSync(python, ['-c', 'import optuna'], { encoding: 'utf8' });
  if (probe.error) return `${python} cannot start (${(probe.error as NodeJS.ErrnoException).code}); install Python 3 and \`pip install optuna cmaes\``;
  if (probe.status !== 0) return `\`${python} -c "import optuna"\` failed; \`pip install optuna cmaes\` (or Debian's python3-optuna)`;
  return undefined;
}

/** The Python modules each of the driver's samplers lacks here ([] when it can run). */
export function optunaSamplerModules(python = 'python3'): Record<string, string[]> {
  const probe = spawnSync(python, [driverPath(), 'samplers'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`the Optuna driver could not list its samplers: ${probe.stderr.trim()}`);
  return JSON.parse(probe.stdout) as Record<string, string[]>;
}

/** Runs the Optuna driver (its progress lines go to our stderr) and reads the file it writes. */
export async function runOptuna<T extends SyntheticFile | LatencyFile | MultifidelityFile>(args: string[], python = 'python3'): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'scriba-peer-'));
  try {
    const out = join(dir, 'peer.json');
    const child = spawn(python, [driverPath(), ...args, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`the Optuna driver exited with code ${code}`);
    return JSON.parse(readFileSync(out, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
