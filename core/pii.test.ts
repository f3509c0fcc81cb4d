// PII redaction: emails, phone numbers and Luhn-valid card numbers become placeholders; prices, dates, order numbers,
// years and delivery times stay readable.
import { describe, expect, it } from 'vitest';
import { redact, redactDeep, redactPii } from './pii.ts';

describe('redactPii', () => {
  it.each([
    ['Write to jane.doe+shop@example.co.uk please', 'Write to [email] please', ['email']],
    ['Call me on +44 20 7946 0958 after six', 'Call me on [phone] after six', ['phone']],
    ['My number is (415) 555-2671.', 'My number is [phone].', ['phone']],
    ['手机 13812345678', '手机 [phone]', ['phone']],
    ['Card 4111 1111 1111 1111 was charged twice', 'Card [card] was charged twice', ['card']],
    ['card 5555-5555-5555-4444', 'card [card]', ['card']],
  ])('redacts %j', (text, expected, kinds) => {
    const result = redactPii(text);
    expect(result.text).toBe(expected);
    expect(result.found).toEqual(kinds);
  });

  it.each([
    'The jacket costs $129.99, or 1299 points',
    'Delivered on 2024-03-05 at 10:30',
    'Order #12345 shipped on 05/03/2024',
    'order number 123456789 is late',
    'We have been open since 1998',
    'Refunds take 5 to 7 business days',
    'Card 4111 1111 1111 1112 is not a valid card number',
    'Version 1.2.3 fixes the login bug',
    'No digits or at-signs here at all',
  ])('leaves %j as it is', (text) => {
    expect(redactPii(text)).toEqual({ text, found: [] });
  });

  it('redact returns the text only', () => {
    expect(redact('mail me at a@b.io')).toBe('mail me at [email]');
  });
});

describe('redactDeep', () => {
  it('redacts strings in nested objects and arrays and leaves other values', () => {
    const when = new Date(0);
    expect(redactDeep({ user: { email: 'a@b.io', tags: ['call +1 415 555 2671'] }, count: 3, when })).toEqual({
      user: { email: '[email]', tags: ['call [phone]'] },
      count: 3,
      when,
    });
  });
});
