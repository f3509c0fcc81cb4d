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
    expect(handoffMessage('en', 'low_confidence', 3, { open: true, opensAt: null, description: null })).toMatch(/You are number 3 in the queue; an agent/);
    expect(handoffMessage('en', 'low_confidence', 3, { open: true, opensAt: null, description: null }, 480)).toMatch(/number 3 in the queue \(estimated wait: about 8 minutes\)/);
    const closed = handoffMessage('zh', 'customer_asked', 1, { open: false, opensAt: '12月7日 09:00', description: '周一至周五 09:00–18:00' });
    expect(closed).toMatch(/不在线（服务时间：周一至周五 09:00–18:00）/);
    expect(closed).toMatch(/12月7日 09:00/);
  });
});

describe('unframe', () => {
  it('strips the frame and citation marks', () => {
    expect(unframe('From our help articles: Refunds take 5 days. [1][2]')).toBe('Refunds take 5 days.');
  });
});
