import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { algorithmNames, getAlgorithm } from '../../algorithms/registry.js';
import { earlyStoppingNames } from '../../early-stopping/registry.js';
import type { ClientTls } from '../../suggestion-service/client.js';
import type { ServerOptions, ServerTls } from '../../suggestion-service/server.js';
import { errorMessage, ScribaError } from '../errors.js';
import { ObservationLogStore } from '../store/observation-log-store.js';
import { DEFAULT_DB_PATH } from '../store/sqlite-store.js';
import { action, conventions, execute, type Context } from './commander.js';
import type { Io } from './io.js';

export const SERVE_USAGE = `scriba serve suggestion --algorithm NAME|all [--port 6789] [--host 127.0.0.1] [--algorithm-threads N]
scriba serve early-stopping [--port 6788] [--host 127.0.0.1] [--db PATH]
  [--db-manager-ca FILE] [--db-manager-cert FILE --db-manager-key FILE] [--db-manager-server-name NAME]
      (TLS to the DB managers that requests name)
scriba serve db-manager [--port 6789] [--host 127.0.0.1] [--db PATH]
  TLS: --tls-cert FILE --tls-key FILE [--tls-client-ca FILE (mutual TLS)]
  --max-message-mb N (default 64)   --grace SECONDS (default 10, for SIGTERM)
  --host 0.0.0.0 listens on every interface (in a pod).`;

/** Serve every algorithm, by the experiment's algorithmName (suggestion-service's ALL_ALGORITHMS). */
const ALL_ALGORITHMS = 'all';

const DEFAULT_PORTS = { suggestion: 6789, 'early-stopping': 6788, 'db-manager': 6789 } as const;

type ServiceName = keyof typeof DEFAULT_PORTS;

/** Flags of every service, each accepted by all three so that a misplaced one gets its own message. */
const FLAGS: readonly { flags: string; help: string; services: readonly ServiceName[]; fallback?: string }[] = [
  { flags: '--algorithm <name>', help: 'the algorithm served, or all (by the experiment\'s algorithmName)', services: ['suggestion'] },
  { flags: '--port <port>', help: 'port to listen on (0: any free one)', services: ['suggestion', 'early-stopping', 'db-manager'] },
  { flags: '--host <host>', help: 'address to listen on (0.0.0.0: every interface)', services: ['suggestion', 'early-stopping', 'db-manager'], fallback: '127.0.0.1' },
  { flags: '--db <path>', help: 'the SQLite store of observation logs', services: ['early-stopping', 'db-manager'] },
  { flags: '--tls-cert <file>', help: 'server certificate (PEM)', services: ['suggestion', 'early-stopping', 'db-manager'] },
  { flags: '--tls-key <file>', help: 'server key (PEM)', services: ['suggestion', 'early-stopping', 'db-manager'] },
  { flags: '--tls-client-ca <file>', help: 'CA of client certificates (mutual TLS)', services: ['suggestion', 'early-stopping', 'db-manager'] },
  { flags: '--db-manager-ca <file>', help: 'CA of the DB managers that requests name', services: ['early-stopping'] },
  { flags: '--db-manager-cert <file>', help: 'client certificate for the DB managers', services: ['early-stopping'] },
  { flags: '--db-manager-key <file>', help: 'client key for the DB managers', services: ['early-stopping'] },
  { flags: '--db-manager-server-name <name>', help: 'name the DB managers\' certificates carry', services: ['early-stopping'] },
  { flags: '--max-message-mb <n>', help: 'largest message, in MiB', services: ['suggestion', 'early-stopping', 'db-manager'], fallback: '64' },
  { flags: '--algorithm-threads <n>', help: 'worker threads for algorithm work (0: none; default one per core but one, at most 4)', services: ['suggestion'] },
  { flags: '--grace <seconds>', help: 'time running calls get on SIGTERM', services: ['suggestion', 'early-stopping', 'db-manager'], fallback: '10' },
];

