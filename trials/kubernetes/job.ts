import type { Experiment } from '../../src/experiment/types.js';
import type { TrialRecord } from '../../src/trial/types.js';
import { renderTrial } from '../template.js';

type Json = Record<string, unknown>;

export const EXPERIMENT_LABEL = 'katib.kubeflow.org/experiment';
export const TRIAL_LABEL = 'katib.kubeflow.org/trial';

/**
 * The job of a trial as it goes to the cluster (katib-spec §3.2, §6 "Injection", §7): the
 * rendered template with the trial's name and namespace, the experiment's and trial's labels
 * (on the job and on every pod template, as Katib's webhook puts them on the pods), and
 * KATIB_TRIAL_NAME in the primary container, so Push-collected code (Katib's SDK
 * `report_metrics`) knows which trial it is.
 */
export function trialJob(experiment: Experiment, trial: Pick<TrialRecord, 'name' | 'parameterAssignments' | 'labels'>): Json {
  const namespace = experiment.metadata.namespace ?? 'default';
  const job = renderTrial(experiment, { name: trial.name, namespace, parameterAssignments: trial.parameterAssignments });
  const labels = { ...experiment.metadata.labels, [EXPERIMENT_LABEL]: experiment.metadata.name, [TRIAL_LABEL]: trial.name, ...trial.labels };
  const metadata = job.metadata as Json;
  job.metadata = { ...metadata, labels: { ...(metadata.labels as Json | undefined), ...labels } };
  const primary = experiment.spec.trialTemplate?.primaryContainerName ?? '';
  for (const template of podTemplates(job)) {
    const meta = isObject(template.metadata) ? template.metadata : {};
    template.metadata = { ...meta, labels: { ...(meta.labels as Json | undefined), ...labels } };
    const spec = isObject(template.spec) ? template.spec : {};
    for (const c of Array.isArray(spec.containers) ? spec.containers : []) {
      if (isObject(c) && c.name === primary) addTrialName(c, trial.name);
    }
  }
  // A TrainJob's trainer has its own env, passed to its node containers.
  const spec = isObject(job.spec) ? job.spec : {};
  if (job.kind === 'TrainJob' && isObject(spec.trainer)) addTrialName(spec.trainer, trial.name);
  return job;
}

function addTrialName(container: Json, name: string): void {
  const env = Array.isArray(container.env) ? container.env.filter((e) => !(isObject(e) && e.name === 'KATIB_TRIAL_NAME')) : [];
  container.env = [...env, { name: 'KATIB_TRIAL_NAME', value: name }];
}

/** Every pod template in the job: objects under a `template` key whose spec lists containers. */
function podTemplates(value: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(value)) {
    for (const v of value) podTemplates(v, found);
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'template' && isObject(v) && isObject(v.spec) && Array.isArray(v.spec.containers)) found.push(v);
      else podTemplates(v, found);
    }
  }
  return found;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
