import { mkdtempSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate, DIMENSIONS, formatCalibration } from './calibrate.ts';

const DATASETS = process.env.KEFU_DATASETS ?? path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
const dir = mkdtempSync(path.join(tmpdir(), 'kefu-qa-'));
const kb = [{ id: 'd1', title: 'Refunds', text: 'Refunds are paid to the original card within 5 business days after we receive the return.' }];
const human = (v: number) => Object.fromEntries(DIMENSIONS.map((d) => [d, { ratings: [v], mean: v }]));
const replies = [
  ['Refunds are paid to the original card within 5 business days after we receive the return.', 4],
  ['Refunds are paid to the original card within 5 business days.', 4],
  ['Refunds are paid to the card, usually in about 9 weeks.', 2],
  ['We send refunds by cheque to your home address every quarter.', 1],
  ['Our store sells shoes, hats and gloves in many colours.', 1],
] as const;

describe('qa-calibrate', () => {
  it('orders replies by faithfulness like the ratings, with the knowledge file found beside them', async () => {
    writeFileSync(path.join(dir, 'mini.kb.jsonl'), kb.map((r) => JSON.stringify(r)).join('\n'));
    const ratings = path.join(dir, 'mini_dev.ratings.jsonl');
    writeFileSync(ratings, replies.map(([response, h], i) => JSON.stringify({ task_id: `t${i}`, responder: 'x', question: 'When is my refund paid?', response, context_doc_ids: ['d1'], human: human(h) })).join('\n'));
    const report = await calibrate({ ratings });
    expect(report.kb).toBe(path.join(dir, 'mini.kb.jsonl'));
    expect(report.replies).toBe(5);
    expect(report.dimensions.faithfulness.rho).toBeGreaterThan(0.8);
    expect(formatCalibration(report)).toMatch(/faithfulness\s+0\.\d{3}\s+\[/);
  });

  it('names the bad lines of a ratings file', async () => {
    const bad = path.join(dir, 'bad.ratings.jsonl');
    writeFileSync(bad, [JSON.stringify({ task_id: 't', responder: 'x', question: 'q', response: 'r', human: human(3) }), '{oops', JSON.stringify({ task_id: 't2', responder: 'x', response: 'r', human: {} })].join('\n'));
    await expect(calibrate({ ratings: bad })).rejects.toThrow(/2 bad line\(s\):\n {2}line 2: not valid JSON\n {2}line 3: question/);
  });

  it.skipIf(!existsSync(path.join(DATASETS, 'mtrag_human_eval_dev.ratings.jsonl')))('orders the MTRAG dev replies like people do, better than chance on every dimension', async () => {
    const report = await calibrate({ ratings: path.join(DATASETS, 'mtrag_human_eval_dev.ratings.jsonl') });
    expect(report.replies).toBe(276);
    for (const d of DIMENSIONS) expect(report.dimensions[d].betterThanChance, d).toBe(true);
    expect(report.dimensions.faithfulness.rho).toBeGreaterThan(0.5);
  }, 120_000);
});
