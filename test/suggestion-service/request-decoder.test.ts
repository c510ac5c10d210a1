import fc from 'fast-check';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, test } from 'vitest';
import type { AlgorithmExperiment } from '../../algorithms/types.js';
import { createRng } from '../../src/rng.js';
import { encodeExperiment } from '../../suggestion-service/experiment-codec.js';
import { decodeTrial, encodeTrial } from '../../suggestion-service/trial-codec.js';
import type { WireTrial } from '../../suggestion-service/wire.js';
import { katibServices } from '../../suggestion-service/proto.js';
import { MalformedMessage } from '../../suggestion-service/proto-reader.js';
import { decodeGetEarlyStoppingRulesRequest, decodeGetSuggestionsRequest } from '../../suggestion-service/request-decoder.js';
import { historyFor, parametersArbitrary } from '../support/arbitraries.js';
import { failure, serve, stopAll } from './support.js';

afterAll(stopAll);

interface Method {
  requestSerialize: (m: unknown) => Buffer;
  requestDeserialize: (b: Buffer) => { trials: WireTrial[] };
}

/** What the hand-written decoder must give: proto-loader's message, its trials through `decodeTrial`. */
function reference(method: Method, bytes: Buffer) {
  const message = method.requestDeserialize(bytes);
  return { ...message, trials: message.trials.map(decodeTrial) };
}
const getSuggestions = katibServices().Suggestion.service.GetSuggestions as unknown as Method;
const getRules = katibServices().EarlyStopping.service.GetEarlyStoppingRules as unknown as Method;

/** Random Katib requests: spaces of every parameter type, histories in every condition, labels, goals, NAS configs, non-ASCII names. */
const requestArb = fc
  .record({
    parameters: parametersArbitrary(),
    seed: fc.integer({ min: 0, max: 1000 }),
    length: fc.integer({ min: 0, max: 30 }),
    name: fc.string({ unit: 'grapheme', maxLength: 20 }),
    goal: fc.double({ noNaN: true }),
    count: fc.integer({ min: -5, max: 100 }),
    labels: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
    nas: fc.boolean(),
  })
  .map(({ parameters, seed, length, name, goal, count, labels, nas }) => {
    const experiment: AlgorithmExperiment = {
      name,
      spec: {
        parameters,
        objective: { type: seed % 2 ? 'maximize' : 'minimize', objectiveMetricName: 'loss', goal, additionalMetricNames: ['accuracy', 'ünïcode'] },
        algorithm: { algorithmName: 'tpe', algorithmSettings: [{ name: 'gamma', value: '0.25' }] },
        earlyStopping: { algorithmName: 'medianstop', algorithmSettings: [] },
        parallelTrialCount: count,
        maxTrialCount: -count,
        ...(nas ? { nasConfig: { graphConfig: { numLayers: 3, inputSizes: [32, -1, 3], outputSizes: [10] }, operations: [{ operationType: 'conv', parameters }] } } : {}),
      },
    };
    const trials = historyFor(experiment.spec, seed, length).map((t, i) => ({ ...t, labels: i % 2 ? labels : {}, startTime: i % 3 ? `2026-01-01T00:00:0${i % 10}Z` : undefined }));
    const rng = createRng(seed, 'decoder-test');
    return {
      experiment: encodeExperiment(experiment),
      trials: trials.map((t) => encodeTrial(t, experiment.spec.objective)),
      currentRequestNumber: count,
      totalRequestNumber: Math.floor(rng.next() * 1000),
      dbManagerAddress: `katib-db-manager.${name}:6789`,
    };
  });

