import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { gjsonGet, gjsonMatches, gjsonSyntaxIssue, jobCondition } from '../../trials/job-conditions.js';

// Katib's defaults (section 2.2 of the spec) and the Argo / Tekton examples.
const JOB = {
  success: 'status.conditions.#(type=="Complete")#|#(status=="True")#',
  failure: 'status.conditions.#(type=="Failed")#|#(status=="True")#',
};
const KUBEFLOW = { success: 'status.conditions.#(type=="Succeeded")#|#(status=="True")#', failure: JOB.failure };
const ARGO = { success: 'status.[@this].#(phase == "Succeeded")#', failure: 'status.[@this].#(phase == "Failed")#' };
const TEKTON = {
  success: 'status.conditions.#(type=="Succeeded")#|#(status=="True")#',
  failure: 'status.conditions.#(type=="Succeeded")#|#(status=="False")#',
};

const at = '2025-01-10T12:00:00Z';
const meta = (kind: string, apiVersion: string) => ({
  apiVersion,
  kind,
  metadata: { name: 'random-abc123', namespace: 'kubeflow', labels: { 'katib.kubeflow.org/trial': 'random-abc123' } },
});

function batchJob(conditions?: object[], extra: object = {}) {
  return {
    ...meta('Job', 'batch/v1'),
    spec: { backoffLimit: 0, template: { spec: { containers: [{ name: 'training-container', image: 'pytorch-mnist' }], restartPolicy: 'Never' } } },
    status: { startTime: at, ...extra, ...(conditions ? { conditions } : {}) },
  };
}
const complete = {
  type: 'Complete',
  status: 'True',
  reason: 'CompletionsReached',
  message: 'Reached expected number of succeeded pods',
  lastProbeTime: at,
  lastTransitionTime: at,
};
const successCriteriaMet = { ...complete, type: 'SuccessCriteriaMet' };
const failed = {
  type: 'Failed',
  status: 'True',
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
  lastProbeTime: at,
  lastTransitionTime: at,
};
const failureTarget = { ...failed, type: 'FailureTarget' };

function pytorchJob(last: object) {
  return {
    ...meta('PyTorchJob', 'kubeflow.org/v1'),
    spec: { pytorchReplicaSpecs: { Master: { replicas: 1 }, Worker: { replicas: 2 } } },
    status: {
      startTime: at,
      replicaStatuses: { Master: { succeeded: 1 }, Worker: { succeeded: 2 } },
      conditions: [
        { type: 'Created', status: 'True', reason: 'PyTorchJobCreated', message: 'PyTorchJob random-abc123 is created.', lastUpdateTime: at, lastTransitionTime: at },
        { type: 'Running', status: 'False', reason: 'PyTorchJobRunning', message: 'PyTorchJob random-abc123 is running.', lastUpdateTime: at, lastTransitionTime: at },
        last,
      ],
    },
  };
}

function trainJob(conditions: object[]) {
  return {
    ...meta('TrainJob', 'trainer.kubeflow.org/v1alpha1'),
    spec: { runtimeRef: { name: 'torch-distributed' }, trainer: { numNodes: 2 } },
    status: { conditions, jobsStatus: [{ name: 'node', ready: 0, succeeded: 2, failed: 0, active: 0, suspended: 0 }] },
  };
}

function workflow(status?: object) {
  return {
    ...meta('Workflow', 'argoproj.io/v1alpha1'),
    spec: { entrypoint: 'hp-tuning', templates: [{ name: 'hp-tuning', steps: [[{ name: 'train', template: 'train' }]] }] },
    ...(status ? { status } : {}),
  };
}

function pipelineRun(condition: object) {
  return {
    ...meta('PipelineRun', 'tekton.dev/v1'),
    spec: { pipelineSpec: { tasks: [{ name: 'data-prep' }, { name: 'train' }] } },
    status: { startTime: at, conditions: [{ lastTransitionTime: at, ...condition }], childReferences: [{ name: 'random-abc123-train', pipelineTaskName: 'train' }] },
  };
}

