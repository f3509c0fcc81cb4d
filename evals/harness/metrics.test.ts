import { describe, expect, it } from 'vitest';
import {
  confusion,
  decideAt,
  decisionRates,
  dedupe,
  escalationPrf,
  histogram,
  hitAt,
  latencySummary,
  ndcgAt,
  normalizeAnswer,
  oosRecallAtAnswerRates,
  prf,
  rankingMetrics,
  reciprocalRank,
  sweepThresholds,
  thresholdCurve,
  tokenF1,
  THRESHOLD_GRID,
  type Outcome,
} from './metrics.ts';

describe('ranking metrics', () => {
  const r = { ranked: ['a', 'b', 'c', 'd', 'e', 'f'], gold: ['c'] };

  it('hit@k is whether a gold id is in the first k', () => {
    expect([hitAt(r, 1), hitAt(r, 2), hitAt(r, 3), hitAt(r, 10)]).toEqual([false, false, true, true]);
    expect(hitAt({ ranked: [], gold: ['a'] }, 10)).toBe(false);
  });

  it('MRR uses the first gold id', () => {
    expect(reciprocalRank(r)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank({ ranked: ['x', 'g2', 'g1'], gold: ['g1', 'g2'] })).toBe(0.5);
    expect(reciprocalRank({ ranked: ['x'], gold: ['g'] })).toBe(0);
  });

  it('nDCG@k is binary-gain DCG over the ideal ranking', () => {
    expect(ndcgAt({ ranked: ['g'], gold: ['g'] }, 10)).toBe(1);
    expect(ndcgAt(r, 10)).toBeCloseTo(1 / Math.log2(4), 12); // one gold at rank 3; ideal: rank 1
    // Two gold ids at ranks 1 and 3; the ideal puts them at 1 and 2.
    expect(ndcgAt({ ranked: ['g1', 'x', 'g2'], gold: ['g1', 'g2'] }, 10)).toBeCloseTo((1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)), 12);
    // The cut-off: a gold id below k counts for nothing, and the ideal is capped at k gold ids.
    expect(ndcgAt({ ranked: ['x', 'g'], gold: ['g'] }, 1)).toBe(0);
    expect(ndcgAt({ ranked: ['g1'], gold: ['g1', 'g2', 'g3'] }, 1)).toBe(1);
  });

  it('averages over cases and is null without cases', () => {
    const m = rankingMetrics([r, { ranked: ['g'], gold: ['g'] }, { ranked: [], gold: ['g'] }]);
    expect(m).toEqual({ cases: 3, hit1: 1 / 3, hit5: 2 / 3, hit10: 2 / 3, mrr: expect.closeTo((1 / 3 + 1) / 3, 12), ndcg10: expect.closeTo((1 / Math.log2(4) + 1) / 3, 12) });
    expect(rankingMetrics([])).toEqual({ cases: 0, hit1: null, hit5: null, hit10: null, mrr: null, ndcg10: null });
  });

  it('dedupes passages to documents keeping the first position', () => {
    expect(dedupe(['d1', 'd2', 'd1', 'd3', 'd2'])).toEqual(['d1', 'd2', 'd3']);
  });
});

describe('token F1 (SQuAD)', () => {
  it('normalises case, punctuation, articles and whitespace', () => {
    expect(normalizeAnswer('The  Refund, takes 5–7 days!')).toEqual(['refund', 'takes', '5', '7', 'days']);
    expect(normalizeAnswer('退款需要5天')).toEqual(['退', '款', '需', '要', '5', '天']);
  });

  it('scores token overlap', () => {
    expect(tokenF1('A refund takes 5 days.', 'the refund takes 5 days')).toBe(1);
    // prediction 9 tokens, reference 8, 6 shared: P 6/9, R 6/8 → F1 12/17
    expect(tokenF1('Water damage and drops are not covered by the warranty.', 'No, water damage is not covered by the warranty.')).toBeCloseTo(12 / 17, 12);
    expect(tokenF1('nothing in common', 'refund')).toBe(0);
    expect(tokenF1('yes yes yes', 'yes')).toBeCloseTo(0.5, 12); // counts are clipped: P 1/3, R 1
    expect(tokenF1('', 'the')).toBe(1); // both normalise to nothing
    expect(tokenF1('', 'refund')).toBe(0);
  });
});

