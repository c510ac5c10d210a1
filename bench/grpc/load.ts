import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { katibServices } from '../../suggestion-service/proto.js';
import type { WireGetSuggestionsReply } from '../../suggestion-service/wire.js';
import { quantile } from '../protocol.js';

const METHOD = '/api.v1.beta1.Suggestion/GetSuggestions';

/** What one load phase measured. Latencies in milliseconds. */
export interface PhaseResult {
  mode: 'closed' | 'open';
  /** Which load of the run: `closed`, a rate asked for (`200`), or `half` (half the closed-loop rate). */
  load: string;
  /** Requests per second asked for (open loop); undefined for the closed loop. */
  target_rps?: number;
  achieved_rps: number;
  completed: number;
  errors: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Server CPU (user + system) per completed request, when the server's pid was given (Linux). */
  server_cpu_ms_per_request?: number;
}

export interface LoadOptions {
  address: string;
  /** One pre-encoded GetSuggestionsRequest per client. */
  requests: Buffer[];
  /** Replies must hold this many assignments. */
  count: number;
  warmupS: number;
  durationS: number;
  serverPid?: number;
}

/**
 * Clients with a connection each (no shared subchannel), sending pre-encoded requests
 * so that the client's own encoding does not compete with the server for the CPU;
 * replies are decoded and checked.
 */
export function openClients(address: string, n: number): grpc.Client[] {
  return Array.from({ length: n }, () => new grpc.Client(address, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  }));
}

function call(client: grpc.Client, request: Buffer, count: number): Promise<void> {
  const decode = katibServices().Suggestion.service.GetSuggestions?.responseDeserialize as (b: Buffer) => WireGetSuggestionsReply;
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(METHOD, (b: Buffer) => b, decode, request, { deadline: Date.now() + 60_000 }, (error, reply) => {
      if (error) return reject(error);
      const got = reply?.parameterAssignments?.length ?? 0;
      if (got !== count) return reject(new Error(`expected ${count} assignments, got ${got}`));
      resolve();
    });
  });
}

/** Closed loop: every client sends its next request as soon as the previous reply arrives. */
export async function closedLoop(clients: grpc.Client[], o: LoadOptions): Promise<PhaseResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + o.warmupS * 1000;
  const stopAt = measureFrom + o.durationS * 1000;
  let cpu0: number | undefined;
  let measuredAt: number | undefined;
  await Promise.all(
    clients.map(async (client, i) => {
      const request = o.requests[i % o.requests.length] as Buffer;
      while (performance.now() < stopAt) {
        const sent = performance.now();
        if (sent >= measureFrom && measuredAt === undefined) {
          cpu0 = serverCpuMs(o.serverPid);
          measuredAt = sent;
        }
        try {
          await call(client, request, o.count);
          if (sent >= measureFrom) latencies.push(performance.now() - sent);
        } catch {
          if (sent >= measureFrom) errors++;
        }
      }
    }),
  );
  const cpu1 = serverCpuMs(o.serverPid);
  return summarise('closed', 'closed', latencies, errors, (performance.now() - (measuredAt ?? measureFrom)) / 1000, cpu0, cpu1);
}

/**
 * Open loop at a fixed rate: request k is due at start + k / rate on client k mod n,
 * sent on time whether or not earlier replies have come back, and its latency runs from
 * when it was due, so that a server falling behind shows in the latencies instead of
 * slowing the sender down (no coordinated omission).
 */
export async function openLoop(clients: grpc.Client[], o: LoadOptions, rate: number, load = String(rate)): Promise<PhaseResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now() + 50;
  const total = Math.round((o.warmupS + o.durationS) * rate);
  const warm = Math.round(o.warmupS * rate);
  const pending: Promise<void>[] = [];
  let cpu0: number | undefined;
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (k === warm) cpu0 = serverCpuMs(o.serverPid);
    const i = k % clients.length;
    pending.push(
      call(clients[i] as grpc.Client, o.requests[i % o.requests.length] as Buffer, o.count).then(
        () => {
          if (k >= warm) latencies.push(performance.now() - due);
        },
        () => {
          if (k >= warm) errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  const cpu1 = serverCpuMs(o.serverPid);
  const elapsed = (performance.now() - (start + (warm * 1000) / rate)) / 1000;
  return { ...summarise('open', load, latencies, errors, elapsed, cpu0, cpu1), target_rps: rate };
}

function summarise(mode: PhaseResult['mode'], load: string, latencies: number[], errors: number, seconds: number, cpu0?: number, cpu1?: number): PhaseResult {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  const result: PhaseResult = {
    mode,
    load,
    achieved_rps: r(latencies.length / seconds),
    completed: latencies.length,
    errors,
    p50_ms: r(quantile(latencies, 0.5)),
    p90_ms: r(quantile(latencies, 0.9)),
    p99_ms: r(quantile(latencies, 0.99)),
    max_ms: r(Math.max(...latencies)),
  };
  if (cpu0 !== undefined && cpu1 !== undefined && latencies.length > 0) result.server_cpu_ms_per_request = r((cpu1 - cpu0) / latencies.length);
  return result;
}

/**
 * User + system CPU milliseconds of a process and its descendants (`scriba serve` runs the
 * server in a child process), from /proc (Linux); undefined elsewhere.
 */
function serverCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let ms = (Number(fields[11]) + Number(fields[12])) * 10;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/) : []) ms += serverCpuMs(Number(child)) ?? 0;
    return ms;
  } catch {
    return undefined;
  }
}
