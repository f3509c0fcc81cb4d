import { describe, expect, it } from 'vitest';
import { chunkBlocks } from './chunk.ts';
import type { Block } from './parse/types.ts';

const para = (text: string, loc?: Block['loc']): Block => ({ kind: 'paragraph', text, loc });

describe('chunkBlocks', () => {
  it('keeps the heading path and the anchor of each section', () => {
    const chunks = chunkBlocks([
      { kind: 'heading', level: 1, text: 'Returns', loc: { anchor: 'returns' } },
      para('You can return items within 30 days.'),
      { kind: 'heading', level: 2, text: 'Refund time', loc: { anchor: 'refund-time' } },
      para('Refunds reach your card within 5 business days.'),
    ]);
    expect(chunks.map((c) => c.headingPath)).toEqual([['Returns'], ['Returns', 'Refund time']]);
    expect(chunks[1]!.location.anchor).toBe('refund-time');
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1]);
  });

  it('makes one chunk per FAQ pair, with the question in it', () => {
    const chunks = chunkBlocks([
      { kind: 'faq', question: 'Can I change my address?', answer: 'Yes, until the order ships.', loc: { row: 2 } },
      { kind: 'faq', question: 'Do you ship abroad?', answer: 'To 40 countries.', loc: { row: 3 } },
    ]);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatchObject({ kind: 'faq', text: 'Q: Can I change my address?\nA: Yes, until the order ships.', location: { row: 2 } });
  });

  it('packs list items whole and never splits one across chunks', () => {
    const items = Array.from({ length: 40 }, (_, i) => `Step ${i} of the setup with a few more words in it`);
    const chunks = chunkBlocks([{ kind: 'list', ordered: true, items }], { maxTokens: 60, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.kind).toBe('list');
      expect(c.tokenCount).toBeLessThanOrEqual(60);
      for (const line of c.text.split('\n')) expect(line).toMatch(/^\d+\. Step \d+ of the setup with a few more words in it$/);
    }
  });

  it('repeats a table header in every piece and writes rows as "Header: value"', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`Plan ${i}`, `${i * 10} USD`]);
    const chunks = chunkBlocks([{ kind: 'table', header: ['Plan', 'Price'], rows }], { maxTokens: 50, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.text.startsWith('Plan | Price\n')).toBe(true);
    expect(chunks[0]!.text).toContain('Plan: Plan 0; Price: 0 USD');
  });

  it('splits long text by sentences within the token bound, with overlap, and keeps each chunk on one page', () => {
    const sentence = (i: number) => `Sentence number ${i} explains one more detail of the warranty terms.`;
    const blocks: Block[] = Array.from({ length: 6 }, (_, p) => para(Array.from({ length: 8 }, (_, i) => sentence(p * 8 + i)).join(' '), { page: p + 1 }));
    const chunks = chunkBlocks(blocks, { maxTokens: 80, overlapTokens: 15 });
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(80 + 30);
    // Overlap: the start of a chunk repeats the end of the previous one.
    const lastOfFirst = chunks[0]!.text.split(/(?<=\.)\s+/).pop()!;
    const firstOfSecond = chunks[1]!.text.split(/(?<=\.)\s+/)[0]!;
    expect(chunks[0]!.text).toContain(firstOfSecond);
    expect(chunks[1]!.text).toContain(lastOfFirst);
    expect(chunks[0]!.location.page).toBe(1);
    // Short pages are not packed together: each chunk cites exactly one page.
    const short = chunkBlocks(blocks.map((b) => ({ ...b, text: (b as { text: string }).text.split('. ')[0]! + '.' })) as Block[], { maxTokens: 200, overlapTokens: 0 });
    expect(short.map((c) => c.location.page)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('splits Chinese text without punctuation into bounded chunks', () => {
    const text = '退款会在五个工作日内退回到原支付方式'.repeat(40);
    const chunks = chunkBlocks([para(text)], { maxTokens: 100, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(110);
    expect(chunks.map((c) => c.text).join('').replace(/\s/g, '')).toBe(text);
  });

  it('returns nothing for a document with only headings', () => {
    expect(chunkBlocks([{ kind: 'heading', level: 1, text: 'Empty' }])).toEqual([]);
  });
});

describe('chunkBlocks heading paths', () => {
  it('replaces a sibling heading and leaves skipped levels out', () => {
    const h = (level: number, text: string): Block => ({ kind: 'heading', level, text });
    const chunks = chunkBlocks([h(2, 'A'), para('a'), h(2, 'B'), para('b'), h(1, 'T'), h(3, 'X'), para('x'), h(3, 'Y'), para('y')]);
    expect(chunks.map((c) => c.headingPath)).toEqual([['A'], ['B'], ['T', 'X'], ['T', 'Y']]);
  });
});
