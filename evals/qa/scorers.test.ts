import { describe, expect, it } from 'vitest';
import { DEFAULT_RUBRIC, overallScore, RubricSchema } from './rubric.ts';
import { scoreReply, type ReplyInput } from './scorers.ts';

const refundKb = 'Refunds are paid to the original card within 5 business days. Contact billing@example.com for invoices. Orders can be returned within 30 days.';
const base: ReplyInput = { subject: 'agent', reply: '', question: 'When do I get my refund?', passages: [refundKb] };
const grade = (over: Partial<ReplyInput>) => scoreReply({ ...base, ...over });

describe('scoreReply', () => {
  it('expects a greeting in a person\'s first reply and a closing in their last, nowhere else', () => {
    const first = grade({ reply: 'Hi Sam, refunds are paid to the original card within 5 business days.', firstFromPerson: true });
    expect(first.greeting.score).toBe(5);
    expect(grade({ reply: 'Refunds are paid to the original card within 5 business days.', firstFromPerson: true }).greeting.score).toBe(2);
    expect(grade({ reply: 'Refunds take 5 business days.' }).greeting.score).toBeNull();
    expect(grade({ reply: 'Refunds take 5 business days.', subject: 'bot', firstFromPerson: true }).greeting.score).toBeNull();
    expect(grade({ reply: 'Is there anything else I can help with?', lastFromPerson: true }).closing.score).toBe(5);
    expect(grade({ reply: 'Done.', lastFromPerson: true }).closing.score).toBe(2.5);
  });

  it('asks for empathy only when the customer is upset', () => {
    const angry = 'This is the third time I ask!!! Where is my refund, this is ridiculous';
    expect(grade({ question: angry, reply: "I'm sorry for the wait. Refunds are paid to the original card within 5 business days." }).empathy.score).toBe(5);
    expect(grade({ question: angry, reply: 'Refunds are paid to the original card within 5 business days.' }).empathy.score).toBe(1.5);
    expect(grade({ reply: 'Refunds are paid within 5 business days.' }).empathy.score).toBeNull();
  });

  it('grades accuracy by what the knowledge base backs, facts included', () => {
    const backed = grade({ reply: 'Refunds are paid to the original card within 5 business days.' });
    const wrongNumber = grade({ reply: 'Refunds are paid to the original card within 15 business days.' });
    const invented = grade({ reply: 'Refunds are sent as store credit vouchers by postal mail every quarter.' });
    expect(backed.accuracy.score).toBe(5);
    expect(wrongNumber.accuracy.score!).toBeLessThan(backed.accuracy.score!);
    expect(wrongNumber.accuracy.rationale).toMatch(/not found: 15/);
    expect(invented.accuracy.score!).toBeLessThan(3);
    expect(grade({ reply: 'Let me check that for you.' }).accuracy.score).toBeNull();
    expect(grade({ reply: 'Refunds are paid to the original card within 5 business days.', passages: [], subject: 'bot' }).accuracy.score).toBe(2);
    expect(grade({ reply: 'Refunds are paid to the original card within 5 business days.', passages: [] }).accuracy.score).toBeNull();
  });

  it('flags personal data repeated back and promises outside policy', () => {
    expect(grade({ reply: 'Refunds are paid within 5 business days.' }).compliance.score).toBe(5);
    const card = grade({ reply: 'I refunded your card 4111 1111 1111 1111 today.' });
    expect(card.compliance).toMatchObject({ score: 1, rationale: expect.stringMatching(/repeats personal data \(card\)/) });
    expect(grade({ reply: 'I guarantee you will have it tomorrow.' }).compliance.score).toBe(2);
    expect(grade({ reply: 'You will get free shipping forever.', forbiddenPromises: ['free shipping forever'] }).compliance.rationale).toMatch(/promises outside policy/);
    // A support address is not a leak.
    expect(grade({ reply: 'Write to billing@example.com for a copy of the invoice.' }).compliance.score).toBe(5);
  });

  it('marks down rude tone, talk about "the documents", misspellings and doubled words', () => {
    expect(grade({ reply: 'As I already said, read the FAQ.' }).tone.score).toBe(3);
    expect(grade({ reply: 'YOU NEED TO WAIT FIVE BUSINESS DAYS FOR THE REFUND' }).tone.score).toBe(3);
    const plain = grade({ reply: 'Refunds are paid to your card within 5 business days.' });
    const meta = grade({ reply: 'According to the provided documents, refunds are paid to your card within 5 business days.' });
    expect(meta.clarity.score!).toBeLessThan(plain.clarity.score!);
    expect(meta.clarity.rationale).toMatch(/talks about "the documents"/);
    const sloppy = grade({ reply: 'Refunds are payed to the the card withn five days. it is automatic.' });
    expect(sloppy.spelling_grammar.score!).toBeLessThan(4);
    expect(sloppy.spelling_grammar.rationale).toMatch(/misspelt: .*withn/);
    expect(sloppy.spelling_grammar.rationale).toMatch(/doubled: the the/);
    expect(sloppy.spelling_grammar.rationale).toMatch(/1 sentence\(s\) without a capital/);
    expect(plain.spelling_grammar.score).toBe(5);
    expect(grade({ reply: '退款会在五个工作日内退回原卡。' }).spelling_grammar.score).toBeNull();
  });

  it('grades resolution by the question addressed, and an admission of no answer lower', () => {
    const answered = grade({ reply: 'Your refund is paid to the original card within 5 business days of the return.' });
    const dodged = grade({ reply: 'The documents do not specify when a refund is paid.' });
    expect(answered.resolution.score!).toBeGreaterThan(dodged.resolution.score!);
    expect(dodged.resolution.rationale).toMatch(/says it cannot help/);
  });

  it('grades a person\'s response time against the target', () => {
    expect(grade({ reply: 'Hi!', waitedSeconds: 30, targetSeconds: 120 }).response_time.score).toBe(5);
    expect(grade({ reply: 'Hi!', waitedSeconds: 100, targetSeconds: 120 }).response_time.score).toBe(4);
    expect(grade({ reply: 'Hi!', waitedSeconds: 600, targetSeconds: 120 }).response_time).toMatchObject({ score: 1, rationale: 'replied after 10 min; the target is 2 min' });
    expect(grade({ reply: 'Hi!', subject: 'bot', waitedSeconds: 600, targetSeconds: 120 }).response_time.score).toBeNull();
  });
});