describe('jobCondition: Katib default and example expressions', () => {
  test('batch/v1 Job: Complete True succeeds with the condition reason and message', () => {
    expect(jobCondition(batchJob([successCriteriaMet, complete], { succeeded: 1, completionTime: at }), JOB.success, JOB.failure)).toEqual({
      state: 'succeeded',
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
    });
  });

  test('batch/v1 Job: Failed True fails', () => {
    expect(jobCondition(batchJob([failureTarget, failed], { failed: 1 }), JOB.success, JOB.failure)).toEqual({
      state: 'failed',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
  });

  test('batch/v1 Job: active, no status, no conditions, or Complete with status "False": running', () => {
    expect(jobCondition(batchJob(undefined, { active: 1, ready: 1 }), JOB.success, JOB.failure)).toEqual({ state: 'running' });
    expect(jobCondition(batchJob([]), JOB.success, JOB.failure)).toEqual({ state: 'running' });
    const { status: _status, ...noStatus } = batchJob();
    expect(jobCondition(noStatus, JOB.success, JOB.failure)).toEqual({ state: 'running' });
    expect(jobCondition(batchJob([{ ...complete, status: 'False' }]), JOB.success, JOB.failure)).toEqual({ state: 'running' });
    expect(jobCondition(batchJob([{ ...failed, status: 'Unknown' }]), JOB.success, JOB.failure)).toEqual({ state: 'running' });
  });

  test('failure is evaluated first: a job matching both expressions has failed', () => {
    expect(jobCondition(batchJob([complete, failed]), JOB.success, JOB.failure).state).toBe('failed');
    // the same expression on both sides: failure wins too
    expect(jobCondition(batchJob([complete]), JOB.success, JOB.success).state).toBe('failed');
  });

  test('a Complete condition whose first match has status "False" and a later one "True": the pipe filters all of them', () => {
    const r = jobCondition(batchJob([{ ...complete, status: 'False', reason: 'Old' }, complete]), JOB.success, JOB.failure);
    expect(r).toEqual({ state: 'succeeded', reason: 'CompletionsReached', message: complete.message });
  });

  test('Kubeflow training jobs: Succeeded / Failed conditions', () => {
    const succeeded = {
      type: 'Succeeded',
      status: 'True',
      reason: 'PyTorchJobSucceeded',
      message: 'PyTorchJob kubeflow/random-abc123 successfully completed.',
      lastUpdateTime: at,
      lastTransitionTime: at,
    };
    expect(jobCondition(pytorchJob(succeeded), KUBEFLOW.success, KUBEFLOW.failure)).toEqual({
      state: 'succeeded',
      reason: 'PyTorchJobSucceeded',
      message: 'PyTorchJob kubeflow/random-abc123 successfully completed.',
    });
    const pytorchFailed = { type: 'Failed', status: 'True', reason: 'PyTorchJobFailed', message: 'PyTorchJob random-abc123 is failed because 1 Master replica(s) failed.' };
    expect(jobCondition(pytorchJob(pytorchFailed), KUBEFLOW.success, KUBEFLOW.failure)).toEqual({ state: 'failed', ...pick(pytorchFailed) });
    const running = { type: 'Running', status: 'True', reason: 'PyTorchJobRunning', message: 'running' };
    expect(jobCondition(pytorchJob(running), KUBEFLOW.success, KUBEFLOW.failure)).toEqual({ state: 'running' });
    // the Job expressions do not match a PyTorchJob's Succeeded condition
    expect(jobCondition(pytorchJob(succeeded), JOB.success, JOB.failure)).toEqual({ state: 'running' });
  });

  test('TrainJob: Complete / Failed like Job', () => {
    const done = { type: 'Complete', status: 'True', reason: 'JobsCompleted', message: 'jobset completed successfully', lastTransitionTime: at };
    expect(jobCondition(trainJob([done]), JOB.success, JOB.failure)).toEqual({ state: 'succeeded', ...pick(done) });
    const bad = { type: 'Failed', status: 'True', reason: 'JobsFailed', message: 'jobset failed: FailedJobs', lastTransitionTime: at };
    expect(jobCondition(trainJob([bad]), JOB.success, JOB.failure)).toEqual({ state: 'failed', ...pick(bad) });
    expect(jobCondition(trainJob([]), JOB.success, JOB.failure)).toEqual({ state: 'running' });
  });

  test('Argo Workflow: status.[@this] wraps the status in an array that the query filters', () => {
    const nodes = { 'random-abc123': { id: 'random-abc123', phase: 'Succeeded', type: 'Steps' } };
    const ok = { phase: 'Succeeded', startedAt: at, finishedAt: at, progress: '1/1', nodes };
    expect(jobCondition(workflow(ok), ARGO.success, ARGO.failure)).toEqual({ state: 'succeeded' });
    const bad = { phase: 'Failed', startedAt: at, finishedAt: at, progress: '0/1', message: 'child \'random-abc123-1\' failed', nodes };
    expect(jobCondition(workflow(bad), ARGO.success, ARGO.failure)).toEqual({ state: 'failed', message: "child 'random-abc123-1' failed" });
    expect(jobCondition(workflow({ phase: 'Running', startedAt: at, progress: '0/1' }), ARGO.success, ARGO.failure)).toEqual({ state: 'running' });
    expect(jobCondition(workflow(), ARGO.success, ARGO.failure)).toEqual({ state: 'running' });
    expect(gjsonGet(workflow(ok), 'status.[@this]')).toEqual([ok]);
    expect(gjsonGet(workflow(ok), ARGO.failure)).toEqual([]);
  });

  test('Tekton PipelineRun: one Succeeded condition, status True / False / Unknown', () => {
    const ok = { type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 0' };
    expect(jobCondition(pipelineRun(ok), TEKTON.success, TEKTON.failure)).toEqual({ state: 'succeeded', ...pick(ok) });
    const bad = { type: 'Succeeded', status: 'False', reason: 'Failed', message: 'Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 0' };
    expect(jobCondition(pipelineRun(bad), TEKTON.success, TEKTON.failure)).toEqual({ state: 'failed', ...pick(bad) });
    const running = { type: 'Succeeded', status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 0' };
    expect(jobCondition(pipelineRun(running), TEKTON.success, TEKTON.failure)).toEqual({ state: 'running' });
  });

  test('reason and message: from an object result or an array result whose first element is an object', () => {
    const job = batchJob([failed, { type: 'Failed', status: 'True', reason: 'Second' }]);
    // first-match query without the trailing #: an object
    expect(jobCondition(job, 'x', 'status.conditions.#(type=="Failed")')).toEqual({ state: 'failed', ...pick(failed) });
    // several matches: the first element gives them
    expect(jobCondition(job, 'x', 'status.conditions.#(status=="True")#')).toEqual({ state: 'failed', ...pick(failed) });
    // non-string or empty fields are left out; so is everything for a non-object first element
    expect(jobCondition(batchJob([{ type: 'Failed', status: 'True', reason: 7, message: '' }]), 'x', JOB.failure)).toEqual({ state: 'failed' });
    expect(jobCondition(batchJob([failed]), 'x', 'status.conditions.#.type')).toEqual({ state: 'failed' });
    expect(jobCondition(batchJob([failed]), 'status.conditions.#(type=="Failed")#|0.reason', 'x')).toEqual({ state: 'succeeded' });
  });

  test('scalar results: a non-empty string, a number or true match (Katib itself only matches objects and arrays)', () => {
    expect(jobCondition(batchJob([], { succeeded: 1 }), 'status.succeeded', 'status.failed')).toEqual({ state: 'succeeded' });
    expect(jobCondition(batchJob([], { failed: 1 }), 'status.succeeded', 'status.failed')).toEqual({ state: 'failed' });
    expect(jobCondition(workflow({ phase: 'Succeeded' }), 'status.phase', 'status.message')).toEqual({ state: 'succeeded' });
    expect(jobCondition({ status: { done: false, message: '' } }, 'status.done', 'status.message')).toEqual({ state: 'running' });
  });

  test('does not throw on jobs lacking or mistyping fields: missing means no match', () => {
    for (const job of [undefined, null, 3, 'job', [], {}, { status: 'Complete' }, { status: { conditions: 'Complete' } }, { status: { conditions: [null, 1, 'x', [complete]] } }]) {
      expect(jobCondition(job, JOB.success, JOB.failure)).toEqual({ state: 'running' });
      expect(jobCondition(job, ARGO.success, ARGO.failure)).toEqual({ state: 'running' });
    }
    expect(jobCondition(batchJob([complete]), '', '')).toEqual({ state: 'running' });
  });

  test('an expression that does not parse throws, naming the problem', () => {
    expect(() => jobCondition(batchJob([complete]), JOB.success, 'status.conditions.#(type=="Failed"')).toThrow(/unclosed query "#\(" at offset 18/);
    expect(() => gjsonGet({}, 'a.@nope')).toThrow(/invalid GJSON path "a.@nope": unknown modifier "@nope" at offset 2/);
  });
});

const pick = (c: { reason: string; message: string }) => ({ reason: c.reason, message: c.message });

describe('gjsonMatches', () => {
  const doc = { o: {}, a: [1], e: [], s: 'x', es: '', n: 0, t: true, f: false, z: null };
  test.each([
    ['o', true],
    ['a', true],
    ['e', false],
    ['s', true],
    ['es', false],
    ['n', true],
    ['t', true],
    ['f', false],
    ['z', false],
    ['missing', false],
  ])('%s -> %s', (path, expected) => {
    expect(gjsonMatches(doc, path)).toBe(expected);
  });
});

// The document of GJSON's SYNTAX.md; the expected values below are the ones SYNTAX.md
// lists for each path (written down by hand from it, not produced by running GJSON).
const doc = {
  name: { first: 'Tom', last: 'Anderson' },
  age: 37,
  children: ['Sara', 'Alex', 'Jack'],
  'fav.movie': 'Deer Hunter',
  friends: [
    { first: 'Dale', last: 'Murphy', age: 44, nets: ['ig', 'fb', 'tw'] },
    { first: 'Roger', last: 'Craig', age: 68, nets: ['fb', 'tw'] },
    { first: 'Jane', last: 'Murphy', age: 47, nets: ['ig', 'tw'] },
  ],
};
const [dale, roger, jane] = doc.friends;

describe('gjsonGet: GJSON SYNTAX.md examples', () => {
  test.each<[string, unknown]>([
    ['name.last', 'Anderson'],
    ['name.first', 'Tom'],
    ['age', 37],
    ['children', ['Sara', 'Alex', 'Jack']],
    ['children.0', 'Sara'],
    ['children.1', 'Alex'],
    ['friends.1', roger],
    ['friends.1.first', 'Roger'],
    ['child*.2', 'Jack'],
    ['c?ildren.0', 'Sara'],
    ['fav\\.movie', 'Deer Hunter'],
    ['friends.#', 3],
    ['friends.#.age', [44, 68, 47]],
    ['friends.#(last=="Murphy").first', 'Dale'],
    ['friends.#(last=="Murphy")#.first', ['Dale', 'Jane']],
    ['friends.#(age>45)#.last', ['Craig', 'Murphy']],
    ['friends.#(first%"D*").last', 'Murphy'],
    ['friends.#(first!%"D*").last', 'Craig'],
    ['children.#(!%"*a*")', 'Alex'],
    ['children.#(%"*a*")#', ['Sara', 'Jack']],
    ['friends.#(nets.#(=="fb"))#.first', ['Dale', 'Roger']],
    ['children.@reverse', ['Jack', 'Alex', 'Sara']],
    ['children.@reverse.0', 'Jack'],
    ['{name.first,age,"the_murphys":friends.#(last="Murphy")#.first}', { first: 'Tom', age: 37, the_murphys: ['Dale', 'Jane'] }],
    ['[name.first,age,children.0]', ['Tom', 37, 'Sara']],
  ])('%s', (path, expected) => {
    expect(gjsonGet(doc, path)).toEqual(expected);
  });

  test('dot vs pipe (SYNTAX.md): after #(...)# a dot works on each match, a pipe on the array', () => {
    expect(gjsonGet(doc, 'friends.0.first')).toBe('Dale');
    expect(gjsonGet(doc, 'friends|0.first')).toBe('Dale');
    expect(gjsonGet(doc, 'friends.0|first')).toBe('Dale');
    expect(gjsonGet(doc, 'friends|0|first')).toBe('Dale');
    expect(gjsonGet(doc, 'friends|#')).toBe(3);
    expect(gjsonGet(doc, 'friends.#')).toBe(3);
    expect(gjsonGet(doc, 'friends.#(last="Murphy")#')).toEqual([dale, jane]);
    expect(gjsonGet(doc, 'friends.#(last="Murphy")#.first')).toEqual(['Dale', 'Jane']);
    expect(gjsonGet(doc, 'friends.#(last="Murphy")#|first')).toBeUndefined();
    expect(gjsonGet(doc, 'friends.#(last="Murphy")#.0')).toEqual([]);
    expect(gjsonGet(doc, 'friends.#(last="Murphy")#|0')).toEqual(dale);
    expect(gjsonGet(doc, 'friends.#(last="Murphy")#.#')).toEqual([]);
    expect(gjsonGet(doc, 'friends.#(last="Murphy")#|#')).toBe(2);
  });

  // Written by hand from GJSON's rules (and checked against GJSON itself).
  test('dot vs pipe: a pipe ends the per-element part of #. and #(...)#', () => {
    expect(gjsonGet(doc, 'friends.#.first|1')).toBe('Roger');
    expect(gjsonGet(doc, 'friends.#.first.1')).toEqual([]);
    expect(gjsonGet(doc, 'friends.#.nets.0')).toEqual(['ig', 'fb', 'ig']);
    expect(gjsonGet(doc, 'friends.#.nets|0')).toEqual(['ig', 'fb', 'tw']);
    expect(gjsonGet(doc, 'friends.#.nets.#')).toEqual([3, 2, 2]);
    expect(gjsonGet(doc, 'friends.#(last=="Murphy")#.nets|1')).toEqual(['ig', 'tw']);
    expect(gjsonGet(doc, 'friends.#(last=="Murphy")#.nets.#(=="fb")')).toEqual(['fb']);
    // nothing matched: GJSON drops what follows the dot, pipe included
    expect(gjsonGet(doc, 'friends.#(last=="Nobody")#.first|#')).toEqual([]);
    expect(gjsonGet(doc, 'friends.#(last=="Nobody")#|#')).toBe(0);
    // first-match query: a dot and a pipe are the same
    expect(gjsonGet(doc, 'friends.#(last=="Murphy")|first')).toBe('Dale');
    // nested maps
    expect(gjsonGet({ a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: [{ c: 3 }] }] }, 'a.#.b.#.c')).toEqual([[1, 2], [3]]);
    expect(gjsonGet({ a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: [{ c: 3 }] }] }, 'a.#.b.#.c|@flatten')).toEqual([1, 2, 3]);
  });

  test('~ converts to a boolean (SYNTAX.md example)', () => {
    const vals = { vals: [{ a: 1, b: true }, { a: 2, b: true }, { a: 3, b: false }, { a: 4, b: '0' }, { a: 5, b: 0 }, { a: 6, b: '1' }, { a: 7, b: 1 }, { a: 8, b: 'true' }, { a: 9, b: false }, { a: 10, b: null }, { a: 11 }] };
    expect(gjsonGet(vals, 'vals.#(b==~true)#.a')).toEqual([1, 2, 6, 7, 8]);
    expect(gjsonGet(vals, 'vals.#(b==~false)#.a')).toEqual([3, 4, 5, 9, 10, 11]);
    expect(gjsonGet(vals, 'vals.#(b==~null)#.a')).toEqual([10, 11]);
    expect(gjsonGet(vals, 'vals.#(b==~*)#.a')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('gjsonGet: paths', () => {
  const status = { items: [{ n: 'a' }, { n: 'b' }], 'a.b': { 'c*d': 1, 'x|y': 2, '@this': 3, '#': 4 }, k: { ab1: 1, aa2: 2 } };
  test('numeric index, # length, missing paths', () => {
    expect(gjsonGet(status, 'items.1.n')).toBe('b');
    expect(gjsonGet(status, 'items.2')).toBeUndefined();
    expect(gjsonGet(status, 'items.-1')).toBeUndefined();
    expect(gjsonGet(status, 'items.x')).toBeUndefined();
    expect(gjsonGet(status, 'items.#')).toBe(2);
    expect(gjsonGet(status, 'items.#.n')).toEqual(['a', 'b']);
    expect(gjsonGet(status, 'items.#.missing')).toEqual([]);
    expect(gjsonGet(status, 'missing.#')).toBeUndefined();
    expect(gjsonGet(status, 'missing.x.y')).toBeUndefined();
    expect(gjsonGet([10, 20], '#')).toBe(2);
    expect(gjsonGet([10, 20], '1')).toBe(20);
    expect(gjsonGet({ '0': 'zero' }, '0')).toBe('zero');
    expect(gjsonGet({ x: null }, 'x')).toBeNull();
    expect(gjsonGet({ x: null }, 'x.y')).toBeUndefined();
  });

  test('escapes: \\. \\* \\| \\@ \\# are literal', () => {
    expect(gjsonGet(status, 'a\\.b.c\\*d')).toBe(1);
    expect(gjsonGet(status, 'a\\.b.x\\|y')).toBe(2);
    expect(gjsonGet(status, 'a\\.b.\\@this')).toBe(3);
    expect(gjsonGet(status, 'a\\.b.\\#')).toBe(4);
    expect(gjsonGet(status, 'a\\.b.#')).toBe(4); // `#` on an object is its key "#"
    expect(gjsonGet(status, 'a.b')).toBeUndefined();
  });

  test('wildcards match keys in sorted order (Go serialises maps with sorted keys)', () => {
    expect(gjsonGet(status, 'k.a?1')).toBe(1);
    expect(gjsonGet(status, 'k.a*')).toBe(2);
    expect(gjsonGet({ x: { b: 1 }, y: { c: 2 } }, '?.c')).toBe(2); // x has no c: the next matching key is tried
    expect(gjsonGet(status, 'items.*')).toBeUndefined();
  });

  test('modifiers and multipaths', () => {
    expect(gjsonGet(status, '@this')).toEqual(status);
    expect(gjsonGet(status, 'items|@reverse|0.n')).toBe('b');
    expect(gjsonGet(status, 'items.#.n.@reverse')).toEqual(['a', 'b']); // per element: strings stay as they are
    expect(gjsonGet({ a: [1, [2], [3, [4]]] }, 'a.@flatten')).toEqual([1, 2, 3, [4]]);
    expect(gjsonGet({ a: [1, [2], [3, [4]]] }, 'a.@flatten:{"deep":true}')).toEqual([1, 2, 3, 4]);
    expect(gjsonGet({ a: { x: 1, y: 2 } }, 'a.@reverse')).toEqual({ y: 2, x: 1 });
    expect(gjsonGet(status, 'items.@pretty.@ugly.@valid.#')).toBe(2);
    expect(gjsonGet(status, '[items.0.n,missing,k.ab1]')).toEqual(['a', 1]);
    expect(gjsonGet(status, '[items.0.n,k.ab1].1')).toBe(1); // after a multipath, . and | both apply to the array
    expect(gjsonGet(status, '{items.#.n,"one":k.ab1,a\\.b.c\\*d}')).toEqual({ n: ['a', 'b'], one: 1, 'c\\*d': 1 }); // GJSON keeps the escape in the name
    expect(gjsonGet(status, 'items.#.[n]')).toEqual([['a'], ['b']]);
    expect(gjsonGet(status, '[items.@flatten:{"deep":true}|#,"k":k.ab1]')).toEqual([2, 1]);
    expect(gjsonGet(status, '{"first n":items.0.n,:k.aa2,k.a?1}')).toEqual({ 'first n': 'a', aa2: 2, 'a?1': 1 });
    expect(gjsonGet(status, '{items.#(n=="a")#}')).toEqual({ _: [{ n: 'a' }] }); // no simple name: "_"
    expect(gjsonGet(status, 'items.@this:x.y|#')).toBe(2); // a plain argument runs to the next |
    expect(gjsonGet(status, 'items.@this:"x|#')).toEqual(status.items); // ... or to the end of an unclosed string
    // a multipath is an array even when the key before it is missing from an object (GJSON goes
    // on through the pipe), but not when the path stopped further up
    expect(gjsonGet({}, 'status.[@this]')).toEqual([]);
    expect(gjsonGet({ a: {} }, 'a.missing|@this|{x}')).toEqual({});
    expect(gjsonGet(status, 'k.z?.[x]')).toEqual([]);
    expect(gjsonGet({}, 'missing.x.[y]')).toBeUndefined();
    expect(gjsonGet({ a: 'text' }, 'a.x.[y]')).toBeUndefined();
  });
});

describe('gjsonGet: query operators', () => {
  const rows = {
    r: [
      { n: 1, s: 'alpha', b: true },
      { n: 2, s: 'beta', b: false },
      { n: 3, s: 'gamma', b: null },
      { n: 10, s: 'Beta' },
    ],
  };
  const ns = (q: string) => gjsonGet(rows, `r.#(${q})#.n`);
  test.each<[string, number[]]>([
    ['n==2', [2]],
    ['n=2', [2]],
    ['n == 2', [2]],
    ['n!=2', [1, 3, 10]],
    ['n<3', [1, 2]],
    ['n<=3', [1, 2, 3]],
    ['n>2', [3, 10]],
    ['n>=2', [2, 3, 10]],
    ['n==2.0', [2]],
    ['n=="2"', [2]], // GJSON compares by the type found: a number reads the right side as a number
    ['s=="beta"', [2]],
    ['s==beta', [2]], // an unquoted right side is compared as text
    ['s!="beta"', [1, 3, 10]],
    ['s<"beta"', [1, 10]], // byte order: "Beta" < "alpha"
    ['s>="beta"', [2, 3]],
    ['s%"*eta"', [2, 10]],
    ['s%"?eta"', [2, 10]],
    ['s%"b*"', [2]],
    ['s!%"*a"', []],
    ['s!%"*l*"', [2, 3, 10]],
    ['s%"*\\\\*"', []], // the string holds *\* : a literal star at the end
    ['s%"*\\*"', [1, 2, 3, 10]], // \* is no JSON escape: GJSON's unescape stops there, leaving *
    ['b==true', [1]],
    ['b==false', [2]],
    ['b!=true', [2]],
    ['b==null', []], // null never compares equal in GJSON; use ~null
    ['b', [1, 2, 3]], // a path alone: the elements where it exists (null included)
    ['missing', []],
    ['n>"x"', [1, 2, 3, 10]], // text that is not a number reads as 0, as Go's ParseFloat failure gives
  ])('#(%s)#', (q, expected) => {
    expect(ns(q)).toEqual(expected);
  });

  test('first match, spaces, nested paths on the left, legacy #[...]', () => {
    const pods = { items: [{ status: { phase: 'Running' }, n: 1 }, { status: { phase: 'Succeeded' }, n: 2 }, { status: { phase: 'Succeeded' }, n: 3 }] };
    expect(gjsonGet(pods, 'items.#(status.phase=="Succeeded").n')).toBe(2);
    expect(gjsonGet(pods, 'items.#( status.phase  ==  "Succeeded" )#.n')).toEqual([2, 3]);
    expect(gjsonGet(pods, 'items.#[status.phase=="Succeeded"]#.n')).toEqual([2, 3]);
    expect(gjsonGet(pods, 'items.#(status.phase=="Failed").n')).toBeUndefined();
    expect(gjsonGet(pods, 'items.#(status.phase=="Failed")#')).toEqual([]);
    expect(gjsonGet(pods, 'items.#(n>1)#|#')).toBe(2);
    expect(gjsonGet({ a: [{ 'x.y': 'q"|)' }] }, 'a.#(x\\.y=="q\\"|)")#|#')).toBe(1);
    expect(gjsonGet({ a: { b: 1 } }, 'a.#(b==1)')).toBeUndefined(); // queries only read arrays
    expect(gjsonGet({ a: ['x*', 'xy'] }, 'a.#(%"x\\\\*")#')).toEqual(['x*']); // \\ in the JSON string: an escaped star
    expect(gjsonGet({ a: ['Complete', 'Failed'] }, 'a.#(=="\\u0046ailed")')).toBe('Failed');
  });
});

describe('gjsonSyntaxIssue', () => {
  test.each([
    JOB.success,
    JOB.failure,
    KUBEFLOW.success,
    ARGO.success,
    ARGO.failure,
    TEKTON.success,
    TEKTON.failure,
    'status.succeeded',
    'friends.#(nets.#(=="fb"))#.first',
    '{name.first,"x":age}',
    'a.@flatten:{"deep":true}.0',
    'a\\.b',
  ])('%s parses', (path) => {
    expect(gjsonSyntaxIssue(path)).toBeUndefined();
  });

  test.each([
    ['', 'empty path at offset 0'],
    ['status.conditions.#(type=="Complete"', 'unclosed query "#(" at offset 18'],
    ['status.conditions.#(type=="Complete")#|#(status=="True"', 'unclosed query "#(" at offset 39'],
    ['a.#[b==1', 'unclosed query "#[" at offset 2'],
    ['status.@nope', 'unknown modifier "@nope" at offset 7'],
    ['status.[@this', 'unclosed multipath "[" at offset 7'],
    ['status.[@this}', 'unclosed multipath "[" at offset 7'],
    ['status.[@thus]', 'unknown modifier "@thus" at offset 8'],
    ['status.', 'path ends with "." at offset 6'],
    ['status|', 'path ends with "|" at offset 6'],
    ['status..phase', 'empty path component at offset 7'],
    ['a\\', 'dangling "\\" at the end at offset 1'],
    ['..a', 'JSON-lines paths ("..") are not supported at offset 0'],
    ['!true', 'static values ("!...") are not supported at offset 0'],
    ['a.#(b!c)', 'unknown operator "!c" in query at offset 5'],
    ['a.#(b=="x"y)', 'malformed string "x"y in query at offset 5'],
    ['a.#(b==1)x', 'unexpected "x" after query at offset 9'],
    ['a.#()', 'empty query at offset 2'],
    ['a.#(b.==1)', 'path ends with "." at offset 5'],
    ['[a,]', 'empty path at offset 3'],
    ['[a]b', 'unexpected "b" after multipath at offset 3'],
  ])('%s: %s', (path, issue) => {
    expect(gjsonSyntaxIssue(path)).toBe(issue);
  });
});

describe('properties', () => {
  test('any string: gjsonSyntaxIssue answers, and a path it accepts evaluates without throwing', () => {
    const unit = fc.constantFrom('a', 'b', '0', '.', '|', '#', '(', ')', '[', ']', '{', '}', '"', '\\', '@', 'this', 'reverse', ':', ',', '=', '!', '<', '>', '%', '~', '*', '?', ' ');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), (path) => {
        const issue = gjsonSyntaxIssue(path);
        if (issue === undefined) gjsonGet({ a: [{ b: 1 }, { a: 'b' }], b: { a: [1, [2]] } }, path);
        else expect(issue).toMatch(/ at offset \d+$/);
      }),
      { numRuns: 2000 },
    );
  });

  const key = fc.constantFrom('a', 'b', 'c', 'status', 'phase', 'x_1');
  const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
  const tree = fc.dictionary(key, fc.oneof(scalar, fc.dictionary(key, scalar)));

  test('gjsonGet(obj, "p.q") is obj.p.q for nested objects with plain keys', () => {
    fc.assert(
      fc.property(tree, key, key, (obj, p, q) => {
        const inner = Object.hasOwn(obj, p) ? obj[p] : undefined;
        const expected = typeof inner === 'object' && inner !== null && Object.hasOwn(inner, q) ? (inner as Record<string, unknown>)[q] : undefined;
        expect(gjsonGet(obj, `${p}.${q}`)).toEqual(expected);
        expect(gjsonGet(obj, `${p}|${q}`)).toEqual(expected);
        expect(gjsonGet(obj, p)).toEqual(inner);
      }),
    );
  });

  test('#(k=="v")# is exactly the elements whose k is v, in order; .n maps and |# counts', () => {
    const element = fc.record({ k: fc.constantFrom('a', 'b', 'c d', 'é', 1, 2, true), n: fc.integer() }, { requiredKeys: ['n'] });
    fc.assert(
      fc.property(fc.array(element), fc.constantFrom('a', 'b', 'c d', 'é', 'z'), (rows, v) => {
        const hits = rows.filter((r) => r.k === v);
        const q = `rows.#(k==${JSON.stringify(v)})#`;
        expect(gjsonGet({ rows }, q)).toEqual(hits);
        expect(gjsonGet({ rows }, `${q}.n`)).toEqual(hits.map((r) => r.n));
        expect(gjsonGet({ rows }, `${q}|#`)).toBe(hits.length);
        expect(gjsonGet({ rows }, q.slice(0, -1))).toEqual(hits[0]);
        expect(gjsonMatches({ rows }, q)).toBe(hits.length > 0);
      }),
    );
  });

  test('#(n op m)# agrees with the JavaScript comparison on numbers', () => {
    const ops = ['==', '!=', '<', '<=', '>', '>='] as const;
    const cmp = { '==': (a: number, b: number) => a === b, '!=': (a: number, b: number) => a !== b, '<': (a: number, b: number) => a < b, '<=': (a: number, b: number) => a <= b, '>': (a: number, b: number) => a > b, '>=': (a: number, b: number) => a >= b };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 })), fc.constantFrom(...ops), fc.integer({ min: -5, max: 5 }), (ns, op, m) => {
        expect(gjsonGet({ ns }, `ns.#(${op}${m})#`)).toEqual(ns.filter((n) => cmp[op](n, m)));
      }),
    );
  });
});
