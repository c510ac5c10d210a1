import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { algorithmNames, KATIB_ALGORITHM_NAMES } from '../../algorithms/registry.js';
import { loadExperiment, parseExperimentObject, type ValidationIssue } from '../../src/experiment/index.js';
import { fixtureNames, fixtureText } from './fixtures.js';

const paths = (issues: ValidationIssue[]) => issues.map((i) => i.path);
/** The random.yaml fixture as plain data, edited by `edit`, back to YAML. */
function randomWith(edit: (raw: any) => void): string {
  const raw = parse(fixtureText('random.yaml'));
  edit(raw);
  return stringify(raw);
}

describe('loadExperiment', () => {
  test('YAML: parsed, defaulted, valid', () => {
    const { experiment, issues } = loadExperiment(fixtureText('random.yaml'));
    expect(issues).toEqual([]);
    expect(experiment?.metadata).toEqual({ name: 'random-example', namespace: 'kubeflow' });
    expect(experiment?.spec.parameters?.[0]).toEqual({
      name: 'lr',
      parameterType: 'double',
      feasibleSpace: { min: '0.01', max: '0.05', distribution: 'uniform' },
    });
    expect(experiment?.spec.resumePolicy).toBe('Never');
    expect(experiment?.spec.metricsCollectorSpec).toEqual({ collector: { kind: 'StdOut' } });
    expect(experiment?.spec.trialTemplate?.successCondition).toBe('status.conditions.#(type=="Complete")#|#(status=="True")#');
  });

  test('JSON: the same experiment as its YAML', () => {
    const json = JSON.stringify(parse(fixtureText('random.yaml')), null, '\t');
    const fromJson = loadExperiment(json);
    expect(fromJson.issues).toEqual([]);
    expect(fromJson.experiment).toEqual(loadExperiment(fixtureText('random.yaml')).experiment);
  });

  test.each(fixtureNames())('example %s loads with no issue but a missing algorithm', (name) => {
    const { experiment, issues } = loadExperiment(fixtureText(name));
    const algorithm = experiment?.spec.algorithm?.algorithmName;
    if (algorithm && algorithmNames().includes(algorithm)) expect(issues).toEqual([]);
    else {
      expect(issues).toEqual([
        { path: 'spec.algorithm.algorithmName', message: expect.stringContaining(`algorithm ${algorithm} is not implemented`) },
      ]);
    }
  });

  test('a YAML syntax error gives its line and column and no experiment', () => {
    const text = fixtureText('random.yaml').replace('    type: minimize', '    type: [minimize');
    const { experiment, issues } = loadExperiment(text);
    expect(experiment).toBeUndefined();
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toEqual({ path: '(yaml)', message: expect.stringMatching(/^line \d+, column \d+: \S/) });
  });

  test('the reported position is the offending one', () => {
    const { issues } = loadExperiment('apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nkind: Trial\n');
    expect(issues).toEqual([{ path: '(yaml)', message: 'line 3, column 1: Map keys must be unique' }]);
    const tabs = loadExperiment('spec:\n\tmaxTrialCount: 3\n');
    expect(tabs.issues[0]?.message).toMatch(/^line 2, column 1: /);
  });

  test('several documents are refused', () => {
    const { issues } = loadExperiment(`${fixtureText('random.yaml')}\n---\n${fixtureText('grid.yaml')}`);
    expect(issues[0]?.message).toMatch(/^line \d+, column \d+: Source contains multiple documents/);
  });

  test('every issue is returned at once', () => {
    const text = randomWith((raw) => {
      raw.metadata.name = '1st-try';
      raw.spec.maxTrialCount = 'abc';
      raw.spec.parameters[1].feasibleSpace.max = true;
      raw.spec.objective.type = 'maximise';
      raw.spec.metricsCollectorSpec = { collector: { kind: 'None' } };
      raw.spec.trialTemplate.primaryContainerName = '';
    });
    const { experiment, issues } = loadExperiment(text);
    expect(experiment).toBeDefined();
    expect(issues).toContainEqual({ path: 'spec.maxTrialCount', message: 'expected an integer, got "abc"' });
    expect(issues).toContainEqual({ path: 'spec.parameters[1].feasibleSpace.max', message: 'expected a string or number, got true' });
    expect(paths(issues)).toEqual(
      expect.arrayContaining([
        'metadata.name',
        'spec.objective.type',
        'spec.metricsCollectorSpec.collector.kind',
        'spec.trialTemplate.primaryContainerName',
      ]),
    );
    // A field dropped for its type is not reported a second time as missing.
    expect(paths(issues).filter((p) => p === 'spec.parameters[1].feasibleSpace.max')).toHaveLength(1);
  });

  test('a malformed list item is reported once, without issues on shifted neighbours', () => {
    const { issues } = loadExperiment(randomWith((raw) => {
      raw.spec.parameters[0] = 'lr';
      raw.spec.parameters[3].feasibleSpace.list = [true, 'sgd', 'adam'];
    }));
    expect(issues).toContainEqual({ path: 'spec.parameters[0]', message: 'expected an object, got "lr"' });
    expect(issues).toContainEqual({ path: 'spec.parameters[3].feasibleSpace.list[0]', message: 'expected a string or number, got true' });
    expect(paths(issues).filter((p) => p.startsWith('spec.parameters['))).toHaveLength(2);
  });

  test('grid: maxTrialCount above the number of grid points is refused at spec.maxTrialCount', () => {
    const text = fixtureText('grid.yaml').replace('maxTrialCount: 12', 'maxTrialCount: 26');
    const { issues } = loadExperiment(text);
    expect(issues).toEqual([{ path: 'spec.maxTrialCount', message: expect.stringContaining('25') }]);
    expect(loadExperiment(fixtureText('grid.yaml').replace('maxTrialCount: 12', 'maxTrialCount: 25')).issues).toEqual([]);
  });

  test.each(['-1', 'abc', '1.5'])('random_state %s is refused, naming the setting', (value) => {
    const { issues } = loadExperiment(randomWith((raw) => { raw.spec.algorithm.algorithmSettings[0].value = value; }));
    expect(issues).toEqual([{ path: 'spec.algorithm.algorithmSettings[0].value', message: expect.stringContaining('random_state') }]);
  });

  test('an unknown setting is refused by the algorithm', () => {
    const { issues } = loadExperiment(randomWith((raw) => { raw.spec.algorithm.algorithmSettings.push({ name: 'gamma', value: '0.2' }); }));
    expect(issues).toEqual([{ path: 'spec.algorithm.algorithmSettings[1].name', message: expect.stringContaining('unknown setting gamma') }]);
  });

  test('settings are not checked while the parameters are broken', () => {
    const { issues } = loadExperiment(randomWith((raw) => {
      raw.spec.algorithm.algorithmSettings[0].value = '-1';
      raw.spec.parameters[0].feasibleSpace.min = 'low';
    }));
    expect(paths(issues)).toEqual(['spec.parameters[0].feasibleSpace.min']);
  });

  test('a Katib algorithm Scriba lacks, and an unknown one', () => {
    const lacking = KATIB_ALGORITHM_NAMES.find((name) => !algorithmNames().includes(name));
    if (lacking) {
      const { issues } = loadExperiment(randomWith((raw) => { raw.spec.algorithm = { algorithmName: lacking }; }));
      expect(issues).toEqual([{ path: 'spec.algorithm.algorithmName', message: expect.stringMatching(new RegExp(`^algorithm ${lacking} is not implemented`)) }]);
    }
    const unknown = loadExperiment(randomWith((raw) => { raw.spec.algorithm = { algorithmName: 'invalid-algorithm' }; }));
    expect(unknown.issues).toEqual([{ path: 'spec.algorithm.algorithmName', message: expect.stringMatching(/^unknown algorithm name invalid-algorithm/) }]);
  });

  test('apiVersion and kind must be Katib\'s', () => {
    const { issues } = loadExperiment(randomWith((raw) => { raw.apiVersion = 'kubeflow.org/v1alpha3'; raw.kind = 'Trial'; }));
    expect(issues).toEqual([
      { path: 'apiVersion', message: 'expected kubeflow.org/v1beta1, got "kubeflow.org/v1alpha3"' },
      { path: 'kind', message: 'expected Experiment, got "Trial"' },
    ]);
  });

  test('unknown fields are named', () => {
    const { issues } = loadExperiment(randomWith((raw) => {
      raw.spec.maxTrials = 3;
      raw.spec.parameters[0].feasibleSpace.minimum = '0';
    }));
    expect(issues).toEqual([
      { path: 'spec.maxTrials', message: expect.stringMatching(/^unknown field "maxTrials"/) },
      { path: 'spec.parameters[0].feasibleSpace.minimum', message: expect.stringMatching(/^unknown field "minimum"/) },
    ]);
  });

  test('not an object', () => {
    expect(loadExperiment('').issues[0]?.path).toBe('apiVersion');
    expect(loadExperiment('- 1\n- 2\n').issues[0]).toEqual({ path: '(root)', message: 'expected an object, got a list' });
  });
});

