#!/usr/bin/env node
// The toy problem of Jaderberg et al. 2017 ("Population Based Training of Neural Networks",
// §4.1, Fig. 2) as a trial program that resumes from its checkpoint, as PBT's trials do.
// θ = (θ0, θ1) climbs the surrogate Q̂(θ|h) = 1.2 − (h0·θ0² + h1·θ1²) by gradient steps,
// h = (h0, h1) being the hyperparameters; the program reports the true objective
// Q(θ) = 1.2 − (θ0² + θ1²) after every step, as `Q=<value>` lines on stdout.
//
//   node pbt-toy.mjs --h0=0.5 --h1=0.9 --steps=4 --checkpoint=/var/log/katib/checkpoints
//
// θ starts at (0.9, 0.9), or where the checkpoint directory's theta.json left it (a copy of
// the parent trial's directory, which PBT's exploit and explore steps hand on); the
// program writes θ back there at the end.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    h0: { type: 'string', default: '1' },
    h1: { type: 'string', default: '1' },
    steps: { type: 'string', default: '4' },
    lr: { type: 'string', default: '0.02' },
    checkpoint: { type: 'string', default: process.env.SCRIBA_CHECKPOINT_DIR ?? '.' },
  },
});
const [h0, h1, steps, lr] = [values.h0, values.h1, values.steps, values.lr].map(Number);
for (const [name, v] of Object.entries({ h0, h1, steps, lr })) {
  if (!Number.isFinite(v)) {
    console.error(`--${name}: expected a number`);
    process.exit(2);
  }
}

const file = join(values.checkpoint, 'theta.json');
const state = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { theta: [0.9, 0.9], step: 0 };
const q = ([a, b]) => 1.2 - (a * a + b * b);
console.error(`h=(${h0}, ${h1}) from θ=(${state.theta.join(', ')}) at step ${state.step}`);
for (let i = 0; i < steps; i++) {
  const [a, b] = state.theta;
  // ∇Q̂ = (−2·h0·θ0, −2·h1·θ1): a step of gradient ascent on the surrogate.
  state.theta = [a - lr * 2 * h0 * a, b - lr * 2 * h1 * b];
  state.step++;
  console.log(`step=${state.step} Q=${q(state.theta).toFixed(6)}`);
}
mkdirSync(values.checkpoint, { recursive: true });
writeFileSync(file, JSON.stringify(state));
