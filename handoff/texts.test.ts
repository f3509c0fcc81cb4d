import { describe, expect, it } from 'vitest';
import { systemText } from './texts.ts';

describe('systemText', () => {
  it('speaks the conversation\'s language, English when it has no translation', () => {
    expect(systemText('joined', 'zh')).toBe('客服人员已接入对话。');
    expect(systemText('joined', 'zh-CN')).toBe('客服人员已接入对话。');
    expect(systemText('joined', 'en')).toBe('An agent has joined the conversation.');
    expect(systemText('resolved', 'fr')).toMatch(/^This conversation was marked as resolved/);
    expect(systemText('handedBack', null)).toMatch(/assistant again/);
  });
});
