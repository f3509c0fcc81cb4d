import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/random.ts';
import { correlation, describeKappa, spearman, weightedKappa } from './agreement.ts';

describe('agreement', () => {
  it('ranks: Spearman is 1 for the same order, −1 for the reverse, NaN without variation', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 45])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(spearman([1, 1, 1, 1], [1, 2, 3, 4])).toBeNaN();
  });

  it('gives a reproducible interval around rho and a small p-value only for a real ordering', () => {
    const random = seededRandom(7);
    const truth = Array.from({ length: 200 }, () => random() * 4 + 1);
    const noisy = truth.map((t) => t + (random() - 0.5) * 2);
    const c = correlation(noisy, truth, { seed: 1 });
    expect(c.rho).toBeGreaterThan(0.7);
    expect(c.ci[0]).toBeLessThanOrEqual(c.rho);
    expect(c.ci[1]).toBeGreaterThanOrEqual(c.rho);
    expect(c.pValue).toBeLessThan(0.01);
    expect(correlation(noisy, truth, { seed: 1 })).toEqual(c);
    const unrelated = correlation(truth.map(() => random()), truth, { seed: 1 });
    expect(unrelated.ci[0]).toBeLessThan(0);
    expect(unrelated.pValue).toBeGreaterThan(0.01);
  });

  it('weights kappa by how far apart two grades are', () => {
    expect(weightedKappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])).toBeCloseTo(1);
    const near = weightedKappa([1, 2, 3, 4, 5], [2, 2, 3, 5, 5]);
    const far = weightedKappa([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]);
    expect(near).toBeGreaterThan(0.8);
    expect(far).toBeLessThan(0);
    // Known value: quadratic-weighted kappa of these two raters.
    expect(weightedKappa([1, 2, 2, 3, 4], [1, 3, 2, 3, 5])).toBeCloseTo(0.8649, 3); // computed by hand (numpy)
    expect(weightedKappa([3], [3])).toBeNaN();
    expect(describeKappa(0.7)).toBe('substantial');
    expect(describeKappa(-0.1)).toBe('worse than chance');
  });
});
