import type { TrialRecord } from '../src/trial/types.js';
import type { ValidationIssue } from '../src/experiment/types.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './proto.js';
import { MAX_LIST_VALUES, MAX_PARAMETERS } from '../src/experiment/limits.js';
import { listLimitMessage, parameterLimitMessage } from '../src/search-space/check.js';
import type { Maybe, WireAlgorithmSpec, WireExperiment, WireParameterSpec } from './wire.js';

/**
 * What one request to the gRPC services may ask, all in one place. A request past any
 * bound is answered INVALID_ARGUMENT naming the field and the bound, before any
 * algorithm runs; Katib's own requests stay far below each (its webhook allows what a
 * Kubernetes object holds, and its controller sends at most parallelTrialCount
 * assignments per call). README "gRPC services" and docs/katib-differences.md list them.
 */
export const LIMITS = {
  /** Bytes of one received or sent message (grpc-js maxReceiveMessageLength / maxSendMessageLength). */
  messageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  /** Characters of a name: experiment, parameter, algorithm, setting, metric, trial, health service. */
  nameChars: 253,
  /** Parameters of an experiment (feasible spaces the algorithm works over). */
  parameters: MAX_PARAMETERS,
  /** Entries of one feasible space's list (discrete and categorical parameters). */
  feasibleListEntries: MAX_LIST_VALUES,
  /** Characters of min, max, step and of each list entry. */
  feasibleValueChars: 1_000,
  /** Algorithm (or early-stopping) settings of one experiment. */
  settings: 100,
  /** Characters of one setting's value. */
  settingValueChars: 64 * 1024,
  /** Additional metric names of the objective. */
  metricNames: 100,
  /** Trials sent in one GetSuggestions or GetEarlyStoppingRules request. */
  trials: 100_000,
  /** current_request_number: assignments asked for in one call. */
  requestNumber: 10_000,
  /** total_request_number: assignments asked for over the experiment so far. */
  totalRequestNumber: 10_000_000,
} as const;

/** Characters of echoed input kept in an error message. */
export const ECHO_CHARS = 100;
/** Items of an echoed list kept in an error message. */
export const ECHO_ITEMS = 5;
/** Characters of one issue in an error's details, and of the whole details. */
export const ISSUE_CHARS = 500;
export const DETAILS_CHARS = 4_000;

/**
 * Input echoed in an error message, cut to `max` characters: `abc… (1048576 characters)`.
 * Every message that quotes a caller's string goes through this (or `echoList`), so that
 * a reply's details stay small whatever was sent.
 */
export function echo(text: string, max = ECHO_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}

/** The first `max` items, each echoed, then `and N more`: `a, b, c, d, e and 9995 more`. */
export function echoList(items: readonly string[], max = ECHO_ITEMS, each = ECHO_CHARS): string {
  const shown = items.slice(0, max).map((s) => echo(s, each));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** Issues listed in an error: the first ones, each cut, then how many more there were. */
export function boundIssues(lines: readonly string[]): string {
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    const cut = echo(line, ISSUE_CHARS);
    if (kept.length >= ECHO_ITEMS * 4 || size + cut.length > DETAILS_CHARS) break;
    kept.push(cut);
    size += cut.length + 2;
  }
  const rest = lines.length - kept.length;
  return rest > 0 ? `${kept.join('; ')}; and ${rest} more` : kept.join('; ');
}

/** Issues of an experiment past the limits (empty when within them); stops at the first few. */
export function experimentLimitIssues(wire: Maybe<WireExperiment>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!wire) return issues;
  name(issues, 'experiment.name', wire.name);
  const spec = wire.spec;
  if (!spec) return issues;
  const parameters = spec.parameterSpecs?.parameters ?? [];
  // the same limit and words as an Experiment file's (src/search-space/check.ts)
  if (parameters.length > LIMITS.parameters) issues.push({ path: 'spec.parameters', message: parameterLimitMessage(parameters.length) });
  parameters.slice(0, LIMITS.parameters).forEach((p, i) => parameterIssues(issues, `spec.parameters[${i}]`, p));
  const operations = spec.nasConfig?.operations?.operation ?? [];
  count(issues, 'spec.nasConfig.operations', operations.length, LIMITS.parameters, 'operations');
  let nasParameters = 0;
  operations.slice(0, LIMITS.parameters).forEach((o, i) => {
    name(issues, `spec.nasConfig.operations[${i}].operationType`, o.operationType);
    const ps = o.parameterSpecs?.parameters ?? [];
    nasParameters += ps.length;
    ps.slice(0, LIMITS.parameters).forEach((p, j) => parameterIssues(issues, `spec.nasConfig.operations[${i}].parameters[${j}]`, p));
  });
  count(issues, 'spec.nasConfig.operations[*].parameters', nasParameters, LIMITS.parameters, 'parameters in all');
  const layers = spec.nasConfig?.graphConfig;
  if (layers) {
    count(issues, 'spec.nasConfig.graphConfig.inputSizes', layers.inputSizes?.length ?? 0, LIMITS.parameters, 'entries');
    count(issues, 'spec.nasConfig.graphConfig.outputSizes', layers.outputSizes?.length ?? 0, LIMITS.parameters, 'entries');
  }
  const objective = spec.objective;
  if (objective) {
    name(issues, 'spec.objective.objectiveMetricName', objective.objectiveMetricName);
    const metrics = objective.additionalMetricNames ?? [];
    count(issues, 'spec.objective.additionalMetricNames', metrics.length, LIMITS.metricNames, 'names');
    metrics.slice(0, LIMITS.metricNames).forEach((m, i) => name(issues, `spec.objective.additionalMetricNames[${i}]`, m));
  }
  algorithmIssues(issues, 'spec.algorithm', spec.algorithm);
  algorithmIssues(issues, 'spec.earlyStopping', spec.earlyStopping);
  return issues.slice(0, ECHO_ITEMS);
}

