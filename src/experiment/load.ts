import { parseDocument } from 'yaml';
import { algorithmNames, getAlgorithm, KATIB_ALGORITHM_NAMES, unknownAlgorithmMessage } from '../../algorithms/registry.js';
import { shellSubstitutionWarnings } from '../../trials/shell-substitution.js';
import { checkTemplateContainer } from '../../trials/template-check.js';
import { applyDefaults } from './defaults.js';
import { formatLimit, MAX_EXPERIMENT_BYTES } from './limits.js';
import { parseExperimentObject } from './parse.js';
import type { Experiment, ValidationIssue } from './types.js';
import { validateExperiment } from './validate.js';

/** Where YAML syntax errors are reported; the message starts with `line L, column C:`. */
export const YAML_PATH = '(yaml)';

/**
 * Reads an Experiment written in YAML or JSON, the way Katib admits one: shape check,
 * mutating defaults (§2.2), validating webhook (§2.3), then the algorithm's own
 * ValidateAlgorithmSettings (§4), which Katib runs later in the suggestion service, and
 * the primary container of a rendered trial (§7), which Katib finds only at a trial's pod.
 * Every issue is returned at once; the experiment returned is the defaulted one, and
 * `undefined` only when the text is not YAML. Warnings do not make it invalid.
 *
 * @example
 * const { experiment, issues } = loadExperiment(readFileSync('random.yaml', 'utf8'));
 * if (issues.length > 0) throw ScribaError.fromIssues(issues);
 */
export function loadExperiment(text: string): LoadedExperiment {
  const tooLarge = sizeIssue(Buffer.byteLength(text));
  if (tooLarge) return { experiment: undefined, issues: [tooLarge], warnings: [] };
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return { experiment: undefined, issues: doc.errors.map((error) => ({ path: YAML_PATH, message: yamlMessage(error) })), warnings: [] };
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // e.g. an alias bomb beyond the yaml package's maxAliasCount
    return { experiment: undefined, issues: [{ path: YAML_PATH, message: (error as Error).message }], warnings: [] };
  }

  const parsed = parseExperimentObject(raw);
  const experiment = applyDefaults(parsed.experiment);
  const later = validateExperiment(experiment);
  later.push(...algorithmIssues(experiment, [...parsed.issues, ...later]));
  later.push(...templateIssues(experiment, [...parsed.issues, ...later]));
  const shadowed = shadowing(parsed.issues);
  return { experiment, issues: [...parsed.issues, ...later.filter((i) => !shadowed(i.path))], warnings: shellSubstitutionWarnings(experiment) };
}

export interface LoadedExperiment {
  /** The defaulted experiment; `undefined` only when the text is not YAML (or is too large to read). */
  experiment: Experiment | undefined;
  issues: ValidationIssue[];
  /** What is valid but probably not meant, such as a categorical value pasted into a shell script (shellSubstitutionWarnings). */
  warnings: ValidationIssue[];
}

/** The issue of an experiment of `bytes` bytes, beyond MAX_EXPERIMENT_BYTES; checked before a file is read or text is parsed. */
export function sizeIssue(bytes: number, unknownTotal = false): ValidationIssue | undefined {
  if (bytes <= MAX_EXPERIMENT_BYTES) return undefined;
  const size = unknownTotal ? `more than ${formatLimit(MAX_EXPERIMENT_BYTES)}` : formatLimit(bytes);
  return { path: YAML_PATH, message: `the experiment is ${size} bytes, beyond the limit of ${formatLimit(MAX_EXPERIMENT_BYTES, 'bytes')}` };
}

/**
 * A field dropped for its type would be reported again as missing: the shape issue
 * speaks for it and everything under it. A dropped list item shifts the items after
 * it, so it speaks for the whole list.
 */
function shadowing(shapeIssues: readonly ValidationIssue[]): (path: string) => boolean {
  const prefixes = shapeIssues.flatMap(({ path }) => {
    const item = /^(.*)\[\d+\]$/.exec(path);
    return item ? [`${item[1]}[`] : [`${path}.`, `${path}[`];
  });
  const exact = new Set(shapeIssues.map((i) => i.path));
  return (path) => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix));
}

/** The registered plugin's settings check, or the "not implemented yet" issue for a Katib name. */
function algorithmIssues(experiment: Experiment, issues: readonly ValidationIssue[]): ValidationIssue[] {
  const name = experiment.spec.algorithm?.algorithmName;
  if (!name) return [];
  if (algorithmNames().includes(name)) {
    // Settings checks look at the space too; on a broken space they would only add noise.
    if (issues.some((i) => i.path.startsWith('spec.parameters'))) return [];
    try {
      return getAlgorithm(name).validateSettings({ name: experiment.metadata.name, spec: experiment.spec });
    } catch (error) {
      return [{ path: 'spec.algorithm', message: `algorithm ${name} failed to validate the experiment: ${(error as Error).message}` }];
    }
  }
  if (KATIB_ALGORITHM_NAMES.includes(name)) return [{ path: 'spec.algorithm.algorithmName', message: unknownAlgorithmMessage(name) }];
  return []; // an unknown name, already reported by validateExperiment
}

/**
 * The primary container of a rendered trial (what `scriba run` would otherwise be first
 * to find), once the template and the parameters it renders with are sound.
 */
function templateIssues(experiment: Experiment, issues: readonly ValidationIssue[]): ValidationIssue[] {
  if (issues.some((i) => i.path.startsWith('spec.trialTemplate') || i.path.startsWith('spec.parameters'))) return [];
  return checkTemplateContainer(experiment);
}

/** `line L, column C: <what>` from a yaml package error, without its source excerpt. */
function yamlMessage(error: { message: string; linePos?: readonly { line: number; col: number }[] }): string {
  const what = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const pos = error.linePos?.[0];
  return pos ? `line ${pos.line}, column ${pos.col}: ${what}` : what;
}
