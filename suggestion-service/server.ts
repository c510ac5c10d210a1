import * as grpc from '@grpc/grpc-js';
import type { ObservationLogReader } from '../early-stopping/types.js';
import type { ObservationLogs } from '../src/store/observation-log-store.js';
import { DbManagerClient, type ClientOptions, type Pem } from './client.js';
import { createDbManagerService } from './db-manager-service.js';
import { createEarlyStoppingService, type EarlyStoppingServiceOptions } from './early-stopping-service.js';
import { createHealthService, type ServedService } from './health.js';
import { DEFAULT_MAX_MESSAGE_BYTES, katibServices } from './proto.js';
import { decodeGetEarlyStoppingRulesRequest, decodeGetSuggestionsRequest } from './request-decoder.js';
import { StatusError, toServiceError, toStatus } from './status.js';
import { createSuggestionService, type SuggestionServiceOptions } from './suggestion-service.js';
import type { WireHealthCheckRequest, WireHealthCheckResponse } from './wire.js';
import { AlgorithmPool, defaultPoolSize, workerFile } from './worker-pool.js';

export interface ServerTls {
  /** The server's certificate chain and private key (PEM). */
  cert: Pem;
  key: Pem;
  /** CA whose certificates clients must present (mutual TLS); without it any client may connect. */
  clientCa?: Pem;
}

export interface ServerOptions {
  /** Default 127.0.0.1; 0.0.0.0 to listen on every interface (in a pod). */
  host?: string;
  /** Default 6789; 0 picks a free port. */
  port?: number;
  suggestion?: SuggestionServiceOptions;
  /** The EarlyStopping service; `dbManager` readers default to a client per address. */
  earlyStopping?: Omit<EarlyStoppingServiceOptions, 'dbManager'> & { dbManager?: EarlyStoppingServiceOptions['dbManager']; dbManagerClient?: ClientOptions };
  /** The DBManager service over this store. */
  dbManager?: { store: ObservationLogs };
  tls?: ServerTls;
  /**
   * Threads for GetSuggestions' algorithm work (default: one per core but one, at most 4;
   * 0: in the server's own thread). Used with registry algorithms from the compiled
   * package; a custom `suggestion.getAlgorithm` always runs in the server's thread.
   */
  algorithmThreads?: number;
  /** Largest message received or sent (default 64 MiB, LIMITS.messageBytes). */
  maxMessageBytes?: number;
  /** Told of every call that failed with INTERNAL (a fault of Scriba's, not of the caller). */
  onInternalError?: (method: string, details: string) => void;
}

export interface ScribaServer {
  /** host:port actually bound. */
  readonly address: string;
  readonly port: number;
  /** Names the health service answers SERVING for. */
  readonly healthNames: readonly string[];
  /**
   * Stops taking calls, lets calls in flight finish for up to `graceMs` (default 10 s),
   * then cancels the rest and terminates the algorithm threads. Health reports
   * NOT_SERVING meanwhile.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/**
 * Starts one gRPC server with the services asked for (any of Suggestion, EarlyStopping,
 * DBManager) and grpc.health.v1.
 *
 * @example
 * const server = await startServer({ port: 0, suggestion: { algorithm: 'all' } });
 * // ... new SuggestionClient(server.address) ...
 * await server.shutdown();
 */
export async function startServer(options: ServerOptions): Promise<ScribaServer> {
  const services = katibServices();
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': max, 'grpc.max_send_message_length': max });
  widenReceiveWindow(server);
  const served: ServedService[] = [];
  const clients = new Map<string, DbManagerClient>();
  const unary = handlerFactory(options.onInternalError);

  let pool: AlgorithmPool | undefined;
  if (options.suggestion) {
    const file = workerFile();
    if (file && !options.suggestion.getAlgorithm && options.algorithmThreads !== 0) pool = new AlgorithmPool(file, options.algorithmThreads ?? defaultPoolSize());
    const s = createSuggestionService({ ...options.suggestion, ...(pool ? { pool } : {}) });
    server.addService(withDecoders(services.Suggestion.service, { GetSuggestions: decodeGetSuggestionsRequest }), {
      GetSuggestions: unary('GetSuggestions', s.getSuggestions),
      ValidateAlgorithmSettings: unary('ValidateAlgorithmSettings', s.validateAlgorithmSettings),
    });
    served.push('suggestion');
  }
  if (options.earlyStopping) {
    const o = options.earlyStopping;
    const dbManager =
      o.dbManager ??
      ((address: string): ObservationLogReader => {
        let client = clients.get(address);
        if (!client) {
          client = new DbManagerClient(address, { ...o.dbManagerClient, maxMessageBytes: max });
          clients.set(address, client);
        }
        const c = client;
        return (trialName, metricName) => c.getObservationLog(trialName, { metricName });
      });
    const s = createEarlyStoppingService({ ...o, dbManager });
    server.addService(withDecoders(services.EarlyStopping.service, { GetEarlyStoppingRules: decodeGetEarlyStoppingRulesRequest }), {
      GetEarlyStoppingRules: unary('GetEarlyStoppingRules', s.getEarlyStoppingRules),
      SetTrialStatus: unary('SetTrialStatus', s.setTrialStatus),
      ValidateEarlyStoppingSettings: unary('ValidateEarlyStoppingSettings', s.validateEarlyStoppingSettings),
    });
    served.push('earlyStopping');
  }
  if (options.dbManager) {
    const s = createDbManagerService(options.dbManager.store);
    server.addService(withDecoders(services.DBManager.service, {}), {
      ReportObservationLog: unary('ReportObservationLog', s.reportObservationLog),
      GetObservationLog: unary('GetObservationLog', s.getObservationLog),
      DeleteObservationLog: unary('DeleteObservationLog', s.deleteObservationLog),
    });
    served.push('dbManager');
  }
  const health = createHealthService(served);
  server.addService(withDecoders(services.Health.service, {}), {
    Check: unary('Check', health.check),
    Watch: (call: grpc.ServerWritableStream<WireHealthCheckRequest | Malformed, WireHealthCheckResponse>) => {
      const request = call.request;
      if (request !== null && typeof request === 'object' && MALFORMED in request) {
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: request[MALFORMED] });
        return;
      }
      const unsubscribe = health.watch(request.service ?? '', (status) => call.write({ status }), () => call.end());
      call.on('cancelled', unsubscribe);
    },
  });

  const host = options.host ?? '127.0.0.1';
  const target = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 6789}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(target, serverCredentials(options.tls), (error, bound) => {
      if (!error) return resolve(bound);
      server.forceShutdown();
      reject(new Error(`cannot listen on ${target}: ${error.message}`));
    });
  });
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    address,
    port,
    healthNames: health.names,
    shutdown(graceMs = 10_000) {
      closing ??= new Promise<void>((resolve) => {
        health.stop();
        // Past the grace period the calls still running are cancelled, and the algorithm
        // threads terminated: a computation in a thread cannot hold the shutdown.
        const force = setTimeout(() => {
          server.forceShutdown();
          void pool?.close();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          for (const c of clients.values()) c.close();
          void (pool?.close() ?? Promise.resolve()).then(() => resolve());
        });
      });
      return closing;
    },
  };
}

