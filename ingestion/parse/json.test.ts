import { describe, expect, it } from 'vitest';
import { parseDocument } from './index.ts';

const json = (value: unknown, filename?: string) =>
  parseDocument(new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)), filename ? { filename } : {});

describe('JSON', () => {
  it('turns an array of question/answer records into faq blocks (HTML answers cleaned)', async () => {
    const doc = await json([
      { id: 1, question: 'Do you ship to Norway?', answer: 'Yes.' },
      { id: 2, question: 'Gift wrap?', answer: '<p onclick="alert(1)">Yes, <b>free</b>.</p><script>alert(2)</script>' },
    ]);
    expect(doc).toMatchObject({ format: 'json', warnings: [] });
    expect(doc.blocks).toEqual([
      { kind: 'faq', question: 'Do you ship to Norway?', answer: 'Yes.' },
      { kind: 'faq', question: 'Gift wrap?', answer: 'Yes, free.' },
    ]);
  });

  it('finds FAQ records inside a wrapper object', async () => {
    const doc = await json({ version: 2, faqs: [{ Q: 'Open on Sunday?', A: 'No.' }] });
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: 'version: 2' },
      { kind: 'faq', question: 'Open on Sunday?', answer: 'No.' },
    ]);
  });

  it('turns title + body records into a heading and paragraphs', async () => {
    const doc = await json({ title: 'Returns', body: 'Within 30 days.\n\nKeep the receipt.' });
    expect(doc.title).toBe('Returns');
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Returns' },
      { kind: 'paragraph', text: 'Within 30 days.' },
      { kind: 'paragraph', text: 'Keep the receipt.' },
    ]);
  });

  it('keeps only the text of HTML values when flattening', async () => {
    const doc = await json({ banner: '<a href="javascript:alert(1)" onclick="x()">Sale</a> ends <b>Friday</b>' });
    expect(doc.blocks).toEqual([{ kind: 'paragraph', text: 'banner: Sale ends Friday' }]);
  });

  it('flattens anything else to "path: value" lines', async () => {
    const doc = await json({ store: { hours: ['9-17', '10-14'], phone: '+1 555 0100' }, open: true });
    expect(doc.blocks).toEqual([{ kind: 'paragraph', text: 'store.hours[0]: 9-17\nstore.hours[1]: 10-14\nstore.phone: +1 555 0100\nopen: true' }]);
  });

  it('refuses invalid JSON with corrupt_file, giving line and column', async () => {
    await expect(json('{\n  "title": "Returns",\n  "body": oops\n}', 'article.json')).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/JSON is not valid at line 3, column 11.*JSON validator/s),
    });
    await expect(json('[{"question": "cut', 'faq.json')).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/not valid at the end \(it looks cut off\)/),
    });
  });
});
