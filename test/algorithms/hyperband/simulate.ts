import { createHyperband } from '../../../algorithms/hyperband/index.js';
import type { AlgorithmExperiment, SuggestionReply } from '../../../algorithms/types.js';
import type { AlgorithmSetting, ParameterSpec } from '../../../src/experiment/types.js';
import { createRng } from '../../../src/rng.js';
import type { TrialConditionType, TrialRecord } from '../../../src/trial/types.js';

export const SPACE: ParameterSpec[] = [
  { name: 'x', parameterType: 'double', feasibleSpace: { min: '-5', max: '5' } },
  { name: 'layers', parameterType: 'int', feasibleSpace: { min: '1', max: '4' } },
  { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam'] } },
  { name: 'epochs', parameterType: 'int', feasibleSpace: { min: '1', max: '81' } },
];

export function hyperbandExperiment(settings: AlgorithmSetting[], o: { parameters?: ParameterSpec[]; maximize?: boolean; parallel?: number } = {}): AlgorithmExperiment {
  return {
    name: 'hyperband-test',
    spec: {
      parameters: o.parameters ?? SPACE,
      objective: { type: o.maximize ? 'maximize' : 'minimize', objectiveMetricName: 'loss' },
      algorithm: { algorithmName: 'hyperband', algorithmSettings: settings },
      parallelTrialCount: o.parallel ?? 3,
    },
  };
}

/** Katib's controller overlay: the reply's settings replace those of the same name, new ones are appended. */
export function overlay(experiment: AlgorithmExperiment, update: readonly AlgorithmSetting[] | undefined): AlgorithmExperiment {
  const settings = [...(experiment.spec.algorithm?.algorithmSettings ?? [])];
  for (const s of update ?? []) {
    const at = settings.findIndex((x) => x.name === s.name);
    if (at >= 0) settings[at] = { ...s };
    else settings.push({ ...s });
  }
  return { ...experiment, spec: { ...experiment.spec, algorithm: { algorithmName: 'hyperband', algorithmSettings: settings } } };
}

export interface Outcome {
  condition: TrialConditionType;
  loss?: number;
}

export interface SimulationOptions {
  parallel: number;
  seed?: number;
  /** The result of a trial (default: Succeeded with loss (x-1)² + 1/epochs). */
  outcome?: (trial: TrialRecord) => Outcome;
  /** How many running trials end before each request (default: one, at random; `all` ends every one). */
  finish?: 'one' | 'all';
  maxSteps?: number;
  /** Overlay the reply's settings on the next request (default true); without, only labels carry the state. */
  overlay?: boolean;
}

export interface Simulation {
  trials: TrialRecord[];
  replies: Array<{ count: number; reply: SuggestionReply }>;
  experiment: AlgorithmExperiment;
}

export function lossOf(trial: TrialRecord): number {
  const value = (name: string) => trial.parameterAssignments.find((a) => a.name === name)?.value ?? '';
  return (Number(value('x')) - 1) ** 2 + 0.1 * Number(value('layers')) + (value('optimizer') === 'adam' ? 0 : 0.3) + 1 / Number(value('epochs'));
}

/**
 * An experiment loop as the plugin contract describes it: keep `parallel` trials running,
 * ask a fresh plugin instance for the difference with every trial so far, overlay the
 * settings it returns, create trials with its labels, end trials one at a time (or all).
 */
export async function simulate(base: AlgorithmExperiment, o: SimulationOptions): Promise<Simulation> {
  const rng = createRng(o.seed ?? 1, 'hyperband-simulation');
  const outcome = o.outcome ?? ((t) => ({ condition: 'Succeeded', loss: lossOf(t) }));
  const trials: TrialRecord[] = [];
  const replies: Simulation['replies'] = [];
  let experiment = base;
  for (let step = 0; step < (o.maxSteps ?? 5000); step++) {
    const running = trials.filter((t) => t.condition === 'Running');
    const count = o.parallel - running.length;
    if (count > 0) {
      const reply = await createHyperband().getSuggestions({ experiment, trials: trials.map((t) => structuredClone(t)), count, seed: o.seed ?? 1 });
      replies.push({ count, reply });
      if (o.overlay !== false) experiment = overlay(experiment, reply.settingsUpdate);
      reply.assignments.forEach((assignments, i) => {
        const labels = reply.labels?.[i];
        trials.push({ name: `t${trials.length}`, parameterAssignments: assignments, condition: 'Running', conditions: [], creationTime: String(trials.length), ...(labels ? { labels } : {}) });
      });
      if (reply.exhausted) {
        if (running.length > 0 || reply.assignments.length > 0) throw new Error('exhausted while trials still run');
        return { trials, replies, experiment };
      }
    }
    const active = trials.filter((t) => t.condition === 'Running');
    if (active.length === 0) throw new Error(`step ${step}: nothing runs and the reply was not exhausted`);
    const ending = o.finish === 'all' ? active : [active[rng.int(active.length)]!];
    for (const t of ending) {
      const result = outcome(t);
      t.condition = result.condition;
      if (result.loss !== undefined) t.observation = { metrics: [{ name: 'loss', min: String(result.loss), max: String(result.loss), latest: String(result.loss) }] };
    }
  }
  throw new Error('the simulation did not end');
}