describe('parseExperimentObject', () => {
  test('lenient where users expect it: numeric bounds, list items, goal and setting values', () => {
    const raw = parse(fixtureText('random.yaml'));
    raw.spec.objective.goal = '1e-3';
    raw.spec.parameters[1].feasibleSpace = { min: 0.5, max: 1, step: 0.1 };
    raw.spec.parameters[3] = { name: 'units', parameterType: 'discrete', feasibleSpace: { list: [32, '64', 1e-7] } };
    raw.spec.algorithm.algorithmSettings[0].value = 10;
    const { experiment, issues } = parseExperimentObject(raw);
    expect(issues).toEqual([]);
    expect(experiment.spec.objective?.goal).toBe(0.001);
    expect(experiment.spec.parameters?.[1]?.feasibleSpace).toEqual({ min: '0.5', max: '1', step: '0.1' });
    expect(experiment.spec.parameters?.[3]?.feasibleSpace.list).toEqual(['32', '64', '1e-7']);
    expect(experiment.spec.algorithm?.algorithmSettings).toEqual([{ name: 'random_state', value: '10' }]);
  });

  test('type problems carry their field path', () => {
    const raw = parse(fixtureText('random.yaml'));
    raw.spec.objective.goal = 'low';
    raw.spec.parallelTrialCount = 2.5;
    raw.spec.parameters[2].feasibleSpace.list = 'a,b';
    raw.spec.trialTemplate.retain = 'yes';
    raw.spec.trialTemplate.trialParameters[0].name = 7;
    raw.metadata.labels = { team: { a: 1 } };
    const { issues } = parseExperimentObject(raw);
    expect(issues).toHaveLength(6);
    expect(issues).toEqual(expect.arrayContaining([
      { path: 'metadata.labels.team', message: 'expected a string, got an object' },
      { path: 'spec.objective.goal', message: 'expected a number, got "low"' },
      { path: 'spec.parameters[2].feasibleSpace.list', message: 'expected a list, got "a,b"' },
      { path: 'spec.parallelTrialCount', message: 'expected an integer, got 2.5' },
      { path: 'spec.trialTemplate.retain', message: 'expected true or false, got "yes"' },
      { path: 'spec.trialTemplate.trialParameters[0].name', message: 'expected a string, got 7' },
    ]));
  });

  test('the trialSpec is kept untouched, unknown fields and all, and not shared with the input', () => {
    const raw = parse(fixtureText('random.yaml'));
    raw.spec.trialTemplate.trialSpec.spec.ttlSecondsAfterFinished = 60;
    raw.spec.trialTemplate.trialSpec.x_custom = { anything: [1, null, 'two'] };
    const { experiment, issues } = parseExperimentObject(raw);
    expect(issues).toEqual([]);
    expect(experiment.spec.trialTemplate?.trialSpec).toEqual(raw.spec.trialTemplate.trialSpec);
    expect(experiment.spec.trialTemplate?.trialSpec).not.toBe(raw.spec.trialTemplate.trialSpec);
  });

  test('status and cluster metadata are ignored', () => {
    const raw = parse(fixtureText('random.yaml'));
    raw.metadata.uid = '1234';
    raw.metadata.resourceVersion = '7';
    raw.status = { trials: 3 };
    const { experiment, issues } = parseExperimentObject(raw);
    expect(issues).toEqual([]);
    expect(experiment.metadata).toEqual({ name: 'random-example', namespace: 'kubeflow' });
    expect(experiment).not.toHaveProperty('status');
  });
});

