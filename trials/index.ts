/** Trial runners (in-process function, local process with GPUs) and trial-template rendering. */
export type { TrialRun, TrialRunner } from './types.js';
export { createFunctionRunner, metricLogs, TrialPruned, type Metrics, type Objective, type ObjectiveContext } from './function-runner.js';
export { renderTrial, primaryContainer, gpuRequest, knowsContainersOf, type Container, type EnvVar, type TrialIdentity } from './template.js';
export { checkTemplateContainer, sampleContainer } from './template-check.js';
export {
  createGpuPool,
  detectGpus,
  parseGpuList,
  parseNvidiaSmi,
  type Exec,
  type GpuInfo,
  type GpuLease,
  type GpuPool,
} from './gpus.js';
export {
  createProcessRunner,
  expandReferences,
  localCollectorSpec,
  trialDirectory,
  type CollectorFactory,
  type ProcessRunner,
  type ProcessRunnerOptions,
} from './process-runner.js';
export { shellSubstitutionWarnings } from './shell-substitution.js';
