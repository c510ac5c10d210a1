import * as grpc from '@grpc/grpc-js';
import type { AlgorithmExperiment, EarlyStoppingRule, SuggestionReply } from '../algorithms/types.js';
import type { EarlyStoppingSpec } from '../src/experiment/types.js';
import type { LogQuery } from '../src/store/observation-log-store.js';
import type { MetricLog, TrialRecord } from '../src/trial/types.js';
import { encodeAlgorithm, encodeExperiment } from './experiment-codec.js';
import { encodeTrial } from './trial-codec.js';
import { DEFAULT_MAX_MESSAGE_BYTES, katibServices } from './proto.js';
import { decodeObservationLog, decodeRule, decodeSuggestionsReply, encodeObservationLog } from './reply-codec.js';
import type {
  WireEmpty,
  WireGetEarlyStoppingRulesReply,
  WireGetEarlyStoppingRulesRequest,
  WireGetObservationLogReply,
  WireGetSuggestionsReply,
  WireGetSuggestionsRequest,
  WireHealthCheckResponse,
  WireServingStatus,
  WireValidateAlgorithmSettingsRequest,
  WireValidateEarlyStoppingSettingsRequest,
} from './wire.js';

/** PEM text or bytes. */
export type Pem = string | Buffer;

export interface ClientTls {
  /** CA that signed the server's certificate (default: the system's roots). */
  ca?: Pem;
  /** The client's certificate and key, for servers that require mutual TLS. */
  cert?: Pem;
  key?: Pem;
  /** The name to check the server's certificate against, when it differs from the address's host. */
  serverName?: string;
}

export interface ClientOptions {
  /** TLS; plaintext when absent (as Katib's own clients connect). */
  tls?: ClientTls;
  /** Largest message sent or received (default 64 MiB, room for 10,000 trials). */
  maxMessageBytes?: number;
  /** Deadline of each call in milliseconds (default 60 s, Katib's for GetSuggestions). */
  timeoutMs?: number;
}

const pem = (x: Pem | undefined): Buffer | null => (x === undefined ? null : Buffer.isBuffer(x) ? x : Buffer.from(x));

function channel(options: ClientOptions): { credentials: grpc.ChannelCredentials; channelOptions: grpc.ChannelOptions } {
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const channelOptions: grpc.ChannelOptions = { 'grpc.max_receive_message_length': max, 'grpc.max_send_message_length': max };
  const tls = options.tls;
  if (!tls) return { credentials: grpc.credentials.createInsecure(), channelOptions };
  if (tls.serverName) channelOptions['grpc.ssl_target_name_override'] = tls.serverName;
  return { credentials: grpc.credentials.createSsl(pem(tls.ca), pem(tls.key), pem(tls.cert)), channelOptions };
}

type Method = (request: unknown, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, reply: unknown) => void) => void;

/** One channel to one service; its calls reject with grpc-js's ServiceError (`code`, `details`). */
abstract class ServiceClient {
  protected readonly client: grpc.Client;
  private readonly timeoutMs: number;

  protected constructor(service: grpc.ServiceClientConstructor, address: string, options: ClientOptions) {
    const { credentials, channelOptions } = channel(options);
    this.client = new service(address, credentials, channelOptions);
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  protected call<Reply>(method: string, request: unknown): Promise<Reply> {
    const fn = (this.client as unknown as Record<string, Method>)[method];
    if (!fn) return Promise.reject(new Error(`no method ${method}`));
    return new Promise((resolve, reject) => {
      fn.call(this.client, request, { deadline: Date.now() + this.timeoutMs }, (error, reply) => (error ? reject(error) : resolve(reply as Reply)));
    });
  }

  /** Closes the channel; calls in flight fail. */
  close(): void {
    this.client.close();
  }
}

export interface GetSuggestionsInput {
  experiment: AlgorithmExperiment;
  trials: readonly TrialRecord[];
  /** Assignments wanted now (Katib's current_request_number). */
  count: number;
  /** Assignments asked for so far, these included (default: trials + count). */
  totalRequestNumber?: number;
}

/**
 * A client of Katib's Suggestion service, Scriba's or Katib's own.
 *
 * @example
 * const client = new SuggestionClient('127.0.0.1:6789');
 * const { assignments } = await client.getSuggestions({ experiment, trials: [], count: 3 });
 * client.close();
 */
export class SuggestionClient extends ServiceClient {
  constructor(address: string, options: ClientOptions = {}) {
    super(katibServices().Suggestion, address, options);
  }

  async getSuggestions(input: GetSuggestionsInput): Promise<SuggestionReply> {
    const objective = input.experiment.spec.objective;
    const reply = await this.getSuggestionsWire({
      experiment: encodeExperiment(input.experiment),
      trials: input.trials.map((t) => encodeTrial(t, objective)),
      currentRequestNumber: input.count,
      totalRequestNumber: input.totalRequestNumber ?? input.trials.length + input.count,
    });
    return decodeSuggestionsReply(reply);
  }

