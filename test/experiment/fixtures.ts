import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadExperiment } from '../../src/experiment/index.js';
import type { Experiment } from '../../src/experiment/index.js';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Names of the example experiments under fixtures/. */
export function fixtureNames(): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
}

export function fixtureText(name: string): string {
  return readFileSync(`${dir}${name}`, 'utf8');
}

/** A fixture loaded and defaulted; throws if the text is not YAML. */
export function loadFixture(name: string): Experiment {
  const { experiment } = loadExperiment(fixtureText(name));
  if (!experiment) throw new Error(`fixture ${name} does not parse`);
  return experiment;
}
