import { describe, expect, test } from 'vitest';
import { failureCauses, failureKey, formatFailureCause } from '../../src/loop/failures.js';
import type { TrialConditionType, TrialRecord } from '../../src/trial/types.js';

function trial(name: string, condition: TrialConditionType, message: string): TrialRecord {
  return {
    name,
    parameterAssignments: [],
    condition,
    conditions: [
      { type: 'Running', status: 'False', reason: 'TrialRunning', message: 'Trial is running', lastTransitionTime: '' },
      { type: condition, status: 'True', reason: 'TrialFailed', message, lastTransitionTime: '' },
    ],
    creationTime: '',
  };
}

// What the process runner records for the Katib MNIST example run on a host without /opt.
const missingScript = (n: number) =>
  `exit code 2; last output:\nepoch ${n} starting\npython3: can't open file '/opt/pytorch-mnist/mnist.py': [Errno 2] No such file or directory`;

describe('failureKey', () => {
  test.each([
    [missingScript(1), "exit code 2: python3: can't open file '/opt/pytorch-mnist/mnist.py': [Errno 2] No such file or directory"],
    ['exit code 1', 'exit code 1'],
    ['timed out after 10 s', 'timed out after 10 s'],
    ['killed by SIGKILL; last output:\n  \nout of memory  \n\n', 'killed by SIGKILL: out of memory'],
    ['Metrics are not available: the objective metric loss was never reported', 'Metrics are not available: the objective metric loss was never reported'],
  ])('%j -> %j', (message, key) => {
    expect(failureKey(message)).toBe(key);
  });

  test('a very long last line is cut to 300 characters', () => {
    const key = failureKey(`exit code 1; last output:\n${'x'.repeat(1000)}`);
    expect(key).toHaveLength(300);
    expect(key.endsWith('…')).toBe(true);
  });
});

describe('failureCauses', () => {
  test('groups identical causes whatever the earlier output, most frequent first, ties in order of appearance', () => {
    const trials = [
      trial('a', 'Succeeded', 'Trial has succeeded'),
      trial('b', 'Failed', 'timed out after 5 s'),
      ...[1, 2, 3, 4, 5].map((n) => trial(`m${n}`, 'Failed', missingScript(n))),
      trial('c', 'MetricsUnavailable', 'Metrics are not available: the objective metric loss was never reported'),
      trial('d', 'EarlyStopped', 'Trial is early stopped'),
      trial('e', 'Failed', 'timed out after 5 s'),
      trial('f', 'Failed', 'exit code 3'),
    ];
    expect(failureCauses(trials)).toEqual([
      { message: "exit code 2: python3: can't open file '/opt/pytorch-mnist/mnist.py': [Errno 2] No such file or directory", count: 5 },
      { message: 'timed out after 5 s', count: 2 },
      { message: 'Metrics are not available: the objective metric loss was never reported', count: 1 },
    ]);
    expect(failureCauses(trials, 10).map((c) => c.message).at(-1)).toBe('exit code 3');
  });

  test('no failed trial, no cause', () => {
    expect(failureCauses([trial('a', 'Succeeded', 'Trial has succeeded'), trial('b', 'Killed', 'killed')])).toEqual([]);
  });

  test('formats with the count and the right plural', () => {
    expect(formatFailureCause({ message: 'exit code 2', count: 5 })).toBe('5 trials failed: exit code 2');
    expect(formatFailureCause({ message: 'exit code 2', count: 1 })).toBe('1 trial failed: exit code 2');
  });
});
