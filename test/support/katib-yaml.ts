/**
 * A Katib Experiment YAML over one double parameter `x` in [min, max], run by a batch Job
 * whose container `main` runs `command` (a YAML flow list, `${trialParameters.x}` allowed).
 */
export function jobExperimentYaml(o: {
  name: string;
  command: string;
  maxTrialCount: number;
  parallelTrialCount: number;
  min?: string;
  max?: string;
  /** Extra lines under spec (indented by two spaces), e.g. `resumePolicy: LongRunning`. */
  spec?: string;
  /** Extra lines under the container (indented by 16 spaces), e.g. resources. */
  container?: string;
}): string {
  return `apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: { name: ${o.name} }
spec:
  objective: { type: minimize, objectiveMetricName: loss }
  algorithm: { algorithmName: random, algorithmSettings: [{ name: random_state, value: "3" }] }
  parallelTrialCount: ${o.parallelTrialCount}
  maxTrialCount: ${o.maxTrialCount}
${o.spec ?? ''}
  parameters:
    - { name: x, parameterType: double, feasibleSpace: { min: "${o.min ?? '0'}", max: "${o.max ?? '1'}" } }
  trialTemplate:
    primaryContainerName: main
    trialParameters: [{ name: x, reference: x }]
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: main
                image: busybox
                command: ${o.command}
${o.container ?? ''}
            restartPolicy: Never
`;
}
