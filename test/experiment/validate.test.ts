import { describe, expect, test } from 'vitest';
import { validateExperiment, type Experiment, type TrialTemplate } from '../../src/experiment/index.js';
import { fixtureNames, loadFixture } from './fixtures.js';

// The base: a random-search Job experiment like Katib's random.yaml, already defaulted.
// Parameters: [0] lr double, [1] momentum double, [2] batch-size int, [3] optimizer categorical.
const base = loadFixture('random.yaml');

type Obj = Record<string, unknown>;
const tt = (e: Experiment): TrialTemplate => e.spec.trialTemplate as TrialTemplate;
const job = (e: Experiment): Obj => tt(e).trialSpec as Obj;
const container = (e: Experiment): { command: string[] } =>
  ((((job(e).spec as Obj).template as Obj).spec as Obj).containers as { command: string[] }[])[0]!;
const mc = (e: Experiment) => e.spec.metricsCollectorSpec!;
const param = (e: Experiment, i: number) => e.spec.parameters![i]!;

/** [what is wrong, the one mutation of the base, the exact path that must be reported]. */
const cases: [string, (e: Experiment) => void, string][] = [
  // Rule 1: names.
  ['name starting with a digit', (e) => { e.metadata.name = '1234-test'; }, 'metadata.name'],
  ['name longer than 40 characters', (e) => { e.metadata.name = `a${'b'.repeat(40)}`; }, 'metadata.name'],
  ['empty name', (e) => { e.metadata.name = ''; }, 'metadata.name'],
  ['name with capitals', (e) => { e.metadata.name = 'Random'; }, 'metadata.name'],
  // Rule 2: counts.
  ['negative maxFailedTrialCount', (e) => { e.spec.maxFailedTrialCount = -1; }, 'spec.maxFailedTrialCount'],
  ['zero maxTrialCount', (e) => { e.spec.maxTrialCount = 0; }, 'spec.maxTrialCount'],
  ['zero parallelTrialCount', (e) => { e.spec.parallelTrialCount = 0; }, 'spec.parallelTrialCount'],
  ['maxFailedTrialCount above maxTrialCount', (e) => { e.spec.maxFailedTrialCount = 13; }, 'spec.maxFailedTrialCount'],
  ['parallelTrialCount above maxTrialCount', (e) => { e.spec.parallelTrialCount = 13; }, 'spec.parallelTrialCount'],
  ['fractional maxTrialCount', (e) => { e.spec.maxTrialCount = 2.5; }, 'spec.maxTrialCount'],
  // Rule 4: objective.
  ['no objective', (e) => { delete e.spec.objective; }, 'spec.objective'],
  ['unknown objective type', (e) => { e.spec.objective!.type = 'maximise' as never; }, 'spec.objective.type'],
  ['empty objective metric name', (e) => { e.spec.objective!.objectiveMetricName = ''; }, 'spec.objective.objectiveMetricName'],
  ['objective metric among the additional ones', (e) => { e.spec.objective!.additionalMetricNames = ['accuracy', 'loss']; }, 'spec.objective.additionalMetricNames[1]'],
  ['unknown metric strategy', (e) => { e.spec.objective!.metricStrategies![0]!.value = 'avg' as never; }, 'spec.objective.metricStrategies[0].value'],
  // Rule 5: algorithm and early stopping.
  ['no algorithm', (e) => { delete e.spec.algorithm; }, 'spec.algorithm'],
  ['empty algorithm name', (e) => { e.spec.algorithm!.algorithmName = ''; }, 'spec.algorithm.algorithmName'],
  ['unknown algorithm name', (e) => { e.spec.algorithm!.algorithmName = 'invalid-algorithm'; }, 'spec.algorithm.algorithmName'],
  ['empty early stopping name', (e) => { e.spec.earlyStopping = { algorithmName: '' }; }, 'spec.earlyStopping.algorithmName'],
  ['unknown early stopping name', (e) => { e.spec.earlyStopping = { algorithmName: 'hyperband' }; }, 'spec.earlyStopping.algorithmName'],
  // Rule 6.
  ['unknown resume policy', (e) => { e.spec.resumePolicy = 'Sometimes' as never; }, 'spec.resumePolicy'],
  // Rule 7: trial template.
  ['no trial template', (e) => { delete e.spec.trialTemplate; }, 'spec.trialTemplate'],
  ['empty primaryContainerName', (e) => { tt(e).primaryContainerName = ''; }, 'spec.trialTemplate.primaryContainerName'],
  ['empty successCondition', (e) => { tt(e).successCondition = ''; }, 'spec.trialTemplate.successCondition'],
  ['empty failureCondition', (e) => { delete tt(e).failureCondition; }, 'spec.trialTemplate.failureCondition'],
  ['no trialParameters', (e) => { delete tt(e).trialParameters; }, 'spec.trialTemplate.trialParameters'],
  ['no trial source', (e) => { delete tt(e).trialSpec; }, 'spec.trialTemplate'],
  ['both trialSpec and configMap', (e) => { tt(e).configMap = { configMapName: 'c', configMapNamespace: 'n', templatePath: 't' }; }, 'spec.trialTemplate'],
  ['configMap without templatePath', (e) => {
    delete tt(e).trialSpec;
    tt(e).configMap = { configMapName: 'trial-templates', configMapNamespace: 'kubeflow' };
  }, 'spec.trialTemplate.configMap.templatePath'],
  ['trial parameter without name', (e) => { tt(e).trialParameters![0]!.name = ''; }, 'spec.trialTemplate.trialParameters[0].name'],
  ['trial parameter without reference', (e) => { tt(e).trialParameters![0]!.reference = ''; }, 'spec.trialTemplate.trialParameters[0].reference'],
  ['trial parameter name with braces', (e) => { tt(e).trialParameters![2]!.name = 'batch{Size}'; }, 'spec.trialTemplate.trialParameters[2].name'],
  ['duplicate trial parameter name', (e) => { tt(e).trialParameters![1]!.name = 'learningRate'; }, 'spec.trialTemplate.trialParameters[1].name'],
  ['duplicate trial parameter reference', (e) => { tt(e).trialParameters![1]!.reference = 'lr'; }, 'spec.trialTemplate.trialParameters[1].reference'],
  ['reference to no parameter', (e) => { tt(e).trialParameters![3]!.reference = 'optimiser'; }, 'spec.trialTemplate.trialParameters[3].reference'],
  ['parameter no trial parameter references', (e) => { tt(e).trialParameters!.pop(); container(e).command.pop(); }, 'spec.trialTemplate.trialParameters'],
  ['trial parameter absent from the template', (e) => { container(e).command.pop(); }, 'spec.trialTemplate.trialParameters[3].name'],
  ['template placeholder without trial parameter', (e) => { container(e).command.push('--seed=${trialParameters.seed}'); }, 'spec.trialTemplate.trialSpec'],
  ['label meta reference to a missing label', (e) => {
    tt(e).trialParameters!.push({ name: 'team', reference: '${trialSpec.Labels[team]}' });
    container(e).command.push('--team=${trialParameters.team}');
  }, 'spec.trialTemplate.trialParameters[4].reference'],
  ['trialSpec with metadata.name', (e) => { job(e).metadata = { name: 'fixed' }; }, 'spec.trialTemplate.trialSpec.metadata.name'],
  ['trialSpec with metadata.namespace', (e) => { job(e).metadata = { namespace: 'other' }; }, 'spec.trialTemplate.trialSpec.metadata.namespace'],
  ['trialSpec without apiVersion', (e) => { delete job(e).apiVersion; }, 'spec.trialTemplate.trialSpec.apiVersion'],
  ['trialSpec without kind', (e) => { delete job(e).kind; }, 'spec.trialTemplate.trialSpec.kind'],
  // Rule 8.
  ['neither parameters nor nasConfig', (e) => { e.spec.parameters = []; tt(e).trialParameters = []; container(e).command.length = 3; }, 'spec.parameters'],
  ['both parameters and nasConfig', (e) => { e.spec.nasConfig = { graphConfig: { numLayers: 1 } }; }, 'spec.nasConfig'],
  // Rule 9 (checkParameter) and unique names.
  ['unknown parameter type', (e) => { param(e, 0).parameterType = 'float' as never; }, 'spec.parameters[0].parameterType'],
  ['unknown distribution', (e) => { param(e, 1).feasibleSpace.distribution = 'gaussian' as never; }, 'spec.parameters[1].feasibleSpace.distribution'],
  ['empty feasibleSpace', (e) => { param(e, 0).feasibleSpace = {}; }, 'spec.parameters[0].feasibleSpace'],
  ['double with a list', (e) => { param(e, 0).feasibleSpace.list = ['0.1']; }, 'spec.parameters[0].feasibleSpace.list'],
  ['double without max', (e) => { delete param(e, 1).feasibleSpace.max; }, 'spec.parameters[1].feasibleSpace.max'],
  ['int with a fractional min', (e) => { param(e, 2).feasibleSpace.min = '16.5'; }, 'spec.parameters[2].feasibleSpace.min'],
  ['categorical with min', (e) => { param(e, 3).feasibleSpace.min = '1'; }, 'spec.parameters[3].feasibleSpace.min'],
  ['max below min', (e) => { param(e, 1).feasibleSpace.max = '0.1'; }, 'spec.parameters[1].feasibleSpace.max'],
  ['duplicate parameter name', (e) => { param(e, 1).name = 'lr'; }, 'spec.parameters[1].name'],
  // Rule 10: metrics collector.
  ['collector kind None', (e) => { mc(e).collector = { kind: 'None' }; }, 'spec.metricsCollectorSpec.collector.kind'],
  ['File collector without fileSystemPath', (e) => { mc(e).collector = { kind: 'File' }; }, 'spec.metricsCollectorSpec.source.fileSystemPath'],
  ['File collector reading a directory', (e) => {
    e.spec.metricsCollectorSpec = { collector: { kind: 'File' }, source: { fileSystemPath: { kind: 'Directory', path: '/log', format: 'TEXT' } } };
  }, 'spec.metricsCollectorSpec.source.fileSystemPath.kind'],
  ['File collector with a relative path', (e) => {
    e.spec.metricsCollectorSpec = { collector: { kind: 'File' }, source: { fileSystemPath: { kind: 'File', path: 'log/metrics.log', format: 'TEXT' } } };
  }, 'spec.metricsCollectorSpec.source.fileSystemPath.path'],
  ['File collector with format XML', (e) => {
    e.spec.metricsCollectorSpec = { collector: { kind: 'File' }, source: { fileSystemPath: { kind: 'File', path: '/m.log', format: 'XML' as never } } };
  }, 'spec.metricsCollectorSpec.source.fileSystemPath.format'],
  ['JSON File collector with a filter', (e) => {
    e.spec.metricsCollectorSpec = {
      collector: { kind: 'File' },
      source: { fileSystemPath: { kind: 'File', path: '/m.json', format: 'JSON' }, filter: { metricsFormat: ['(\\w+)=(\\d+)'] } },
    };
  }, 'spec.metricsCollectorSpec.source.filter'],
  ['TensorFlowEvent collector on a file', (e) => {
    e.spec.metricsCollectorSpec = { collector: { kind: 'TensorFlowEvent' }, source: { fileSystemPath: { kind: 'File', path: '/logs' } } };
  }, 'spec.metricsCollectorSpec.source.fileSystemPath.kind'],
  ['TensorFlowEvent collector with a format', (e) => {
    e.spec.metricsCollectorSpec = { collector: { kind: 'TensorFlowEvent' }, source: { fileSystemPath: { kind: 'Directory', path: '/logs', format: 'TEXT' } } };
  }, 'spec.metricsCollectorSpec.source.fileSystemPath.format'],
  ['PrometheusMetric collector on port 0', (e) => {
    e.spec.metricsCollectorSpec = { collector: { kind: 'PrometheusMetric' }, source: { httpGet: { path: '/metrics', port: 0 } } };
  }, 'spec.metricsCollectorSpec.source.httpGet.port'],
  ['PrometheusMetric collector on a named port', (e) => {
    e.spec.metricsCollectorSpec = { collector: { kind: 'PrometheusMetric' }, source: { httpGet: { path: '/metrics', port: 'http' } } };
  }, 'spec.metricsCollectorSpec.source.httpGet.port'],
  ['PrometheusMetric collector with a relative path', (e) => {
    e.spec.metricsCollectorSpec = { collector: { kind: 'PrometheusMetric' }, source: { httpGet: { path: 'metrics', port: 8080 } } };
  }, 'spec.metricsCollectorSpec.source.httpGet.path'],
  ['Custom collector without a container', (e) => { mc(e).collector = { kind: 'Custom' }; }, 'spec.metricsCollectorSpec.collector.customCollector'],
  ['Custom collector with a relative path', (e) => {
    e.spec.metricsCollectorSpec = {
      collector: { kind: 'Custom', customCollector: { name: 'collector', image: 'collector:1' } },
      source: { fileSystemPath: { kind: 'File', path: 'metrics.log' } },
    };
  }, 'spec.metricsCollectorSpec.source.fileSystemPath.path'],
  ['metricsFormat that does not compile', (e) => { mc(e).source = { filter: { metricsFormat: ['([\\w-]+=(\\d+)'] } }; }, 'spec.metricsCollectorSpec.source.filter.metricsFormat[0]'],
  ['metricsFormat with one capture group', (e) => {
    mc(e).source = { filter: { metricsFormat: ['([\\w-]+)=(?:\\d+)', '(\\w+)=(\\d+)'] } };
  }, 'spec.metricsCollectorSpec.source.filter.metricsFormat[0]'],
  ['metricsFormat with a backreference (not RE2)', (e) => {
    mc(e).source = { filter: { metricsFormat: ['(\\w+)=(\\d+)', '(\\w+)=(\\d+) \\1'] } };
  }, 'spec.metricsCollectorSpec.source.filter.metricsFormat[1]'],
  ['metricsFormat with a lookahead (not RE2)', (e) => { mc(e).source = { filter: { metricsFormat: ['(\\w+)=(?=\\d)(\\d+)'] } }; }, 'spec.metricsCollectorSpec.source.filter.metricsFormat[0]'],
];

