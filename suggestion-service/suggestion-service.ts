import * as grpc from '@grpc/grpc-js';
import { getAlgorithm as registryAlgorithm } from '../algorithms/registry.js';
import type { Algorithm, AlgorithmExperiment } from '../algorithms/types.js';
import { errorMessage, ScribaError } from '../src/errors.js';
import type { ValidationIssue } from '../src/experiment/types.js';
import { createRng } from '../src/rng.js';
import { checkParameters } from '../src/search-space/check.js';
import { decodeExperiment } from './experiment-codec.js';
import type { GetSuggestionsCall } from './request-decoder.js';
import { inCreationOrder } from './trial-codec.js';
import { encodeSuggestionsReply } from './reply-codec.js';
import { echo, experimentLimitIssues, LIMITS, requestNumberIssues, trialLimitIssues } from './limits.js';
import { StatusError } from './status.js';
import type { AlgorithmPool } from './worker-pool.js';
import type { Maybe, WireEmpty, WireExperiment, WireGetSuggestionsReply, WireValidateAlgorithmSettingsRequest } from './wire.js';

/** Serve every registered algorithm, choosing by the experiment's `algorithmName`. */
export const ALL_ALGORITHMS = 'all';

/**
 * The most assignments one call may ask for. Katib asks for at most parallelTrialCount;
 * a larger number is a malformed request, refused before any work.
 */
export const MAX_REQUEST_NUMBER = LIMITS.requestNumber;

export interface SuggestionServiceOptions {
  /** An algorithm name served for every request whatever its `algorithmName` (an alias in katib-config works), or `all`. */
  algorithm: string;
  /** Where algorithms come from (default: the registry). */
  getAlgorithm?: (name: string) => Algorithm;
  /**
   * Threads that run GetSuggestions' algorithm work by algorithm name (registry
   * algorithms only); without it the work runs in the calling thread.
   */
  pool?: AlgorithmPool;
}

export interface SuggestionService {
  getSuggestions(request: GetSuggestionsCall): Promise<WireGetSuggestionsReply>;
  validateAlgorithmSettings(request: WireValidateAlgorithmSettingsRequest): Promise<WireEmpty>;
}

/**
 * Katib's Suggestion service over the plugin contract: decode, delegate, encode. It keeps
 * no state between calls but one instance per algorithm, so a restarted service answers
 * every request exactly as before.
 */
export function createSuggestionService(options: SuggestionServiceOptions): SuggestionService {
  const create = options.getAlgorithm ?? registryAlgorithm;
  const instances = new Map<string, Algorithm>();

  const nameOf = (experiment: AlgorithmExperiment): string => {
    const name = options.algorithm === ALL_ALGORITHMS ? (experiment.spec.algorithm?.algorithmName ?? '') : options.algorithm;
    if (!name) throw invalid('spec.algorithm.algorithmName', 'must be specified');
    return name;
  };
  const resolve = (experiment: AlgorithmExperiment): Algorithm => {
    const name = nameOf(experiment);
    const known = instances.get(name);
    if (known) return known;
    let algorithm: Algorithm;
    try {
      algorithm = create(name);
    } catch (error) {
      if (error instanceof ScribaError) throw error;
      throw new ScribaError('invalid-argument', `algorithm ${echo(name)} is not available in this version of Scriba: ${errorMessage(error)}`);
    }
    instances.set(name, algorithm);
    return algorithm;
  };

  return {
    async getSuggestions(request) {
      const count = request.currentRequestNumber ?? 0;
      const limits = [...requestNumberIssues(count, request.totalRequestNumber ?? 0), ...experimentLimitIssues(request.experiment), ...trialLimitIssues(request.trials)];
      if (limits.length > 0) throw ScribaError.fromIssues(limits, 'GetSuggestions request past the limits');
      const experiment = experimentOf(request.experiment, 'invalid GetSuggestions request');
      const algorithm = resolve(experiment);
      // Whatever ValidateAlgorithmSettings refuses is refused here too, in the same words,
      // before the algorithm runs: a controller that skipped validation gets the issues.
      const issues = experimentIssues(algorithm, experiment, parameterIssues(experiment));
      if (issues.length > 0) throw ScribaError.fromIssues(issues, `invalid experiment for algorithm ${algorithm.name}`);
      if (count === 0) return { parameterAssignments: [], earlyStoppingRules: [] };
      const trials = inCreationOrder(request.trials);
      let reply;
      try {
        const input = { experiment, trials, count, seed: experimentSeed(experiment.name) };
        // Sampling algorithms answer in about the time it takes to copy the request to a
        // thread, so only model-based ones go to the pool.
        const pool = IN_CALLING_THREAD.has(algorithm.name) ? undefined : options.pool;
        reply = pool ? await pool.run(nameOf(experiment), input) : await algorithm.getSuggestions(input);
      } catch (error) {
        throw explain(error, algorithm, experiment);
      }
      const got = reply.assignments.length;
      // A short reply is the wire's "wait": the next assignments depend on trials still
      // running (a Hyperband rung), and the controller asks again once one has ended.
      if (reply.waiting && !reply.exhausted && got < count) return encodeSuggestionsReply(reply, experiment.spec.algorithm?.algorithmName || algorithm.name);
      if (got !== count) {
        const issues = settingIssues(algorithm, experiment);
        if (issues.length > 0) throw ScribaError.fromIssues(issues, `invalid experiment for algorithm ${algorithm.name}`);
        if (reply.exhausted && got < count) {
          const why = reply.exhaustedMessage ?? 'its search space is exhausted';
          throw new StatusError(grpc.status.OUT_OF_RANGE, `algorithm ${algorithm.name} has only ${got} of the ${count} requested assignments left: ${why}`);
        }
        throw new StatusError(grpc.status.INTERNAL, `algorithm ${algorithm.name} returned ${got} assignments, expected ${count}`);
      }
      return encodeSuggestionsReply(reply, experiment.spec.algorithm?.algorithmName || algorithm.name);
    },

    async validateAlgorithmSettings(request) {
      const limits = experimentLimitIssues(request.experiment);
      if (limits.length > 0) throw ScribaError.fromIssues(limits, 'ValidateAlgorithmSettings request past the limits');
      const experiment = experimentOf(request.experiment, 'invalid ValidateAlgorithmSettings request');
      const algorithm = resolve(experiment);
      const issues = experimentIssues(algorithm, experiment, parameterIssues(experiment));
      if (issues.length > 0) throw ScribaError.fromIssues(issues, `invalid experiment for algorithm ${algorithm.name}`);
      return {};
    },
  };
}

