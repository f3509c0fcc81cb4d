import { describe, expect, it } from 'vitest';
import { errorClass, errorText, formatTime, pickLang, STRINGS, waitMinutes } from './i18n.ts';

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
    expect(Object.keys(STRINGS.zh.errors).sort()).toEqual(Object.keys(STRINGS.en.errors).sort());
    const texts = Object.entries(STRINGS.zh).flatMap(([key, value]) =>
      typeof value === 'string' ? [[key, value]] : typeof value === 'function' ? [[key, (value as (n: number, s: string) => string)(2, 'x')]] : Object.entries(value).map(([k, v]) => [`${key}.${k}`, v]),
    );
    for (const [key, text] of texts) expect(text, key).toMatch(/[\u4e00-\u9fff]|\d/);
  });

  it('rounds waits up to whole minutes', () => {
    expect([0, 1, 60, 61, 299].map(waitMinutes)).toEqual([1, 1, 1, 2, 5]);
    expect(STRINGS.en.queueWait(1)).toBe('about a minute');
    expect(STRINGS.zh.queueWait(5)).toBe('预计等待约 5 分钟');
  });
});

// What the API client throws: an ApiError has a status (0 when the network failed or the stream was cut).
const apiError = (status: number, message: string) => Object.assign(new Error(message), { status });

describe('errors', () => {
  it('sorts failures into network, rate limited, server and invalid', () => {
    expect(errorClass(new TypeError('Failed to fetch'))).toBe('network');
    expect(errorClass(apiError(0, 'The answer was cut off.'))).toBe('network');
    expect(errorClass(apiError(429, 'Slow down'))).toBe('rate_limited');
    expect(errorClass(apiError(503, 'Internal error'))).toBe('server');
    expect(errorClass(apiError(400, 'Invalid message: the message is empty'))).toBe('invalid');
    expect(errorClass(new Error('boom'))).toBe('server');
  });

  it('shows Chinese customers a Chinese message, with the server\'s English words only as the detail', () => {
    expect(errorText(apiError(400, 'Invalid rating: score must be 1 to 5'), 'zh')).toEqual({ text: STRINGS.zh.errors.invalid, detail: 'Invalid rating: score must be 1 to 5' });
    expect(errorText(apiError(429, 'Too many messages'), 'zh').text).toBe('请求过于频繁，请稍等片刻再试。');
    expect(errorText(new TypeError('Failed to fetch'), 'zh').text).toBe('无法连接到服务器，请检查网络后重试。');
    expect(errorText(apiError(500, 'Internal error'), 'zh').text).toBe(STRINGS.zh.errors.server);
  });

  it('keeps the server\'s message for a refused request in English, never a 500\'s', () => {
    expect(errorText(apiError(400, 'Invalid rating: score must be 1 to 5'), 'en')).toEqual({ text: 'Invalid rating: score must be 1 to 5', detail: null });
    expect(errorText(apiError(500, 'Internal error'), 'en')).toEqual({ text: STRINGS.en.errors.server, detail: 'Internal error' });
    expect(errorText(new TypeError('Failed to fetch'), 'en').text).toBe(STRINGS.en.errors.network);
  });
});

describe('formatTime', () => {
  it('says the time zone in both languages', () => {
    expect(formatTime('2026-12-03T18:52:00Z', 'zh', 'UTC')).toBe('2026年12月3日 UTC 18:52');
    expect(formatTime('2026-12-03T18:52:00Z', 'zh', 'Asia/Shanghai')).toBe('2026年12月4日 GMT+8 02:52');
    expect(formatTime('2026-12-03T18:52:00Z', 'en', 'UTC')).toBe('Dec 3, 2026, 6:52 PM UTC');
  });

  it('returns what it was given when that is not a date', () => {
    expect(formatTime('soon', 'en')).toBe('soon');
  });
});
