// A Katib Experiment whose trials cost nothing but a process: /bin/echo of the metric.
// Shared by bench/engine-overhead.mjs and bench/queue/run.mjs.
export function echoExperimentYaml(name, { parallel, trials }) {
  return `apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: { name: ${name} }
spec:
  objective: { type: minimize, objectiveMetricName: loss }
  algorithm: { algorithmName: random }
  parallelTrialCount: ${parallel}
  maxTrialCount: ${trials}
  parameters:
    - { name: x, parameterType: double, feasibleSpace: { min: "0", max: "1" } }
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
              - { name: main, image: busybox, command: [/bin/echo, "loss=\${trialParameters.x}"] }
            restartPolicy: Never
`;
}
