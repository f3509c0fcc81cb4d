import { describe, expect, it } from 'vitest';
import { sentences, terms } from '../kb/index.ts';
import { checkGrounded } from './grounded.ts';

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
