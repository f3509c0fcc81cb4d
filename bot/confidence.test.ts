import { describe, expect, it } from 'vitest';
import { terms, type Passage } from '../kb/index.ts';
import { confidenceOf } from './confidence.ts';

const passage = (documentId: string, text: string, similarity: number, textRank: number | null, ranks: Passage['ranks']): Passage => ({
  chunkId: `${documentId}-c`, documentId, documentTitle: documentId, documentVersion: 1, collectionId: 'c', sourceRef: null, language: 'en', headingPath: [], text, kind: 'text', location: {}, score: 0, similarity, textRank, ranks, rerankScore: null,
});
const idf = () => 1;
const df = (t: string) => (['oslo', 'rain'].includes(t) ? 0 : 3);

describe('confidenceOf', () => {
  const refunds = passage('refunds', 'Refunds take 5 to 7 business days to appear on your statement.', 0.62, 0.5, { vector: 1, text: 1 });
  const shipping = passage('shipping', 'Return shipping is free within the United States.', 0.2, null, { vector: 2, text: null });

  it('is high when one document clearly covers the question, and records why', () => {
    const c = confidenceOf('How long do refunds take to appear on my statement?', [refunds, shipping], terms, idf, df);
    expect(c.score).toBeGreaterThan(0.9);
    expect(c.best?.documentId).toBe('refunds');
    expect(c.features).toMatchObject({ agreement: 1, coverage: expect.any(Number), margin: expect.closeTo(0.42, 5) });
  });
  it('is low when nothing covers the question or two documents tie', () => {
    const weather = confidenceOf('Will it rain in Oslo on Saturday?', [shipping, refunds], terms, idf, df);
    expect(weather.score).toBeLessThan(0.2);
    expect(weather.features.unknown).toBeGreaterThan(0.5);
    const tie = confidenceOf('refund statement', [refunds, { ...refunds, documentId: 'other', similarity: 0.61 }], terms, idf, df);
    expect(tie.score).toBeLessThan(confidenceOf('refund statement', [refunds, shipping], terms, idf, df).score);
  });
  it('is zero without passages', () => {
    expect(confidenceOf('anything', [], terms, idf, df)).toMatchObject({ score: 0, best: null });
  });
});