describe('hand-written request decoders give what proto-loader and the trial codec give', () => {
  test('property: GetSuggestionsRequest and GetEarlyStoppingRulesRequest', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const bytes = getSuggestions.requestSerialize(request);
        expect(decodeGetSuggestionsRequest(bytes)).toStrictEqual(reference(getSuggestions, bytes));
        const rulesBytes = getRules.requestSerialize(request);
        expect(decodeGetEarlyStoppingRulesRequest(rulesBytes)).toStrictEqual(reference(getRules, rulesBytes));
      }),
      { numRuns: 150 },
    );
  });

  test('an empty message: every field at its proto3 default', () => {
    expect(decodeGetSuggestionsRequest(Buffer.alloc(0))).toStrictEqual(reference(getSuggestions, Buffer.alloc(0)));
    expect(decodeGetSuggestionsRequest(Buffer.alloc(0))).toStrictEqual({ experiment: null, trials: [], currentRequestNumber: 0, totalRequestNumber: 0 });
  });

  // Hand-encoded bytes, one field per line: tag byte = field number << 3 | wire type.
  test.each([
    {
      case: 'unknown fields of every wire type are skipped',
      bytes: [0x18, 0x96, 0x01, /* field 3 varint 150 (unused number) */ 0x31, 1, 2, 3, 4, 5, 6, 7, 8, /* field 6 fixed64 */ 0x3d, 1, 2, 3, 4, /* field 7 fixed32 */ 0x42, 0x02, 0x68, 0x69, /* field 8 "hi" */ 0x20, 0x05 /* current_request_number 5 */],
    },
    { case: 'a negative int32 takes ten bytes', bytes: [0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] },
    // experiment(1) { spec(2) { parameter_specs(1) { parameters(1) { parameter_type(2) = 9 } } } }
    { case: 'an enum value the .proto does not name stays a number', bytes: [0x0a, 0x08, 0x12, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0x10, 0x09] },
    // trials(2) { status(3) { condition(3) = 9 } }
    { case: 'a trial condition the .proto does not name is Created', bytes: [0x12, 0x04, 0x1a, 0x02, 0x18, 0x09] },
    { case: 'the last value of a repeated scalar field wins', bytes: [0x20, 0x01, 0x20, 0x02] },
    { case: 'invalid UTF-8 becomes U+FFFD', bytes: [0x0a, 0x04, 0x0a, 0x02, 0xc3, 0x28] },
  ])('$case', ({ bytes }) => {
    const buf = Buffer.from(bytes);
    expect(decodeGetSuggestionsRequest(buf)).toStrictEqual(reference(getSuggestions, buf));
  });

  test('the unnamed values above, as decoded', () => {
    const parameter = decodeGetSuggestionsRequest(Buffer.from([0x0a, 0x08, 0x12, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0x10, 0x09])).experiment?.spec?.parameterSpecs?.parameters?.[0];
    expect(parameter?.parameterType).toBe(9);
    expect(decodeGetSuggestionsRequest(Buffer.from([0x12, 0x04, 0x1a, 0x02, 0x18, 0x09])).trials[0]?.condition).toBe('Created');
  });

  test('repeated int32: packed and unpacked both read', () => {
    // experiment(1) { spec(2) { nas_config(7) { graph_config(1) { input_sizes(2) packed [3, 300], input_sizes unpacked 7 } } } }
    const graph = [0x12, 0x03, 0x03, 0xac, 0x02, 0x10, 0x07];
    const nas = [0x0a, graph.length, ...graph];
    const spec = [0x3a, nas.length, ...nas];
    const experiment = [0x12, spec.length, ...spec];
    const buf = Buffer.from([0x0a, experiment.length, ...experiment]);
    const decoded = decodeGetSuggestionsRequest(buf);
    expect(decoded).toStrictEqual(reference(getSuggestions, buf));
    expect(decoded.experiment?.spec?.nasConfig?.graphConfig?.inputSizes).toEqual([3, 300, 7]);
  });
});

describe('bytes that are not a message', () => {
  test.each([
    { case: 'a truncated varint', bytes: [0x20, 0x80] },
    { case: 'a length past the end', bytes: [0x0a, 0x05, 0x0a] },
    { case: 'a string field sent as a varint', bytes: [0x0a, 0x02, 0x08, 0x01] },
    { case: 'field number 0', bytes: [0x00, 0x01] },
    { case: 'a group (wire type 3)', bytes: [0x1b] },
    { case: 'an eleven-byte varint', bytes: [0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] },
  ])('$case: MalformedMessage', ({ bytes }) => {
    expect(() => decodeGetSuggestionsRequest(Buffer.from(bytes))).toThrow(MalformedMessage);
  });

  test('property: any bytes decode or throw MalformedMessage, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeGetSuggestionsRequest(Buffer.from(bytes));
          decodeGetEarlyStoppingRulesRequest(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(MalformedMessage);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('over gRPC, garbage bytes are INVALID_ARGUMENT', async () => {
    const server = await serve({ suggestion: { algorithm: 'all' } });
    const client = new grpc.Client(server.address, grpc.credentials.createInsecure());
    const garbage = await failure(
      new Promise((resolve, reject) =>
        client.makeUnaryRequest('/api.v1.beta1.Suggestion/GetSuggestions', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0a, 0x05, 0x0a]), (error, reply) => (error ? reject(error) : resolve(reply))),
      ),
    );
    expect(garbage.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(garbage.details).toContain('/api.v1.beta1.Suggestion/GetSuggestions: the request is not a valid message: a length runs past the end of its message');
    client.close();
  });
});
