import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SENSITIVE_TOPICS, FRUSTRATED_AT, frustrationScore, isSameQuestion, matchSensitiveTopic, readSignals, repeatedFailure, SensitiveTopicSchema, type TurnOutcome } from './signals.ts';

describe('readSignals', () => {
  it.each(['I want to talk to a human', 'agent please', 'Can I speak with a real person?', '转人工', '我要人工客服', 'quiero hablar con una persona', 'Human'])(
    'hears a request for a person in %j',
    (text) => expect(readSignals(text).humanRequested).toBe(true),
  );
  it.each(['How do I reset my password?', 'Is the agent fee refundable?', 'human resources department address'])('does not over-trigger on %j', (text) =>
    expect(readSignals(text).humanRequested).toBe(false),
  );

  it('returns every signal, with the default sensitive topics when the workspace has none configured', () => {
    expect(readSignals('Someone hacked my account, this is ridiculous!!!')).toEqual({
      humanRequested: false,
      frustration: expect.any(Number),
      frustrated: true,
      sensitiveTopic: 'account_security',
    });
    expect(readSignals('My account was hacked', { sensitiveTopics: [] }).sensitiveTopic).toBeNull();
    expect(readSignals('I will call my lawyer', { sensitiveTopics: [{ name: 'vip', keywords: ['lawyer'] }] }).sensitiveTopic).toBe('vip');
  });
});

describe('frustration', () => {
  it.each([
    'This is ridiculous, I have asked three times already',
    'useless bot',
    'This is the third time I ask the same thing',
    'It is still not working!',
    'WHY IS MY CARD STILL BLOCKED??? FIX IT NOW!!!',
    'what the fuck is wrong with your app',
    'Worst customer service ever.',
    'I am sick of this damn company',
    'I hate this app, it is awful',
    '你们这是什么破系统，气死我了',
    '垃圾客服，说了多少遍了',
    '烦死了，怎么还没到账？？？',
    '无语，你们就是骗子',
    'Esto es ridículo, estoy harto',
    "C'est inadmissible, j'en ai marre",
    'Das ist eine Frechheit, es funktioniert immer noch nicht',
    'You are not helping at all',
    'thanks for nothing',
    '太气人了，钱到底什么时候退？',
  ])('marks %j frustrated', (text) => {
    const s = readSignals(text);
    expect(s.frustrated).toBe(true);
    expect(s.frustration).toBeGreaterThanOrEqual(FRUSTRATED_AT);
    expect(s.frustration).toBeLessThanOrEqual(1);
  });

  it.each([
    'My card was declined',
    'I lost my phone',
    'The app crashes when I open it',
    'Someone stole my wallet, what should I do?',
    'I think there is a fraudulent charge on my statement',
    'Why was my transfer rejected?',
    'I still have not received my card, please help',
    'How many times can I withdraw cash per month?',
    'Help please!',
    'I need to transfer money to my ATM account in USD',
    'Is there a problem with the ATM in Berlin?',
    '我的卡丢了，怎么办？',
    '我没用过这个功能，怎么开通？',
    '为什么邮件进了垃圾邮件？',
    'Mi tarjeta fue rechazada',
    'I am such an idiot, I forgot my PIN',
    'Sorry if this is a stupid question, how do I top up?',
    'OMG thank you so much!!!',
    '页面无法滚动',
    'Ich habe meine Karte immer noch nicht erhalten',
  ])('does not mark the ordinary question %j', (text) => {
    expect(readSignals(text).frustrated).toBe(false);
  });

  it('counts shouting and !!! only together, not alone', () => {
    expect(frustrationScore('WHERE CAN I FIND MY ACCOUNT NUMBER')).toBeLessThan(FRUSTRATED_AT);
    expect(frustrationScore('where is my refund???')).toBeLessThan(FRUSTRATED_AT);
    expect(frustrationScore('WHERE IS MY REFUND???')).toBeGreaterThanOrEqual(FRUSTRATED_AT);
  });

  it('does not let negative topic words alone make a message angry', () => {
    expect(frustrationScore('What counts as hate violence and discrimination under the law?')).toBeLessThan(FRUSTRATED_AT);
  });

  const banking = '../shared/datasets/banking77.cases.jsonl';
  it.skipIf(!existsSync(new URL(`../${banking}`, import.meta.url)))('marks under 3% of real banking questions frustrated (banking77)', () => {
    const rows = readFileSync(new URL(`../${banking}`, import.meta.url), 'utf8').trim().split('\n');
    const flagged = rows.filter((l) => readSignals((JSON.parse(l) as { question: string }).question).frustrated).length;
    expect(flagged / rows.length).toBeLessThan(0.03);
  });
});

