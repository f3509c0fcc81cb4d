import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rewriteQuery, type HistoryTurn } from './rewrite.ts';

const customer = (text: string): HistoryTurn => ({ role: 'customer', text });
const bot = (text: string): HistoryTurn => ({ role: 'bot', text });

const renewal: HistoryTurn[] = [
  customer('How do I renew an expired passport?'),
  bot('You can renew your passport online or by mail. Most renewals take six weeks.'),
];

describe('rewriteQuery', () => {
  it('returns a self-contained question unchanged', () => {
    for (const q of ['How do I reset my password?', 'What are the fees for international transfers?', 'Is it possible to open an account online?']) {
      expect(rewriteQuery(q, renewal)).toEqual({ query: q, rewritten: false, why: null });
    }
  });

  it('returns the question unchanged when there is no history', () => {
    expect(rewriteQuery('How much does it cost?', [])).toEqual({ query: 'How much does it cost?', rewritten: false, why: null });
  });

  it.each([
    ['How much does it cost?', /\bit\b/],
    ['And for children?', /starts with "and"/],
    ['What about the fees?', /what about/],
    ['Also by mail?', /starts with "also"/],
    ['Can I do that online?', /that/],
    ['Where do I send them?', /them/],
    ['Which one is faster?', /which one/],
    ['Is this available abroad?', /this/],
  ])('adds the previous question\'s terms to the follow-up %j', (q, why) => {
    const r = rewriteQuery(q, renewal);
    expect(r.rewritten).toBe(true);
    expect(r.query.startsWith(q)).toBe(true);
    expect(r.query).toContain('renew');
    expect(r.query).toContain('passport');
    expect(r.why).toMatch(why);
  });

  it('treats a very short message as a follow-up', () => {
    expect(rewriteQuery('Fees?', renewal)).toMatchObject({ rewritten: true, query: 'Fees? renew expired passport' });
  });

  it('does not repeat terms the question already has, in any inflection', () => {
    const r = rewriteQuery('And renewing an expired passport for children?', renewal);
    expect(r.query).toBe('And renewing an expired passport for children?');
    expect(r.rewritten).toBe(false);
  });

  it('adds the topic of the last reply when the previous question names little', () => {
    const history = [customer('How much is membership?'), bot('A Sportspark membership costs $40 a month for residents.')];
    const r = rewriteQuery('Does it include the pool?', history);
    expect(r.query).toMatch(/^Does it include the pool\? membership sportspark /);
    expect(r.why).toMatch(/previous question and the last reply/);
  });

  it('uses the last reply when the previous message has no topic at all', () => {
    const history = [customer('hi'), bot('Hello! Refunds for cancelled flights are paid within 7 days.'), customer('ok'), bot('Refunds for cancelled flights are paid within 7 days.')];
    const r = rewriteQuery('How do I ask for it?', history);
    expect(r.rewritten).toBe(true);
    expect(r.query).toMatch(/refunds cancelled flights/i);
    expect(r.why).toMatch(/last reply/);
  });

  it('ignores a reply that is an apology or a pleasantry', () => {
    expect(rewriteQuery('and that?', [customer('thanks'), bot("You're welcome, glad to help.")]).rewritten).toBe(false);
  });

  it('keeps the topic through a chain of follow-ups', () => {
    const history = [...renewal, customer('What about the fees?'), bot('The fee is $130.')];
    const r = rewriteQuery('Can I pay it by card?', history);
    expect(r.query).toMatch(/fees/);
    expect(r.query).toMatch(/renew expired passport/);
  });

  it('accepts the roles of the datasets (user/agent) and of Kefu (customer/bot)', () => {
    const history: HistoryTurn[] = [{ role: 'user', text: 'How do I renew an expired passport?' }, { role: 'agent', text: 'Online or by mail.' }];
    expect(rewriteQuery('How long does it take?', history).query).toBe('How long does it take? renew expired passport');
  });

  it('resolves a pronoun inside the message itself without the conversation', () => {
    expect(rewriteQuery('Tell me about the greenhouse effect. Is it good or bad?', renewal).rewritten).toBe(false);
  });

  it('does not take a possessive bound inside the question for a reference', () => {
    expect(rewriteQuery('Can my son open an account in his name?', renewal).rewritten).toBe(false);
  });

  it('does not mistake "this year" or "is it possible to" for a reference', () => {
    expect(rewriteQuery('Can I still vote this year?', renewal).rewritten).toBe(false);
    expect(rewriteQuery('Is it possible to open an account?', renewal).rewritten).toBe(false);
  });

  it('rewrites Chinese follow-ups', () => {
    const history = [customer('信用卡怎么申请？'), bot('您可以在手机银行申请信用卡。')];
    for (const q of ['那年费呢？', '它有年费吗？', '多少钱？']) {
      const r = rewriteQuery(q, history);
      expect(r.rewritten).toBe(true);
      expect(r.query).toContain('信用卡');
      expect(r.query).toContain('申请');
    }
    expect(rewriteQuery('我想查询我的储蓄账户余额', history).rewritten).toBe(false);
  });

  const dataset = new URL('../../shared/datasets/mtragun_govt.cases.jsonl', import.meta.url);
  it.skipIf(!existsSync(dataset))('rewrites a share of the multi-turn government questions, always keeping the question (mtragun_govt)', () => {
    const rows = readFileSync(dataset, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { question: string; history?: HistoryTurn[] });
    const multi = rows.filter((r) => r.history?.length);
    const out = multi.map((r) => rewriteQuery(r.question, r.history ?? []));
    const share = out.filter((r) => r.rewritten).length / multi.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.6);
    out.forEach((r, i) => expect(r.query.trim().startsWith(multi[i]!.question.trim())).toBe(true));
  });
});