describe('validateExperiment: metricsFormat runs on RE2', () => {
  test.each([
    ['a backreference', String.raw`(\w+)=(\d+)\1`],
    ['a lookbehind', String.raw`(?<=INFO )(\w+)=(\d+)`],
  ])('%s is refused with the field and what was expected', (_, format) => {
    const e = structuredClone(base);
    mc(e).source = { filter: { metricsFormat: [format] } };
    expect(validateExperiment(e)).toEqual([
      {
        path: 'spec.metricsCollectorSpec.source.filter.metricsFormat[0]',
        message: expect.stringMatching(/^expected an RE2 regular expression \(no backreferences or lookaround\): /),
      },
    ]);
  });

  test("Katib's own filters are accepted", () => {
    const e = structuredClone(base);
    mc(e).source = { filter: { metricsFormat: [String.raw`{metricName: ([\w|-]+), metricValue: ((-?\d+)(\.\d+)?)}`, String.raw`([\w-]+)=(Genotype.*)`] } };
    expect(validateExperiment(e)).toEqual([]);
  });
});

describe('validateExperiment', () => {
  test('the base experiment is valid', () => {
    expect(validateExperiment(base)).toEqual([]);
  });

  test(`the table holds at least 30 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases)('%s is reported', (_, mutate, path) => {
    const e = structuredClone(base);
    mutate(e);
    const issues = validateExperiment(e);
    expect(issues.map((i) => i.path), JSON.stringify(issues, null, 2)).toContain(path);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  });

  test('a missing trialTemplate is fine when not required; a present one is still checked', () => {
    const e = structuredClone(base);
    delete e.spec.trialTemplate;
    expect(validateExperiment(e, { requireTrialTemplate: false })).toEqual([]);
    const f = structuredClone(base);
    tt(f).primaryContainerName = '';
    expect(validateExperiment(f, { requireTrialTemplate: false }).map((i) => i.path)).toEqual([
      'spec.trialTemplate.primaryContainerName',
    ]);
  });

  test('every problem is reported at once, in one pass', () => {
    const e = structuredClone(base);
    e.metadata.name = '9lives';
    e.spec.maxTrialCount = 0;
    e.spec.objective!.type = 'largest' as never;
    param(e, 2).feasibleSpace.step = '0';
    mc(e).collector = { kind: 'None' };
    expect(validateExperiment(e).map((i) => i.path)).toEqual(
      expect.arrayContaining([
        'metadata.name',
        'spec.maxTrialCount',
        'spec.parallelTrialCount',
        'spec.maxFailedTrialCount',
        'spec.objective.type',
        'spec.parameters[2].feasibleSpace.step',
        'spec.metricsCollectorSpec.collector.kind',
      ]),
    );
  });

  test('messages say what was expected', () => {
    const e = structuredClone(base);
    e.spec.algorithm!.algorithmName = 'invalid-algorithm';
    e.spec.parallelTrialCount = 20;
    const issues = validateExperiment(e);
    expect(issues).toContainEqual({
      path: 'spec.algorithm.algorithmName',
      message: expect.stringMatching(/^unknown algorithm name invalid-algorithm; /),
    });
    expect(issues).toContainEqual({
      path: 'spec.parallelTrialCount',
      message: 'expected a value <= spec.maxTrialCount (12), got 20',
    });
  });

  test.each(fixtureNames())('the example %s is valid', (name) => {
    expect(validateExperiment(loadFixture(name))).toEqual([]);
  });

  test.each([
    ['parallelTrialCount equal to maxTrialCount', (e: Experiment) => { e.spec.parallelTrialCount = 12; }],
    ['maxFailedTrialCount 0', (e: Experiment) => { e.spec.maxFailedTrialCount = 0; }],
    ['no maxTrialCount (unlimited)', (e: Experiment) => { delete e.spec.maxTrialCount; }],
    ['a Katib algorithm Scriba lacks (loadExperiment reports that)', (e: Experiment) => { e.spec.algorithm = { algorithmName: 'cmaes' }; }],
    ['Push collection', (e: Experiment) => { mc(e).collector = { kind: 'Push' }; }],
    ['a PrometheusMetric collector with a numeric string port', (e: Experiment) => {
      e.spec.metricsCollectorSpec = { collector: { kind: 'PrometheusMetric' }, source: { httpGet: { path: '/metrics', port: '9090' } } };
    }],
    ['a Custom collector', (e: Experiment) => {
      e.spec.metricsCollectorSpec = { collector: { kind: 'Custom', customCollector: { name: 'c', image: 'c:1' } } };
    }],
    ['a namespace meta reference', (e: Experiment) => {
      tt(e).trialParameters!.push({ name: 'ns', reference: '${trialSpec.Namespace}' });
      container(e).command.push('--ns=${trialParameters.ns}');
    }],
    ['resource limits with a device plugin resource', (e: Experiment) => {
      (container(e) as unknown as Obj).resources = { limits: { 'nvidia.com/gpu': 1 } };
    }],
  ])('valid: %s', (_, mutate) => {
    const e = structuredClone(base);
    mutate(e);
    expect(validateExperiment(e)).toEqual([]);
  });
});