describe('rubric', () => {
  it('weights the applicable categories into one share', () => {
    expect(overallScore(DEFAULT_RUBRIC, { accuracy: 5, resolution: 1 })).toBeCloseTo(0.5);
    expect(overallScore(DEFAULT_RUBRIC, { accuracy: 5, greeting: 1 })).toBeCloseTo(2 / 2.5);
    expect(overallScore(DEFAULT_RUBRIC, { greeting: null })).toBeNull();
  });

  it('refuses rubrics the scorers cannot grade', () => {
    expect(RubricSchema.safeParse(DEFAULT_RUBRIC).success).toBe(true);
    const unknown = RubricSchema.safeParse({ categories: [{ key: 'humour', label: 'Humour', weight: 1, appliesTo: ['agent'] }] });
    expect(unknown.error?.issues[0]?.message).toMatch(/a category key is one of greeting/);
    const twice = RubricSchema.safeParse({ categories: [DEFAULT_RUBRIC.categories[0], DEFAULT_RUBRIC.categories[0]] });
    expect(twice.error?.issues[0]?.message).toMatch(/each category appears once/);
    const allZero = RubricSchema.safeParse({ categories: [{ ...DEFAULT_RUBRIC.categories[0], weight: 0 }] });
    expect(allZero.error?.issues[0]?.message).toMatch(/at least one category needs a weight above 0/);
  });
});
