import { describe, expect, it } from 'vitest';
import { detectLanguage, searchableText, tsConfigFor } from './language.ts';

describe('detectLanguage', () => {
  it('tells languages apart in sentences', () => {
    expect(detectLanguage('How long does a refund take to reach my bank account?')).toBe('en');
    expect(detectLanguage('¿Cuánto tarda un reembolso en llegar a mi cuenta bancaria?')).toBe('es');
    expect(detectLanguage('Wie lange dauert eine Rückerstattung auf mein Bankkonto?')).toBe('de');
  });
  it('recognises CJK by script even in a few characters', () => {
    expect(detectLanguage('退款多久')).toBe('zh');
    expect(detectLanguage('パスワードを忘れた')).toBe('ja');
    expect(detectLanguage('비밀번호 재설정')).toBe('ko');
  });
  it('falls back when the text is too short to tell', () => {
    expect(detectLanguage('refund?', 'en')).toBe('en');
    expect(detectLanguage('ok', null)).toBeNull();
  });
});

describe('tsConfigFor and searchableText', () => {
  it('maps languages to PostgreSQL configurations', () => {
    expect(tsConfigFor('es')).toBe('spanish');
    expect(tsConfigFor('zh')).toBe('simple');
    expect(tsConfigFor(null)).toBe('english');
  });
  it('splits CJK runs into words separated by spaces and leaves other text alone', () => {
    expect(searchableText('Reset your password')).toBe('Reset your password');
    const s = searchableText('我想申请退款');
    expect(s.split(' ').length).toBeGreaterThan(1);
    expect(s.replace(/ /g, '')).toBe('我想申请退款');
  });
});
