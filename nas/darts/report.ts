import * as tf from '@tensorflow/tfjs-core';

/**
 * The progress lines of Katib's DARTS trial, in its format: running means of loss and of
 * top-1 / top-5 precision over the epoch's batches so far, weighted by batch size.
 */
export interface Meter {
  loss: number;
  top1: number;
  top5: number;
  count: number;
}

export const meter = (): Meter => ({ loss: 0, top1: 0, top5: 0, count: 0 });

/** Adds a batch: its mean loss, and for each image whether its class ranks first / in the top 5. */
export function record(m: Meter, loss: number, logits: tf.Tensor2D, labels: Int32Array): void {
  const [n, k] = logits.shape;
  const values = logits.dataSync();
  for (let i = 0; i < n; i++) {
    const label = labels[i] ?? 0;
    const own = values[i * k + label] ?? 0;
    let above = 0;
    for (let j = 0; j < k; j++) {
      const v = values[i * k + j] ?? 0;
      if (v > own || (v === own && j < label)) above++;
    }
    if (above < 1) m.top1++;
    if (above < 5) m.top5++;
  }
  m.loss += loss * n;
  m.count += n;
}

/** Python's '{:.Nf%}' of a fraction. */
export function percent(fraction: number, digits: number): string {
  return `${(100 * fraction).toFixed(digits)}%`;
}

const epochTag = (epoch: number, epochs: number) => `[${String(epoch + 1).padStart(2)}/${epochs}]`;
const step3 = (n: number) => String(n).padStart(3, '0');

/** `Train: [ 1/50] Step 000/194 Loss 2.301 Prec@(1,5) (11.7%, 50.8%)` (or `Validation: ...`). */
export function trainLine(kind: 'Train' | 'Validation', epoch: number, epochs: number, step: number, steps: number, m: Meter): string {
  const c = Math.max(1, m.count);
  return `${kind}: ${epochTag(epoch, epochs)} Step ${step3(step)}/${step3(steps - 1)} Loss ${(m.loss / c).toFixed(3)} Prec@(1,5) (${percent(m.top1 / c, 1)}, ${percent(m.top5 / c, 1)})`;
}

export function validLine(epoch: number, epochs: number, top1: number): string {
  return `Valid: ${epochTag(epoch, epochs)} Final Prec@1 ${percent(top1, 4)}`;
}

/** softmax(α) per node, one row per incoming edge, as Katib's trial prints them each epoch. */
export function alphaLines(title: string, weights: number[][][]): string[] {
  const lines = [title];
  for (const node of weights) lines.push(`[${node.map((row) => `[${row.map((v) => v.toFixed(4)).join(', ')}]`).join(',\n ')}]`);
  return lines;
}
