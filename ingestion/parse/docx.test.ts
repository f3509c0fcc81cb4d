import { Bookmark, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseDocument } from './index.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

async function makeDocx(): Promise<Uint8Array> {
  const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] });
  const doc = new Document({
    title: 'Shipping Guide',
    sections: [{
      children: [
        new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new Bookmark({ id: 'shipping', children: [new TextRun('Shipping')] })] }),
        new Paragraph({ children: [new TextRun('We ship to '), new TextRun({ text: 'every', bold: true }), new TextRun(' EU country.')] }),
        new Paragraph({ text: 'Tracked', bullet: { level: 0 } }),
        new Paragraph({ text: 'Insured', bullet: { level: 0 } }),
        new Paragraph({ heading: HeadingLevel.HEADING_2, text: 'Delivery times' }),
        new Table({ rows: [new TableRow({ children: [cell('Zone'), cell('Days')] }), new TableRow({ children: [cell('EU'), cell('3')] })] }),
      ],
    }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** Rewrites the declared uncompressed size of one entry, in its local header and its central directory record. */
function declareUncompressedSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const nameAt = (nameLengthOffset: number, nameOffset: number) =>
    new TextDecoder().decode(out.subarray(nameOffset, nameOffset + view.getUint16(nameLengthOffset, true)));
  for (let i = 0; i + 46 <= out.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x04034b50 && nameAt(i + 26, i + 30) === name) view.setUint32(i + 22, size, true);
    if (sig === 0x02014b50 && nameAt(i + 28, i + 46) === name) view.setUint32(i + 24, size, true);
  }
  return out;
}

const CONTENT_TYPES = utf8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');

describe('DOCX', () => {
  it('keeps headings (with bookmark anchors), paragraphs, lists and tables, and the core title', async () => {
    const doc = await parseDocument(await makeDocx(), { filename: 'shipping.docx' });
    expect(doc).toMatchObject({ format: 'docx', title: 'Shipping Guide', warnings: [] });
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Shipping', loc: { anchor: 'shipping' } },
      { kind: 'paragraph', text: 'We ship to every EU country.', loc: { anchor: 'shipping' } },
      { kind: 'list', ordered: false, items: ['Tracked', 'Insured'], loc: { anchor: 'shipping' } },
      // No bookmark of its own: cited by its parent section's anchor.
      { kind: 'heading', level: 2, text: 'Delivery times', loc: { anchor: 'shipping' } },
      { kind: 'table', header: ['Zone', 'Days'], rows: [['EU', '3']], loc: { anchor: 'shipping' } },
    ]);
  });

  it('refuses a zip bomb (one huge, highly compressed part) with zip_bomb', async () => {
    const bomb = zipSync(
      { '[Content_Types].xml': CONTENT_TYPES, 'word/document.xml': new Uint8Array(20 * 1024 * 1024) },
      { level: 9 },
    );
    expect(bomb.length).toBeLessThan(100_000);
    await expect(parseDocument(bomb, { filename: 'innocent.docx' })).rejects.toMatchObject({
      code: 'zip_bomb',
      message: expect.stringMatching(/Word document was refused.*word\/document\.xml.*20 MB.*save a fresh copy/s),
    });
  });

  it('refuses a zip whose central directory declares a huge total size, without inflating it', async () => {
    const small = zipSync({ '[Content_Types].xml': CONTENT_TYPES, 'word/document.xml': utf8('<w:document/>') }, { level: 9 });
    const lying = declareUncompressedSize(small, 'word/document.xml', 0xfffffff0); // ~4 GB
    await expect(parseDocument(lying, { filename: 'big.docx', limits: { maxZipRatio: Number.MAX_SAFE_INTEGER } })).rejects.toMatchObject({
      code: 'zip_bomb',
      message: expect.stringMatching(/unpacks to 4\.0 GB, more than the 200 MB we accept.*Split it/s),
    });
  });

  it('refuses a zip whose parts inflate to more than they declare', async () => {
    const real = zipSync({ '[Content_Types].xml': CONTENT_TYPES, 'word/document.xml': new Uint8Array(2 * 1024 * 1024) }, { level: 9 });
    const understated = declareUncompressedSize(real, 'word/document.xml', 1000);
    await expect(parseDocument(understated, { filename: 'sneaky.docx' })).rejects.toMatchObject({
      code: 'zip_bomb',
      message: expect.stringMatching(/unpacks to more data than the file says/),
    });
  });

  it('refuses a damaged .docx (truncated zip) with corrupt_file', async () => {
    const bytes = await makeDocx();
    await expect(parseDocument(bytes.subarray(0, bytes.length - 200), { filename: 'cut.docx' })).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/Word document is damaged.*save it again/s),
    });
  });

  it('refuses a .docx whose document part is not Word XML with corrupt_file', async () => {
    const bytes = zipSync({ '[Content_Types].xml': CONTENT_TYPES, 'word/document.xml': utf8('this is not xml <<<') });
    await expect(parseDocument(bytes, { filename: 'odd.docx' })).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/Word document could not be read.*save it again as \.docx/s),
    });
  });
});
