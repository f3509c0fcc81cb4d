import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk-text.ts';

describe('chunkText', () => {
  it('follows headings and keeps the heading path', () => {
    const chunks = chunkText('# Shipping\n\n## Costs\nFree over 50.\n\n## Times\nThree days.\n\n# Returns\nThirty days.');
    expect(chunks.map((c) => [c.headingPath, c.text])).toEqual([
      [['Shipping', 'Costs'], 'Free over 50.'],
      [['Shipping', 'Times'], 'Three days.'],
      [['Returns'], 'Thirty days.'],
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2]);
  });

  it('splits a long section by sentences within the limit, repeating an overlap', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} has exactly seven words.`).join(' ');
    const chunks = chunkText(`# Long\n${text}`, { maxTokens: 50, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(50 + 2 * 10); // the limit plus at most the overlap
    const [first, second] = chunks;
    const lastOfFirst = first!.text.split(/(?<=\.) /).at(-1)!;
    expect(second!.text.split('\n\n')[0]).toContain(lastOfFirst); // the overlap repeats the end of the previous chunk
  });

  it('does not treat # inside code fences as headings, and counts CJK characters', () => {
    const chunks = chunkText('# A\n```\n# not a heading\n```\n\n退货政策：三十天内可以退货。');
    expect(chunks.every((c) => c.headingPath.join() === 'A')).toBe(true);
    expect(chunks.at(-1)!.tokenCount).toBeGreaterThan(5);
  });
});
