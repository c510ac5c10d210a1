import os from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCollector } from '../../metrics-collector/collector.js';
import { createGpuPool } from '../../trials/gpus.js';
import { createProcessRunner, KILL_GRACE_MS, trialDirectory, type ProcessRunner } from '../../trials/process-runner.js';
import { startReaper } from '../../trials/reaper.js';
import { gpuRequest, type Container } from '../../trials/template.js';
import { sampleContainer } from '../../trials/template-check.js';
import type { Experiment, ValidationIssue } from '../experiment/types.js';
import type { ExperimentState } from '../loop/state.js';
import { isCompleted } from '../trial/types.js';

const LOCAL_COLLECTORS = ['StdOut', 'File'];

/**
 * What `scriba run` needs beyond what `loadExperiment` (and so `scriba validate`) checks:
 * a collector it can run here, an inline template of a kind it can run, a primary
 * container with a command (a cluster would run the image's entrypoint), and no trial
 * asking for more GPUs than this machine offers. Whether the primary container is found
 * is `loadExperiment`'s check (checkTemplateContainer), so both commands say it alike.
 */
export function checkLocalRun(experiment: Experiment, gpuCount: number): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const spec = experiment.spec;
  const kind = spec.metricsCollectorSpec?.collector?.kind ?? 'StdOut';
  if (!LOCAL_COLLECTORS.includes(kind)) {
    issues.push({
      path: 'spec.metricsCollectorSpec.collector.kind',
      message: `scriba run collects metrics with ${LOCAL_COLLECTORS.join(' or ')}; ${kind} is not supported on a local run`,
    });
  }
  const template = spec.trialTemplate;
  if (!template?.trialSpec) {
    issues.push({ path: 'spec.trialTemplate.trialSpec', message: 'scriba run needs an inline trialSpec (a configMap template needs a cluster)' });
    return issues;
  }
  try {
    const container = sampleContainer(experiment);
    if (!Array.isArray(container.command) || container.command.length === 0) {
      issues.push({
        path: 'spec.trialTemplate.trialSpec',
        message: `container ${template.primaryContainerName} has no command; a local run cannot use the image's entrypoint, so give the command explicitly`,
      });
    }
    const gpus = gpuRequest(container);
    if (gpus > gpuCount) {
      issues.push({
        path: 'spec.trialTemplate.trialSpec',
        message: `each trial requests ${gpus} GPU(s) (resources.limits["nvidia.com/gpu"]) but this run has ${gpuCount} (see --gpus)`,
      });
    }
  } catch (error) {
    issues.push({ path: 'spec.trialTemplate.trialSpec', message: (error as Error).message });
  }
  return issues;
}

/**
 * What a cluster user must know before the first trial: the image is not pulled, and the
 * command runs on this host, so paths inside the image (/opt/...) do not exist here.
 */
/**
 * How many trial processes a local run starts at once unless `--max-parallel` says: four
 * per CPU, at least 8 — Katib's parallelTrialCount is sized for a cluster, and a million
 * processes on one machine is never what was meant.
 */
export function defaultMaxParallel(): number {
  return Math.max(8, 4 * os.availableParallelism());
}

export function localRunNotice(experiment: Experiment): string | undefined {
  let container: Container;
  try {
    container = sampleContainer(experiment);
  } catch {
    return undefined; // checkLocalRun reports it
  }
  const image = container.image ? ` (image ${container.image} is not used)` : '';
  return `scriba: a local run pulls no container images: each trial runs its command on this host${image}; paths in the command must exist here`;
}

export interface LocalRunnerOptions {
  workDir: string;
  gpuIds: string[];
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL for a stopped trial. Default KILL_GRACE_MS. */
  killGraceMs?: number;
  /** Directory of the experiment file, offered to trials as SCRIBA_EXPERIMENT_DIR. */
  experimentDir: string;
}

export function localRunner(o: LocalRunnerOptions): ProcessRunner {
  return createProcessRunner({
    workDir: o.workDir,
    gpus: createGpuPool(o.gpuIds),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    killGraceMs: o.killGraceMs ?? KILL_GRACE_MS,
    collector: (spec, report) => createCollector(spec, report),
    inject: { SCRIBA_EXPERIMENT_DIR: o.experimentDir },
    // Trials end with the run, even when it is killed with SIGKILL.
    reaper: startReaper(o.killGraceMs ?? KILL_GRACE_MS),
  });
}

/**
 * Stops trial processes left behind by a run that was killed (their process groups keep
 * running after the parent dies). A pid is trusted only if /proc shows it still carries
 * the trial's KATIB_TRIAL_NAME, so a recycled pid is never touched.
 */
export function killTrialProcesses(state: ExperimentState, workDir: string): number {
  let killed = 0;
  for (const trial of state.trials) {
    if (isCompleted(trial.condition)) continue;
    const dir = trialDirectory(workDir, state.experiment.metadata.name, trial.name);
    let pid: number;
    try {
      pid = Number.parseInt(readFileSync(join(dir, 'pid'), 'utf8'), 10);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!environ.includes(`KATIB_TRIAL_NAME=${trial.name}`)) continue;
    } catch {
      continue; // no pid file, or the process is gone
    }
    try {
      process.kill(-pid, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}
