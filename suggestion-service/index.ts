/**
 * Katib's gRPC API (api.v1.beta1 Suggestion, EarlyStopping, DBManager, and
 * grpc.health.v1) served over Scriba's plugins, and clients for it.
 *
 * ```ts
 * import { startServer, SuggestionClient } from 'scriba/suggestion-service';
 * const server = await startServer({ port: 0, suggestion: { algorithm: 'all' } });
 * const client = new SuggestionClient(server.address);
 * const reply = await client.getSuggestions({ experiment, trials: [], count: 2 });
 * ```
 */
export { startServer, type ScribaServer, type ServerOptions, type ServerTls } from './server.js';
export {
  SuggestionClient,
  EarlyStoppingClient,
  DbManagerClient,
  HealthClient,
  type ClientOptions,
  type ClientTls,
  type EarlyStoppingRulesInput,
  type GetSuggestionsInput,
  type Pem,
} from './client.js';
export { ALL_ALGORITHMS, MAX_REQUEST_NUMBER, createSuggestionService, experimentSeed, type SuggestionService, type SuggestionServiceOptions } from './suggestion-service.js';
export { createEarlyStoppingService, type EarlyStoppingService, type EarlyStoppingServiceOptions } from './early-stopping-service.js';
export { createDbManagerService, type DbManagerService } from './db-manager-service.js';
export { createHealthService, type HealthService } from './health.js';
export { decodeExperiment, encodeExperiment } from './experiment-codec.js';
export { decodeTrial, decodeTrials, encodeTrial } from './trial-codec.js';
export { decodeSuggestionsReply, encodeSuggestionsReply, decodeRule, encodeRule } from './reply-codec.js';
export { toStatus, StatusError } from './status.js';
export { LIMITS, echo, echoList } from './limits.js';
export { AlgorithmPool } from './worker-pool.js';
export { DEFAULT_MAX_MESSAGE_BYTES, SERVICE_NAMES, katibServices, protoDirectory } from './proto.js';
export type * from './wire.js';
