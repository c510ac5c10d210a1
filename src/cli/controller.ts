import http from 'node:http';
import os from 'node:os';
import { Controller } from '../../controller/controller.js';
import { LeaderElection } from '../../controller/leader.js';
import { contextNamespace, KubeClient, loadKubeConfig } from '../../trials/kubernetes/client.js';
import { errorMessage, ScribaError } from '../errors.js';
import type { Io } from './io.js';

export interface ControllerFlags {
  namespace?: string;
  allNamespaces: boolean;
  kubeconfig?: string;
  dataDir: string;
  host: string;
  port: number;
  probePort?: number;
  leaseName: string;
  leaseNamespace?: string;
  leaseSeconds: number;
  identity?: string;
}

/**
 * `scriba controller`: runs Katib Experiments in a cluster. Every replica campaigns for the
 * Lease; the leader watches Experiments, runs them and serves Katib's DBManager and
 * Suggestion services (where Push metrics arrive); `/readyz` says whether this replica
 * leads, so the Services send calls to the leader only. A leader that loses the Lease exits
 * (its replacement re-attaches to the running jobs).
 */
export async function runController(flags: ControllerFlags, io: Io, stopped: () => Promise<unknown>): Promise<number> {
  if (flags.namespace !== undefined && flags.allNamespaces) throw new ScribaError('invalid-argument', '--namespace and --all-namespaces: give one');
  const config = loadKubeConfig(flags.kubeconfig);
  const client = new KubeClient(config);
  const inCluster = process.env.POD_NAMESPACE;
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? inCluster ?? contextNamespace(config));
  const identity = flags.identity ?? process.env.POD_NAME ?? `${os.hostname()}-${process.pid}`;
  const leaseNamespace = flags.leaseNamespace ?? inCluster ?? namespace ?? contextNamespace(config);
  const log = (line: string): void => io.err(line);
  const election = new LeaderElection({
    client,
    namespace: leaseNamespace,
    name: flags.leaseName,
    identity,
    leaseDurationMs: flags.leaseSeconds * 1000,
    renewDeadlineMs: (flags.leaseSeconds * 1000 * 2) / 3,
    retryPeriodMs: Math.max((flags.leaseSeconds * 1000) / 7, 200),
    log,
  });
  const probes = flags.probePort === undefined ? undefined : await serveProbes(flags.host, flags.probePort, () => election.isLeader);
  let controller: Controller | undefined;
  let server: { shutdown(graceMs?: number): Promise<void>; address: string } | undefined;
  let failed: ((error: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  io.err(`scriba controller: ${identity} watches Experiments in ${namespace ? `namespace ${namespace}` : 'all namespaces'}; campaigning for lease ${leaseNamespace}/${flags.leaseName}`);
  election.run({
    onStartedLeading: () => {
      void (async () => {
        controller = new Controller({ client, dataDir: flags.dataDir, log, ...(namespace ? { namespace } : {}) });
        await controller.start();
        const { startServer } = await import('../../suggestion-service/server.js');
        server = await startServer({ host: flags.host, port: flags.port, dbManager: { store: controller.observations }, suggestion: { algorithm: 'all' } });
        io.err(`scriba controller: leading; serving api.v1.beta1.DBManager and Suggestion on ${server.address}`);
      })().catch((error: unknown) => failed?.(new ScribaError('failed-precondition', `scriba controller: ${errorMessage(error)}`)));
    },
    onStoppedLeading: () => failed?.(new ScribaError('unavailable', `scriba controller: ${identity} lost the lease ${leaseNamespace}/${flags.leaseName}; exiting so that the new leader alone acts`)),
  });
  try {
    await Promise.race([stopped(), failure]);
    io.err('scriba controller: shutting down');
    return 0;
  } finally {
    await server?.shutdown(5000);
    await controller?.stop();
    await election.stop();
    probes?.close();
    client.close();
  }
}

/** /healthz: the process answers; /readyz: it leads (only the leader serves the DB manager). */
function serveProbes(host: string, port: number, leading: () => boolean): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const ok = req.url === '/healthz' || (req.url === '/readyz' && leading());
    res.writeHead(ok ? 200 : req.url === '/readyz' ? 503 : 404, { 'Content-Type': 'text/plain' });
    res.end(ok ? 'ok\n' : req.url === '/readyz' ? 'not the leader\n' : 'not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new ScribaError('failed-precondition', `--probe-port ${port}: ${error.message}`)));
    server.listen(port, host, () => resolve(server));
  });
}
