// Pure metric functions of the evals harness: ranking (hit@k, MRR, nDCG), SQuAD-style token F1, decisions at any
// pair of thresholds from one run at thresholds 0, the decision confusion, escalation precision/recall/F1, the
// threshold curve, out-of-scope recall at fixed in-scope answer rates, the threshold sweep and latency.
// No I/O. A metric whose denominator is empty is null (JSON has no NaN), never 0.
import { quantileSorted } from 'simple-statistics';

export type Decision = 'answer' | 'clarify' | 'escalate' | 'refuse';
export const DECISIONS: readonly Decision[] = ['answer', 'clarify', 'escalate', 'refuse'];

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

// ---------------------------------------------------------------------------------------------------------------
// Retrieval

export type Ranking = { ranked: string[]; gold: string[] };
export type RankingMetrics = { cases: number; hit1: number | null; hit5: number | null; hit10: number | null; mrr: number | null; ndcg10: number | null };

/** Keeps the first occurrence of each id, in order (passages → documents). */
export function dedupe(ids: string[]): string[] {
  return [...new Set(ids)];
}

export function hitAt(r: Ranking, k: number): boolean {
  const gold = new Set(r.gold);
  return r.ranked.slice(0, k).some((id) => gold.has(id));
}

/** 1 / rank of the first gold id; 0 when none is ranked. */
export function reciprocalRank(r: Ranking): number {
  const gold = new Set(r.gold);
  const i = r.ranked.findIndex((id) => gold.has(id));
  return i < 0 ? 0 : 1 / (i + 1);
}

/** Binary-relevance nDCG@k: every gold id has gain 1; the ideal ranking puts min(|gold|, k) of them first. */
export function ndcgAt(r: Ranking, k: number): number {
  const gold = new Set(r.gold);
  const dcg = r.ranked.slice(0, k).reduce((s, id, i) => s + (gold.has(id) ? 1 / Math.log2(i + 2) : 0), 0);
  let ideal = 0;
  for (let i = 0; i < Math.min(gold.size, k); i++) ideal += 1 / Math.log2(i + 2);
  return ideal > 0 ? dcg / ideal : 0;
}

export function rankingMetrics(rows: Ranking[]): RankingMetrics {
  const n = rows.length;
  const mean = (f: (r: Ranking) => number) => ratio(rows.reduce((s, r) => s + f(r), 0), n);
  return {
    cases: n,
    hit1: mean((r) => Number(hitAt(r, 1))),
    hit5: mean((r) => Number(hitAt(r, 5))),
    hit10: mean((r) => Number(hitAt(r, 10))),
    mrr: mean(reciprocalRank),
    ndcg10: mean((r) => ndcgAt(r, 10)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Answer text

/**
 * SQuAD's answer normalisation: lower case, punctuation removed, English articles removed, whitespace collapsed.
 * Han, kana and hangul characters become tokens of their own (as MLQA does), so Chinese answers are not one token.
 */
export function normalizeAnswer(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])/gu, ' $1 ')
    .split(/\s+/)
    .filter(Boolean);
}

