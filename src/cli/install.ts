import type { Command } from 'commander';
import { DEFAULT_NAMESPACE, DEFAULT_STORAGE, defaultImage, installManifests } from '../../controller/install.js';
import type { Io } from './io.js';

export interface InstallFlags {
  namespace?: string;
  image?: string;
  replicas?: string;
  storage?: string;
  crdsOnly?: boolean;
}

/** `scriba install`'s flags; the values are checked by installManifests. */
export function withInstallOptions(c: Command): Command {
  return c
    .option('--namespace <ns>', `namespace of the controller, its store and its Services (default ${DEFAULT_NAMESPACE})`)
    .option('--image <image>', `controller image (default ${defaultImage()})`)
    .option('--replicas <n>', 'controller replicas; one leads, the others wait (default 1)')
    .option('--storage <size>', `size of the store's PersistentVolumeClaim (default ${DEFAULT_STORAGE})`)
    .option('--crds-only', 'only the CustomResourceDefinitions');
}

/** Writes the manifests to stdout, for `kubectl apply -f -`. */
export function printManifests(o: InstallFlags, io: Io): number {
  io.raw(installManifests({ ...o, crdsOnly: o.crdsOnly === true }));
  return 0;
}
