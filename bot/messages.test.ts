import { describe, expect, it } from 'vitest';
import { clarifyQuestion, handoffMessage, pickedOption, unframe } from './messages.ts';

describe('pickedOption', () => {
  const q = clarifyQuestion('en', ['Returns and refunds — How refunds work', 'Zorblax warranty']);
  it.each([
    ['1', 'Returns and refunds — How refunds work'],
    ['the second one', 'Zorblax warranty'],
    ['第二个', 'Zorblax warranty'],
    ['#1.', 'Returns and refunds — How refunds work'],
  ])('reads %j as a pick', (reply, option) => expect(pickedOption(reply, q)).toBe(option));
  it.each(['3', 'I have 2 orders', 'first of all, where is my parcel?'])('does not read %j as a pick', (reply) => expect(pickedOption(reply, q)).toBeNull());
});

describe('handoffMessage', () => {
  it('gives the queue position when people are in, and when they are back when not', () => {
    expect(handoffMessage('en', 'low_confidence', { position: 3, etaSeconds: null, ticket: null }, { open: true, opensAt: null, description: null })).toMatch(/You are number 3 in the queue; an agent/);
    expect(handoffMessage('en', 'low_confidence', { position: 3, etaSeconds: 480, ticket: null }, { open: true, opensAt: null, description: null })).toMatch(/number 3 in the queue \(estimated wait: about 8 minutes\)/);
    const closed = handoffMessage('zh', 'customer_asked', { position: 1, etaSeconds: null, ticket: null }, { open: false, opensAt: '12月7日 09:00', description: '周一至周五 09:00–18:00' });
    expect(closed).toMatch(/不在线（服务时间：周一至周五 09:00–18:00）/);
    expect(closed).toMatch(/12月7日 09:00/);
  });

  it('names the ticket and when to expect a reply when nobody can take the conversation now', () => {
    const replyBy = new Date('2025-12-08T09:00:00Z');
    const noAgent = handoffMessage('en', 'customer_asked', { position: 2, etaSeconds: null, ticket: { number: 42, replyBy } }, { open: true, opensAt: null, description: null, timezone: 'Europe/Berlin' });
    expect(noAgent).toMatch(/Nobody from our team is free right now\. We have opened ticket #42 for you; expect a reply by Mon 8 Dec, 10:00 CET\. You are number 2 in the queue/);
    const closed = handoffMessage('en', 'low_confidence', { position: 1, etaSeconds: null, ticket: { number: 7, replyBy } }, { open: false, opensAt: 'Mon 8 Dec, 09:00 CET', description: 'Mon–Fri 09:00–18:00', timezone: 'Europe/Berlin' });
    expect(closed).toMatch(/We will reply here after we open at Mon 8 Dec, 09:00 CET;.*We have opened ticket #7 for you; expect a reply by Mon 8 Dec, 10:00 CET\./);
    expect(handoffMessage('zh', 'customer_asked', { position: 1, etaSeconds: null, ticket: { number: 7, replyBy } }, { open: true, opensAt: null, description: null, timezone: 'Asia/Shanghai' })).toMatch(/工单 #7，最迟将在 .*17:00.* 前回复您/);
  });
});

describe('unframe', () => {
  it('strips the frame and citation marks', () => {
    expect(unframe('From our help articles: Refunds take 5 days. [1][2]')).toBe('Refunds take 5 days.');
  });
});
