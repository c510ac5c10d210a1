import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/**
 * Runs `fn` (synchronous TensorFlow.js work) on the 'cpu' backend: plain JavaScript
 * float32 arithmetic, the same on every machine, which the replay of the controller
 * relies on. The process's backend is switched back afterwards when one had been chosen
 * (a NAS trial program running in the same process may use wasm or a GPU); a process
 * that never chose one keeps 'cpu'.
 */
export async function onCpuBackend<T>(fn: () => T): Promise<T> {
  const previous = currentBackend();
  if (previous !== 'cpu') {
    const ok = await tf.setBackend('cpu');
    if (!ok) throw new Error('the TensorFlow.js cpu backend did not initialise');
  }
  // Only the cpu backend's one-time advice to install tfjs-node is silenced: this choice of backend is deliberate.
  const backend = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (backend && 'firstUse' in backend) backend.firstUse = false;
  try {
    return fn();
  } finally {
    if (previous !== undefined && previous !== 'cpu') await tf.setBackend(previous);
  }
}

function currentBackend(): string | undefined {
  // The engine's name, unset (not initialised on asking) while no backend is chosen.
  const name = tf.getBackend() as string | null | undefined;
  return name ?? undefined;
}
