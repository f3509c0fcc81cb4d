// Pure: how far two graders agree. Spearman's rank correlation (simple-statistics) with a bootstrap confidence
// interval and a permutation test against chance; Cohen's kappa, quadratic-weighted, for 1–5 grades (a 4 against a 5
// is a small disagreement, a 1 against a 5 a large one). Random draws come from a seeded generator, so a report is
// reproducible.
import { sampleRankCorrelation } from 'simple-statistics';
import { seededRandom } from '../../core/random.ts';

export type Correlation = {
  n: number;
  rho: number;
  /** 95 % bootstrap percentile interval. */
  ci: [number, number];
  /** One-sided permutation p-value for rho ≤ 0 (ordering no better than chance). */
  pValue: number;
};

/** Spearman's rho; NaN when either side has no variation (nothing to rank). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length < 3 || new Set(a).size < 2 || new Set(b).size < 2) return NaN;
  return sampleRankCorrelation([...a], [...b]);
}

export function correlation(a: readonly number[], b: readonly number[], opts: { resamples?: number; seed?: number } = {}): Correlation {
  const n = a.length;
  const rho = spearman(a, b);
  const resamples = opts.resamples ?? 2000;
  const random = seededRandom(opts.seed ?? 42);
  const boots: number[] = [];
  for (let i = 0; i < resamples && Number.isFinite(rho); i++) {
    const xa: number[] = [];
    const xb: number[] = [];
    for (let k = 0; k < n; k++) {
      const j = Math.floor(random() * n);
      xa.push(a[j]!);
      xb.push(b[j]!);
    }
    const r = spearman(xa, xb);
    if (Number.isFinite(r)) boots.push(r);
  }
  boots.sort((x, y) => x - y);
  const at = (p: number) => boots[Math.min(boots.length - 1, Math.max(0, Math.floor(p * boots.length)))] ?? NaN;
  let atLeast = 0;
  const permutations = Math.min(resamples, 2000);
  for (let i = 0; i < permutations && Number.isFinite(rho); i++) {
    const shuffled = [...b];
    for (let k = shuffled.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [shuffled[k], shuffled[j]] = [shuffled[j]!, shuffled[k]!];
    }
    if (spearman(a, shuffled) >= rho) atLeast++;
  }
  return { n, rho, ci: [at(0.025), at(0.975)], pValue: Number.isFinite(rho) ? (atLeast + 1) / (permutations + 1) : NaN };
}

/**
 * Cohen's kappa with quadratic weights over the grades 1–5 (fractions rounded). 1 = perfect agreement, 0 = what chance
 * gives, below 0 = worse than chance. NaN with fewer than 2 pairs.
 */
export function weightedKappa(a: readonly number[], b: readonly number[], levels = 5): number {
  const n = a.length;
  if (n < 2) return NaN;
  const idx = (x: number) => Math.min(levels, Math.max(1, Math.round(x))) - 1;
  const observed = Array.from({ length: levels }, () => new Array<number>(levels).fill(0));
  const ra = new Array<number>(levels).fill(0);
  const rb = new Array<number>(levels).fill(0);
  for (let k = 0; k < n; k++) {
    const i = idx(a[k]!);
    const j = idx(b[k]!);
    observed[i]![j]!++;
    ra[i]!++;
    rb[j]!++;
  }
  let disagree = 0;
  let chance = 0;
  for (let i = 0; i < levels; i++) {
    for (let j = 0; j < levels; j++) {
      const w = ((i - j) * (i - j)) / ((levels - 1) * (levels - 1));
      disagree += w * observed[i]![j]!;
      chance += (w * ra[i]! * rb[j]!) / n;
    }
  }
  return chance === 0 ? (disagree === 0 ? 1 : NaN) : 1 - disagree / chance;
}

/** Landis & Koch's words for a kappa, for people reading the report. */
export function describeKappa(k: number): string {
  if (!Number.isFinite(k)) return 'not enough reviews yet';
  if (k < 0) return 'worse than chance';
  if (k < 0.2) return 'slight';
  if (k < 0.4) return 'fair';
  if (k < 0.6) return 'moderate';
  if (k < 0.8) return 'substantial';
  return 'almost perfect';
}
