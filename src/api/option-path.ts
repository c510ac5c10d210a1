import type { Experiment } from '../experiment/types.js';

/** Maps a Katib field path to the option a TypeScript caller wrote. */
export function optionPath(path: string, experiment: Experiment): string {
  const spec = experiment.spec;
  const indexed = (re: RegExp, list: Array<{ name: string }> | undefined, prefix: string): string | undefined => {
    const m = re.exec(path);
    if (!m) return undefined;
    const name = list?.[Number(m[1])]?.name ?? m[1];
    const rest = (m[2] ?? '').replace(/^\.feasibleSpace/, '').replace(/^\.(name|value)$/, '');
    return `${prefix}.${name}${rest}`;
  };
  return (
    indexed(/^spec\.parameters\[(\d+)\](.*)$/, spec.parameters, 'parameters') ??
    indexed(/^spec\.algorithm\.algorithmSettings\[(\d+)\](.*)$/, spec.algorithm?.algorithmSettings, 'algorithmSettings') ??
    indexed(/^spec\.earlyStopping\.algorithmSettings\[(\d+)\](.*)$/, spec.earlyStopping?.algorithmSettings, 'earlyStoppingSettings') ??
    indexed(/^spec\.objective\.metricStrategies\[(\d+)\](.*)$/, spec.objective?.metricStrategies, 'metricStrategies') ??
    path
      .replace(/^metadata\.name$/, 'name')
      .replace(/^spec\.objective\.type$/, 'objectiveType')
      .replace(/^spec\.algorithm\.algorithmName$/, 'algorithm')
      .replace(/^spec\.earlyStopping\.algorithmName$/, 'earlyStopping')
      .replace(/^spec\.objective\./, '')
      .replace(/^spec\./, '')
  );
}