  /** Resolves when the settings are valid; rejects with INVALID_ARGUMENT and the issues when not. */
  async validateAlgorithmSettings(experiment: AlgorithmExperiment): Promise<void> {
    await this.validateAlgorithmSettingsWire({ experiment: encodeExperiment(experiment) });
  }

  /** The call with Katib's messages as they are. */
  getSuggestionsWire(request: WireGetSuggestionsRequest): Promise<WireGetSuggestionsReply> {
    return this.call('GetSuggestions', request);
  }

  validateAlgorithmSettingsWire(request: WireValidateAlgorithmSettingsRequest): Promise<WireEmpty> {
    return this.call('ValidateAlgorithmSettings', request);
  }
}

export interface EarlyStoppingRulesInput {
  experiment: AlgorithmExperiment;
  trials: readonly TrialRecord[];
  /** host:port of the DB manager holding the logs ("" for the service's own store). */
  dbManagerAddress?: string;
}

/** A client of Katib's EarlyStopping service. */
export class EarlyStoppingClient extends ServiceClient {
  constructor(address: string, options: ClientOptions = {}) {
    super(katibServices().EarlyStopping, address, options);
  }

  async getEarlyStoppingRules(input: EarlyStoppingRulesInput): Promise<EarlyStoppingRule[]> {
    const objective = input.experiment.spec.objective;
    const reply = await this.getEarlyStoppingRulesWire({
      experiment: encodeExperiment(input.experiment),
      trials: input.trials.map((t) => encodeTrial(t, objective)),
      dbManagerAddress: input.dbManagerAddress ?? '',
    });
    return (reply.earlyStoppingRules ?? []).map(decodeRule);
  }

  async setTrialStatus(trialName: string): Promise<void> {
    await this.call('SetTrialStatus', { trialName });
  }

  async validateEarlyStoppingSettings(spec: EarlyStoppingSpec): Promise<void> {
    await this.validateEarlyStoppingSettingsWire({ earlyStopping: encodeAlgorithm(spec) });
  }

  getEarlyStoppingRulesWire(request: WireGetEarlyStoppingRulesRequest): Promise<WireGetEarlyStoppingRulesReply> {
    return this.call('GetEarlyStoppingRules', request);
  }

  validateEarlyStoppingSettingsWire(request: WireValidateEarlyStoppingSettingsRequest): Promise<WireEmpty> {
    return this.call('ValidateEarlyStoppingSettings', request);
  }
}

/** A client of Katib's DBManager service. */
export class DbManagerClient extends ServiceClient {
  constructor(address: string, options: ClientOptions = {}) {
    super(katibServices().DBManager, address, options);
  }

  async reportObservationLog(trialName: string, logs: readonly MetricLog[]): Promise<void> {
    await this.call('ReportObservationLog', { trialName, observationLog: encodeObservationLog(logs) });
  }

  async getObservationLog(trialName: string, query: LogQuery = {}): Promise<MetricLog[]> {
    const reply = await this.call<WireGetObservationLogReply>('GetObservationLog', {
      trialName,
      metricName: query.metricName ?? '',
      startTime: query.startTime ?? '',
      endTime: query.endTime ?? '',
    });
    return decodeObservationLog(reply.observationLog);
  }

  async deleteObservationLog(trialName: string): Promise<void> {
    await this.call('DeleteObservationLog', { trialName });
  }
}

/** A client of grpc.health.v1. */
export class HealthClient extends ServiceClient {
  constructor(address: string, options: ClientOptions = {}) {
    super(katibServices().Health, address, options);
  }

  /** The serving status of a service ("" for the server); rejects with NOT_FOUND for a name the server does not know. */
  async check(service = ''): Promise<WireServingStatus> {
    const reply = await this.call<WireHealthCheckResponse>('Check', { service });
    return statusOf(reply);
  }

  /**
   * Watches a service's status: `onStatus` gets the status now and each change. `ended`
   * settles when the stream does: resolved when the server ends it (a server stops) or
   * after `cancel()`, rejected with the call's error otherwise. No deadline applies.
   */
  watch(service: string, onStatus: (status: WireServingStatus) => void): { cancel(): void; ended: Promise<void> } {
    const call = (this.client as unknown as Record<string, (request: unknown) => grpc.ClientReadableStream<WireHealthCheckResponse>>).Watch?.call(this.client, { service });
    if (!call) throw new Error('no method Watch');
    let cancelled = false;
    call.on('data', (reply: WireHealthCheckResponse) => onStatus(statusOf(reply)));
    const ended = new Promise<void>((resolve, reject) => {
      call.on('end', resolve);
      call.on('error', (error: grpc.ServiceError) => (cancelled && error.code === grpc.status.CANCELLED ? resolve() : reject(error)));
    });
    return {
      cancel: () => {
        cancelled = true;
        call.cancel();
      },
      ended,
    };
  }
}

function statusOf(reply: WireHealthCheckResponse): WireServingStatus {
  return typeof reply.status === 'string' ? reply.status : 'UNKNOWN';
}
