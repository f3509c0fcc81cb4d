import { describe, expect, it } from 'vitest';
import { cosine, embedderRegistry, legacyLocalEmbedder, localEmbed, localEmbedder, localEmbedQuery } from './embedder.ts';

describe('local embedder (kefu-lexical-1024)', () => {
  it('is deterministic and unit length', () => {
    const a = localEmbed('How do I reset my password?');
    expect(localEmbed('How do I reset my password?')).toEqual(a);
    expect(a).toHaveLength(1024);
    expect(Math.sqrt(a.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 4);
  });
  it('puts related texts closer than unrelated ones', () => {
    const q = localEmbed('reset password');
    const related = localEmbed('To reset your password, click Forgot password on the sign-in page.');
    const unrelated = localEmbed('Express shipping costs 14.95 dollars for any order size.');
    expect(cosine(q, related)).toBeGreaterThan(cosine(q, unrelated) + 0.2);
  });
  it('meets inflections through character n-grams', () => {
    const doc = localEmbed('Refunds are processed within five business days.');
    expect(cosine(localEmbed('refunding'), doc)).toBeGreaterThan(cosine(localEmbed('delivery'), doc) + 0.1);
  });
  it('weights query terms by IDF, so the rare word decides the nearest passage', () => {
    const cardArrival = localEmbed('When will my new card arrive? Card delivery takes a week.');
    const cardPin = localEmbed('How do I change the PIN of my card?');
    const q = 'my card PIN';
    const idf = (t: string) => (t === 'card' ? 0.1 : 3);
    const plain = localEmbedQuery(q);
    const weighted = localEmbedQuery(q, { termWeight: idf });
    expect(cosine(weighted, cardPin) - cosine(weighted, cardArrival)).toBeGreaterThan(cosine(plain, cardPin) - cosine(plain, cardArrival));
    expect(cosine(weighted, cardPin)).toBeGreaterThan(cosine(weighted, cardArrival));
  });
  it('handles Chinese text by words and characters', () => {
    const doc = localEmbed('退款会在五个工作日内退回到原支付方式。');
    expect(cosine(localEmbed('退款多久到账'), doc)).toBeGreaterThan(cosine(localEmbed('修改收货地址'), doc));
  });
  it('embeds empty text as the zero vector instead of NaN', () => {
    expect(localEmbed('').every((x) => x === 0)).toBe(true);
  });
  it('embedder and registry expose the model names the database stores', async () => {
    const e = localEmbedder();
    const reg = embedderRegistry(e, [legacyLocalEmbedder()]);
    expect(reg.defaultModel).toBe('kefu-lexical-1024');
    expect(reg.get('local-hash-384')?.dimensions).toBe(384);
    expect(reg.get('nope')).toBeUndefined();
    expect((await e.embed(['a b c', 'refund']))[1]).toEqual(localEmbed('refund'));
  });
});
