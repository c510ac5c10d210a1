import { parentPort } from 'node:worker_threads';
import { getAlgorithm } from '../algorithms/registry.js';
import type { Algorithm } from '../algorithms/types.js';
import { encodeWorkerError, type WorkerRequest, type WorkerResponse } from './worker-pool.js';

/**
 * A thread of the algorithm pool (worker-pool.ts): runs registry algorithms' getSuggestions
 * for the server's main thread, which stays free for health checks and shutdown.
 */
const port = parentPort;
if (!port) throw new Error('suggestion-worker.js runs as a worker thread of the suggestion service');
const instances = new Map<string, Algorithm>();

port.on('message', (message: WorkerRequest) => {
  void (async (): Promise<WorkerResponse> => {
    try {
      let algorithm = instances.get(message.algorithm);
      if (!algorithm) {
        algorithm = getAlgorithm(message.algorithm);
        instances.set(message.algorithm, algorithm);
      }
      return { id: message.id, reply: await algorithm.getSuggestions(message.request) };
    } catch (error) {
      return { id: message.id, error: encodeWorkerError(error) };
    }
  })().then((response) => port.postMessage(response));
});
