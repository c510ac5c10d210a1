#!/usr/bin/env node
// Fault benchmark: repeats the hardening probe's cases N times against the built CLI and
// counts the runs that held. A case holds when nothing ran twice, nothing was lost, no
// process was left behind, no stack trace reached the user, and the run ended by itself.
//   kill9    kill -9 of `scriba run` after a random number of finished trials, then `scriba resume`
//   race     two `scriba resume` of one experiment released in the same moment (the test holds the store's lock)
//   disk     the store and trial output on a 2 MiB tmpfs that trial output fills (needs root for mount)
//   output   hostile output: a 1 MiB line with a metric, 100,000 metric lines, a backtracking metricsFormat
// Usage: npm run build && node bench/faults.mjs [--repeats 10] [--cases kill9,race,disk,output] [--out bench/results/faults.json]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadExperiment } from '../dist/src/experiment/load.js';
import { createState } from '../dist/src/loop/state.js';
import { SqliteStore } from '../dist/src/store/sqlite-store.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '10' },
    cases: { type: 'string', default: 'kill9,race,disk,output' },
    out: { type: 'string', default: 'bench/results/faults.json' },
  },
});
const repeats = Number(values.repeats);
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist/src/bin.js');
const node = process.execPath;
const STACK = /\n\s+at .+:\d+:\d+/;

function experiment(name, { max, parallel, script, extra = '', metricsFormat }) {
  const collector = metricsFormat
    ? `  metricsCollectorSpec:\n    collector: { kind: StdOut }\n    source: { filter: { metricsFormat: [${JSON.stringify(metricsFormat)}] } }\n`
    : '';
  return `apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: { name: ${name} }
spec:
  objective: { type: minimize, objectiveMetricName: loss }
  algorithm: { algorithmName: random }
  parallelTrialCount: ${parallel}
  maxTrialCount: ${max}
${extra}${collector}  parameters:
    - { name: x, parameterType: double, feasibleSpace: { min: "0", max: "1" } }
  trialTemplate:
    primaryContainerName: main
    trialParameters: [{ name: x, reference: x }]
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - { name: main, image: none, command: [${JSON.stringify(node)}, -e, ${JSON.stringify(script)}, "\${trialParameters.x}"] }
            restartPolicy: Never
`;
}

function cli(args, cwd, { timeoutMs = 120_000 } = {}) {
  const child = spawn(node, [bin, ...args], { cwd });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => (clearTimeout(timer), resolve(code ?? 128))));
  return { child, exited, stdout: () => stdout, stderr: () => stderr, timedOut: () => timedOut };
}

const until = async (check, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
};

function trialProcesses(prefix) {
  return readdirSync('/proc').filter((e) => {
    if (!/^\d+$/.test(e)) return false;
    try {
      return readFileSync(`/proc/${e}/environ`, 'utf8').includes(`KATIB_TRIAL_NAME=${prefix}-`);
    } catch {
      return false;
    }
  });
}

function rows(db) {
  const store = new Database(db, { readonly: true });
  try {
    const one = (sql) => store.prepare(sql).get().n;
    return {
      trials: one('SELECT count(*) AS n FROM trials'),
      succeeded: one("SELECT count(*) AS n FROM trials WHERE condition = 'Succeeded'"),
      observations: one('SELECT count(*) AS n FROM observation_logs'),
      integrity: store.pragma('integrity_check', { simple: true }),
    };
  } finally {
    store.close();
  }
}