describe('loadExperiment: grid size limits', () => {
  // random.yaml as a grid: lr replaced, momentum given a step.
  const grid = (parameter: object) =>
    randomWith((raw) => {
      raw.spec.algorithm = { algorithmName: 'grid' };
      raw.spec.parameters[0] = parameter;
      raw.spec.parameters[1].feasibleSpace.step = '0.1';
    });

  test('a double step of 1e-300 is refused at validation, naming the parameter and the field', () => {
    const { issues } = loadExperiment(grid({ name: 'lr', parameterType: 'double', feasibleSpace: { min: '0', max: '1', step: '1e-300' } }));
    expect(issues).toEqual([
      { path: 'spec.parameters[0].feasibleSpace.step', message: 'grid of 1e300 points for parameter "lr" exceeds the limit of 10,000,000 points per parameter' },
    ]);
  });

  test('an int range of ±9e15 is refused at validation', () => {
    const { issues } = loadExperiment(grid({ name: 'lr', parameterType: 'int', feasibleSpace: { min: '-9e15', max: '9e15' } }));
    expect(issues).toEqual([
      { path: 'spec.parameters[0].feasibleSpace.max', message: 'grid of 1.8e16 points for parameter "lr" exceeds the limit of 10,000,000 points per parameter' },
    ]);
  });
});

