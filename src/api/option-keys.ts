import type { ValidationIssue } from '../experiment/types.js';

/** Names other libraries use for an option (normalized as by `normalize`), and Scriba's name for it. */
const ALIASES: Readonly<Record<string, string>> = {
  ntrial: 'maxTrialCount', // Optuna's n_trials
  budget: 'maxTrialCount',
  direction: 'objectiveType',
  sampler: 'algorithm',
  algorithmname: 'algorithm',
  metric: 'objectiveMetricName',
  objectivemetric: 'objectiveMetricName',
  njob: 'parallelTrialCount', // Optuna's n_jobs
  parallel: 'parallelTrialCount',
  randomstate: 'seed',
  storage: 'store',
};

/**
 * An issue for every key of `options` that is not in `known`: JavaScript callers get no
 * type check, and a misspelt option must not be ignored silently.
 */
export function unknownKeyIssues(
  options: object,
  known: readonly string[],
  explained: Readonly<Record<string, string>> = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const why = explained[key];
    if (why) {
      issues.push({ path: key, message: why });
      continue;
    }
    const guess = closestKey(key, known);
    issues.push({ path: key, message: `unknown option${guess ? `; did you mean ${guess}?` : `; known options: ${known.join(', ')}`}` });
  }
  return issues;
}

/** The known key a misspelt one most likely meant, if any is close enough. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const norm = normalize(key);
  const alias = ALIASES[norm];
  if (alias && known.includes(alias)) return alias;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const c = normalize(candidate);
    // Same words in another case or separator style, or a shortened form (maxTrials).
    const related = c === norm || (norm.length >= 4 && (c.startsWith(norm) || norm.startsWith(c)));
    // A related key ranks by how much it differs in length, ahead of any misspelling.
    const distance = related ? Math.abs(c.length - norm.length) / 100 : editDistance(norm, c);
    const limit = Math.max(2, Math.floor(c.length / 4));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** Lower case, no separators, no plural `s`: `max_trials` and `maxTrial` read alike. */
function normalize(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/s$/, '');
}

/** Levenshtein distance (insertions, deletions and substitutions each cost 1). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] as number;
}
