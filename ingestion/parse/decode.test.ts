import { describe, expect, it } from 'vitest';
import { decodeText } from './decode.ts';
import { parseDocument } from './index.ts';

// Legacy-encoded bytes are spelled out: Node can only encode UTF-8, and these are what Excel/Notepad write.
// "Café crème brûlée — naïve résumé, déjà vu." in windows-1252 (0x97 is the em dash, which ISO-8859-1 lacks).
const WINDOWS_1252 = Buffer.from(
  '436166e9206372e86d65206272fb6ce9652097206e61ef76652072e973756de92c2064e96ae02076752e0a' +
    '526566756e64732077697468696e206669766520646179732e',
  'hex',
);
// "退款政策：收到退货后五个工作日内退款到原支付方式。" in GBK.
const GBK = Buffer.from(
  'cdcbbfeed5feb2dfa3bacad5b5bdcdcbbbf5baf3cee5b8f6b9a4d7f7c8d5c4dacdcbbfeeb5bdd4add6a7b8b6b7bdcabda1a3',
  'hex',
);

function randomBytes(n: number, seed = 42): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff; // deterministic, so a failure reproduces
    return x >> 16;
  });
}

describe('decodeText', () => {
  it('decodes UTF-8 and strips the byte-order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Grüße, 你好')]);
    expect(decodeText(bytes)).toEqual({ text: 'Grüße, 你好', encoding: 'utf-8', warnings: [] });
  });

  it('decodes UTF-16 with a byte-order mark', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Refunds: 5 days', 'utf16le')]);
    expect(decodeText(le)).toMatchObject({ text: 'Refunds: 5 days', encoding: 'utf-16le', warnings: [] });
  });

  it('decodes windows-1252 text and warns that it was not UTF-8', () => {
    const { text, encoding, warnings } = decodeText(WINDOWS_1252);
    expect(text).toBe('Café crème brûlée — naïve résumé, déjà vu.\nRefunds within five days.');
    expect(encoding).toBe('windows-1252');
    expect(warnings).toEqual([expect.stringMatching(/not UTF-8.*windows-1252.*save it as UTF-8/)]);
  });

  it('decodes GBK (Simplified Chinese) text and warns', () => {
    const { text, encoding, warnings } = decodeText(GBK);
    expect(text).toBe('退款政策：收到退货后五个工作日内退款到原支付方式。');
    expect(encoding).toMatch(/^gb/);
    expect(warnings[0]).toMatch(/read as gb.*UTF-8/);
  });

  it('keeps a UTF-8 file with one broken byte as UTF-8 instead of guessing a legacy encoding', () => {
    const good = new TextEncoder().encode('Prix: 10 € — livraison gratuite, délai: 3 à 5 jours ouvrés. Merci beaucoup!');
    const bytes = new Uint8Array([...good, 0xff]);
    const { text, encoding, warnings } = decodeText(bytes);
    expect(encoding).toBe('utf-8');
    expect(text).toContain('délai: 3 à 5 jours');
    expect(warnings[0]).toMatch(/1 character was not valid UTF-8/);
  });

  it('refuses binary garbage with bad_encoding and says how to fix it', () => {
    expect(() => decodeText(randomBytes(4000))).toThrowError(
      expect.objectContaining({ code: 'bad_encoding', message: expect.stringMatching(/binary.*save it as UTF-8/s) }),
    );
  });

  it('refuses a .txt upload that is really binary with bad_encoding', async () => {
    await expect(parseDocument(randomBytes(4000), { filename: 'notes.txt' })).rejects.toMatchObject({
      code: 'bad_encoding',
      message: expect.stringMatching(/does not contain readable text.*upload it again/s),
    });
  });

  it('parses legacy-encoded uploads end to end with the warning on the document', async () => {
    const doc = await parseDocument(GBK, { filename: 'faq.txt' });
    expect(doc.blocks).toEqual([{ kind: 'paragraph', text: '退款政策：收到退货后五个工作日内退款到原支付方式。' }]);
    expect(doc.warnings).toEqual([expect.stringMatching(/not UTF-8/)]);
  });
});