const DESCRIPTIONS: Record<ServiceName, string> = {
  suggestion: "Katib's Suggestion service (default port 6789)",
  'early-stopping': "Katib's EarlyStopping service, medianstop and asha (default port 6788)",
  'db-manager': "Katib's DBManager service, observation logs in SQLite (default port 6789)",
};

/**
 * `scriba serve ...`: Katib's gRPC services until SIGTERM or SIGINT (or until `stopped()`
 * resolves), then a graceful shutdown.
 */
export function serveCommand(ctx: Context, stopped: () => Promise<unknown> = signalled): Command {
  const command = new Command('serve')
    .description("Katib's gRPC services: suggestion, early-stopping, db-manager")
    .argument('[service]', 'suggestion, early-stopping or db-manager')
    .addHelpText('after', `\n${SERVE_USAGE}`)
    .action(action(ctx, (what: string | undefined) => {
      throw usage(`serve: expected suggestion, early-stopping or db-manager, got ${what ?? 'nothing'}`);
    }));
  for (const what of Object.keys(DEFAULT_PORTS) as ServiceName[]) {
    const sub = command.command(what).description(DESCRIPTIONS[what]);
    for (const f of FLAGS) {
      const option = new Option(f.flags, f.help);
      if (f.fallback !== undefined) option.default(f.fallback);
      if (!f.services.includes(what)) option.hideHelp();
      sub.addOption(option);
    }
    sub.action(action(ctx, (opts: Record<string, string | undefined>) => runService(what, kebabKeys(opts), ctx.io, stopped)));
  }
  return command;
}

/** `scriba serve ARGS` on its own, as a test or an embedding program calls it. */
export function serve(args: readonly string[], io: Io, stopped: () => Promise<unknown> = signalled): Promise<number> {
  const ctx: Context = { io, argv: ['serve', ...args], code: 0 };
  const program = new Command('scriba').addCommand(serveCommand(ctx, stopped));
  conventions(program, io);
  return execute(program, ctx);
}

/** Commander's camelCase option names back to the flags' own (`tlsCert` to `tls-cert`). */
function kebabKeys(opts: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(opts).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), v]));
}

async function runService(what: ServiceName, v: Record<string, string | undefined>, io: Io, stopped: () => Promise<unknown>): Promise<number> {
  const port = integer(v.port ?? String(DEFAULT_PORTS[what]), '--port', 0, 65535);
  const maxMessageBytes = integer(v['max-message-mb'] ?? '64', '--max-message-mb', 1, 2047) * 1024 * 1024;
  const graceMs = integer(v.grace ?? '10', '--grace', 0, 3600) * 1000;
  if (what !== 'suggestion' && v.algorithm !== undefined) throw usage(`serve ${what}: --algorithm is for scriba serve suggestion`);
  if (what !== 'suggestion' && v['algorithm-threads'] !== undefined) throw usage(`serve ${what}: --algorithm-threads is for scriba serve suggestion`);
  const dbManagerFlag = (['db-manager-ca', 'db-manager-cert', 'db-manager-key', 'db-manager-server-name'] as const).find((f) => v[f] !== undefined);
  if (what !== 'early-stopping' && dbManagerFlag) throw usage(`serve ${what}: --${dbManagerFlag} is for scriba serve early-stopping`);
  if (what === 'suggestion' && v.db !== undefined) throw usage('serve suggestion: --db is for early-stopping and db-manager (suggestions are computed from the request alone)');

  const options: ServerOptions = { host: v.host ?? '127.0.0.1', port, maxMessageBytes, onInternalError: (method, details) => io.err(`scriba: ${method} failed: ${details}`) };
  const tls = readTls(v['tls-cert'], v['tls-key'], v['tls-client-ca']);
  if (tls) options.tls = tls;
  let store: ObservationLogStore | undefined;
  let describe: string;
  if (what === 'suggestion') {
    const algorithm = v.algorithm;
    if (!algorithm) throw usage('serve suggestion: --algorithm NAME|all is required');
    if (algorithm !== ALL_ALGORITHMS) checkAlgorithm(algorithm);
    options.suggestion = { algorithm };
    if (v['algorithm-threads'] !== undefined) options.algorithmThreads = integer(v['algorithm-threads'], '--algorithm-threads', 0, 64);
    describe = `api.v1.beta1.Suggestion (${algorithm === ALL_ALGORITHMS ? `every algorithm by its name: ${algorithmNames().join(', ')}` : `algorithm ${algorithm}`})`;
  } else if (what === 'early-stopping') {
    const dbManagerTls = readClientTls(v['db-manager-ca'], v['db-manager-cert'], v['db-manager-key'], v['db-manager-server-name']);
    if (v.db !== undefined) store = new ObservationLogStore(v.db);
    options.earlyStopping = { ...(store ? { store } : {}), ...(dbManagerTls ? { dbManagerClient: { tls: dbManagerTls } } : {}) };
    describe = `api.v1.beta1.EarlyStopping (${earlyStoppingNames().join(', ')}; logs from the request's DB manager${store ? `, else ${store.path}` : ''})`;
  } else {
    store = new ObservationLogStore(v.db ?? DEFAULT_DB_PATH);
    options.dbManager = { store };
    describe = `api.v1.beta1.DBManager (store ${store.path})`;
  }

  let server;
  try {
    // Loaded here so that other commands do not pay for gRPC's start-up.
    const { startServer } = await import('../../suggestion-service/server.js');
    server = await startServer(options);
  } catch (error) {
    store?.close();
    throw new ScribaError('failed-precondition', errorMessage(error));
  }
  io.out(`scriba: serving ${describe} on ${server.address}${tls ? (tls.clientCa ? ' with mutual TLS' : ' with TLS') : ''}`);
  await stopped();
  io.out('scriba: shutting down');
  await server.shutdown(graceMs);
  store?.close();
  return 0;
}

