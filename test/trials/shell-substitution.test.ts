import { describe, expect, test } from 'vitest';
import type { Experiment, ParameterSpec } from '../../src/experiment/types.js';
import { shellSubstitutionWarnings } from '../../trials/shell-substitution.js';

const opt = (list: string[]): ParameterSpec => ({ name: 'opt', parameterType: 'categorical', feasibleSpace: { list } });
const lr: ParameterSpec = { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.01', max: '0.1' } };

/** A Job whose container `main` runs `command` (and `args`), trial parameters o -> opt and l -> lr. */
function job(command: string[] | undefined, o: { args?: string[]; list?: string[] } = {}): Experiment {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    metadata: { name: 'shell' },
    spec: {
      parameters: [lr, opt(o.list ?? ['sgd', '$(rm -rf ~)'])],
      trialTemplate: {
        primaryContainerName: 'main',
        trialParameters: [{ name: 'o', reference: 'opt' }, { name: 'l', reference: 'lr' }],
        trialSpec: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          spec: { template: { spec: { containers: [{ name: 'main', image: 'x', ...(command ? { command } : {}), ...(o.args ? { args: o.args } : {}) }] } } },
        },
      },
    },
  };
}
const warned = (e: Experiment) => shellSubstitutionWarnings(e).map((w) => w.message);

describe('shellSubstitutionWarnings', () => {
  test('a categorical value with shell characters substituted into sh -c: one warning naming the parameter and the container', () => {
    expect(shellSubstitutionWarnings(job(['sh', '-c', 'python train.py --opt ${trialParameters.o} --again ${trialParameters.o}']))).toEqual([
      {
        path: 'spec.trialTemplate.trialSpec',
        message:
          'categorical parameter "opt" is substituted as it is into the shell command string of container "main" (sh -c), and its value "$(rm -rf ~)" holds characters the shell interprets; ' +
          `pass it as a separate argument and read it as "$1": [sh, -c, '... "$1" ...', sh, '\${trialParameters.o}']`,
      },
    ]);
  });

  test.each([
    ['bash -c', ['bash', '-c', 'train ${trialParameters.o}']],
    ['/bin/sh -c', ['/bin/sh', '-c', 'train ${trialParameters.o}']],
    ['combined options -ec', ['/usr/bin/bash', '-ec', 'train ${trialParameters.o}']],
    ['-o pipefail before -c', ['bash', '-o', 'pipefail', '-c', 'train ${trialParameters.o}']],
    ['env bash', ['/usr/bin/env', 'LC_ALL=C', 'bash', '-c', 'train ${trialParameters.o}']],
    ['busybox sh', ['busybox', 'sh', '-c', 'train ${trialParameters.o}']],
  ])('recognises %s', (_, command) => {
    expect(warned(job(command))).toHaveLength(1);
  });

  test('the script given in args after command [sh] is a shell string too', () => {
    expect(warned(job(['sh'], { args: ['-c', 'train ${trialParameters.o}'] }))).toHaveLength(1);
  });

  test.each([
    ['the safe form: the value as a separate argument read as "$1"', job(['sh', '-c', 'python train.py --opt "$1"', 'sh', '${trialParameters.o}'])],
    ['no shell: python gets the value as one argument', job(['python', 'train.py', '--opt=${trialParameters.o}'])],
    ['a numeric parameter in the script', job(['sh', '-c', 'python train.py --lr ${trialParameters.l}'])],
    ['categorical values without shell characters', job(['sh', '-c', 'train ${trialParameters.o}'], { list: ['sgd', 'adam', 'rms-prop', 'a.b/c:d=e,f+g@h%i'] })],
    ['args without a command go to the image entrypoint', job(undefined, { args: ['-c', 'train ${trialParameters.o}'] })],
    ['sh without -c runs a file', job(['sh', 'run.sh', '${trialParameters.o}'])],
  ])('no warning for %s', (_, e) => {
    expect(warned(e)).toEqual([]);
  });
});

test('a discrete value written with a space around it is reported too; plain numbers are not', () => {
  const withDiscrete = (list: string[]): Experiment => {
    const e = job(['sh', '-c', 'train ${trialParameters.o}']);
    e.spec.parameters = [lr, { name: 'opt', parameterType: 'discrete', feasibleSpace: { list } }];
    return e;
  };
  expect(warned(withDiscrete(['1', ' 2']))).toEqual([expect.stringMatching(/^discrete parameter "opt" is substituted .* its value " 2" holds characters/)]);
  expect(warned(withDiscrete(['1', '-2.5e-3', '+4']))).toEqual([]);
});
