import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';
import { packageVersion } from '../src/version.js';
import type { Machine, Meta } from './protocol.js';

/** The machine, as §4 asks every result file to say. */
export function machine(): Machine {
  let os = `${osType()} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty?.[1]) os = pretty[1];
  } catch {
    // not Linux, or no os-release: keep the kernel's name
  }
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    logical_cpus: list.length,
    mem_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os,
  };
}

/** The `meta` block shared by Scriba's result files. */
export function baseMeta(command: string, samplers: Record<string, string>): Meta {
  return {
    engine: 'scriba',
    versions: { scriba: packageVersion(), node: process.version.replace(/^v/, '') },
    machine: machine(),
    created: new Date().toISOString(),
    command,
    samplers,
  };
}
