import { describe, expect, it } from 'vitest';
import { citationHref, citationTarget, initialState, mergeMessages, reduce, sectionPath, splitCitations, wantsRating, type State } from './state.ts';
import type { Conversation, Message } from './types.ts';

const msg = (id: string, sender: Message['sender'], at: string, extra: Partial<Message> = {}): Message => ({ id, sender, body: id, citations: [], clientMessageId: null, createdAt: at, ...extra });
const conv = (status: Conversation['status'], csat: number | null = null): Conversation => ({ id: 'c1', status, csat, createdAt: '2026-01-01T00:00:00Z' });
const run = (...actions: Parameters<typeof reduce>[1][]): State => actions.reduce(reduce, initialState);

describe('messages', () => {
  it('replaces the pending message with the stored one, merges repeats by id and keeps time order', () => {
    const s = run(
      { type: 'pending', clientMessageId: 'k1', body: 'hi', at: '2026-01-01T00:00:05Z' },
      { type: 'messages', messages: [msg('b1', 'bot', '2026-01-01T00:00:02Z')] },
      { type: 'messages', messages: [msg('m1', 'customer', '2026-01-01T00:00:04Z', { clientMessageId: 'k1' })] },
      { type: 'messages', messages: [msg('m1', 'customer', '2026-01-01T00:00:04Z', { clientMessageId: 'k1' })] }, // again, from the live stream
    );
    expect(s.messages.map((m) => [m.id, !!m.pending])).toEqual([['b1', false], ['m1', false]]);
  });

  it('keeps arrival order for equal timestamps', () => {
    expect(mergeMessages([], [msg('q', 'customer', '2026-01-01T00:00:00Z'), msg('a', 'bot', '2026-01-01T00:00:00Z')]).map((m) => m.id)).toEqual(['q', 'a']);
  });

  it('marks a send that failed, and drops the draft', () => {
    const s = run({ type: 'pending', clientMessageId: 'k1', body: 'hi', at: 'x' }, { type: 'token', text: 'Ans' }, { type: 'failed', clientMessageId: 'k1' });
    expect(s.messages[0]).toMatchObject({ failed: true, pending: false });
    expect(s.draft).toBeNull();
  });

  it('builds the draft from tokens until a reply replaces it', () => {
    const s = run({ type: 'token', text: 'Refunds ' }, { type: 'token', text: 'take' });
    expect(s.draft).toBe('Refunds take');
    expect(reduce(s, { type: 'messages', messages: [msg('r', 'bot', 'x')] }).draft).toBeNull();
  });
});

describe('queue, typing and rating', () => {
  it('shows the queue while waiting and drops it once an agent has the conversation', () => {
    const waiting = run({ type: 'conversation', conversation: conv('queued') }, { type: 'queue', queue: { position: 2, etaSeconds: 300, agentsOnline: 1 } });
    expect(waiting.queue).toEqual({ position: 2, etaSeconds: 300, agentsOnline: 1 });
    expect(reduce(waiting, { type: 'conversation', conversation: conv('assigned') }).queue).toBeNull();
    expect(reduce(waiting, { type: 'conversation', conversation: conv('bot') }).queue).toBeNull(); // handed back
  });

  it('keeps a queue event that beats the status change', () => {
    const s = run({ type: 'conversation', conversation: conv('bot') }, { type: 'queue', queue: { position: 1, etaSeconds: null, agentsOnline: 0 } }, { type: 'conversation', conversation: conv('queued') });
    expect(s.queue?.position).toBe(1);
  });

  it('shows "typing" only while an agent has the conversation, until their message', () => {
    expect(run({ type: 'conversation', conversation: conv('bot') }, { type: 'typing', typing: true }).agentTyping).toBe(false);
    const typing = run({ type: 'conversation', conversation: conv('assigned') }, { type: 'typing', typing: true });
    expect(typing.agentTyping).toBe(true);
    expect(reduce(typing, { type: 'messages', messages: [msg('a', 'agent', 'x')] }).agentTyping).toBe(false);
  });

  it('asks for a rating once closed after a reply, not when already rated', () => {
    const replied = run({ type: 'messages', messages: [msg('a', 'agent', 'x')] });
    expect(wantsRating(reduce(replied, { type: 'conversation', conversation: conv('resolved') }))).toBe(true);
    expect(wantsRating(reduce(replied, { type: 'conversation', conversation: conv('resolved', 4) }))).toBe(false);
    expect(wantsRating(run({ type: 'conversation', conversation: conv('resolved') }))).toBe(false); // nobody replied
    const rated = reduce(reduce(replied, { type: 'conversation', conversation: conv('resolved') }), { type: 'rated' });
    expect(wantsRating(rated)).toBe(false);
    // Written again (back to the bot) and closed again: a new rating.
    const reopened = reduce(reduce(rated, { type: 'conversation', conversation: conv('bot') }), { type: 'conversation', conversation: conv('resolved') });
    expect(wantsRating(reopened)).toBe(true);
  });
});

describe('citations', () => {
  it('links only http(s) sources, with the passage anchor', () => {
    expect(citationHref({ title: 'R', sourceRef: 'https://help.example.com/returns', location: { anchor: 'refunds' } })).toBe('https://help.example.com/returns#refunds');
    expect(citationHref({ title: 'R', sourceRef: 'https://help.example.com/returns#top', location: { anchor: 'refunds' } })).toBe('https://help.example.com/returns#top');
    expect(citationHref({ title: 'R', sourceRef: 'javascript:alert(1)' })).toBeNull();
    expect(citationHref({ title: 'R', sourceRef: 'db/seed/demo-kb.md' })).toBeNull();
    expect(citationHref({ title: 'R' })).toBeNull();
  });

  it('opens a web page as a link and any other source as its passage, by chunk id', () => {
    const chunkId = '6f1c2a3e-0000-4000-8000-000000000001';
    expect(citationTarget({ title: 'R', chunkId, sourceRef: 'https://help.example.com/returns' })).toEqual({ kind: 'link', href: 'https://help.example.com/returns' });
    expect(citationTarget({ title: 'R', chunkId, sourceRef: 'db/seed/demo-kb.md' })).toEqual({ kind: 'passage', chunkId });
    expect(citationTarget({ title: 'R', chunkId, sourceRef: 'javascript:alert(1)' })).toEqual({ kind: 'passage', chunkId }); // never a link
    expect(citationTarget({ title: 'Manual', chunkId })).toEqual({ kind: 'passage', chunkId });
    expect(citationTarget({ title: 'R', sourceRef: 'manual.pdf' })).toBeNull(); // nothing to open
  });

  it('names the section without repeating the title', () => {
    expect(sectionPath('Returns and refunds', ['Returns and refunds', 'How refunds work'])).toBe('How refunds work');
    expect(sectionPath('Manual', ['Setup', 'Cleaning'])).toBe('Setup › Cleaning');
    expect(sectionPath('Manual', undefined)).toBe('');
  });

  it('splits markers that name a citation out of the text', () => {
    expect(splitCitations('Five days [1]. See [3] and [2].', [{ n: 1, title: 'a' }, { n: 2, title: 'b' }])).toEqual(['Five days ', { n: 1 }, '. See [3] and ', { n: 2 }, '.']);
  });
});
