import type { Experiment } from '../src/experiment/types.js';
import type { ParameterAssignment } from '../src/trial/types.js';
import { ScribaError } from '../src/errors.js';

/** The trial a template is rendered for (katib-spec §7). */
export interface TrialIdentity {
  name: string;
  /** The trial's namespace; the experiment's, then "default", when absent. */
  namespace?: string;
  parameterAssignments: ParameterAssignment[];
}

type Json = Record<string, unknown>;

const META_REFERENCE = /^\$\{trialSpec\.(.+)\}$/;
const META_INDEXED = /^(Labels|Annotations)\[(.+)\]$/;

/**
 * Renders an inline trialSpec for one trial (katib-spec §7): the spec is serialised to
 * JSON, each `${trialParameters.<name>}` is replaced by its reference's value, and the
 * result is decoded and given the trial's name and namespace.
 *
 * Unlike Katib, which pastes values into the JSON text raw, each value is JSON-escaped,
 * so a value holding quotes, backslashes or newlines arrives verbatim as data.
 *
 * @example
 * const job = renderTrial(experiment, { name: 'exp-abc', parameterAssignments: [{ name: 'lr', value: '0.01' }] });
 */
export function renderTrial(experiment: Experiment, trial: TrialIdentity): Json {
  const template = experiment.spec.trialTemplate;
  if (!template) throw new ScribaError('invalid-argument', 'spec.trialTemplate: must be specified to run trials as processes');
  if (template.configMap && !template.trialSpec) {
    throw new ScribaError(
      'invalid-argument',
      'spec.trialTemplate.configMap: ConfigMap templates live in a cluster and cannot be read by a local run; inline the template as spec.trialTemplate.trialSpec',
    );
  }
  const spec = template.trialSpec;
  if (!spec) throw new ScribaError('invalid-argument', 'spec.trialTemplate.trialSpec: must be specified');
  const namespace = trial.namespace ?? experiment.metadata.namespace ?? 'default';
  const values = placeholderValues(spec, template.trialParameters ?? [], trial, namespace);

  // One pass over the text: a substituted value is never searched for placeholders again.
  let text = JSON.stringify(spec);
  if (values.size > 0) {
    const pattern = new RegExp([...values.keys()].map(escapeRegExp).join('|'), 'g');
    text = text.replace(pattern, (placeholder) => values.get(placeholder) ?? placeholder);
  }
  let rendered: Json;
  try {
    rendered = JSON.parse(text) as Json;
  } catch (error) {
    throw new ScribaError('internal', `the rendered trial template does not decode: ${(error as Error).message}`);
  }
  const metadata = isObject(rendered.metadata) ? rendered.metadata : {};
  rendered.metadata = { ...metadata, name: trial.name, namespace };
  return rendered;
}

/** Placeholder text (as it appears in the JSON) to its JSON-escaped value. */
function placeholderValues(
  spec: Json,
  parameters: readonly { name: string; reference: string }[],
  trial: TrialIdentity,
  namespace: string,
): Map<string, string> {
  const assigned = new Map(trial.parameterAssignments.map((a) => [a.name, a.value]));
  const values = new Map<string, string>();
  let nonMeta = 0;
  for (const parameter of parameters) {
    let value: string;
    if (META_REFERENCE.test(parameter.reference)) {
      value = metaValue(spec, parameter.reference, trial.name, namespace);
    } else {
      const found = assigned.get(parameter.reference);
      if (found === undefined) {
        throw new ScribaError(
          'invalid-argument',
          `trial parameter ${parameter.name}: the trial has no assignment for "${parameter.reference}" (assigned: ${[...assigned.keys()].join(', ') || 'none'})`,
        );
      }
      value = found;
      nonMeta++;
    }
    values.set(jsonEscape(`\${trialParameters.${parameter.name}}`), jsonEscape(value));
  }
  // §7: the assignments must match the non-meta trial parameters one to one.
  if (trial.parameterAssignments.length !== nonMeta) {
    throw new ScribaError(
      'invalid-argument',
      `the trial has ${trial.parameterAssignments.length} parameter assignments but the trial template has ${nonMeta} trial parameters referencing parameters`,
    );
  }
  return values;
}

/** `${trialSpec.Name}` and the other meta keys of §7, read from the template object. */
function metaValue(spec: Json, reference: string, name: string, namespace: string): string {
  const key = (META_REFERENCE.exec(reference) as RegExpExecArray)[1] as string;
  if (key === 'Name') return name;
  if (key === 'Namespace') return namespace;
  if (key === 'Kind') return typeof spec.kind === 'string' ? spec.kind : '';
  if (key === 'APIVersion') return typeof spec.apiVersion === 'string' ? spec.apiVersion : '';
  const indexed = META_INDEXED.exec(key);
  if (!indexed) {
    throw new ScribaError(
      'invalid-argument',
      `illegal reference of trial metadata: ${reference}; expected Name, Namespace, Kind, APIVersion, Labels[key] or Annotations[key]`,
    );
  }
  const field = indexed[1] === 'Labels' ? 'labels' : 'annotations';
  const entryKey = indexed[2] as string;
  const metadata = isObject(spec.metadata) ? spec.metadata : {};
  const entries = isObject(metadata[field]) ? metadata[field] : {};
  const value = Object.hasOwn(entries, entryKey) ? entries[entryKey] : undefined;
  if (value === undefined) {
    throw new ScribaError(
      'invalid-argument',
      `illegal reference of trial metadata: ${reference}; trialSpec.metadata.${field} has no key "${entryKey}"`,
    );
  }
  return String(value);
}

