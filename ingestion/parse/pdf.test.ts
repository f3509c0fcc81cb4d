import { readFileSync } from 'node:fs';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseDocument } from './index.ts';

type Line = string | { text: string; size: number };

/** A PDF whose pages are lists of lines; '' leaves a blank line (a paragraph gap). */
async function makePdf(pages: Line[][], title?: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (title) doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    let y = 740;
    for (const line of lines) {
      const { text, size } = typeof line === 'string' ? { text: line, size: 11 } : line;
      if (text) page.drawText(text, { x: 50, y, size, font });
      y -= size * 1.4;
    }
  }
  return doc.save();
}

// Written once with `qpdf --encrypt kefu-user kefu-owner 256` from a one-page pdf-lib file (CI has no qpdf).
const ENCRYPTED = new Uint8Array(readFileSync(new URL('./fixtures/encrypted.pdf', import.meta.url)));

afterEach(() => vi.restoreAllMocks());

describe('PDF', () => {
  it('extracts headings, paragraphs and lists with page numbers, and the metadata title', async () => {
    const bytes = await makePdf(
      [
        [
          { text: 'Returns Handbook', size: 22 },
          '',
          'Refunds are processed within five business days of receiving',
          'the returned item, to the original payment method.',
          '',
          'Shipping Costs',
          'Return shipping is free for defective items.',
          '',
          '• Keep the receipt',
          '• Use the original box',
        ],
        ['Page two: exchanges are handled by the store team.'],
      ],
      'Returns Handbook 2025',
    );
    const doc = await parseDocument(bytes, { filename: 'handbook.pdf' });
    expect(doc).toMatchObject({ format: 'pdf', title: 'Returns Handbook 2025', pages: 2, warnings: [] });
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Returns Handbook', loc: { page: 1 } },
      {
        kind: 'paragraph',
        text: 'Refunds are processed within five business days of receiving the returned item, to the original payment method.',
        loc: { page: 1 },
      },
      { kind: 'heading', level: 3, text: 'Shipping Costs', loc: { page: 1 } },
      { kind: 'paragraph', text: 'Return shipping is free for defective items.', loc: { page: 1 } },
      { kind: 'list', ordered: false, items: ['Keep the receipt', 'Use the original box'], loc: { page: 1 } },
      { kind: 'paragraph', text: 'Page two: exchanges are handled by the store team.', loc: { page: 2 } },
    ]);
  });

  it('turns Q:/A: lines into faq blocks', async () => {
    const doc = await parseDocument(await makePdf([['Q: Can I change my order?', 'A: Yes, within one hour of placing it.']]));
    expect(doc.blocks).toEqual([
      { kind: 'faq', question: 'Can I change my order?', answer: 'Yes, within one hour of placing it.', loc: { page: 1 } },
    ]);
  });

  it('reads at most maxPages pages and says so', async () => {
    const bytes = await makePdf([['One.'], ['Two.'], ['Three.']]);
    const doc = await parseDocument(bytes, { limits: { maxPages: 2 } });
    expect(doc.pages).toBe(3);
    expect(doc.blocks.map((b) => b.loc?.page)).toEqual([1, 2]);
    expect(doc.warnings).toEqual([expect.stringMatching(/first 2 of 3 pages.*Split the PDF/)]);
  });

  it('warns when a PDF has no text (scanned pages)', async () => {
    const doc = await parseDocument(await makePdf([[''], ['']]));
    expect(doc.blocks).toEqual([]);
    expect(doc.warnings).toEqual([expect.stringMatching(/No text was found.*scanned.*OCR/s)]);
  });

  it('refuses a corrupt PDF with corrupt_file, without pdf.js printing anything', async () => {
    const log = vi.spyOn(console, 'log');
    const write = vi.spyOn(process.stdout, 'write');
    const bytes = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage\n%%EOF');
    await expect(parseDocument(bytes, { filename: 'broken.pdf' })).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/PDF is damaged.*save or print it to a new PDF/s),
    });
    expect(log).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses a truncated PDF with corrupt_file', async () => {
    const bytes = await makePdf([['Some text.']]);
    await expect(parseDocument(bytes.subarray(0, 300), { filename: 'cut.pdf' })).rejects.toMatchObject({ code: 'corrupt_file' });
  });

  it('refuses a password-protected PDF with encrypted_file and says how to remove the password', async () => {
    await expect(parseDocument(ENCRYPTED, { filename: 'secret.pdf' })).rejects.toMatchObject({
      code: 'encrypted_file',
      message: expect.stringMatching(/password-protected.*Remove the password.*upload it again/s),
    });
  });
});
