// The two-moons problem and a one-hidden-layer network trained by SGD, shared by the examples.
// Plain JavaScript with a fixed-seed generator: no dependencies, the same numbers everywhere.

// --- data: two interleaved half-moons with noise, from a fixed-seed generator ---
export function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
export function moons(n, seed) {
  const rand = lcg(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: n }, (_, i) => {
    const label = i % 2;
    const t = Math.PI * rand();
    const x = label ? 1 - Math.cos(t) : Math.cos(t);
    const y = label ? 0.5 - Math.sin(t) : Math.sin(t);
    return { x: [x + 0.2 * gauss(), y + 0.2 * gauss()], label };
  });
}
export const train = moons(300, 1);
export const valid = moons(200, 2);

// --- model: one hidden layer, sigmoid output, trained by SGD on cross-entropy with L2 ---
export function trainNetwork({ lr, hidden, l2, activation, epochs, logEvery = 10 }, report) {
  const rand = lcg(7);
  const act = activation === 'tanh' ? Math.tanh : (z) => Math.max(0, z);
  const dact = activation === 'tanh' ? (a) => 1 - a * a : (a) => (a > 0 ? 1 : 0);
  const W1 = Array.from({ length: hidden }, () => [rand() - 0.5, rand() - 0.5]);
  const b1 = new Array(hidden).fill(0);
  const W2 = Array.from({ length: hidden }, () => (rand() - 0.5) / Math.sqrt(hidden));
  let b2 = 0;
  const forward = ([u, v]) => {
    const h = W1.map((w, j) => act(w[0] * u + w[1] * v + b1[j]));
    const z = h.reduce((s, hj, j) => s + hj * W2[j], b2);
    return { h, p: 1 / (1 + Math.exp(-z)) };
  };
  const evaluate = (data) => {
    let loss = 0;
    let correct = 0;
    for (const { x, label } of data) {
      const { p } = forward(x);
      const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
      loss -= label ? Math.log(q) : Math.log(1 - q);
      correct += (p > 0.5) === (label === 1) ? 1 : 0;
    }
    return { loss: loss / data.length, accuracy: correct / data.length };
  };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (const { x, label } of train) {
      const { h, p } = forward(x);
      const g = p - label; // d(cross-entropy)/dz
      for (let j = 0; j < hidden; j++) {
        const gh = g * W2[j] * dact(h[j]);
        W2[j] -= lr * (g * h[j] + l2 * W2[j]);
        W1[j][0] -= lr * (gh * x[0] + l2 * W1[j][0]);
        W1[j][1] -= lr * (gh * x[1] + l2 * W1[j][1]);
        b1[j] -= lr * gh;
      }
      b2 -= lr * g;
    }
    // Intermediate values, as a training script logs them; a report that answers true stops training
    // (tune()'s report() does when early stopping rules the trial out).
    if (epoch % logEvery === 0 && report({ epoch, ...evaluate(valid) }) === true) break;
  }
  return evaluate(valid);
}