/** A string's form inside a JSON string literal, without the quotes. */
function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parts of a Kubernetes container a local run uses. */
export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  workingDir?: string;
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
}

/** A container env entry; `valueFrom` (secrets, fields) has no meaning for a local run. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/** Replica maps of the Kubeflow training-operator kinds, and the replica types preferred as primary. */
const REPLICA_SPECS: Readonly<Record<string, string>> = {
  PyTorchJob: 'pytorchReplicaSpecs',
  TFJob: 'tfReplicaSpecs',
  XGBoostJob: 'xgbReplicaSpecs',
  MPIJob: 'mpiReplicaSpecs',
};
const PRIMARY_REPLICAS = ['Master', 'Chief', 'Launcher'];
const KINDS = ['Job', ...Object.keys(REPLICA_SPECS), 'TrainJob'];

/**
 * The container named `primaryContainerName` in a rendered trial (the kinds Katib watches,
 * §7): Job `spec.template.spec.containers`; PyTorchJob, TFJob, XGBoostJob and MPIJob
 * replica templates, Master/Chief/Launcher first; TrainJob `spec.trainer`, whose container
 * the runtime names (e.g. `node`).
 */
export function primaryContainer(rendered: Json, primaryContainerName: string | undefined): Container {
  const kind = String(rendered.kind ?? '');
  const spec = isObject(rendered.spec) ? rendered.spec : {};
  const name = primaryContainerName ?? '';
  if (kind === 'TrainJob') {
    const trainer = spec.trainer;
    if (!isObject(trainer)) {
      throw new ScribaError('invalid-argument', 'TrainJob: spec.trainer is missing; a local run needs its image and command');
    }
    const { resourcesPerNode, ...rest } = trainer;
    return toContainer({ ...rest, name, resources: resourcesPerNode }, 'spec.trainer');
  }
  const places: Array<[string, unknown]> = [];
  if (kind === 'Job') {
    places.push(['spec.template.spec.containers', podContainers(spec.template)]);
  } else if (REPLICA_SPECS[kind]) {
    const field = REPLICA_SPECS[kind] as string;
    const replicas = isObject(spec[field]) ? spec[field] : {};
    const types = [...PRIMARY_REPLICAS.filter((t) => t in replicas), ...Object.keys(replicas).filter((t) => !PRIMARY_REPLICAS.includes(t))];
    for (const type of types) {
      const replica = replicas[type];
      places.push([`spec.${field}.${type}.template.spec.containers`, isObject(replica) ? podContainers(replica.template) : undefined]);
    }
    if (types.length === 0) places.push([`spec.${field}`, undefined]);
  } else {
    throw new ScribaError(
      'invalid-argument',
      `cannot find the primary container of a trial of kind "${kind}": local runs support ${KINDS.join(', ')}`,
    );
  }
  const seen: string[] = [];
  for (const [path, containers] of places) {
    if (!Array.isArray(containers)) continue;
    for (const [i, c] of containers.entries()) {
      if (!isObject(c)) continue;
      if (c.name === name) return toContainer(c, `${path}[${i}]`);
      seen.push(String(c.name));
    }
  }
  const where = places.map(([p]) => p).join(', ');
  const found = seen.length > 0 ? seen.map((s) => `"${s}"`).join(', ') : 'no containers';
  throw new ScribaError('invalid-argument', `${kind}: no container named "${name}" (spec.trialTemplate.primaryContainerName) in ${where}; found ${found}`, [
    { path: 'spec.trialTemplate.primaryContainerName', message: `${kind}: no container named "${name}" in ${where}; found ${found}` },
  ]);
}

/** Whether `primaryContainer` knows where a kind keeps its containers. */
export function knowsContainersOf(kind: unknown): boolean {
  return typeof kind === 'string' && KINDS.includes(kind);
}

/** The GPUs a container asks for: its `nvidia.com/gpu` limit (else request), 0 when absent. */
export function gpuRequest(container: Pick<Container, 'resources'> & { resourcesPerNode?: unknown }): number {
  const resources = container.resources ?? (isObject(container.resourcesPerNode) ? container.resourcesPerNode : undefined);
  const limits = isObject(resources?.limits) ? resources.limits : {};
  const requests = isObject(resources?.requests) ? resources.requests : {};
  const value = limits['nvidia.com/gpu'] ?? requests['nvidia.com/gpu'];
  if (value === undefined || value === null || value === '') return 0;
  const text = String(value).trim();
  if (!/^\d+$/.test(text)) {
    throw new ScribaError('invalid-argument', `resources.limits["nvidia.com/gpu"]: expected a whole number of GPUs, got ${JSON.stringify(value)}`);
  }
  return Number(text);
}

function podContainers(template: unknown): unknown {
  if (!isObject(template) || !isObject(template.spec)) return undefined;
  return template.spec.containers;
}

/** Checks the fields a local run reads; Kubernetes would reject the same mistakes. */
function toContainer(c: Json, path: string): Container {
  for (const field of ['command', 'args'] as const) {
    const list = c[field];
    if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))) {
      throw new ScribaError('invalid-argument', `${path}.${field}: expected a list of strings, got ${JSON.stringify(list)}`);
    }
  }
  if (c.env !== undefined && (!Array.isArray(c.env) || c.env.some((e) => !isObject(e) || typeof e.name !== 'string'))) {
    throw new ScribaError('invalid-argument', `${path}.env: expected a list of { name, value } entries`);
  }
  if (c.workingDir !== undefined && typeof c.workingDir !== 'string') {
    throw new ScribaError('invalid-argument', `${path}.workingDir: expected a string`);
  }
  return c as unknown as Container;
}
