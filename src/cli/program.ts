import { Command, Option } from 'commander';
import { DEFAULT_DB_PATH } from '../store/sqlite-store.js';
import { packageVersion } from '../version.js';
import { benchCommand } from './bench-command.js';
import { action, dbOption, integer, usageError, type Context } from './commander.js';
import { deleteExperiment } from './delete.js';
import { describeExperiment, describeTrial } from './describe.js';
import { getExperiments, getTrial, getTrials, OUTPUT_FORMATS, type GetFlags, type OutputFormat } from './get.js';
import { defaultMaxParallel } from './local-run.js';
import { KILL_GRACE_MS } from '../../trials/process-runner.js';
import { trialLogs } from './logs.js';
import { printManifests, withInstallOptions, type InstallFlags } from './install.js';
import { resumeExperiment, runFile, type RunFlags } from './run.js';
import { nasCommand } from './nas.js';
import { serveCommand, signalled } from './serve.js';
import { plotCommand } from './plot.js';
import { uiCommand } from './ui.js';
import { validateFiles } from './validate-files.js';
import { getWorkers, runWorker } from './worker.js';
import { checkQueueUrl } from '../../trials/queue/connection.js';

const FOOTER = `
The store defaults to ${DEFAULT_DB_PATH}; trials run in its folder, under trials/.
Exit codes: 0 success (experiment Succeeded), 1 experiment Failed, file invalid or name not found, 2 bad input,
69 the queue's Redis unavailable, 74 store fault (not a database, damaged, read-only, locked, full), 70 internal error, 128+n stopped by signal n (130 SIGINT, 143 SIGTERM, 129 SIGHUP).`;

interface RunOptions {
  db: string;
  json?: boolean;
  seed?: string;
  gpus?: string;
  timeout?: string;
  maxTrialCount?: string;
  maxParallel?: string;
  killGrace?: string;
  queue?: string;
}

function runFlags(o: RunOptions): RunFlags {
  if (o.queue !== undefined) {
    // Through a queue the workers own the GPUs and the parallelism.
    if (o.gpus !== undefined) throw usageError('--gpus: with --queue, GPUs are the workers\' (scriba worker --gpus LIST)');
    if (o.maxParallel !== undefined) throw usageError('--max-parallel: with --queue, parallelTrialCount and the workers\' --concurrency decide what runs at once');
  }
  return {
    db: o.db,
    json: o.json === true,
    ...(o.seed !== undefined ? { seed: integer(o.seed, '--seed', 0) } : {}),
    ...(o.gpus !== undefined ? { gpus: o.gpus } : {}),
    ...(o.timeout !== undefined ? { timeoutSeconds: integer(o.timeout, '--timeout', 1) } : {}),
    ...(o.maxTrialCount !== undefined ? { maxTrialCount: integer(o.maxTrialCount, '--max-trial-count', 1) } : {}),
    ...(o.maxParallel !== undefined ? { maxParallel: integer(o.maxParallel, '--max-parallel', 1) } : {}),
    ...(o.killGrace !== undefined ? { killGraceSeconds: integer(o.killGrace, '--kill-grace', 0) } : {}),
    ...(o.queue !== undefined ? { queue: checkQueueUrl(o.queue, '--queue') } : {}),
  };
}

/** `-o FORMAT`, with `--json` kept as the older spelling of `-o json`. */
function getFlags(o: { db: string; output?: OutputFormat; json?: boolean }): GetFlags {
  if (o.json && o.output !== undefined && o.output !== 'json') throw usageError(`--json and -o ${o.output} ask for different formats; give one`);
  return { db: o.db, output: o.json ? 'json' : (o.output ?? 'table') };
}

function withGetOptions(c: Command): Command {
  return c
    .addOption(dbOption())
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS))
    .option('--json', 'the same as -o json');
}

function runOptions(c: Command): Command {
  return c
    .addOption(dbOption())
    .option('--json', 'stdout: the summary as one JSON object; progress on stderr')
    .option('--gpus <list>', 'GPUs to hand out: 0,1,... | all | none (default: what nvidia-smi lists)')
    .option('--timeout <seconds>', 'wall-clock limit of each trial')
    .option('--kill-grace <seconds>', `time a stopped trial (early stopped, timed out) has between SIGTERM and SIGKILL (default ${KILL_GRACE_MS / 1000})`)
    .option('--max-parallel <n>', `most trial processes at once, whatever parallelTrialCount says (default ${defaultMaxParallel()}: 4 per CPU, at least 8)`)
    .option('--queue <url>', 'enqueue trials on Redis (redis://[:PASSWORD@]HOST:PORT[/DB], rediss:// for TLS) for scriba worker processes instead of running them here');
}

