import { describe, expect, it } from 'vitest';
import { sentences, terms } from '../kb/index.ts';
import { checkFacts, checkGrounded } from './grounded.ts';

const passage = 'Refunds go back to the original payment method and take 5 to 7 business days to appear on your statement.';

describe('checkGrounded', () => {
  it('accepts sentences whose words come from the cited passage, citation marks and framing aside', () => {
    const g = checkGrounded('Sure! Refunds take 5 to 7 business days to appear on your statement [1].', [passage], terms, sentences);
    expect(g).toMatchObject({ grounded: true, checked: 1, supported: 1 });
  });
  it('flags a claim the passages do not support', () => {
    const g = checkGrounded('Refunds take 5 to 7 business days [1]. Every customer also receives a fifty dollar voucher.', [passage], terms, sentences);
    expect(g.grounded).toBe(false);
    expect(g.unsupported).toEqual(['Every customer also receives a fifty dollar voucher.']);
  });
  it('does not accept claims without any cited passage', () => {
    expect(checkGrounded('Refunds take 5 to 7 business days to appear.', [], terms, sentences).grounded).toBe(false);
  });
});

describe('checkFacts', () => {
  it('accepts a translated answer whose numbers come from the passage, and flags one that invents them', () => {
    expect(checkFacts('退款需要 5 到 7 个工作日到账 [1]。', [passage]).grounded).toBe(true);
    const g = checkFacts('退款需要 3 个工作日，请访问 https://evil.example [1]。', [passage]);
    expect(g.grounded).toBe(false);
    expect(g.unsupported).toEqual(['3', 'https://evil.example']);
  });
});
