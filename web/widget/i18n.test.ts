import { describe, expect, it } from 'vitest';
import { pickLang, STRINGS, waitMinutes } from './i18n.ts';

describe('pickLang', () => {
  it('prefers data-lang, then the browser; any zh-* is Chinese; anything else English', () => {
    expect(pickLang(undefined, 'zh-CN')).toBe('zh');
    expect(pickLang(undefined, 'zh-Hant-TW')).toBe('zh');
    expect(pickLang('en', 'zh-CN')).toBe('en');
    expect(pickLang('zh', 'en-US')).toBe('zh');
    expect(pickLang('fr', 'de-DE')).toBe('en');
    expect(pickLang('fr', 'zh_TW')).toBe('zh'); // an unknown override falls through to the browser
    expect(pickLang(null, null)).toBe('en');
  });
});

describe('strings', () => {
  it('has every label in both languages', () => {
    expect(Object.keys(STRINGS.zh).sort()).toEqual(Object.keys(STRINGS.en).sort());
    for (const [key, value] of Object.entries(STRINGS.zh)) expect(typeof value === 'string' ? value : (value as (n: number, s: string) => string)(2, 'x'), key).toMatch(/[\u4e00-\u9fff]|\d/);
  });

  it('rounds waits up to whole minutes', () => {
    expect([0, 1, 60, 61, 299].map(waitMinutes)).toEqual([1, 1, 1, 2, 5]);
    expect(STRINGS.en.queueWait(1)).toBe('about a minute');
    expect(STRINGS.zh.queueWait(5)).toBe('预计等待约 5 分钟');
  });
});
