import { describe, expect, it } from 'vitest';
import { readSignals } from './signals.ts';

describe('readSignals', () => {
  it.each(['I want to talk to a human', 'agent please', 'Can I speak with a real person?', '转人工', '我要人工客服', 'quiero hablar con una persona', 'Human'])(
    'hears a request for a person in %j',
    (text) => expect(readSignals(text).humanRequested).toBe(true),
  );
  it.each(['How do I reset my password?', 'Is the agent fee refundable?', 'human resources department address'])('does not over-trigger on %j', (text) =>
    expect(readSignals(text).humanRequested).toBe(false),
  );
});
