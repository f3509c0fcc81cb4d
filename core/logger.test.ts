import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('createLogger', () => {
  it('redacts personal data from messages, logged objects and errors', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger({ level: 'info', destination });
    log.info({ customer: { email: 'jane@example.com', phone: '+44 20 7946 0958' }, conversationId: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' }, 'message from jane@example.com');
    log.error({ err: new Error('card 4111 1111 1111 1111 was declined') }, 'payment failed');
    const text = lines.join('');
    expect(text).not.toMatch(/jane@example\.com|7946|4111/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ customer: { email: '[email]', phone: '[phone]' }, conversationId: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', msg: 'message from [email]' });
    expect(JSON.parse(lines[1]!).err.message).toBe('card [card] was declined');
  });

  it('keeps visitor tokens out of request logs', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    createLogger({ level: 'info', destination }).info({ req: { headers: { 'x-visitor-token': 'eyJ.secret.sig' }, query: { visitorToken: 'eyJ.secret.sig' } } }, 'request');
    expect(lines.join('')).not.toContain('secret');
  });
});
