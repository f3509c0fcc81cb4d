// The report's numbers from the per-case records of one run (pure): the metrics at a pair of thresholds
// (confusion, escalation P/R/F1, answer rates, answer quality, citations, per intent), retrieval, the curve, and
// the flat headline metrics the regression gate compares.
import {
  confusion,
  decideAt,
  decisionRates,
  escalationPrf,
  histogram,
  latencySummary,
  oosRecallAtAnswerRates,
  rankingMetrics,
  thresholdCurve,
  type Confusion,
  type CurvePoint,
  type Decision,
  type HistogramBin,
  type LatencySummary,
  type OosAtRate,
  type Outcome,
  type Prf,
  type RankingMetrics,
  type Sweep,
} from './metrics.ts';

/** One case as run: its thresholds-0 outcome, what it retrieved and cited (dataset ids), and its answer's quality. */
export type CaseRecord = Outcome & {
  id: string;
  question: string;
  intent: string | null;
  goldDocIds: string[];
  historyTurns: number;
  /** Dataset ids of the retrieved documents, best first, one per document (up to 10). */
  ranked: string[];
  /** Dataset ids of the answer's citations, in order (empty unless the answer path answered). */
  cited: string[];
  /** The answer text when the answer path answered; null otherwise. */
  reply: string | null;
  goldAnswer: string | null;
  /** SQuAD token F1 of the answer against the gold answer, when both exist. */
  tokenF1: number | null;
  judge: { score: number; rationale: string } | { error: string } | null;
  latencyMs: number;
};

export type IntentRow = { intent: string; cases: number; answered: number; correct: number; clarified: number; escalated: number };

export type ThresholdMetrics = {
  answerThreshold: number;
  clarifyThreshold: number;
  confusion: Confusion;
  answered: number;
  inScopeAnswerRate: number | null;
  answerPrecision: number | null;
  inScopeCorrect: number | null;
  /** Out-of-scope cases not answered (escalated, refused or asked a clarifying question). */
  oosNotAnswered: number | null;
  /** Share of out-of-scope cases refused (guardrails) rather than escalated or answered. */
  oosRefused: number | null;
  escalation: Prf;
  answerQuality: { answersWithGold: number; tokenF1: number | null; judged: number; judgeMean: number | null; judgeScores: Record<'1' | '2' | '3' | '4' | '5', number> };
  /** Over answers to cases naming gold documents: cited documents include one; the first citation is one. */
  citations: { answers: number; anyGold: number | null; firstGold: number | null };
  perIntent: IntentRow[] | null;
};

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
const share = (n: number, d: number): number | null => (d > 0 ? n / d : null);

export function metricsAt(records: CaseRecord[], ta: number, tc: number): ThresholdMetrics {
  const clarify = Math.min(tc, ta);
  const decided = records.map((r) => ({ r, decision: decideAt(r, ta, clarify) }));
  const conf = confusion(decided.map((d) => ({ inScope: d.r.inScope, decision: d.decision })));
  const rates = decisionRates(records, ta, clarify);
  const answers = decided.filter((d) => d.decision === 'answer').map((d) => d.r);
  const withGold = answers.filter((r) => r.goldAnswer !== null && r.tokenF1 !== null);
  const verdicts = answers.flatMap((r) => (r.judge && 'score' in r.judge ? [r.judge.score] : []));
  const scores = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const s of verdicts) scores[String(s) as keyof typeof scores]++;
  const citable = answers.filter((r) => r.goldDocIds.length > 0);
  const oos = records.filter((r) => !r.inScope).length;

  let perIntent: IntentRow[] | null = null;
  if (records.some((r) => r.intent)) {
    const by = new Map<string, IntentRow>();
    for (const { r, decision } of decided) {
      const intent = r.intent ?? '(none)';
      const row = by.get(intent) ?? { intent, cases: 0, answered: 0, correct: 0, clarified: 0, escalated: 0 };
      row.cases++;
      if (decision === 'answer') row.answered++;
      if (decision === 'answer' && r.correct) row.correct++;
      if (decision === 'clarify') row.clarified++;
      if (decision === 'escalate' || decision === 'refuse') row.escalated++;
      by.set(intent, row);
    }
    perIntent = [...by.values()].sort((a, b) => b.cases - a.cases || a.intent.localeCompare(b.intent));
  }

  return {
    answerThreshold: ta,
    clarifyThreshold: clarify,
    confusion: conf,
    answered: rates.answered,
    inScopeAnswerRate: rates.inScopeAnswerRate,
    answerPrecision: rates.answerPrecision,
    inScopeCorrect: rates.inScopeCorrect,
    oosNotAnswered: rates.oosNotAnswered,
    oosRefused: share(conf.outOfScope.refuse, oos),
    escalation: escalationPrf(conf),
    answerQuality: { answersWithGold: withGold.length, tokenF1: mean(withGold.map((r) => r.tokenF1!)), judged: verdicts.length, judgeMean: mean(verdicts), judgeScores: scores },
    citations: {
      answers: citable.length,
      anyGold: share(citable.filter((r) => r.cited.some((d) => r.goldDocIds.includes(d))).length, citable.length),
      firstGold: share(citable.filter((r) => r.cited[0] !== undefined && r.goldDocIds.includes(r.cited[0])).length, citable.length),
    },
    perIntent,
  };
}

