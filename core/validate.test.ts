import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors.ts';
import { parse } from './validate.ts';

const fail = (schema: z.ZodType, input: unknown, what?: string): AppError => {
  try {
    parse(schema, input, what);
  } catch (err) {
    return err as AppError;
  }
  throw new Error('parse accepted the input');
};

describe('parse', () => {
  it('returns the parsed value', () => {
    expect(parse(z.object({ n: z.coerce.number() }), { n: '3' })).toEqual({ n: 3 });
  });

  it('names what was invalid so that singular and plural both read right', () => {
    const settings = fail(z.object({ a: z.number().max(1) }).strict(), { a: 2 }, 'settings');
    expect(settings.code).toBe('invalid_request');
    expect(settings.message).toMatch(/^Invalid settings: a: .+\. Fix it and send again\.$/);
    const user = fail(z.object({ a: z.string(), b: z.string() }), {}, 'user');
    expect(user.message).toMatch(/^Invalid user: a: .+; b: .+\. Fix these and send again\.$/);
    expect(fail(z.string(), 1).message).toMatch(/^Invalid request: /);
    expect(user.details).toMatchObject({ fieldErrors: { a: expect.any(Array), b: expect.any(Array) } });
  });

  it('says how many problems it left out of the message', () => {
    const many = z.object(Object.fromEntries('abcdefg'.split('').map((k) => [k, z.string()])));
    expect(fail(many, {}, 'form').message).toMatch(/\(and 2 more\)\. Fix these and send again\.$/);
  });
});
