import { describe, expect, it } from 'vitest';
import { hashPassword, randomPassword, verifyPassword } from './secrets.ts';

describe('passwords', () => {
  it('verifies the right password, rejects a wrong one, and salts every hash', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsf', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
  it('makes readable random demo passwords', () => {
    expect(randomPassword()).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(randomPassword()).not.toBe(randomPassword());
  });
});
