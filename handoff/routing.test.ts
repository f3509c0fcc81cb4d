import { describe, expect, it } from 'vitest';
import { matchRule, type RoutingContext, type RoutingRule } from './routing.ts';

const rule = (name: string, when: RoutingRule['when'], skill: string | null = name, priority = 0): RoutingRule => ({ name, when, skill, priority });
const ctx = (over: Partial<RoutingContext> = {}): RoutingContext => ({ reason: 'low_confidence', text: '', language: 'en', channel: 'widget', tier: null, collectionIds: [], ...over });
const rules = [
  rule('vip', { tiers: ['VIP'] }, 'vip', 20),
  rule('billing', { keywords: ['refund', 'invoice', '退款'] }),
  rule('chinese', { languages: ['zh'] }, 'cn-support'),
  rule('upset', { reasons: ['frustration'], channels: ['widget'] }, 'senior'),
];

describe('matchRule', () => {
  it('takes the first rule whose conditions all hold', () => {
    expect(matchRule(rules, ctx({ tier: 'vip', text: 'refund please' }))?.name).toBe('vip');
    expect(matchRule(rules, ctx({ text: 'Where is my REFUND?' }))?.name).toBe('billing');
    expect(matchRule(rules, ctx({ text: '我要退款', language: 'zh' }))?.name).toBe('billing');
    expect(matchRule(rules, ctx({ text: '你好', language: 'zh' }))?.name).toBe('chinese');
    expect(matchRule(rules, ctx({ reason: 'frustration' }))?.name).toBe('upset');
  });
  it('matches the intent the bot saw and the collections it read', () => {
    const byIntent = [rule('legal', { intents: ['Legal'] }, 'legal'), rule('returns', { collections: ['Returns policy'] }, 'after-sales')];
    expect(matchRule(byIntent, ctx({ intents: ['legal'] }))?.name).toBe('legal');
    expect(matchRule(byIntent, ctx({ intents: ['shipping'], collections: ['returns policy'] }))?.name).toBe('returns');
    expect(matchRule(byIntent, ctx({ intents: [], collections: ['FAQ'] }))).toBeNull();
    expect(matchRule(byIntent, ctx())).toBeNull();
  });
  it('matches keywords as whole words and needs every condition', () => {
    expect(matchRule(rules, ctx({ text: 'refundable deposit?' }))).toBeNull();
    expect(matchRule(rules, ctx({ reason: 'frustration', channel: 'email' }))).toBeNull();
    expect(matchRule([], ctx())).toBeNull();
  });
});