/** SQuAD token F1 between a prediction and a reference answer (1 when both normalise to nothing). */
export function tokenF1(prediction: string, reference: string): number {
  const p = normalizeAnswer(prediction);
  const g = normalizeAnswer(reference);
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

// ---------------------------------------------------------------------------------------------------------------
// Decisions

/** What one case did when run once with both thresholds at 0: enough to know its decision at any thresholds. */
export type Outcome = {
  inScope: boolean;
  decision: Decision;
  reason: string;
  /** The confidence score, null when the turn ended before retrieval (guardrails, signals) or in an error. */
  confidence: number | null;
  /** In scope, answered, and the answer's first cited document is a gold one. */
  correct: boolean;
  /**
   * Whether an answer to this case can be judged: out of scope (any answer is wrong), or in scope with gold
   * documents. An in-scope case without any (mtragun's underspecified questions) counts in neither the numerator
   * nor the denominator of answer precision and in-scope correctness.
   */
  verifiable: boolean;
};

/**
 * The decision the pipeline makes at τ_answer `ta` and τ_clarify `tc` (as in bot/pipeline.ts): guardrails,
 * signals, errors and an empty search decide before the thresholds; at or above τ_answer the answer path's own
 * outcome stands (an answer, or an escalation when it found no grounded answer); between the two the bot asks;
 * below τ_clarify it hands over.
 */
export function decideAt(o: Pick<Outcome, 'decision' | 'reason' | 'confidence'>, ta: number, tc: number): Decision {
  if (o.confidence === null || o.reason === 'no_passages') return o.decision === 'refuse' ? 'refuse' : 'escalate';
  if (o.confidence >= ta) return o.decision;
  return o.confidence >= Math.min(tc, ta) ? 'clarify' : 'escalate';
}

export type Confusion = { inScope: Record<Decision, number>; outOfScope: Record<Decision, number> };

const zero = (): Record<Decision, number> => ({ answer: 0, clarify: 0, escalate: 0, refuse: 0 });

export function confusion(decided: { inScope: boolean; decision: Decision }[]): Confusion {
  const c = { inScope: zero(), outOfScope: zero() };
  for (const d of decided) (d.inScope ? c.inScope : c.outOfScope)[d.decision]++;
  return c;
}

export type Prf = { tp: number; fp: number; fn: number; precision: number | null; recall: number | null; f1: number | null };

export function prf(tp: number, fp: number, fn: number): Prf {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/** Positive = should not be answered (`in_scope: false`); predicted positive = escalated or refused. A clarifying question is not an escalation. */
export function escalationPrf(c: Confusion): Prf {
  const flagged = (r: Record<Decision, number>) => r.escalate + r.refuse;
  return prf(flagged(c.outOfScope), flagged(c.inScope), c.outOfScope.answer + c.outOfScope.clarify);
}

export type DecisionRates = {
  answered: number;
  /** Answered in-scope cases / in-scope cases. */
  inScopeAnswerRate: number | null;
  /** Correct answers / verifiable answers (an out-of-scope answer is never correct). */
  answerPrecision: number | null;
  /** Correct answers / in-scope cases with gold documents. */
  inScopeCorrect: number | null;
  /** Out-of-scope cases not answered (escalated, refused or asked) / out-of-scope cases. */
  oosNotAnswered: number | null;
};

export function decisionRates(outcomes: Outcome[], ta: number, tc: number): DecisionRates {
  let answered = 0;
  let judged = 0; // verifiable answers
  let correct = 0;
  let inScope = 0;
  let inScopeVerifiable = 0;
  let inScopeAnswered = 0;
  let oos = 0;
  let oosAnswered = 0;
  for (const o of outcomes) {
    const a = decideAt(o, ta, tc) === 'answer';
    if (o.inScope) inScope++;
    else oos++;
    if (o.inScope && o.verifiable) inScopeVerifiable++;
    if (!a) continue;
    answered++;
    if (o.verifiable) judged++;
    if (o.inScope) inScopeAnswered++;
    else oosAnswered++;
    if (o.correct && o.inScope && o.verifiable) correct++;
  }
  return {
    answered,
    inScopeAnswerRate: ratio(inScopeAnswered, inScope),
    answerPrecision: ratio(correct, judged),
    inScopeCorrect: ratio(correct, inScopeVerifiable),
    oosNotAnswered: ratio(oos - oosAnswered, oos),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Thresholds

/** 0, 0.01 … 1: computed from integers, so 0.29 is 0.29 and not 0.29000000000000004. */
export const THRESHOLD_GRID: readonly number[] = Array.from({ length: 101 }, (_, i) => i / 100);

/** One point of the threshold curve: a single threshold (τ_clarify = τ_answer, no clarify band). */
export type CurvePoint = { threshold: number; inScopeAnswerRate: number | null; answerPrecision: number | null; inScopeCorrect: number | null; oosRecall: number | null; answered: number };

export function thresholdCurve(outcomes: Outcome[], grid: readonly number[] = THRESHOLD_GRID): CurvePoint[] {
  return grid.map((t) => {
    const r = decisionRates(outcomes, t, t);
    // Without a clarify band, every case not answered is escalated or refused: OOS recall = OOS not answered.
    return { threshold: t, inScopeAnswerRate: r.inScopeAnswerRate, answerPrecision: r.answerPrecision, inScopeCorrect: r.inScopeCorrect, oosRecall: r.oosNotAnswered, answered: r.answered };
  });
}

export type OosAtRate = { targetRate: number; threshold: number | null; achievedRate: number | null; oosRecall: number | null };

/**
 * Out-of-scope recall when the threshold is set so that a given share of in-scope questions is answered (the
 * operating points CLINC150 reports). The threshold is the confidence of the k-th most confident in-scope case that
 * the answer path would answer, k = ⌈rate × in-scope cases⌉; null when fewer can be answered at any threshold.
 */
export function oosRecallAtAnswerRates(outcomes: Outcome[], rates: readonly number[]): OosAtRate[] {
  const inScope = outcomes.filter((o) => o.inScope);
  const oos = outcomes.filter((o) => !o.inScope);
  const answerable = inScope
    .filter((o) => o.decision === 'answer' && o.confidence !== null)
    .map((o) => o.confidence!)
    .sort((a, b) => b - a);
  return rates.map((rate) => {
    const k = Math.ceil(rate * inScope.length);
    const threshold = k >= 1 && k <= answerable.length ? answerable[k - 1]! : null;
    if (threshold === null || oos.length === 0) return { targetRate: rate, threshold, achievedRate: null, oosRecall: null };
    const r = decisionRates(outcomes, threshold, threshold);
    return { targetRate: rate, threshold, achievedRate: r.inScopeAnswerRate, oosRecall: r.oosNotAnswered };
  });
}

export type SweepTarget = { metric: 'answerPrecision'; value: number } | { metric: 'oosRecall'; value: number };
export type Sweep = {
  target: SweepTarget;
  /** null: no threshold on the grid reaches the target. */
  answerThreshold: number | null;
  clarifyThreshold: number | null;
  /** How τ_clarify was chosen, in words (for the report). */
  clarifyRule: string;
};

/** The widest clarify band: τ_clarify is never more than this below τ_answer (the shipped defaults are 0.45 / 0.30). */
export const MAX_CLARIFY_BAND = 0.15;
/** How much escalation recall on out-of-scope questions the clarify band may cost. */
export const CLARIFY_RECALL_SLACK = 0.02;

/**
 * Picks τ_answer and τ_clarify on the grid.
 * τ_answer: the lowest threshold whose answer precision reaches the target (`answerPrecision`), or whose
 * out-of-scope recall (not answered) does (`oosRecall`). Lowest, because every step up answers fewer questions.
 * τ_clarify: the lowest threshold in [τ_answer − MAX_CLARIFY_BAND, τ_answer] that keeps escalation recall on
 * out-of-scope questions within CLARIFY_RECALL_SLACK of its value without a band. Why: a clarifying question
 * rescues in-scope questions whose answer is among the top documents, at the cost of one more message; an
 * out-of-scope question that gets one instead of a person costs the customer a turn, so the band may widen only
 * while it takes (almost) no out-of-scope questions away from people — and never beyond 0.15, where the offered
 * documents are mostly unrelated. Escalation recall only falls as τ_clarify falls, so the valid τ_clarify form
 * an interval and its lowest point is the widest acceptable band. Without out-of-scope cases nothing constrains
 * the band: τ_answer − 0.15 (clipped at 0).
 */
export function sweepThresholds(outcomes: Outcome[], target: SweepTarget, grid: readonly number[] = THRESHOLD_GRID): Sweep {
  const curve = thresholdCurve(outcomes, grid);
  const reaches = (p: CurvePoint) => {
    const v = target.metric === 'answerPrecision' ? p.answerPrecision : p.oosRecall;
    return v !== null && v >= target.value - 1e-9;
  };
  const ta = curve.find(reaches)?.threshold ?? null;
  if (ta === null) return { target, answerThreshold: null, clarifyThreshold: null, clarifyRule: 'target not reached: no thresholds chosen' };
  const floor = Math.max(0, round2(ta - MAX_CLARIFY_BAND));
  const hasOos = outcomes.some((o) => !o.inScope);
  if (!hasOos) return { target, answerThreshold: ta, clarifyThreshold: floor, clarifyRule: `no out-of-scope cases: τ_answer − ${MAX_CLARIFY_BAND}` };
  const recallAt = (tc: number) => escalationPrf(confusion(outcomes.map((o) => ({ inScope: o.inScope, decision: decideAt(o, ta, tc) })))).recall ?? 0;
  const limit = recallAt(ta) - CLARIFY_RECALL_SLACK;
  const tc = grid.filter((t) => t >= floor - 1e-9 && t <= ta + 1e-9).find((t) => recallAt(t) >= limit - 1e-9) ?? ta;
  return {
    target,
    answerThreshold: ta,
    clarifyThreshold: tc,
    clarifyRule: `lowest τ_clarify within ${MAX_CLARIFY_BAND} of τ_answer keeping out-of-scope escalation recall within ${CLARIFY_RECALL_SLACK * 100} points of its value at τ_answer`,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------------------------------------------------------
// Latency

export type LatencySummary = { turns: number; p50: number | null; p95: number | null; mean: number | null; max: number | null };

export function latencySummary(ms: number[]): LatencySummary {
  if (ms.length === 0) return { turns: 0, p50: null, p95: null, mean: null, max: null };
  const sorted = [...ms].sort((a, b) => a - b);
  return { turns: ms.length, p50: quantileSorted(sorted, 0.5), p95: quantileSorted(sorted, 0.95), mean: sorted.reduce((s, x) => s + x, 0) / sorted.length, max: sorted.at(-1)! };
}

export type HistogramBin = { from: number; to: number; count: number };

/** Equal-width bins from 0 to the 99th percentile; slower turns land in the last bin (its `to` is the maximum). */
export function histogram(ms: number[], bins = 20): HistogramBin[] {
  if (ms.length === 0) return [];
  const sorted = [...ms].sort((a, b) => a - b);
  const top = Math.max(quantileSorted(sorted, 0.99), 1e-6);
  const width = top / bins;
  const out: HistogramBin[] = Array.from({ length: bins }, (_, i) => ({ from: i * width, to: (i + 1) * width, count: 0 }));
  for (const x of sorted) out[Math.min(bins - 1, Math.floor(x / width))]!.count++;
  out[bins - 1]!.to = Math.max(out[bins - 1]!.to, sorted.at(-1)!);
  return out;
}
