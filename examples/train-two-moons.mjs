#!/usr/bin/env node
// A training script as Katib runs one: hyperparameters arrive as command-line flags, metrics
// leave as `name=value` lines on stdout (Katib's StdOut collector) or, with --metrics-file,
// as JSON lines in a file (Katib's File collector, format JSON).
//
//   node train-two-moons.mjs --lr=0.05 --hidden=8 --l2=1e-4 --activation=tanh --epochs=40 [--log-every=10]
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { trainNetwork } from './lib/two-moons.mjs';

const { values } = parseArgs({
  options: {
    lr: { type: 'string', default: '0.05' },
    hidden: { type: 'string', default: '8' },
    l2: { type: 'string', default: '0.0001' },
    activation: { type: 'string', default: 'tanh' },
    epochs: { type: 'string', default: '40' },
    'log-every': { type: 'string', default: '10' },
    'metrics-file': { type: 'string' },
  },
});

const config = {
  lr: Number(values.lr),
  hidden: Number(values.hidden),
  l2: Number(values.l2),
  activation: values.activation,
  epochs: Number(values.epochs),
  logEvery: Number(values['log-every']),
};
for (const [name, value] of Object.entries(config)) {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    console.error(`--${name}: expected a number, got ${values[name]}`);
    process.exit(2);
  }
}

const file = values['metrics-file'];
if (file) mkdirSync(dirname(file), { recursive: true });
const log = ({ epoch, loss, accuracy }) => {
  // Katib's JSON format reads string-valued fields, so values are written as strings.
  const row = { timestamp: new Date().toISOString(), epoch: String(epoch), loss: String(loss), accuracy: String(accuracy) };
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
  else console.log(`epoch=${epoch} loss=${loss.toFixed(6)} accuracy=${accuracy.toFixed(4)}`);
};

console.error(`training with ${JSON.stringify(config)}`);
const final = trainNetwork(config, log); // logs every --log-every epochs
if (config.epochs % config.logEvery !== 0) log({ epoch: config.epochs, ...final });
