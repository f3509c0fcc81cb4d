import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { CaseLine, KbLine, parseJsonl, readDataset } from './dataset.ts';

const lines = (...rows: (object | string)[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
const ok = { id: 'c1', question: 'How long do refunds take?', gold_doc_ids: ['refunds'], in_scope: true };

describe('case lines', () => {
  it('accepts the format, numbers as ids, nulls for optional fields and unknown extra fields', () => {
    const { rows, errors } = parseJsonl(
      lines(
        { ...ok, gold_answer: '5 days', intent: 'refund', history: [{ role: 'user', text: 'hi' }, { role: 'agent', text: 'hello' }], meta: { x: 1 }, source: 'elsewhere' },
        { id: 7, question: 'Weather?', gold_doc_ids: [], in_scope: false, gold_answer: null, intent: null, history: null },
      ),
      CaseLine,
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { id: 'c1', question: 'How long do refunds take?', gold_doc_ids: ['refunds'], gold_answer: '5 days', in_scope: true, intent: 'refund', history: [{ role: 'user', text: 'hi' }, { role: 'agent', text: 'hello' }], meta: { x: 1 } },
      { id: '7', question: 'Weather?', gold_doc_ids: [], in_scope: false, history: [] },
    ]);
  });

  it('reports every bad line with its number and what is wrong', () => {
    const { rows, errors } = parseJsonl(
      lines(
        ok,
        { id: 'c2', gold_doc_ids: [], in_scope: true },
        { id: 'c3', question: 'q', gold_doc_ids: 'refunds', in_scope: true },
        '',
        '{"id": "c4", "question": ',
        { id: 'c5', question: 'q', gold_doc_ids: [], in_scope: 'yes', history: [{ role: 'bot', text: 'x' }] },
        { ...ok, question: 'again' },
        { id: 'c6', question: '   ', gold_doc_ids: [] },
      ),
      CaseLine,
    );
    expect(rows.map((r) => r.id)).toEqual(['c1']);
    expect(errors).toEqual([
      { line: 2, message: '"question" is missing' },
      { line: 3, message: '"gold_doc_ids" must be an array of document ids (may be empty)' },
      { line: 5, message: expect.stringMatching(/^not valid JSON/) },
      { line: 6, message: '"in_scope" must be true or false; "history.0.role" must be "user" or "agent"' },
      { line: 7, message: 'duplicate id "c1" (first on line 1)' },
      { line: 8, message: '"question" is empty; "in_scope" is missing' },
    ]);
  });
});

describe('knowledge lines', () => {
  it('needs an id and text; the title may be left out', () => {
    const { rows, errors } = parseJsonl(lines({ id: 'd1', text: 'Refunds take 5 days.', url: 'https://x.test/r', extra: true }, { title: 'No id', text: 't' }, { id: 'd3', title: 't', text: ' ' }), KbLine);
    expect(rows).toEqual([{ id: 'd1', title: '', text: 'Refunds take 5 days.', url: 'https://x.test/r' }]);
    expect(errors).toEqual([
      { line: 2, message: '"id" is missing' },
      { line: 3, message: '"text" is empty: a document needs text' },
    ]);
  });
});

describe('readDataset', () => {
  it('throws one AppError listing the bad lines as file:line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kefu-evals-'));
    const file = path.join(dir, 'x.cases.jsonl');
    await writeFile(file, lines(ok, { id: 'c2', gold_doc_ids: [], in_scope: true }));
    const err = await readDataset(file, CaseLine).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_request');
    expect((err as AppError).message).toContain(`${file}:2: "question" is missing`);
    expect((err as AppError).details).toEqual([{ line: 2, message: '"question" is missing' }]);
  });

  it('refuses an empty file and a missing one with a clear message', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kefu-evals-'));
    await writeFile(path.join(dir, 'empty.kb.jsonl'), '\n\n');
    await expect(readDataset(path.join(dir, 'empty.kb.jsonl'), KbLine)).rejects.toThrow(/has no rows/);
    await expect(readDataset(path.join(dir, 'nope.kb.jsonl'), KbLine)).rejects.toThrow(/Cannot read the knowledge base file .*ENOENT/);
  });
});