const o = (inScope: boolean, decision: Outcome['decision'], confidence: number | null, correct = false, reason = decision === 'answer' ? 'confident' : 'low_confidence'): Outcome => ({ inScope, decision, confidence, correct, reason, verifiable: true });

describe('decisions at thresholds', () => {
  it('follows the pipeline: early decisions stand, then the bands', () => {
    expect(decideAt(o(true, 'answer', 0.6, true), 0.5, 0.3)).toBe('answer');
    expect(decideAt(o(true, 'answer', 0.4, true), 0.5, 0.3)).toBe('clarify');
    expect(decideAt(o(true, 'answer', 0.2, true), 0.5, 0.3)).toBe('escalate');
    expect(decideAt(o(true, 'answer', 0.5, true), 0.5, 0.3)).toBe('answer'); // at the threshold: answered
    // Above τ_answer the answer path's own failure stands (no extract, ungrounded); below, the bot never tried.
    expect(decideAt(o(true, 'escalate', 0.6, false, 'ungrounded'), 0.5, 0.3)).toBe('escalate');
    expect(decideAt(o(true, 'escalate', 0.4, false, 'ungrounded'), 0.5, 0.3)).toBe('clarify');
    expect(decideAt(o(false, 'refuse', null, false, 'harmful_request'), 0, 0)).toBe('refuse');
    expect(decideAt(o(false, 'escalate', null, false, 'customer_asked'), 0.9, 0.1)).toBe('escalate');
    expect(decideAt(o(false, 'escalate', 0, false, 'no_passages'), 0.5, 0)).toBe('escalate'); // nothing to clarify with
    expect(decideAt(o(true, 'answer', 0.4, true), 0.3, 0.5)).toBe('answer'); // τ_clarify above τ_answer is clipped
  });

  const outcomes = [
    o(true, 'answer', 0.9, true),
    o(true, 'answer', 0.7, false),
    o(true, 'answer', 0.4, true),
    o(true, 'escalate', 0.2, false),
    o(false, 'answer', 0.6),
    o(false, 'answer', 0.35),
    o(false, 'refuse', null, false, 'harmful_request'),
  ];

  it('counts the confusion and escalation precision, recall and F1', () => {
    const c = confusion(outcomes.map((x) => ({ inScope: x.inScope, decision: decideAt(x, 0.5, 0.3) })));
    expect(c).toEqual({ inScope: { answer: 2, clarify: 1, escalate: 1, refuse: 0 }, outOfScope: { answer: 1, clarify: 1, escalate: 0, refuse: 1 } });
    // tp: the refusal; fp: the in-scope escalation; fn: the answered and the clarified out-of-scope cases.
    expect(escalationPrf(c)).toEqual({ tp: 1, fp: 1, fn: 2, precision: 0.5, recall: 1 / 3, f1: expect.closeTo(0.4, 12) });
  });

  it('precision, recall and F1 are null without a denominator', () => {
    expect(prf(0, 0, 0)).toEqual({ tp: 0, fp: 0, fn: 0, precision: null, recall: null, f1: null });
    expect(prf(0, 2, 3)).toEqual({ tp: 0, fp: 2, fn: 3, precision: 0, recall: 0, f1: 0 });
  });

  it('answer rates: precision over all answers, an out-of-scope answer is never correct', () => {
    expect(decisionRates(outcomes, 0.5, 0.3)).toEqual({ answered: 3, inScopeAnswerRate: 0.5, answerPrecision: 1 / 3, inScopeCorrect: 0.25, oosNotAnswered: 2 / 3 });
    expect(decisionRates([o(true, 'answer', 0.1, true)], 0.5, 0.5)).toEqual({ answered: 0, inScopeAnswerRate: 0, answerPrecision: null, inScopeCorrect: 0, oosNotAnswered: null });
  });

  it('an answer to an in-scope case without gold documents counts neither for nor against precision', () => {
    const unverifiable = { ...o(true, 'answer', 0.9), verifiable: false };
    expect(decisionRates([...outcomes, unverifiable], 0.5, 0.3)).toEqual({ answered: 4, inScopeAnswerRate: 0.6, answerPrecision: 1 / 3, inScopeCorrect: 0.25, oosNotAnswered: 2 / 3 });
  });

  it('the curve uses one threshold (no clarify band) on an exact 0.01 grid', () => {
    expect(THRESHOLD_GRID).toHaveLength(101);
    expect(THRESHOLD_GRID[29]).toBe(0.29);
    const curve = thresholdCurve(outcomes);
    expect(curve[0]).toEqual({ threshold: 0, inScopeAnswerRate: 0.75, answerPrecision: 2 / 5, inScopeCorrect: 0.5, oosRecall: 1 / 3, answered: 5 });
    expect(curve[50]).toEqual({ threshold: 0.5, inScopeAnswerRate: 0.5, answerPrecision: 1 / 3, inScopeCorrect: 0.25, oosRecall: 2 / 3, answered: 3 });
    expect(curve[100]).toMatchObject({ threshold: 1, answered: 0, answerPrecision: null, oosRecall: 1 });
  });
});