/** Resolves on the first SIGTERM or SIGINT, and stops listening for both. */
export function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** Fails at start, not at the first request, when the one algorithm served is unknown or unavailable. */
function checkAlgorithm(name: string): void {
  try {
    getAlgorithm(name);
  } catch (error) {
    if (error instanceof ScribaError) throw usage(`serve suggestion: ${error.message}`);
    throw usage(`serve suggestion: algorithm ${name} is not available in this version of Scriba: ${errorMessage(error)}`);
  }
}

function readTls(cert: string | undefined, key: string | undefined, clientCa: string | undefined): ServerTls | undefined {
  if (cert === undefined && key === undefined) {
    if (clientCa !== undefined) throw usage('serve: --tls-client-ca needs --tls-cert and --tls-key');
    return undefined;
  }
  if (cert === undefined || key === undefined) throw usage('serve: --tls-cert and --tls-key go together');
  const tls: ServerTls = { cert: read(cert, '--tls-cert'), key: read(key, '--tls-key') };
  if (clientCa !== undefined) tls.clientCa = read(clientCa, '--tls-client-ca');
  return tls;
}

/** TLS for the early-stopping service's DB-manager clients, when any of its flags is given. */
function readClientTls(ca: string | undefined, cert: string | undefined, key: string | undefined, serverName: string | undefined): ClientTls | undefined {
  if (ca === undefined && cert === undefined && key === undefined && serverName === undefined) return undefined;
  if ((cert === undefined) !== (key === undefined)) throw usage('serve: --db-manager-cert and --db-manager-key go together');
  const tls: ClientTls = {};
  if (ca !== undefined) tls.ca = read(ca, '--db-manager-ca');
  if (cert !== undefined && key !== undefined) {
    tls.cert = read(cert, '--db-manager-cert');
    tls.key = read(key, '--db-manager-key');
  }
  if (serverName !== undefined) tls.serverName = serverName;
  return tls;
}

function read(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw usage(`serve: ${flag} ${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
}

function integer(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw usage(`serve: ${flag} expects an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

function usage(message: string): ScribaError {
  return new ScribaError('invalid-argument', message);
}