/** Issues of the trials of a request past the limits. */
export function trialLimitIssues(trials: readonly TrialRecord[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  count(issues, 'trials', trials.length, LIMITS.trials, 'trials');
  for (let i = 0; i < trials.length && issues.length < ECHO_ITEMS; i++) {
    const t = trials[i];
    if (!t) continue;
    name(issues, `trials[${i}].name`, t.name);
    count(issues, `trials[${i}].parameterAssignments`, t.parameterAssignments.length, LIMITS.parameters, 'assignments');
  }
  return issues.slice(0, ECHO_ITEMS);
}

/** Issues of current_request_number and total_request_number past the limits. */
export function requestNumberIssues(current: number, total: number): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!Number.isInteger(current) || current < 0 || current > LIMITS.requestNumber) {
    issues.push({ path: 'current_request_number', message: `expected an integer from 0 to ${LIMITS.requestNumber}, got ${current}` });
  }
  if (!Number.isInteger(total) || total < 0 || total > LIMITS.totalRequestNumber) {
    issues.push({ path: 'total_request_number', message: `expected an integer from 0 to ${LIMITS.totalRequestNumber}, got ${total}` });
  }
  return issues;
}

/** A name past the limit: `path: is 1048576 characters long; the limit is 253`. */
export function nameIssue(path: string, value: Maybe<string>): ValidationIssue | undefined {
  const length = value?.length ?? 0;
  if (length <= LIMITS.nameChars) return undefined;
  return { path, message: `is ${length} characters long; the limit is ${LIMITS.nameChars} (starts ${JSON.stringify(echo(value ?? '', 40))})` };
}

function name(issues: ValidationIssue[], path: string, value: Maybe<string>): void {
  const issue = nameIssue(path, value);
  if (issue) issues.push(issue);
}

function count(issues: ValidationIssue[], path: string, n: number, max: number, what: string): void {
  if (n > max) issues.push({ path, message: `has ${n} ${what}; the limit is ${max}` });
}

function chars(issues: ValidationIssue[], path: string, value: Maybe<string>, max: number): void {
  const length = value?.length ?? 0;
  if (length > max) issues.push({ path, message: `is ${length} characters long; the limit is ${max}` });
}

function parameterIssues(issues: ValidationIssue[], path: string, p: WireParameterSpec): void {
  if (issues.length >= ECHO_ITEMS) return;
  name(issues, `${path}.name`, p.name);
  const space = p.feasibleSpace;
  if (!space) return;
  chars(issues, `${path}.feasibleSpace.min`, space.min, LIMITS.feasibleValueChars);
  chars(issues, `${path}.feasibleSpace.max`, space.max, LIMITS.feasibleValueChars);
  chars(issues, `${path}.feasibleSpace.step`, space.step, LIMITS.feasibleValueChars);
  const list = space.list ?? [];
  if (list.length > LIMITS.feasibleListEntries) issues.push({ path: `${path}.feasibleSpace.list`, message: listLimitMessage(list.length) });
  for (let i = 0; i < Math.min(list.length, LIMITS.feasibleListEntries) && issues.length < ECHO_ITEMS; i++) {
    chars(issues, `${path}.feasibleSpace.list[${i}]`, list[i], LIMITS.feasibleValueChars);
  }
}

function algorithmIssues(issues: ValidationIssue[], path: string, spec: Maybe<WireAlgorithmSpec>): void {
  if (!spec) return;
  name(issues, `${path}.algorithmName`, spec.algorithmName);
  const settings = spec.algorithmSettings ?? [];
  count(issues, `${path}.algorithmSettings`, settings.length, LIMITS.settings, 'settings');
  settings.slice(0, LIMITS.settings).forEach((s, i) => {
    name(issues, `${path}.algorithmSettings[${i}].name`, s.name);
    chars(issues, `${path}.algorithmSettings[${i}].value`, s.value, LIMITS.settingValueChars);
  });
}