describe('out-of-scope recall at fixed in-scope answer rates', () => {
  it('sets the threshold at the k-th most confident answerable in-scope case', () => {
    const cases = [
      ...[0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05].map((c) => o(true, 'answer', c, true)),
      o(false, 'answer', 0.75),
      o(false, 'answer', 0.45),
      o(false, 'answer', 0.15),
      o(false, 'escalate', null, false, 'customer_asked'),
    ];
    const at = oosRecallAtAnswerRates(cases, [0.5, 0.8, 1]);
    // 50 %: τ = 0.5 → out-of-scope 0.75 answered, 0.45 and 0.15 not: 3/4.
    expect(at[0]).toEqual({ targetRate: 0.5, threshold: 0.5, achievedRate: 0.5, oosRecall: 0.75 });
    expect(at[1]).toEqual({ targetRate: 0.8, threshold: 0.2, achievedRate: 0.8, oosRecall: 0.5 });
    expect(at[2]).toEqual({ targetRate: 1, threshold: 0.05, achievedRate: 1, oosRecall: 0.25 });
  });

  it('is null when the rate cannot be reached or there are no out-of-scope cases', () => {
    const cases = [o(true, 'answer', 0.9, true), o(true, 'escalate', 0.8, false, 'ungrounded'), o(false, 'answer', 0.1)];
    expect(oosRecallAtAnswerRates(cases, [0.5, 0.9])).toEqual([
      { targetRate: 0.5, threshold: 0.9, achievedRate: 0.5, oosRecall: 1 },
      { targetRate: 0.9, threshold: null, achievedRate: null, oosRecall: null },
    ]);
    expect(oosRecallAtAnswerRates([o(true, 'answer', 0.9, true)], [0.5])).toEqual([{ targetRate: 0.5, threshold: 0.9, achievedRate: null, oosRecall: null }]);
  });
});