/**
 * HTTP/2 lets a client send 64 KiB per stream before the server grants more, so a
 * 300 kB request waits for several window updates, each a turn of both event loops.
 * grpc-js has a client option for the window (`grpc-node.flow_control_window`) but none
 * for servers: the HTTP/2 settings it passes to Node are set here, before the server
 * binds. Without that field (another grpc-js) the default window stays, and only speed
 * is lost.
 */
export const RECEIVE_WINDOW_BYTES = 4 * 1024 * 1024;

function widenReceiveWindow(server: grpc.Server): void {
  const internals = server as unknown as { commonServerOptions?: { settings?: Record<string, unknown> } };
  const common = internals.commonServerOptions;
  if (common && typeof common === 'object') common.settings = { ...common.settings, initialWindowSize: RECEIVE_WINDOW_BYTES };
}

function serverCredentials(tls: ServerTls | undefined): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  const buffer = (x: Pem): Buffer => (Buffer.isBuffer(x) ? x : Buffer.from(x));
  const pair = { private_key: buffer(tls.key), cert_chain: buffer(tls.cert) };
  return grpc.ServerCredentials.createSsl(tls.clientCa === undefined ? null : buffer(tls.clientCa), [pair], tls.clientCa !== undefined);
}

/** What a request that is not a valid message decodes to; its handler answers INVALID_ARGUMENT. */
const MALFORMED = Symbol('malformed request');
type Malformed = { [MALFORMED]: string };

/**
 * The service with its request decoders: the hand-written ones given (request-decoder.ts)
 * or proto-loader's, each made total: bytes that are not a valid message become a
 * `Malformed` marker instead of an exception, which grpc-js would answer with INTERNAL.
 */
function withDecoders(service: grpc.ServiceDefinition, decoders: Record<string, (bytes: Buffer) => unknown>): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service)) {
    const decode = decoders[name] ?? method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return decode(bytes);
        } catch (error) {
          return { [MALFORMED]: `${method.path}: the request is not a valid message: ${(error as Error).message}` } satisfies Malformed;
        }
      },
    };
  }
  return out;
}

/** Adapts an async handler to grpc-js: a thrown or rejected error becomes the call's status (status.ts). */
function handlerFactory(onInternalError: ServerOptions['onInternalError']) {
  return <Req, Reply>(method: string, handle: (request: Req) => Promise<Reply>): grpc.handleUnaryCall<Req, Reply> =>
    (call, callback) => {
      const request = call.request as Req | Malformed;
      Promise.resolve()
        .then(() => {
          if (request !== null && typeof request === 'object' && MALFORMED in request) throw new StatusError(grpc.status.INVALID_ARGUMENT, request[MALFORMED]);
          return handle(request);
        })
        .then(
          (reply) => callback(null, reply),
          (error: unknown) => {
            const status = toStatus(error);
            if (status.code === grpc.status.INTERNAL) onInternalError?.(method, status.details);
            callback(toServiceError(error));
          },
        );
    };
}
