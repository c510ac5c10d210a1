// The trivial in-process objective of bench/queue/run.mjs: the cost of a trial is the queue's alone.
export function objective({ x }) {
  return { loss: x };
}
