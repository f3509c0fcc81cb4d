import { describe, expect, it } from 'vitest';
import { baselineFrom, compareToBaseline, failing, formatGateTable, toleranceFor } from './gate.ts';

describe('gate tolerance', () => {
  it('is 2 points, or six cases when that is more, rounded up to half a point', () => {
    expect(toleranceFor(3000)).toBe(0.02);
    expect(toleranceFor(300)).toBe(0.02);
    expect(toleranceFor(200)).toBe(0.03);
    expect(toleranceFor(130)).toBe(0.05); // 6/130 = 0.0462
    expect(toleranceFor(100)).toBe(0.06);
    expect(toleranceFor(27)).toBe(0.225); // 6/27 = 0.222
  });
});

describe('comparing with the baseline', () => {
  const baseline = { 'hit@1': { value: 0.8, tolerance: 0.02 }, mrr: { value: 0.85, tolerance: 0.02 }, escalationRecall: { value: 0.9, tolerance: 0.05 }, gone: { value: 0.5, tolerance: 0.02 } };

  it('fails a drop beyond the tolerance or a metric no longer measured, and notes improvements and new metrics', () => {
    const rows = compareToBaseline(baseline, { 'hit@1': { value: 0.7799, n: 100 }, mrr: { value: 0.83, n: 100 }, escalationRecall: { value: 0.96, n: 30 }, fresh: { value: 0.4, n: 10 } });
    expect(rows.map((r) => [r.metric, r.status])).toEqual([
      ['hit@1', 'dropped'],
      ['mrr', 'ok'], // exactly at the tolerance
      ['escalationRecall', 'improved'],
      ['gone', 'missing'],
      ['fresh', 'new'],
    ]);
    expect(failing(rows).map((r) => r.metric)).toEqual(['hit@1', 'gone']);
    const table = formatGateTable(failing(rows));
    expect(table[0]).toMatch(/^metric\s+baseline\s+now\s+change\s+tolerance\s+status$/);
    expect(table[1]).toMatch(/^hit@1\s+0\.8000\s+0\.7799\s+-0\.0201\s+±0\.020\s+DROPPED$/);
    expect(table[2]).toMatch(/^gone\s+0\.5000\s+–\s+–\s+±0\.020\s+MISSING$/);
  });

  it('a baseline written from a run passes against the same run', () => {
    const run = { 'hit@1': { value: 0.812345, n: 3000 }, escalationRecall: { value: 0.8, n: 27 } };
    const b = baselineFrom(run);
    expect(b).toEqual({ 'hit@1': { value: 0.8123, tolerance: 0.02 }, escalationRecall: { value: 0.8, tolerance: 0.225 } });
    expect(failing(compareToBaseline(b, run))).toEqual([]);
  });
});
