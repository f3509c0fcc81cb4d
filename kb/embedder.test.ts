import { describe, expect, it } from 'vitest';
import { cosine, localEmbed } from './embedder.ts';

describe('local embedder', () => {
  it('is deterministic and unit length', () => {
    const a = localEmbed('How do I reset my password?');
    expect(localEmbed('How do I reset my password?')).toEqual(a);
    expect(a).toHaveLength(384);
    expect(Math.sqrt(a.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 4);
  });
  it('puts related texts closer than unrelated ones', () => {
    const q = localEmbed('reset password');
    const related = localEmbed('To reset your password, click Forgot password on the sign-in page.');
    const unrelated = localEmbed('Express shipping costs 14.95 dollars for any order size.');
    expect(cosine(q, related)).toBeGreaterThan(cosine(q, unrelated) + 0.2);
  });
  it('embeds empty text as the zero vector instead of NaN', () => {
    expect(localEmbed('').every((x) => x === 0)).toBe(true);
  });
});