/** Retrieval over in-scope cases that name gold documents (what an out-of-scope case "should" retrieve is undefined). */
export function retrievalOf(records: CaseRecord[]): RankingMetrics {
  return rankingMetrics(records.filter((r) => r.inScope && r.goldDocIds.length > 0).map((r) => ({ ranked: r.ranked, gold: r.goldDocIds })));
}

export const ANSWER_RATES = [0.5, 0.6, 0.7, 0.8, 0.9] as const;

export type EvalSummary = {
  counts: { cases: number; inScope: number; outOfScope: number; withGoldAnswer: number; withHistory: number; withIntent: number };
  retrieval: RankingMetrics;
  current: ThresholdMetrics;
  sweep: (Sweep & { metrics: ThresholdMetrics | null }) | null;
  curve: CurvePoint[];
  oosRecallAtAnswerRate: OosAtRate[];
  latency: LatencySummary & { histogram: HistogramBin[] };
  /** Decisions with both thresholds at 0, by reason: why turns ended where they did. */
  reasons: Record<string, number>;
};

export function summarize(records: CaseRecord[], current: { answerThreshold: number; clarifyThreshold: number }, sweep: Sweep | null): EvalSummary {
  const latencies = records.map((r) => r.latencyMs);
  const reasons: Record<string, number> = {};
  for (const r of records) reasons[`${r.decision}/${r.reason}`] = (reasons[`${r.decision}/${r.reason}`] ?? 0) + 1;
  return {
    counts: {
      cases: records.length,
      inScope: records.filter((r) => r.inScope).length,
      outOfScope: records.filter((r) => !r.inScope).length,
      withGoldAnswer: records.filter((r) => r.goldAnswer !== null).length,
      withHistory: records.filter((r) => r.historyTurns > 0).length,
      withIntent: records.filter((r) => r.intent).length,
    },
    retrieval: retrievalOf(records),
    current: metricsAt(records, current.answerThreshold, current.clarifyThreshold),
    sweep: sweep ? { ...sweep, metrics: sweep.answerThreshold === null ? null : metricsAt(records, sweep.answerThreshold, sweep.clarifyThreshold!) } : null,
    curve: thresholdCurve(records),
    oosRecallAtAnswerRate: oosRecallAtAnswerRates(records, ANSWER_RATES),
    latency: { ...latencySummary(latencies), histogram: histogram(latencies) },
    reasons,
  };
}

export type Headline = Record<string, { value: number; n: number }>;

/**
 * The metrics the regression gate compares, all "higher is better", at the thresholds in force, each with the size
 * of its denominator (the gate's tolerance grows for small ones). Metrics without cases to measure are left out.
 */
export function headlineMetrics(s: EvalSummary): Headline {
  const out: Headline = {};
  const put = (name: string, value: number | null, n: number) => {
    if (value !== null && n > 0) out[name] = { value, n };
  };
  const c = s.current;
  const inScope = s.counts.inScope;
  const oos = s.counts.outOfScope;
  put('hit@1', s.retrieval.hit1, s.retrieval.cases);
  put('hit@5', s.retrieval.hit5, s.retrieval.cases);
  put('mrr', s.retrieval.mrr, s.retrieval.cases);
  put('ndcg@10', s.retrieval.ndcg10, s.retrieval.cases);
  put('inScopeAnswerRate', c.inScopeAnswerRate, inScope);
  put('answerPrecision', c.answerPrecision, c.answered);
  put('inScopeCorrect', c.inScopeCorrect, inScope);
  put('escalationRecall', c.escalation.recall, oos);
  if (inScope > 0) put('escalationF1', c.escalation.f1, oos);
  put('oosRefused', c.oosRefused, oos);
  put('answerTokenF1', c.answerQuality.tokenF1, c.answerQuality.answersWithGold);
  put('citationFirstCorrect', c.citations.firstGold, c.citations.answers);
  const at80 = s.oosRecallAtAnswerRate.find((r) => r.targetRate === 0.8);
  put('oosRecall@80%answered', at80?.oosRecall ?? null, oos);
  return out;
}

/** Decisions of a record at thresholds, for tables of mistakes. */
export const decisionOf = (r: CaseRecord, ta: number, tc: number): Decision => decideAt(r, ta, Math.min(tc, ta));
