import { describe, expect, it } from 'vitest';
import { nextStatus } from './transitions.ts';

describe('nextStatus', () => {
  it('queues a bot conversation on handoff', () => {
    expect(nextStatus('bot', { type: 'handoff_requested', reason: 'low_confidence' })).toEqual({ ok: true, to: 'queued' });
  });
  it('queues a resolved conversation when the customer asks for a person again', () => {
    expect(nextStatus('resolved', { type: 'handoff_requested', reason: 'customer_asked' })).toEqual({ ok: true, to: 'queued' });
  });
  it('refuses a second handoff instead of queuing twice', () => {
    expect(nextStatus('queued', { type: 'handoff_requested', reason: 'bot_error' })).toMatchObject({ ok: false });
  });
  it('assigns only queued conversations, so a claimed one cannot be claimed again', () => {
    expect(nextStatus('queued', { type: 'agent_assigned', agentId: 'a' })).toEqual({ ok: true, to: 'assigned' });
    expect(nextStatus('assigned', { type: 'agent_assigned', agentId: 'b' })).toMatchObject({ ok: false });
    expect(nextStatus('bot', { type: 'agent_assigned', agentId: 'b' })).toMatchObject({ ok: false });
  });
  it('sends a customer who writes after resolution back to the bot, and keeps other states', () => {
    expect(nextStatus('resolved', { type: 'customer_wrote' })).toEqual({ ok: true, to: 'bot' });
    expect(nextStatus('assigned', { type: 'customer_wrote' })).toEqual({ ok: true, to: 'assigned' });
  });
  it('releases an assigned conversation back to the queue, and resolves once', () => {
    expect(nextStatus('assigned', { type: 'agent_released' })).toEqual({ ok: true, to: 'queued' });
    expect(nextStatus('bot', { type: 'resolved' })).toEqual({ ok: true, to: 'resolved' });
    expect(nextStatus('resolved', { type: 'resolved' })).toMatchObject({ ok: false, why: expect.stringContaining('resolved') });
  });
  it('hands a conversation back to the bot only from people', () => {
    expect(nextStatus('assigned', { type: 'handed_back' })).toEqual({ ok: true, to: 'bot' });
    expect(nextStatus('queued', { type: 'handed_back' })).toEqual({ ok: true, to: 'bot' });
    expect(nextStatus('bot', { type: 'handed_back' })).toMatchObject({ ok: false });
    expect(nextStatus('resolved', { type: 'handed_back' })).toMatchObject({ ok: false });
  });
});
