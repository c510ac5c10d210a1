#!/usr/bin/env node
import { spawn } from 'node:child_process';
import os from 'node:os';

/**
 * `scriba serve` decodes requests of hundreds of kilobytes (Katib sends every trial each
 * time). With Node's default young generation the collector then runs so often that the
 * p99 latency doubles (bench/results/grpc.md), so the server runs with 64 MiB semi-spaces
 * unless the user chose a size (in NODE_OPTIONS or node's own flags).
 */
const SERVER_HEAP = '--max-semi-space-size=64';

const args = process.argv.slice(2);
const sized = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((flag) => flag.includes('--max-semi-space-size'));

if (args[0] === 'serve' && !sized) {
  const child = spawn(process.execPath, [...process.execArgv, SERVER_HEAP, process.argv[1] as string, ...args], { stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`scriba: cannot start the server process: ${error.message}\n`);
    process.exitCode = 70;
  });
  // A server killed by a signal exits as a killed process does: 128 + the signal's number.
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
  });
} else {
  // A reader that stops early (`scriba get trials X | head -1`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // Nothing can be said on a stream that broke; the exit code says it.
      process.exit(error.code === 'EPIPE' ? Number(process.exitCode ?? 0) : 70);
    });
  }
  // Imported here so that a server's launcher starts, and takes signals, at once.
  const { main } = await import('./cli/main.js');
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`scriba: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
