import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * How proto-loader turns messages into objects: camelCase names, enums by name, int64 as
 * numbers, and every field present (unset strings "", unset messages null, empty
 * repeated fields and maps) so that handlers read one shape whatever the peer left out.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  enums: String,
  longs: Number,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
};

/**
 * Largest message sent or received, both ways: a GetSuggestionsRequest carries every
 * trial: 10,000 trials of 20 parameters take 8.3 MB (gRPC's default receive limit is 4 MiB).
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export const PROTO_FILES = ['api.proto', 'health.proto'] as const;

/** Service paths, as Katib and gRPC health probes name them. */
export const SERVICE_NAMES = {
  suggestion: 'api.v1.beta1.Suggestion',
  earlyStopping: 'api.v1.beta1.EarlyStopping',
  dbManager: 'api.v1.beta1.DBManager',
  health: 'grpc.health.v1.Health',
} as const;

/**
 * The folder holding the .proto files: next to this module when run from source, else
 * (from a build under `dist/` or another output folder) the package's own
 * `suggestion-service/protos`, two levels up from the compiled module.
 */
export function protoDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'protos'), join(here, '..', '..', 'suggestion-service', 'protos')];
  const found = candidates.find((dir) => PROTO_FILES.every((f) => existsSync(join(dir, f))));
  if (!found) throw new Error(`the gRPC .proto files are missing; looked in ${candidates.join(' and ')}`);
  return found;
}

export interface KatibServices {
  Suggestion: grpc.ServiceClientConstructor;
  EarlyStopping: grpc.ServiceClientConstructor;
  DBManager: grpc.ServiceClientConstructor;
  Health: grpc.ServiceClientConstructor;
}

let loaded: KatibServices | undefined;

/** The four services' definitions and client constructors, parsed once per process. */
export function katibServices(): KatibServices {
  if (loaded) return loaded;
  const dir = protoDirectory();
  const definition = protoLoader.loadSync(
    PROTO_FILES.map((f) => join(dir, f)),
    { ...LOADER_OPTIONS, includeDirs: [dir] },
  );
  const root = grpc.loadPackageDefinition(definition) as unknown as {
    api: { v1: { beta1: Record<string, grpc.ServiceClientConstructor> } };
    grpc: { health: { v1: Record<string, grpc.ServiceClientConstructor> } };
  };
  const api = root.api.v1.beta1;
  const pick = (ns: Record<string, grpc.ServiceClientConstructor>, name: string): grpc.ServiceClientConstructor => {
    const service = ns[name];
    if (!service) throw new Error(`service ${name} is missing from ${dir}`);
    return service;
  };
  loaded = {
    Suggestion: pick(api, 'Suggestion'),
    EarlyStopping: pick(api, 'EarlyStopping'),
    DBManager: pick(api, 'DBManager'),
    Health: pick(root.grpc.health.v1, 'Health'),
  };
  return loaded;
}