const cases = {
  async kill9(dir, i) {
    const max = 8;
    const script = `setTimeout(() => console.log('loss=' + process.argv[1]), 100 + Math.floor(Math.random() * 300))`;
    writeFileSync(join(dir, 'e.yaml'), experiment(`kill${i}`, { max, parallel: 3, script }));
    const db = join(dir, 'scriba.db');
    const run = cli(['run', 'e.yaml', '--db', db, '--json', '--gpus', 'none'], dir);
    const after = 1 + Math.floor(Math.random() * (max - 2));
    await until(() => run.stderr().split('\n').filter((l) => l.startsWith(`kill${i}: `)).length >= after);
    run.child.kill('SIGKILL');
    await run.exited;
    const orphans = (await until(() => trialProcesses(`kill${i}`).length === 0, 15_000)) ? 0 : trialProcesses(`kill${i}`).length;
    const resume = cli(['resume', `kill${i}`, '--db', db, '--json', '--gpus', 'none'], dir);
    const code = await resume.exited;
    const r = rows(db);
    const problems = [];
    if (orphans) problems.push(`${orphans} trial processes outlived the killed run`);
    if (code !== 0) problems.push(`resume exited ${code}`);
    if (r.succeeded !== max || r.trials !== max) problems.push(`${r.succeeded}/${r.trials} trials succeeded, expected ${max}`);
    if (r.observations !== max) problems.push(`${r.observations} observation rows for ${max} trials`);
    if (STACK.test(resume.stderr())) problems.push('stack trace');
    return problems;
  },

  async race(dir, i) {
    const max = 4;
    const runs = join(dir, 'runs.log');
    writeFileSync(runs, '');
    const script = `require('fs').appendFileSync(${JSON.stringify(runs)}, process.argv[1] + '\\n'); console.log('loss=' + process.argv[1])`;
    writeFileSync(join(dir, 'e.yaml'), experiment(`race${i}`, { max, parallel: 2, script }));
    const db = join(dir, 'scriba.db');
    // an experiment no process owns, with every trial still to run, as after a crash
    const { experiment: parsed } = loadExperiment(readFileSync(join(dir, 'e.yaml'), 'utf8'));
    const store = new SqliteStore(db);
    store.createExperiment(createState(parsed, 7, store));
    store.release(`race${i}`);
    store.close();
    const before = rows(db);
    // hold the write lock until both processes have the store open, so that they go together
    const holder = new Database(db);
    holder.pragma('busy_timeout = 5000');
    holder.exec('BEGIN IMMEDIATE');
    const two = [0, 1].map(() => cli(['resume', `race${i}`, '--db', db, '--json', '--gpus', 'none'], dir));
    const opened = (pid) => {
      try {
        return readdirSync(`/proc/${pid}/fd`).some((fd) => {
          try {
            return readlinkSync(`/proc/${pid}/fd/${fd}`) === db;
          } catch {
            return false;
          }
        });
      } catch {
        return false;
      }
    };
    await until(() => two.every((p) => opened(p.child.pid)), 10_000);
    holder.exec('COMMIT');
    holder.close();
    const codes = await Promise.all(two.map((p) => p.exited));
    const ran = readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
    const r = rows(db);
    const expectedRuns = max - before.succeeded;
    const problems = [];
    if (ran !== expectedRuns) problems.push(`${ran} trial runs after the race, expected ${expectedRuns}`);
    if (r.succeeded !== max || r.observations !== max) problems.push(`${r.succeeded} succeeded, ${r.observations} observation rows, expected ${max}`);
    for (const [k, p] of two.entries()) {
      if (codes[k] !== 0 && !/is being run by process \d+/.test(p.stderr())) problems.push(`exit ${codes[k]}: ${p.stderr().trim().split('\n').pop()}`);
      if (STACK.test(p.stderr())) problems.push('stack trace');
    }
    return problems;
  },

  async disk(dir, i) {
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
    try {
      const script = `const s = 'x'.repeat(1 << 16) + '\\n'; let n = 0; const t = setInterval(() => { process.stdout.write(s); if (++n > 200) { clearInterval(t); console.log('loss=' + process.argv[1]); } }, 1)`;
      writeFileSync(join(dir, 'e.yaml'), experiment(`disk${i}`, { max: 4, parallel: 2, script }));
      const run = cli(['run', join(dir, 'e.yaml'), '--db', join(mnt, 'scriba.db'), '--json', '--gpus', 'none'], dir);
      const code = await run.exited;
      const orphans = (await until(() => trialProcesses(`disk${i}`).length === 0, 15_000)) ? 0 : trialProcesses(`disk${i}`).length;
      const problems = [];
      if (run.timedOut()) problems.push('did not end within 120 s');
      if (/Unhandled 'error' event/.test(run.stderr()) || STACK.test(run.stderr())) problems.push(`crash with a stack trace: ${run.stderr().split('\n').find((l) => /error/i.test(l))}`);
      if (!/no space|disk is full|ENOSPC/i.test(run.stderr() + run.stdout())) problems.push(`exit ${code} without saying the disk is full`);
      if (orphans) problems.push(`${orphans} trial processes left behind`);
      return problems;
    } finally {
      execFileSync('umount', ['-l', mnt]);
    }
  },

  async output(dir, i) {
    const variants = [
      { name: 'longline', script: `process.stdout.write('loss=0.25 ' + 'y'.repeat(1 << 20) + ' loss=' + process.argv[1] + '\\n')` },
      { name: 'manylines', script: `let s = ''; for (let k = 0; k < 100000; k++) s += 'loss=' + (k / 1e6) + '\\n'; process.stdout.write(s + 'loss=0.5\\n')`, expect: 0.5 },
      { name: 'backtrack', script: `console.log('loss=' + 'a'.repeat(100000) + '!'); console.log('loss=aa')`, metricsFormat: '(loss)=((a|a)+)$' },
    ];
    const problems = [];
    for (const v of variants) {
      const sub = join(dir, v.name);
      mkdirSync(sub);
      writeFileSync(join(sub, 'e.yaml'), experiment(`out${i}${v.name}`, { max: 1, parallel: 1, script: v.script, metricsFormat: v.metricsFormat }));
      const run = cli(['run', 'e.yaml', '--db', join(sub, 'scriba.db'), '--json', '--gpus', 'none', '--timeout', '60'], sub, { timeoutMs: 90_000 });
      const code = await run.exited;
      if (run.timedOut()) problems.push(`${v.name}: did not end within 90 s`);
      else if (STACK.test(run.stderr())) problems.push(`${v.name}: stack trace`);
      else if (code !== 0 && v.name !== 'backtrack') problems.push(`${v.name}: exit ${code}: ${run.stderr().trim().split('\n').pop()}`);
      else if (v.expect !== undefined && !run.stdout().includes(`${v.expect}`)) problems.push(`${v.name}: best value is not ${v.expect}`);
    }
    return problems;
  },
};

const selected = values.cases.split(',');
const results = {};
for (const name of selected) {
  if (!cases[name]) throw new Error(`--cases: unknown case ${name}; expected some of ${Object.keys(cases).join(', ')}`);
  results[name] = { held: 0, failed: 0, failures: [] };
  for (let i = 0; i < repeats; i++) {
    const dir = mkdtempSync(join(tmpdir(), `scriba-fault-${name}-`));
    let problems;
    try {
      problems = await cases[name](dir, i);
    } catch (error) {
      problems = [`probe error: ${error.message}`];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (problems.length === 0) results[name].held++;
    else {
      results[name].failed++;
      results[name].failures.push(problems.join('; '));
    }
    process.stderr.write(`${name} ${i + 1}/${repeats}: ${problems.length === 0 ? 'held' : problems.join('; ')}\n`);
  }
}

console.log(`Fault probe: ${repeats} repeats per case\n`);
console.log('| case | held | failed |\n| --- | ---: | ---: |');
for (const [name, r] of Object.entries(results)) console.log(`| ${name} | ${r.held} | ${r.failed} |`);
writeFileSync(values.out, `${JSON.stringify({ benchmark: 'faults', date: new Date().toISOString(), node: process.version, repeats, results }, null, 2)}\n`);
