import { Command, Option } from 'commander';
import { bench, type BenchCommand, type BenchValues } from './bench.js';
import { action, type Context } from './commander.js';

/** Every flag of `scriba bench`, with its default; each subcommand takes the ones it reads. */
const FLAGS: Record<string, { flags: string; help: string; fallback?: string }> = {
  algorithms: { flags: '--algorithms <list>', help: 'Scriba algorithms, comma-separated', fallback: 'random' },
  functions: { flags: '--functions <list>', help: 'objective functions or groups, comma-separated: protocol (the 12 of the protocol), mixed (the mixed-type spaces), all', fallback: 'all' },
  seeds: { flags: '--seeds <n>', help: 'seeds per function', fallback: '10' },
  seedStart: { flags: '--seed-start <n>', help: 'first seed', fallback: '0' },
  budget: { flags: '--budget <n>', help: 'evaluations per run (default: the function\'s)' },
  settings: { flags: '--settings <k=v,...>', help: 'Katib algorithm settings for every algorithm' },
  parallel: { flags: '--parallel <p>', help: 'child processes', fallback: '1' },
  shard: { flags: '--shard <i/p>', help: 'run every p-th task from the i-th (used by --parallel)' },
  peer: { flags: '--peer <name>', help: 'run the same protocol with a peer library (optuna)' },
  sizes: { flags: '--sizes <list>', help: 'history sizes', fallback: '100,500,1000,2000' },
  asks: { flags: '--asks <n>', help: 'timed asks per size', fallback: '20' },
  warmup: { flags: '--warmup <n>', help: 'untimed asks before the first size', fallback: '2000' },
  prefill: { flags: '--prefill <list>', help: 'histories, comma-separated: add (the protocol\'s points), run (the algorithm\'s own), or add,run for both', fallback: 'add' },
  method: { flags: '--method <sampler>', help: 'the sampler the figure is about' },
  against: { flags: '--against <sampler>', help: 'the sampler it is compared with' },
  margin: { flags: '--margin <x>', help: 'relative margin of "as good as"', fallback: '0' },
  within: { flags: '--within <n>', help: 'functions allowed outside the margin', fallback: '0' },
  better: { flags: '--better <n>', help: 'functions that must be strictly better', fallback: '0' },
  draws: { flags: '--draws <n>', help: 'bootstrap draws', fallback: '10000' },
  methods: { flags: '--methods <list>', help: 'multi-fidelity methods, comma-separated, or all', fallback: 'all' },
  report: { flags: '--report <file.md>', help: 'also write a Markdown report there, its SVG plots beside it' },
  from: { flags: '--from <results.json>', help: 'report an earlier result file (.json or .json.gz) instead of running' },
  out: { flags: '--out <path>', help: 'where the results go (required; a path ending in .gz is gzipped)' },
};

const SUBCOMMANDS: Record<BenchCommand, { args?: string; help: string; flags: (keyof typeof FLAGS)[] }> = {
  run: { help: 'synthetic functions, several seeds: regret curves', flags: ['algorithms', 'functions', 'seeds', 'seedStart', 'budget', 'settings', 'parallel', 'shard', 'peer', 'out'] },
  latency: { help: 'time of one suggestion against the size of the history', flags: ['algorithms', 'sizes', 'asks', 'warmup', 'prefill', 'peer', 'out'] },
  multifidelity: { help: 'learning curves with early stopping (protocol §5): incumbent regret against epochs', flags: ['methods', 'seeds', 'seedStart', 'budget', 'peer', 'out', 'report', 'from'] },
  report: { args: '<results...>', help: 'Markdown tables and SVG plots of result files', flags: ['out'] },
  odds: { args: '<results...>', help: 'how often a figure holds on other draws of seeds', flags: ['method', 'against', 'margin', 'within', 'better', 'seeds', 'draws', 'out'] },
};

const DEFAULTS = Object.fromEntries(
  Object.entries(FLAGS).flatMap(([key, f]) => (f.fallback === undefined ? [] : [[kebab(key), f.fallback]])),
) as unknown as BenchValues;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `scriba bench run|latency|multifidelity|report|odds` (bench-protocol v1). */
export function benchCommand(ctx: Context): Command {
  const command = new Command('bench').description('the benchmark protocol: run, latency, multifidelity, report, odds');
  for (const [name, sub] of Object.entries(SUBCOMMANDS) as [BenchCommand, (typeof SUBCOMMANDS)[BenchCommand]][]) {
    const c = command.command(name).description(sub.help);
    if (sub.args) c.argument(sub.args);
    for (const key of sub.flags) {
      const f = FLAGS[key];
      if (!f) continue;
      const option = new Option(f.flags, f.help);
      if (f.fallback !== undefined) option.default(f.fallback);
      c.addOption(option);
    }
    const run = (positionals: string[], opts: Record<string, string>) => {
      const values = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).map(([k, v]) => [kebab(k), v])) } as BenchValues;
      return bench(name, values, positionals, ['scriba', ...ctx.argv].join(' '), ctx.io);
    };
    c.action(action(ctx, (...args: unknown[]) => (sub.args ? run(args[0] as string[], args[1] as Record<string, string>) : run([], args[0] as Record<string, string>))));
  }
  return command;
}
