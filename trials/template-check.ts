import { ScribaError } from '../src/errors.js';
import type { Experiment, ValidationIssue } from '../src/experiment/types.js';
import { compileSpace, unitToAssignment } from '../src/search-space/index.js';
import { gpuRequest, knowsContainersOf, primaryContainer, renderTrial, type Container } from './template.js';

/**
 * The primary container of one trial rendered at the centre of the space (the same
 * rendering and lookup every trial goes through). Throws a ScribaError saying what is wrong.
 */
export function sampleContainer(experiment: Experiment): Container {
  const space = compileSpace(experiment.spec.parameters ?? []);
  // A NAS trial's assignments (architecture, nn_config, ...) are the algorithm's: any value stands in.
  const parameterAssignments = experiment.spec.nasConfig
    ? (experiment.spec.trialTemplate?.trialParameters ?? []).filter((tp) => !tp.reference.startsWith('${')).map((tp) => ({ name: tp.reference, value: '0' }))
    : unitToAssignment(space, space.domains.map(() => 0.5));
  const rendered = renderTrial(experiment, { name: `${experiment.metadata.name}-check`, parameterAssignments });
  return primaryContainer(rendered, experiment.spec.trialTemplate?.primaryContainerName ?? '');
}

/**
 * What a rendered trial must hold for its primary container to be found, checked once
 * for the whole experiment rather than failing every trial: the container named by
 * `primaryContainerName`, with command, args, env and workingDir of the right types and
 * a whole number of GPUs. Both `scriba validate` and `scriba run` report these (run
 * reports nothing more about the template but what a local run cannot do).
 *
 * Only inline trialSpecs of the kinds whose containers Scriba knows (Job, the Kubeflow
 * training jobs, TrainJob) are checked: a ConfigMap template lives in the cluster, and
 * another kind (an Argo Workflow) keeps its containers where only its controller knows.
 * Call it on an experiment whose template and parameters passed `validateExperiment`.
 */
export function checkTemplateContainer(experiment: Experiment): ValidationIssue[] {
  const spec = experiment.spec.trialTemplate?.trialSpec;
  // NAS trials render with the architecture a NAS algorithm assigns.
  if (!spec || !knowsContainersOf(spec.kind) || (experiment.spec.parameters ?? []).length === 0) return [];
  try {
    gpuRequest(sampleContainer(experiment));
    return [];
  } catch (error) {
    if (error instanceof ScribaError && error.issues.length > 0) return [...error.issues];
    return [{ path: 'spec.trialTemplate.trialSpec', message: (error as Error).message }];
  }
}
