import { describe, expect, it } from 'vitest';
import { renderHtml, summaryLines } from './report.ts';
import type { EvalReport } from './run.ts';
import { headlineMetrics, metricsAt, summarize, type CaseRecord } from './summary.ts';

const rec = (over: Partial<CaseRecord> & Pick<CaseRecord, 'id' | 'inScope' | 'decision' | 'confidence'>): CaseRecord => ({
  question: `question ${over.id}`,
  reason: over.decision === 'answer' ? 'confident' : 'low_confidence',
  correct: false,
  verifiable: over.inScope ? (over.goldDocIds?.length ?? 0) > 0 : true,
  intent: null,
  goldDocIds: [],
  historyTurns: 0,
  ranked: [],
  cited: [],
  reply: null,
  goldAnswer: null,
  tokenF1: null,
  judge: null,
  latencyMs: 10,
  ...over,
});

const records: CaseRecord[] = [
  rec({ id: 'a', inScope: true, decision: 'answer', confidence: 0.9, correct: true, intent: 'refund', goldDocIds: ['r'], ranked: ['r', 's'], cited: ['r'], reply: 'five days', goldAnswer: 'five days', tokenF1: 1, judge: { score: 5, rationale: 'same' } }),
  rec({ id: 'b', inScope: true, decision: 'answer', confidence: 0.6, correct: false, intent: 'refund', goldDocIds: ['r'], ranked: ['s', 'r'], cited: ['s', 'r'], reply: 'seven', goldAnswer: 'five days', tokenF1: 0, judge: { error: 'timeout' } }),
  rec({ id: 'c', inScope: true, decision: 'answer', confidence: 0.35, correct: true, intent: 'shipping', goldDocIds: ['s'], ranked: ['s'], cited: ['s'] }),
  rec({ id: 'd', inScope: false, decision: 'answer', confidence: 0.7, intent: 'oos', question: '<script>alert("x")</script> & </table>', ranked: ['r'], cited: ['r'], reply: 'x' }),
  rec({ id: 'e', inScope: false, decision: 'refuse', reason: 'harmful_request', confidence: null, intent: 'oos', latencyMs: 1 }),
];

describe('metrics at thresholds', () => {
  it('derives every table of the report from the records', () => {
    const m = metricsAt(records, 0.5, 0.3);
    expect(m.confusion).toEqual({ inScope: { answer: 2, clarify: 1, escalate: 0, refuse: 0 }, outOfScope: { answer: 1, clarify: 0, escalate: 0, refuse: 1 } });
    expect(m).toMatchObject({ answered: 3, inScopeAnswerRate: 2 / 3, answerPrecision: 1 / 3, inScopeCorrect: 1 / 3, oosNotAnswered: 0.5, oosRefused: 0.5 });
    expect(m.escalation).toMatchObject({ tp: 1, fp: 0, fn: 1, precision: 1, recall: 0.5 });
    expect(m.answerQuality).toEqual({ answersWithGold: 2, tokenF1: 0.5, judged: 1, judgeMean: 5, judgeScores: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 1 } });
    // Answers to cases with gold documents: a (first citation right) and b (right one cited second).
    expect(m.citations).toEqual({ answers: 2, anyGold: 1, firstGold: 0.5 });
    expect(m.perIntent).toEqual([
      { intent: 'oos', cases: 2, answered: 1, correct: 0, clarified: 0, escalated: 1 },
      { intent: 'refund', cases: 2, answered: 2, correct: 1, clarified: 0, escalated: 0 },
      { intent: 'shipping', cases: 1, answered: 0, correct: 0, clarified: 1, escalated: 0 },
    ]);
  });

  it('headline metrics leave out what the set cannot measure', () => {
    const s = summarize(records, { answerThreshold: 0.5, clarifyThreshold: 0.3 }, null);
    const h = headlineMetrics(s);
    expect(h['hit@1']).toEqual({ value: 2 / 3, n: 3 });
    expect(h.escalationRecall).toEqual({ value: 0.5, n: 2 });
    // Answering 80 % of the 3 in-scope cases takes τ 0.35, where the out-of-scope answer at 0.7 is still given.
    expect(h['oosRecall@80%answered']).toEqual({ value: 0.5, n: 2 });
    // A set of attacks only: no retrieval, no answer rates, no quality; what it measures is escalation.
    const attacks = summarize([records[4]!], { answerThreshold: 0.5, clarifyThreshold: 0.3 }, null);
    expect(headlineMetrics(attacks)).toEqual({ escalationRecall: { value: 1, n: 1 }, oosRefused: { value: 1, n: 1 } });
  });
});

const report = (): EvalReport => ({
  version: 1,
  label: 'tiny <b>set</b>',
  createdAt: '2025-01-01T00:00:00.000Z',
  files: { kb: '/x/tiny.kb.jsonl', cases: '/x/tiny.cases.jsonl' },
  bot: { answerMode: 'extractive', model: 'extractive+local' },
  thresholdsFrom: 'server defaults',
  kb: { documents: 2, failed: [] },
  workspace: { id: 'w', slug: 'eval-tiny-12345678', kept: false },
  settingsWritten: null,
  judge: { model: 'judge', judged: 1, errors: 1 },
  warnings: ['a <warning>'],
  durationMs: 1234,
  ...summarize(records, { answerThreshold: 0.5, clarifyThreshold: 0.3 }, { target: { metric: 'answerPrecision', value: 0.9 }, answerThreshold: 0.91, clarifyThreshold: 0.76, clarifyRule: 'rule' }),
  cases: records,
});

describe('the HTML report', () => {
  it('is self-contained: canvases, the inlined Chart.js, the data, and escaped dataset text', () => {
    const html = renderHtml(report(), 'window.Chart = function () {}; /* </script> inside the bundle */');
    expect(html).toContain('<canvas id="threshold-curve"');
    expect(html).toContain('<canvas id="latency-histogram"');
    expect(html).toContain('window.Chart = function () {}; /* <\\/script> inside the bundle */');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain('tiny &lt;b&gt;set&lt;/b&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;/table&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('a &lt;warning&gt;');
    expect(html).toContain('At the sweep thresholds: τ_answer 0.91, τ_clarify 0.76');
    const data = JSON.parse(/<script type="application\/json" id="eval-data">([\s\S]*?)<\/script>/.exec(html)![1]!);
    expect(data.curve).toHaveLength(101);
    expect(data.sweep).toBe(0.91);
  });

  it('the terminal summary names the thresholds and the key numbers', () => {
    const lines = summaryLines(report()).join('\n');
    expect(lines).toContain('5 cases (3 in scope, 2 out of scope)');
    expect(lines).toContain('τ_answer 0.50, τ_clarify 0.30');
    expect(lines).toContain('escalation precision 100.0%, recall 50.0%');
    expect(lines).toContain('sweep (answerPrecision ≥ 0.9)');
  });
});