/**
 * Algorithms whose work is linear in the request (a few operations per trial and per
 * suggested value, within the request limits): copying a 1,000-trial request to a
 * thread and back costs several times their own work.
 */
const IN_CALLING_THREAD = new Set(['random', 'grid', 'sobol', 'pbt', 'hyperband']);

/**
 * The seed of an experiment served over gRPC, where requests carry none: derived from
 * the experiment's name, so that every replica and every restart draws the same
 * suggestions. `random_state` in the settings overrides it, as for every algorithm.
 */
export function experimentSeed(name: string): number {
  return createRng('katib-experiment', name).uint32() >>> 1;
}

function experimentOf(wire: Maybe<WireExperiment>, heading: string): AlgorithmExperiment {
  const { experiment, issues } = decodeExperiment(wire);
  if (!experiment) throw ScribaError.fromIssues(issues, heading);
  return experiment;
}

/**
 * What both RPCs refuse: the parameters' issues found already, and the algorithm's own
 * ValidateAlgorithmSettings. An algorithm may stumble on parameters reported already;
 * otherwise one that throws instead of reporting is at fault (INTERNAL).
 */
function experimentIssues(algorithm: Algorithm, experiment: AlgorithmExperiment, parameterIssues: readonly ValidationIssue[]): ValidationIssue[] {
  const issues = [...parameterIssues];
  try {
    issues.push(...algorithm.validateSettings(experiment));
  } catch (error) {
    if (issues.length === 0) throw new StatusError(grpc.status.INTERNAL, `algorithm ${algorithm.name} failed to validate the experiment: ${errorMessage(error)}`);
  }
  return issues;
}

/** Katib's admission rule 9 for each parameter, unique names, and the size limits of the experiment's validation. */
function parameterIssues(experiment: AlgorithmExperiment): ValidationIssue[] {
  return checkParameters(experiment.spec.parameters ?? []);
}

/**
 * Why an algorithm failed: its own validation's issues when there are any, else the
 * error itself. (GetSuggestions validates before the call, so issues are rare here; an
 * algorithm that round-trips state as settings must accept those settings in its validation.)
 */
function explain(error: unknown, algorithm: Algorithm, experiment: AlgorithmExperiment): unknown {
  if (error instanceof ScribaError || error instanceof StatusError) return error;
  const issues = settingIssues(algorithm, experiment);
  if (issues.length > 0) return ScribaError.fromIssues(issues, `invalid experiment for algorithm ${algorithm.name}`);
  return new StatusError(grpc.status.INTERNAL, `algorithm ${algorithm.name} failed: ${errorMessage(error)}`);
}

/** The algorithm's own validation, when it can run; [] when it throws (the caller's error says more). */
function settingIssues(algorithm: Algorithm, experiment: AlgorithmExperiment): ValidationIssue[] {
  try {
    return algorithm.validateSettings(experiment);
  } catch {
    return [];
  }
}

function invalid(path: string, message: string): ScribaError {
  return ScribaError.fromIssues([{ path, message }], 'invalid request');
}
