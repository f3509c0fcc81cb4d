import { describe, expect, it } from 'vitest';
import { sentences, terms } from '../kb/index.ts';
import { extractAnswer, type Candidate } from './extract.ts';

const cand = (id: string, headingPath: string[], text: string, similarity = 0.5): Candidate => ({ chunkId: id, documentId: `d${id}`, documentTitle: 'Help', headingPath, text, similarity, textRank: 0.1 });
const refunds = cand('1', ['Returns', 'How refunds work'], 'Once we receive your return, we inspect it within 2 business days. Refunds go back to the original payment method and take 5 to 7 business days to appear.');
const exchanges = cand('2', ['Returns', 'Exchanges'], 'To exchange an item, start a return; we refund the first item as soon as it arrives.', 0.6);

describe('extractAnswer', () => {
  it('picks the sentence that covers the question, with its citation', () => {
    const a = extractAnswer('How long does a refund take?', [exchanges, refunds], terms, sentences);
    expect(a?.text).toMatch(/take 5 to 7 business days/);
    expect(a?.used.map((c) => c.chunkId)).toEqual(['1']);
  });
  it('returns null when nothing overlaps', () => {
    expect(extractAnswer('weather in Oslo', [refunds], terms, sentences)).toBeNull();
  });
});
