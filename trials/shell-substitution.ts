import type { Experiment, ValidationIssue } from '../src/experiment/types.js';

/** Programs that run their `-c` argument as a shell script. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox']);

/**
 * Characters a POSIX shell takes as they are (the set Python's shlex.quote leaves
 * unquoted); any other (space, quote, `$`, `;`, backquote, `|`, `&`, `<`, `*`, ...) may
 * split, expand or run something.
 */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]*$/;

const PLACEHOLDER = /\$\{trialParameters\.(.+?)\}/g;
const PATH = 'spec.trialTemplate.trialSpec';

/**
 * Warnings for trial parameters that Katib's substitution pastes, as they are, into a
 * shell's command string (`command: [sh, -c, "... ${trialParameters.x} ..."]`, also bash,
 * `/bin/sh`, `env bash`, `busybox sh`, options such as `-ec` or `-o pipefail` before the
 * script, and the script given in `args`): the shell then interprets the value, so a
 * categorical value `$(rm -rf ~)` runs `rm`. Only list parameters (categorical, and
 * discrete, whose numbers are substituted as written, spaces around them included) are
 * reported, and only when one of their values holds a character outside SHELL_SAFE:
 * Scriba writes the values of double and int parameters as numbers, which the shell
 * takes as they are.
 * One warning per parameter and container, whatever the number of trials.
 *
 * The safe form passes the value as a separate argument, read as "$1":
 * `command: [sh, -c, 'python train.py --lr "$1"', sh, '${trialParameters.lr}']`.
 */
export function shellSubstitutionWarnings(experiment: Experiment): ValidationIssue[] {
  const template = experiment.spec.trialTemplate;
  if (!template?.trialSpec) return [];
  const unsafe = new Map<string, { parameter: string; type: string; value: string }>();
  for (const tp of template.trialParameters ?? []) {
    const p = (experiment.spec.parameters ?? []).find((q) => q.name === tp.reference);
    // A discrete value is a number, but written as it is, so it may carry spaces around it.
    if (p?.parameterType !== 'categorical' && p?.parameterType !== 'discrete') continue;
    const value = (p.feasibleSpace?.list ?? []).find((v) => typeof v === 'string' && !SHELL_SAFE.test(v));
    if (value !== undefined) unsafe.set(tp.name, { parameter: p.name, type: p.parameterType, value });
  }
  if (unsafe.size === 0) return [];
  const warnings: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const container of containersOf(template.trialSpec)) {
    const script = shellScript(container.argv);
    if (script === undefined) continue;
    for (const match of script.text.matchAll(PLACEHOLDER)) {
      const found = unsafe.get(match[1] as string);
      const key = `${container.name}\u0000${match[1]}`;
      if (!found || seen.has(key)) continue;
      seen.add(key);
      warnings.push({
        path: PATH,
        message:
          `${found.type} parameter "${found.parameter}" is substituted as it is into the shell command string of container "${container.name}" (${script.shell} -c), ` +
          `and its value ${JSON.stringify(found.value)} holds characters the shell interprets; ` +
          `pass it as a separate argument and read it as "$1": [${script.shell}, -c, '... "$1" ...', ${script.shell}, '${match[0]}']`,
      });
    }
  }
  return warnings;
}

interface ContainerArgv {
  name: string;
  argv: string[];
}

/** Every object with a `command` list in the template (containers of any kind, TrainJob's trainer), with its argv. */
function containersOf(spec: unknown): ContainerArgv[] {
  const found: ContainerArgv[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${where}[${i}]`));
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
    const command = strings(o.command);
    // Without a command, args go to the image's entrypoint, which is unknown here.
    if (command) found.push({ name: typeof o.name === 'string' ? o.name : where, argv: [...command, ...(strings(o.args) ?? [])] });
    for (const [key, value] of Object.entries(o)) walk(value, where ? `${where}.${key}` : key);
  };
  walk(spec, '');
  return found;
}

/** The script a shell command line runs with -c, and the shell's name; undefined when it is not one. */
function shellScript(argv: readonly string[]): { shell: string; text: string } | undefined {
  let i = 0;
  let program = basename(argv[i] ?? '');
  if (program === 'env') {
    i++;
    while (i < argv.length && (argv[i]?.startsWith('-') || argv[i]?.includes('='))) i++;
    program = basename(argv[i] ?? '');
  }
  if (program === 'busybox') {
    i++;
    program = basename(argv[i] ?? '');
  }
  if (!SHELLS.has(program) || program === 'busybox') return undefined;
  let c = false;
  for (i++; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!/^[-+]/.test(arg) || arg === '-' || arg === '+') break;
    if (/^[-+][a-zA-Z]*c/.test(arg) && !arg.startsWith('--')) c = true;
    if (arg === '-o' || arg === '+o' || arg === '-O' || arg === '+O') i++; // takes an option name
  }
  const text = argv[i];
  return c && text !== undefined ? { shell: program, text } : undefined;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
