import * as grpc from '@grpc/grpc-js';
import { getEarlyStopping as registryEarlyStopping } from '../early-stopping/registry.js';
import type { EarlyStoppingAlgorithm, ObservationLogReader } from '../early-stopping/types.js';
import { ScribaError } from '../src/errors.js';
import type { ObservationLogStore } from '../src/store/observation-log-store.js';
import { decodeAlgorithm, decodeExperiment } from './experiment-codec.js';
import type { GetEarlyStoppingRulesCall } from './request-decoder.js';
import { inCreationOrder } from './trial-codec.js';
import { encodeRule } from './reply-codec.js';
import { echo, experimentLimitIssues, nameIssue, trialLimitIssues } from './limits.js';
import { StatusError } from './status.js';
import type {
  WireEmpty,
  WireGetEarlyStoppingRulesReply,
  WireSetTrialStatusRequest,
  WireValidateEarlyStoppingSettingsRequest,
} from './wire.js';

export interface EarlyStoppingServiceOptions {
  /**
   * Where logs are read when a request names no DB manager, and where SetTrialStatus
   * records early-stopped trials. Without it, such requests fail and the record is kept
   * in memory.
   */
  store?: ObservationLogStore;
  /** A log reader for a DB-manager address (`host:port`). */
  dbManager: (address: string) => ObservationLogReader;
  /** Where early-stopping algorithms come from (default: the registry). */
  getEarlyStopping?: (name: string) => EarlyStoppingAlgorithm;
  /** Called after SetTrialStatus recorded a trial as EarlyStopped. */
  onEarlyStopped?: (trialName: string) => void;
}

export interface EarlyStoppingService {
  getEarlyStoppingRules(request: GetEarlyStoppingRulesCall): Promise<WireGetEarlyStoppingRulesReply>;
  setTrialStatus(request: WireSetTrialStatusRequest): Promise<WireEmpty>;
  validateEarlyStoppingSettings(request: WireValidateEarlyStoppingSettingsRequest): Promise<WireEmpty>;
  /** Trials recorded as EarlyStopped in memory (when the service has no store). */
  earlyStopped(): string[];
}

export const EARLY_STOPPED = 'EarlyStopped';

/** Katib's EarlyStopping service over the early-stopping plugins. */
export function createEarlyStoppingService(options: EarlyStoppingServiceOptions): EarlyStoppingService {
  const create = options.getEarlyStopping ?? registryEarlyStopping;
  const stopped = new Set<string>();

  const plugin = (name: string | undefined): EarlyStoppingAlgorithm => {
    if (!name) throw ScribaError.fromIssues([{ path: 'spec.earlyStopping.algorithmName', message: 'must be specified' }], 'invalid request');
    return create(name);
  };

  return {
    async getEarlyStoppingRules(request) {
      const limits = [...experimentLimitIssues(request.experiment), ...trialLimitIssues(request.trials)];
      if (limits.length > 0) throw ScribaError.fromIssues(limits, 'GetEarlyStoppingRules request past the limits');
      const { experiment, issues } = decodeExperiment(request.experiment);
      if (!experiment) throw ScribaError.fromIssues(issues, 'invalid GetEarlyStoppingRules request');
      const algorithm = plugin(experiment.spec.earlyStopping?.algorithmName);
      const settingIssues = algorithm.validateSettings(experiment.spec.earlyStopping ?? { algorithmName: algorithm.name });
      if (settingIssues.length > 0) throw ScribaError.fromIssues(settingIssues, `invalid settings for early stopping algorithm ${algorithm.name}`);
      const address = request.dbManagerAddress ?? '';
      let readLog: ObservationLogReader;
      if (address) {
        readLog = fromDbManager(address, options.dbManager(address));
      } else if (options.store) {
        const store = options.store;
        readLog = async (trialName, metricName) => store.get(trialName, { metricName });
      } else {
        throw new StatusError(grpc.status.FAILED_PRECONDITION, 'db_manager_address is empty and this service has no store of observation logs (start it with --db)');
      }
      const rules = await algorithm.getEarlyStoppingRules({ experiment, trials: inCreationOrder(request.trials), readLog });
      return { earlyStoppingRules: rules.map(encodeRule) };
    },

    async setTrialStatus(request) {
      const name = request.trialName ?? '';
      const tooLong = nameIssue('trial_name', name);
      if (tooLong) throw ScribaError.fromIssues([tooLong], 'SetTrialStatus request past the limits');
      if (!name) throw ScribaError.fromIssues([{ path: 'trial_name', message: 'must be specified' }], 'invalid SetTrialStatus request');
      if (options.store) options.store.setCondition(name, EARLY_STOPPED);
      else stopped.add(name);
      options.onEarlyStopped?.(name);
      return {};
    },

    async validateEarlyStoppingSettings(request) {
      if (!request.earlyStopping) {
        throw ScribaError.fromIssues([{ path: 'early_stopping', message: 'the request carries no early stopping spec' }], 'invalid ValidateEarlyStoppingSettings request');
      }
      const limits = experimentLimitIssues({ spec: { earlyStopping: request.earlyStopping } });
      if (limits.length > 0) throw ScribaError.fromIssues(limits, 'ValidateEarlyStoppingSettings request past the limits');
      const spec = decodeAlgorithm(request.earlyStopping);
      const algorithm = plugin(spec.algorithmName);
      const issues = algorithm.validateSettings(spec);
      if (issues.length > 0) throw ScribaError.fromIssues(issues, `invalid settings for early stopping algorithm ${algorithm.name}`);
      return {};
    },

    earlyStopped: () => [...stopped],
  };
}

/**
 * A DB-manager reader whose failures keep their gRPC code (UNAVAILABLE is one Katib's
 * controller retries) and say which trial and address they concern.
 */
function fromDbManager(address: string, read: ObservationLogReader): ObservationLogReader {
  return async (trialName, metricName) => {
    try {
      return await read(trialName, metricName);
    } catch (error) {
      const e = error as Partial<grpc.ServiceError>;
      const code = typeof e.code === 'number' ? e.code : grpc.status.INTERNAL;
      throw new StatusError(code, `cannot read the observation log of trial ${echo(trialName)} from the DB manager at ${echo(address)}: ${e.details ?? String(error)}`);
    }
  };
}
