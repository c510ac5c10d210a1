import * as tf from '@tensorflow/tfjs-core';
import { ScribaError } from '../src/errors.js';

/**
 * The TensorFlow.js backend the NAS trial programs train on:
 *   cpu  — `@tensorflow/tfjs-backend-cpu`, plain JavaScript, works everywhere;
 *   wasm — `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD), faster on CPUs; it has no
 *          Conv2DBackpropFilter kernel, so the gradient of the convolutions is registered
 *          here (see wasm-gradients.ts);
 *   gpu  — `@tensorflow/tfjs-node-gpu`, when the user has installed it (it downloads
 *          libtensorflow and needs CUDA; it is not a dependency of Scriba);
 *   auto — gpu when installed, else wasm.
 */
export type BackendChoice = 'auto' | 'cpu' | 'wasm' | 'gpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'wasm', 'gpu'];

const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';

/** Sets the backend and resolves to the name TensorFlow.js then reports ('cpu', 'wasm', 'tensorflow'). */
export async function useBackend(choice: BackendChoice): Promise<string> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new ScribaError('invalid-argument', `--backend: expected one of ${BACKEND_CHOICES.join(', ')}, got ${String(choice)}`);
  }
  if (choice === 'gpu' || choice === 'auto') {
    const loaded = await loadGpu();
    if (loaded) return set('tensorflow');
    if (choice === 'gpu') {
      throw new ScribaError(
        'failed-precondition',
        `--backend gpu: ${GPU_PACKAGE} is not installed; install it beside Scriba (npm install ${GPU_PACKAGE}@${tf.version_core}, which needs CUDA and downloads libtensorflow), or use --backend wasm`,
      );
    }
  }
  if (choice === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    return set('cpu');
  }
  await import('@tensorflow/tfjs-backend-wasm');
  const { registerWasmGradients } = await import('./wasm-gradients.js');
  registerWasmGradients();
  return set('wasm');
}

async function loadGpu(): Promise<boolean> {
  try {
    await import(GPU_PACKAGE);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return false;
    throw new ScribaError('failed-precondition', `--backend: ${GPU_PACKAGE} is installed but does not load: ${(error as Error).message}`);
  }
}

async function set(name: string): Promise<string> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new ScribaError('failed-precondition', `--backend: the TensorFlow.js backend ${name} did not initialise`);
  await tf.ready();
  // The CPU backend's first write prints advice to install tfjs-node; the choice is the user's (--backend).
  const backend = tf.findBackend(name) as { firstUse?: boolean } | null;
  if (backend && 'firstUse' in backend) backend.firstUse = false;
  return tf.getBackend();
}