describe('matchSensitiveTopic', () => {
  const legal = { name: 'legal', keywords: ['lawyer', 'lawsuit', 'sue', '起诉', 'legal action'] };
  const topics = [legal, { name: 'press', keywords: ['journalist'] }];

  it('matches whole words case-insensitively, plurals and inflections included', () => {
    expect(matchSensitiveTopic('We will file LAWSUITS', topics)?.name).toBe('legal');
    expect(matchSensitiveTopic('My lawyers will call', topics)?.name).toBe('legal');
    expect(matchSensitiveTopic('I am a journalist', topics)?.name).toBe('press');
    expect(matchSensitiveTopic('we are considering legal actions', topics)?.name).toBe('legal');
  });

  it('does not match inside other words', () => {
    expect(matchSensitiveTopic('Where do I find the issuer?', topics)).toBeNull(); // contains "sue" inside a word
    expect(matchSensitiveTopic('legal requirements for taking action', topics)).toBeNull(); // phrase words must be adjacent
  });

  it('matches CJK keywords as substrings', () => {
    expect(matchSensitiveTopic('我要去法院起诉你们', topics)?.name).toBe('legal');
    expect(matchSensitiveTopic('我要退款', topics)).toBeNull();
  });

  it('validates workspace topics, and the defaults pass', () => {
    for (const t of DEFAULT_SENSITIVE_TOPICS) expect(SensitiveTopicSchema.safeParse(t).success).toBe(true);
    expect(SensitiveTopicSchema.safeParse({ name: 'legal', keywords: [''] }).success).toBe(false);
    expect(SensitiveTopicSchema.safeParse({ name: 'legal', keywords: [42] }).success).toBe(false);
  });

  it('returns the first topic in list order', () => {
    expect(matchSensitiveTopic('my lawyer and a journalist', [topics[1]!, legal])?.name).toBe('press');
  });

  it.each([
    ['I am going to sue you for this', 'legal'],
    ['My lawyer will be in touch', 'legal'],
    ['Please delete all my data under GDPR', 'data_protection'],
    ['I invoke my right to be forgotten', 'data_protection'],
    ['I want to kill myself', 'self_harm'],
    ['我不想活了', 'self_harm'],
    ['I will complain to the ombudsman', 'regulator_complaint'],
    ['I am reporting you to the CFPB', 'regulator_complaint'],
    ['My account was hacked', 'account_security'],
    ['There is an unauthorized transaction on my card', 'account_security'],
    ['我的卡被盗刷了', 'account_security'],
  ])('default topics: %j → %s', (text, name) => {
    expect(matchSensitiveTopic(text, DEFAULT_SENSITIVE_TOPICS)?.name).toBe(name);
  });

  it.each([
    'How do I delete my account?',
    'Can I set up a power of attorney on my account?',
    'My card was stolen',
    'I lost my phone',
    'How do I change my password?',
    'What are your opening hours?',
    'Is my money protected if the bank fails?',
    'I am Sue, I need a new card',
    'How do I avoid scams when buying online?',
  ])('default topics leave the ordinary question %j alone', (text) => {
    expect(matchSensitiveTopic(text, DEFAULT_SENSITIVE_TOPICS)).toBeNull();
  });
});

describe('isSameQuestion', () => {
  it.each([
    ['How do I reset my password?', 'how can I reset my password'],
    ['How do I reset my password?', 'I still cannot reset my password!'],
    ['When will my card arrive?', 'my card still has not arrived'],
    ['怎么重置密码', '密码怎么重置'],
  ])('%j ~ %j', (a, b) => expect(isSameQuestion(a, b)).toBe(true));

  it.each([
    ['How do I reset my password?', 'How do I change my email?'],
    ['What is the fee for international transfers?', 'What is the fee for domestic transfers?'],
    ['How do I reset my password?', 'thanks'],
  ])('%j ≁ %j', (a, b) => expect(isSameQuestion(a, b)).toBe(false));
});

describe('repeatedFailure', () => {
  const answered = (query: string): TurnOutcome => ({ decision: 'answer', confidence: 0.8, query });
  const clarified = (query: string): TurnOutcome => ({ decision: 'clarify', confidence: 0.3, query });

  it('is false for a fresh conversation and after good answers', () => {
    expect(repeatedFailure([])).toBe(false);
    expect(repeatedFailure([answered('How do I reset my password?'), answered('What are the transfer fees?')])).toBe(false);
  });

  it('is true after `limit` turns without a confident answer', () => {
    expect(repeatedFailure([answered('fees?'), clarified('the thing'), clarified('the other thing')])).toBe(true);
    expect(repeatedFailure([clarified('the thing'), answered('fees?')])).toBe(false);
    expect(repeatedFailure([answered('fees?'), clarified('the thing')])).toBe(false);
    expect(repeatedFailure([answered('fees?'), clarified('the thing')], { limit: 1 })).toBe(true);
  });

  it('is true when the customer asks an answered question again', () => {
    const history = [answered('How do I reset my password?'), answered('I still cannot reset my password')];
    expect(repeatedFailure(history)).toBe(true);
    expect(repeatedFailure([answered('How do I reset my password?')], { query: 'reset password not working' })).toBe(true);
    expect(repeatedFailure([answered('How do I reset my password?')], { query: 'What are the transfer fees?' })).toBe(false);
  });

  it('does not count a repeat of a question the bot did not answer', () => {
    expect(repeatedFailure([clarified('How do I reset my password?')], { query: 'how do I reset my password' })).toBe(false);
  });
});