/** The whole command line; each action parses, calls one function, and returns its exit code. */
export function buildProgram(ctx: Context, deps: { stopped?: () => Promise<unknown> } = {}): Command {
  const io = ctx.io;
  const program = new Command('scriba')
    .description("Hyperparameter tuning speaking Kubeflow Katib's Experiment: run one here, inspect its store, serve Katib's gRPC API")
    .version(packageVersion(), '-v, --version', 'print the version')
    .addHelpText('after', FOOTER);

  program.command('validate').description('check Katib Experiment YAML/JSON files').argument('<files...>')
    .action(action(ctx, (files: string[]) => validateFiles(files, io)));

  runOptions(program.command('run').description('run an Experiment here, trials as local processes').argument('<file>'))
    .option('--seed <n>', 'seed of a new experiment')
    .action(action(ctx, (file: string, o: RunOptions) => runFile(file, runFlags(o), io)));

  runOptions(program.command('resume').description('continue an experiment after a crash or Ctrl-C').argument('<name>'))
    .option('--max-trial-count <n>', 'raise maxTrialCount (restarts a LongRunning experiment that ended)')
    .action(action(ctx, (name: string, o: RunOptions) => resumeExperiment(name, runFlags(o), io)));

  const get = program.command('get').description('get experiments [NAME] | trials EXPERIMENT | trial NAME (-o json|yaml|wide|name)');
  withGetOptions(get.command('experiments').alias('experiment').description('every experiment in the store, or the one named').argument('[name]'))
    .action(action(ctx, (name: string | undefined, o: Parameters<typeof getFlags>[0]) => getExperiments(name, getFlags(o), io)));
  withGetOptions(get.command('trials').description("an experiment's trials").argument('<experiment>'))
    .action(action(ctx, (name: string, o: Parameters<typeof getFlags>[0]) => getTrials(name, getFlags(o), io)));
  withGetOptions(get.command('trial').description('one trial (-o yaml: with its observation log)').argument('<name>'))
    .action(action(ctx, (name: string, o: Parameters<typeof getFlags>[0]) => getTrial(name, getFlags(o), io)));

  get.command('workers').description('the workers of a queue: GPUs, running trials, last heartbeat')
    .requiredOption('--queue <url>', 'the Redis of the queue (redis://HOST:PORT)')
    .option('-o, --output <format>', 'json for JSON')
    .option('--json', 'the same as -o json')
    .action(action(ctx, (o: { queue: string; output?: string; json?: boolean }) => {
      if (o.output !== undefined && o.output !== 'json') throw usageError(`-o ${o.output}: get workers writes a table or -o json`);
      return getWorkers(checkQueueUrl(o.queue, '--queue'), o.json === true || o.output === 'json', io);
    }));

  program.command('worker').description('take trials from a Redis queue and run them here (scriba run --queue, tune({ queue }))')
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://[:PASSWORD@]HOST:PORT[/DB], rediss:// for TLS')
    .option('--gpus <list>', 'GPUs to hand out: 0,1,... | all | none (default: what nvidia-smi lists)')
    .option('--concurrency <n>', 'trials at once (default: one per GPU, at least 1)')
    .option('--name <name>', 'the name scriba get workers shows (default HOST-PID)')
    .option('--objective <module#export>', 'the function in-process trials run (tune({ queue })), e.g. ./train.js#objective')
    .option('--work-dir <dir>', 'where trial directories go', '.scriba/trials')
    .option('--experiment-dir <dir>', "SCRIBA_EXPERIMENT_DIR of process trials (default: the Experiment file's folder where it exists here, else the working directory)")
    .option('--lock-seconds <s>', 'how long a trial stays with a worker that stops answering before another worker runs it', '30')
    .option('--quiet', 'no line per trial started and ended')
    .action(action(ctx, (o: { queue: string; gpus?: string; concurrency?: string; name?: string; objective?: string; workDir: string; experimentDir?: string; lockSeconds: string; quiet?: boolean }) =>
      runWorker({
        queue: checkQueueUrl(o.queue, '--queue'),
        workDir: o.workDir,
        quiet: o.quiet === true,
        lockSeconds: integer(o.lockSeconds, '--lock-seconds', 1),
        ...(o.gpus !== undefined ? { gpus: o.gpus } : {}),
        ...(o.concurrency !== undefined ? { concurrency: integer(o.concurrency, '--concurrency', 1) } : {}),
        ...(o.name !== undefined ? { name: o.name } : {}),
        ...(o.objective !== undefined ? { objective: o.objective } : {}),
        ...(o.experimentDir !== undefined ? { experimentDir: o.experimentDir } : {}),
      }, io)));

  const describe = program.command('describe').description('describe experiment NAME | trial NAME');
  describe.command('experiment').description('conditions, counts, best trial, failure causes, settings, parameters').argument('<name>').addOption(dbOption())
    .action(action(ctx, (name: string, o: { db: string }) => describeExperiment(name, o.db, io)));
  describe.command('trial').description('status, times, parameters, metrics, conditions').argument('<name>').addOption(dbOption())
    .action(action(ctx, (name: string, o: { db: string }) => describeTrial(name, o.db, io)));

  const remove = program.command('delete').description('delete experiment NAME: its trials, logs and trial directories');
  remove.command('experiment').description('the experiment, its trials, observation logs and trial directories').argument('<name>').addOption(dbOption())
    .option('--ignore-not-found', 'a missing experiment is not an error')
    .option('--queue <url>', 'the Redis it ran through (scriba run --queue): its trials still on workers stop, its jobs and keys go')
    .action(action(ctx, (name: string, o: { db: string; ignoreNotFound?: boolean; queue?: string }) =>
      deleteExperiment(name, { db: o.db, ignoreNotFound: o.ignoreNotFound === true, ...(o.queue !== undefined ? { queue: checkQueueUrl(o.queue, '--queue') } : {}) }, io)));

  program.command('logs').description("what a trial's process printed").argument('<trial>').addOption(dbOption())
    .option('-f, --follow', 'keep printing until the trial ends')
    .action(action(ctx, (trial: string, o: { db: string; follow?: boolean }) => trialLogs(trial, { db: o.db, follow: o.follow === true }, io)));

  program.command('controller').description('run Katib Experiments in a Kubernetes cluster: Trials as jobs, status as Katib writes it (leader-elected)')
    .option('-n, --namespace <ns>', 'watch this namespace (default: the pod\'s, else the kubeconfig context\'s)')
    .option('-A, --all-namespaces', 'watch every namespace')
    .option('--kubeconfig <file>', 'the kubeconfig (default: in-cluster, else $KUBECONFIG or ~/.kube/config)')
    .option('--data-dir <dir>', 'where the stores go (one SQLite file per namespace)', '.scriba/controller')
    .option('--host <host>', 'address of the DB-manager and Suggestion services', '127.0.0.1')
    .option('--port <port>', 'their port (0: any free one)', '6789')
    .option('--probe-port <port>', 'HTTP /healthz and /readyz (ready: this replica leads)')
    .option('--lease-name <name>', 'the Lease of the leader election', 'scriba-controller')
    .option('--lease-namespace <ns>', 'its namespace (default: the pod\'s, else the watched one)')
    .option('--lease-seconds <s>', 'how long a leader that stops renewing keeps the Lease', '15')
    .option('--identity <id>', 'this replica in the Lease (default: $POD_NAME, else HOST-PID)')
    .action(action(ctx, async (o: { namespace?: string; allNamespaces?: boolean; kubeconfig?: string; dataDir: string; host: string; port: string; probePort?: string; leaseName: string; leaseNamespace?: string; leaseSeconds: string; identity?: string }) =>
      // Loaded here so that other commands do not pay for the Kubernetes client's start-up.
      (await import('./controller.js')).runController({
        allNamespaces: o.allNamespaces === true,
        dataDir: o.dataDir,
        host: o.host,
        port: integer(o.port, '--port', 0),
        leaseName: o.leaseName,
        leaseSeconds: integer(o.leaseSeconds, '--lease-seconds', 1),
        ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
        ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
        ...(o.probePort !== undefined ? { probePort: integer(o.probePort, '--probe-port', 0) } : {}),
        ...(o.leaseNamespace !== undefined ? { leaseNamespace: o.leaseNamespace } : {}),
        ...(o.identity !== undefined ? { identity: o.identity } : {}),
      }, io, deps.stopped ?? signalled)));

  withInstallOptions(program.command('install').description('print the manifests of the Kubernetes controller (CRDs, RBAC, Deployment, Services) for kubectl apply -f -'))
    .action(action(ctx, (o: InstallFlags) => printManifests(o, io)));

  program.command('ui').description('serve a web dashboard over the store: experiments, pictures, trials, logs, live')
    .addOption(dbOption())
    .option('--host <host>', 'address to bind (beyond loopback a token is required)', '127.0.0.1')
    .option('--port <port>', 'port (0: any free one)', '8080')
    .option('--token <token>', 'the token a browser must give (default beyond loopback: a random one, printed in the URL; or $SCRIBA_UI_TOKEN)')
    .option('--allow-write', 'allow stopping, resuming and deleting experiments from the page')
    .action(action(ctx, (o: { db: string; host: string; port: string; token?: string; allowWrite?: boolean }) =>
      uiCommand({ db: o.db, host: o.host, port: integer(o.port, '--port', 0), allowWrite: o.allowWrite === true, ...(o.token !== undefined ? { token: o.token } : {}) }, io, deps.stopped ?? signalled)));

  program.command('plot').description("draw an experiment's picture as a file: history | parallel | slice | curves (importance: not available yet)")
    .argument('<kind>').argument('<experiment>').addOption(dbOption())
    .requiredOption('--out <file>', 'the file to write: FILE.svg or FILE.png')
    .option('--metric <name>', 'the intermediate metric of curves (default: the objective metric)')
    .option('--log-y', 'a log10 value axis (history, curves)')
    .action(action(ctx, (kind: string, experiment: string, o: { db: string; out: string; metric?: string; logY?: boolean }) =>
      plotCommand(kind, experiment, { db: o.db, out: o.out, logY: o.logY === true, ...(o.metric !== undefined ? { metric: o.metric } : {}) }, io)));

  program.addCommand(benchCommand(ctx));
  program.addCommand(serveCommand(ctx, deps.stopped));
  program.addCommand(nasCommand(ctx));
  program.command('version').description('print the version').action(action(ctx, () => {
    io.out(packageVersion());
    return 0;
  }));
  return program;
}
