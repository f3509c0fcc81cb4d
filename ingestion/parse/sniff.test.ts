import { zipSync } from 'fflate';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, parseDocument, sniffFormat } from './index.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

async function tinyPdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([300, 200]).drawText(text, { x: 20, y: 150, size: 12, font });
  return doc.save();
}

// The 8-byte PNG signature and a real IHDR chunk: what file-type needs to call it a PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
// An ELF header (Linux executable), padded.
const ELF = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(120).fill(0)]);

describe('sniffFormat', () => {
  it('detects text formats by content when there is no name', async () => {
    await expect(sniffFormat(utf8('<!DOCTYPE html><html><body><p>Hi</p></body></html>'), {})).resolves.toMatchObject({ format: 'html', mime: 'text/html' });
    await expect(sniffFormat(utf8('[{"question":"a","answer":"b"}]'), {})).resolves.toMatchObject({ format: 'json' });
    await expect(sniffFormat(utf8('# Refunds\n\nSee **the policy** for details.'), {})).resolves.toMatchObject({ format: 'markdown' });
    await expect(sniffFormat(utf8('name,price,qty\nA,1,2\nB,3,4\nC,5,6\n'), {})).resolves.toMatchObject({ format: 'csv' });
    await expect(sniffFormat(utf8('Just a note, with a comma.\nAnd a second line.'), {})).resolves.toMatchObject({ format: 'text' });
  });

  it('trusts the extension among text formats', async () => {
    await expect(sniffFormat(utf8('# Not a heading in a .txt file'), { filename: 'notes.txt' })).resolves.toMatchObject({ format: 'text', warnings: [] });
    await expect(sniffFormat(utf8('question;answer\nA?;B\n'), { filename: 'faq.csv' })).resolves.toMatchObject({ format: 'csv' });
    await expect(sniffFormat(utf8('plain words'), { declaredMime: 'text/markdown; charset=utf-8' })).resolves.toMatchObject({ format: 'markdown' });
  });

  it('tells DOCX from XLSX from the zip entries, not the name', async () => {
    const fakeXlsx = zipSync({ '[Content_Types].xml': utf8('<Types/>'), 'xl/workbook.xml': utf8('<workbook/>') });
    const result = await sniffFormat(fakeXlsx, { filename: 'report.docx' });
    expect(result.format).toBe('xlsx');
    expect(result.warnings[0]).toMatch(/named “report\.docx” but is really an Excel workbook/);
  });

  it('reads a PDF named .docx as a PDF, with a warning', async () => {
    const doc = await parseDocument(await tinyPdf('Refunds take five days.'), { filename: 'policy.docx' });
    expect(doc.format).toBe('pdf');
    expect(doc.blocks).toEqual([{ kind: 'paragraph', text: 'Refunds take five days.', loc: { page: 1 } }]);
    expect(doc.warnings).toEqual([expect.stringMatching(/named “policy\.docx” but is really a PDF; it was read as a PDF/)]);
  });

  it('refuses a PNG named .pdf as unsupported_type, naming the real type and the supported ones', async () => {
    await expect(parseDocument(PNG, { filename: 'scan.pdf' })).rejects.toMatchObject({
      code: 'unsupported_type',
      message: expect.stringMatching(/PNG image.*scan\.pdf.*Supported formats: PDF, Word \(\.docx\), Excel \(\.xlsx\).*Text in pictures is not read/s),
    });
  });

  it('refuses a ZIP that is neither DOCX nor XLSX', async () => {
    const zip = zipSync({ 'photos/readme.txt': utf8('hello') });
    await expect(parseDocument(zip, { filename: 'manual.docx' })).rejects.toMatchObject({
      code: 'unsupported_type',
      message: expect.stringMatching(/ZIP archive that is not a Word or Excel file.*Unpack it/s),
    });
  });

  it('refuses an executable', async () => {
    await expect(parseDocument(ELF, { filename: 'faq.txt' })).rejects.toMatchObject({
      code: 'unsupported_type',
      message: expect.stringMatching(/Linux program/),
    });
  });

  it('does not mistake text for a binary format because of a short magic number', async () => {
    const doc = await parseDocument(utf8('ID3 tags are read by the music app.\nNothing else.'), { filename: 'tags.txt' });
    expect(doc).toMatchObject({ format: 'text', warnings: [] });
    await expect(parseDocument(utf8('{\\rtf1\\ansi Hello}'), { filename: 'letter.txt' })).rejects.toMatchObject({
      code: 'unsupported_type',
      message: expect.stringMatching(/RTF document.*save it as PDF or \.docx/s),
    });
  });

  it('refuses unrecognised binary without a text claim as unsupported_type', async () => {
    const noise = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919 + (i >> 3) * 104729) % 256);
    await expect(parseDocument(noise, {})).rejects.toMatchObject({
      code: 'unsupported_type',
      message: expect.stringMatching(/type we do not recognise.*Supported formats/s),
    });
  });

  it('treats an old-style encrypted Office container named .docx as a password-protected file', async () => {
    // Office writes password-protected .docx files as a compound file (CFB), not a zip.
    const cfb = new Uint8Array(1536);
    cfb.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    cfb.set([0x3e, 0x00, 0x03, 0x00, 0xfe, 0xff, 0x09, 0x00], 24);
    await expect(parseDocument(cfb, { filename: 'contract.docx' })).rejects.toMatchObject({
      code: 'encrypted_file',
      message: expect.stringMatching(/password-protected.*remove the password/s),
    });
  });
});

describe('parseDocument limits', () => {
  it('refuses an empty file', async () => {
    await expect(parseDocument(new Uint8Array(0), { filename: 'faq.pdf' })).rejects.toMatchObject({
      code: 'empty_file',
      message: expect.stringMatching(/empty.*right file/s),
    });
  });

  it('refuses a whitespace-only file as empty', async () => {
    await expect(parseDocument(utf8(' \n\t\r\n  '), { filename: 'faq.md' })).rejects.toMatchObject({ code: 'empty_file' });
    await expect(parseDocument(new Uint8Array([0xef, 0xbb, 0xbf, 0x20, 0x0a]), {})).rejects.toMatchObject({ code: 'empty_file' });
  });

  it('refuses a file over the size limit before looking inside, giving the limit in MB', async () => {
    const big = new Uint8Array(DEFAULT_LIMITS.maxBytes + 1).fill(0x41);
    await expect(parseDocument(big, { filename: 'huge.txt' })).rejects.toMatchObject({
      code: 'file_too_large',
      message: expect.stringMatching(/25\.1 MB; the limit is 25 MB\. Split it into smaller files/),
    });
  });

  it('honours a lower limit from the caller', async () => {
    await expect(parseDocument(utf8('x'.repeat(3 * 1024 * 1024)), { limits: { maxBytes: 2 * 1024 * 1024 } }))
      .rejects.toMatchObject({ code: 'file_too_large', message: expect.stringMatching(/limit is 2 MB/) });
  });
});
