/**
 * The closed-form test functions of bench-protocol v1, §2 (Hartmann is in hartmann.ts).
 * Each formula is quoted from the protocol; x_i there is 1-based, x[i - 1] here.
 */

/**
 * Branin: (x2 - b x1^2 + c x1 - r)^2 + s (1 - t) cos(x1) + s,
 * b = 5.1/(4π²), c = 5/π, r = 6, s = 10, t = 1/(8π).
 */
export function branin(x: readonly number[]): number {
  const [x1 = NaN, x2 = NaN] = x;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const r = 6;
  const s = 10;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * Math.cos(x1) + s;
}

/** Six-hump camel: (4 - 2.1 x1^2 + x1^4/3) x1^2 + x1 x2 + (-4 + 4 x2^2) x2^2. */
export function sixHumpCamel(x: readonly number[]): number {
  const [x1 = NaN, x2 = NaN] = x;
  return (4 - 2.1 * x1 ** 2 + x1 ** 4 / 3) * x1 ** 2 + x1 * x2 + (-4 + 4 * x2 ** 2) * x2 ** 2;
}

/**
 * Goldstein–Price: [1 + (x1+x2+1)^2 (19 - 14x1 + 3x1^2 - 14x2 + 6x1x2 + 3x2^2)] ·
 * [30 + (2x1 - 3x2)^2 (18 - 32x1 + 12x1^2 + 48x2 - 36x1x2 + 27x2^2)].
 */
export function goldsteinPrice(x: readonly number[]): number {
  const [x1 = NaN, x2 = NaN] = x;
  const a = 1 + (x1 + x2 + 1) ** 2 * (19 - 14 * x1 + 3 * x1 ** 2 - 14 * x2 + 6 * x1 * x2 + 3 * x2 ** 2);
  const b = 30 + (2 * x1 - 3 * x2) ** 2 * (18 - 32 * x1 + 12 * x1 ** 2 + 48 * x2 - 36 * x1 * x2 + 27 * x2 ** 2);
  return a * b;
}

/** Rosenbrock: Σ_{i=1..d-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2. */
export function rosenbrock(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const xi = x[i] as number;
    const next = x[i + 1] as number;
    sum += 100 * (next - xi ** 2) ** 2 + (1 - xi) ** 2;
  }
  return sum;
}

/**
 * Ackley: -20 exp(-0.2 sqrt(Σ x_i^2 / d)) - exp(Σ cos(2π x_i) / d) + 20 + e.
 * Gives 4.4e-16, not 0, at the origin in double precision (§2, notes).
 */
export function ackley(x: readonly number[]): number {
  const d = x.length;
  let squares = 0;
  let cosines = 0;
  for (const xi of x) {
    squares += xi ** 2;
    cosines += Math.cos(2 * Math.PI * xi);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(squares / d)) - Math.exp(cosines / d) + 20 + Math.E;
}

/** Rastrigin: 10 d + Σ (x_i^2 - 10 cos(2π x_i)). */
export function rastrigin(x: readonly number[]): number {
  let sum = 10 * x.length;
  for (const xi of x) sum += xi ** 2 - 10 * Math.cos(2 * Math.PI * xi);
  return sum;
}

/**
 * Levy: w_i = 1 + (x_i - 1)/4;
 * sin^2(π w_1) + Σ_{i=1..d-1} (w_i - 1)^2 [1 + 10 sin^2(π w_i + 1)] + (w_d - 1)^2 [1 + sin^2(2π w_d)].
 */
export function levy(x: readonly number[]): number {
  const w = x.map((xi) => 1 + (xi - 1) / 4);
  const first = w[0] ?? NaN;
  const last = w[w.length - 1] ?? NaN;
  let sum = Math.sin(Math.PI * first) ** 2;
  for (let i = 0; i + 1 < w.length; i++) {
    const wi = w[i] as number;
    sum += (wi - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * wi + 1) ** 2);
  }
  return sum + (last - 1) ** 2 * (1 + Math.sin(2 * Math.PI * last) ** 2);
}

/**
 * Styblinski–Tang: 0.5 Σ (x_i^4 - 16 x_i^2 + 5 x_i). Each coordinate is minimised at the
 * smallest root of 4z³ - 32z + 5 = 0, z = -2.903534027771177 (§2, notes).
 */
export function styblinskiTang(x: readonly number[]): number {
  let sum = 0;
  for (const xi of x) sum += xi ** 4 - 16 * xi ** 2 + 5 * xi;
  return 0.5 * sum;
}

/** Sphere: Σ x_i^2. */
export function sphere(x: readonly number[]): number {
  let sum = 0;
  for (const xi of x) sum += xi ** 2;
  return sum;
}