describe('threshold sweep', () => {
  // In scope: correct answers at 0.95, 0.85, 0.65, 0.55; a wrong one at 0.75. Out of scope: 0.6, 0.52, 0.3, refused.
  const cases = [
    o(true, 'answer', 0.95, true),
    o(true, 'answer', 0.85, true),
    o(true, 'answer', 0.75, false),
    o(true, 'answer', 0.65, true),
    o(true, 'answer', 0.55, true),
    o(false, 'answer', 0.6),
    o(false, 'answer', 0.52),
    o(false, 'answer', 0.3),
    o(false, 'refuse', null, false, 'harmful_request'),
  ];

  it('τ_answer is the lowest threshold reaching the answer precision target', () => {
    // Precision: τ ≤ 0.30: 4/8; ≤ 0.52: 4/7; ≤ 0.55: 4/6; ≤ 0.60: 3/5 (0.55 gone too); ≤ 0.65: 3/4; ≤ 0.75: 2/3; ≤ 0.85: 2/2.
    expect(sweepThresholds(cases, { metric: 'answerPrecision', value: 0.75 }).answerThreshold).toBe(0.61);
    expect(sweepThresholds(cases, { metric: 'answerPrecision', value: 0.9 }).answerThreshold).toBe(0.76);
    expect(sweepThresholds(cases, { metric: 'answerPrecision', value: 0.66 }).answerThreshold).toBe(0.53);
  });

  it('or the lowest threshold reaching the out-of-scope recall target', () => {
    // Not answered out of scope: the refusal always; 0.3 from τ 0.31; 0.52 from 0.53; 0.6 from 0.61.
    expect(sweepThresholds(cases, { metric: 'oosRecall', value: 0.5 }).answerThreshold).toBe(0.31);
    expect(sweepThresholds(cases, { metric: 'oosRecall', value: 1 }).answerThreshold).toBe(0.61);
  });

  it('τ_clarify widens the band while out-of-scope escalation recall stays within 2 points, at most 0.15', () => {
    // τ_answer 0.61: out-of-scope 0.6 and 0.52 sit just below; a band down to them would ask them instead of escalating.
    const s = sweepThresholds(cases, { metric: 'oosRecall', value: 1 });
    expect(s).toMatchObject({ answerThreshold: 0.61, clarifyThreshold: 0.61 });
    // τ_answer 0.76: the band may reach 0.61 (0.6 stays below it, escalated), but not lower.
    expect(sweepThresholds(cases, { metric: 'answerPrecision', value: 0.9 })).toMatchObject({ answerThreshold: 0.76, clarifyThreshold: 0.61 });
    // Far from any out-of-scope case the band is capped at 0.15.
    const far = [o(true, 'answer', 0.95, true), o(true, 'answer', 0.5, false), o(false, 'answer', 0.1)];
    expect(sweepThresholds(far, { metric: 'answerPrecision', value: 0.9 })).toMatchObject({ answerThreshold: 0.51, clarifyThreshold: 0.36 });
  });

  it('without out-of-scope cases τ_clarify is τ_answer − 0.15, clipped at 0', () => {
    const inOnly = [o(true, 'answer', 0.9, true), o(true, 'answer', 0.05, false)];
    expect(sweepThresholds(inOnly, { metric: 'answerPrecision', value: 0.9 })).toMatchObject({ answerThreshold: 0.06, clarifyThreshold: 0 });
  });

  it('reports an unreachable target instead of inventing thresholds', () => {
    const bad = [o(true, 'answer', 0.9, false), o(true, 'answer', 0.8, false)];
    expect(sweepThresholds(bad, { metric: 'answerPrecision', value: 0.9 })).toMatchObject({ answerThreshold: null, clarifyThreshold: null });
  });
});

describe('latency', () => {
  it('summarises percentiles and bins a histogram', () => {
    const ms = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latencySummary(ms)).toEqual({ turns: 100, p50: 50.5, p95: expect.closeTo(95.05, 9), mean: 50.5, max: 100 }); // simple-statistics interpolates between ranks
    expect(latencySummary([])).toEqual({ turns: 0, p50: null, p95: null, mean: null, max: null });
    const h = histogram(ms, 10);
    expect(h).toHaveLength(10);
    expect(h.reduce((s, b) => s + b.count, 0)).toBe(100);
    expect(h.at(-1)!.to).toBe(100);
  });
});
