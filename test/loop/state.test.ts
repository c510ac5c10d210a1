import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  addTrial,
  appendLogs,
  bestTrial,
  counts,
  createState,
  finishTrial,
  requeueTrial,
  startTrial,
} from '../../src/loop/state.js';
import { countTrials, findBestTrial } from '../../src/loop/status.js';
import { isCompleted } from '../../src/trial/types.js';
import { makeExperiment, metric } from '../support/experiment.js';

// The state keeps counts and the best trial incrementally; they must always equal a full
// recount and Katib's in-order scan, ties included.
const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const) }),
  fc.record({ kind: fc.constant('start' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), value: fc.constantFrom(1, 2, 3, 'NaN', 'none'), fail: fc.boolean() }),
  fc.record({ kind: fc.constant('requeue' as const), pick: fc.nat() }),
);

test.each(['minimize', 'maximize'] as const)('incremental counts and best trial match a full scan (%s)', (type) => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const state = createState(makeExperiment({ objective: { type, objectiveMetricName: 'loss' } }), 1);
      for (const o of ops) {
        const open = state.trials.filter((t) => !isCompleted(t.condition));
        if (o.kind === 'add') addTrial(state, [{ name: 'x', value: '0.5' }, { name: 'k', value: '1' }]);
        else if (open.length > 0) {
          const t = open[o.pick % open.length]!;
          if (o.kind === 'start') startTrial(state, t.name);
          else if (o.kind === 'requeue') requeueTrial(state, t.name, 'again');
          else {
            if (o.value !== 'none') appendLogs(state, t.name, [metric('loss', o.value)]);
            finishTrial(state, t.name, o.fail ? { status: 'failed', message: 'x' } : { status: 'completed' });
          }
        }
        expect(counts(state)).toEqual(countTrials(state.trials));
        expect(bestTrial(state)?.name).toBe(findBestTrial(state.trials, state.experiment.spec.objective!)?.name);
      }
    }),
    { numRuns: 300 },
  );
});