describe('loadExperiment: the primary container of a rendered trial', () => {
  const ALL_PLACEHOLDERS = 'python train.py --lr=${trialParameters.learningRate} ${trialParameters.momentum} ${trialParameters.batchSize} ${trialParameters.optimizer}';
  test('a primaryContainerName naming no container is an issue at validation', () => {
    const { issues } = loadExperiment(randomWith((raw) => (raw.spec.trialTemplate.primaryContainerName = 'trainer')));
    expect(issues).toEqual([
      {
        path: 'spec.trialTemplate.primaryContainerName',
        message: 'Job: no container named "trainer" in spec.template.spec.containers; found "training-container"',
      },
    ]);
  });

  test('a command that is not a list of strings, and a GPU count that is not whole, are issues at validation', () => {
    const command = loadExperiment(randomWith((raw) => (raw.spec.trialTemplate.trialSpec.spec.template.spec.containers[0].command = ALL_PLACEHOLDERS)));
    expect(command.issues).toEqual([
      { path: 'spec.trialTemplate.trialSpec', message: expect.stringMatching(/^spec\.template\.spec\.containers\[0\]\.command: expected a list of strings, got "python train.py --lr=0.03 /) },
    ]);
    const gpus = loadExperiment(
      randomWith((raw) => (raw.spec.trialTemplate.trialSpec.spec.template.spec.containers[0].resources = { limits: { 'nvidia.com/gpu': '0.5' } })),
    );
    expect(gpus.issues).toEqual([{ path: 'spec.trialTemplate.trialSpec', message: 'resources.limits["nvidia.com/gpu"]: expected a whole number of GPUs, got "0.5"' }]);
  });

  test('a kind whose containers only its controller knows (an Argo Workflow) is not looked into', () => {
    const { issues } = loadExperiment(
      randomWith((raw) => {
        raw.spec.trialTemplate.trialSpec = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { lr: '${trialParameters.learningRate}', m: '${trialParameters.momentum}', b: '${trialParameters.batchSize}', o: '${trialParameters.optimizer}' } };
        raw.spec.trialTemplate.successCondition = 'status.phase == "Succeeded"';
        raw.spec.trialTemplate.failureCondition = 'status.phase == "Failed"';
      }),
    );
    expect(issues).toEqual([]);
  });
});

describe('loadExperiment: input size limits', () => {
  test('a feasibleSpace.list of more than 10,000 values is refused, its values unread', () => {
    const list = Array.from({ length: 10_001 }, (_, i) => ({ value: i })); // not strings: each would be an issue if read
    const { issues } = loadExperiment(randomWith((raw) => (raw.spec.parameters[3].feasibleSpace.list = list)));
    expect(issues).toEqual([{ path: 'spec.parameters[3].feasibleSpace.list', message: 'a list of 10,001 values exceeds the limit of 10,000 values' }]);
  });

  test('10,000 values is within the limit', () => {
    const list = Array.from({ length: 10_000 }, (_, i) => `v${i}`);
    expect(loadExperiment(randomWith((raw) => (raw.spec.parameters[3].feasibleSpace.list = list))).issues).toEqual([]);
  });

  test('more than 1,000 parameters are refused', () => {
    const parameters = Array.from({ length: 1_001 }, (_, i) => ({ name: `p${i}`, parameterType: 'int', feasibleSpace: { min: '0', max: '1' } }));
    const { issues } = loadExperiment(randomWith((raw) => (raw.spec.parameters = parameters)));
    expect(issues).toEqual([{ path: 'spec.parameters', message: '1,001 parameters exceed the limit of 1,000 parameters' }]);
  });

  test('a text of more than 4 MiB is refused before it is parsed', () => {
    const text = `${fixtureText('random.yaml')}#${'x'.repeat(4 * 1024 * 1024)}\n`;
    const { experiment, issues } = loadExperiment(text);
    expect(experiment).toBeUndefined();
    expect(issues).toEqual([{ path: '(yaml)', message: `the experiment is ${Buffer.byteLength(text).toLocaleString('en-US')} bytes, beyond the limit of 4 MiB` }]);
  });
});
