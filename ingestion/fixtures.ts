// Test fixtures built in code (no binary files in the repo): PDF, DOCX and XLSX documents with known structure, a
// DOCX zip bomb, and the other bad inputs the ingestion tests need. Used by tests and the benchmark only.
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export async function pdfFixture(pages: string[][], title?: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  if (title) pdf.setTitle(title);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 20, size: 12, font }));
  }
  return pdf.save();
}

export async function docxFixture(sections: { heading: string; paragraphs: string[] }[]): Promise<Uint8Array> {
  const doc = new Document({
    sections: [
      {
        children: sections.flatMap((s) => [new Paragraph({ text: s.heading, heading: HeadingLevel.HEADING_1 }), ...s.paragraphs.map((p) => new Paragraph({ text: p }))]),
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

export async function xlsxFixture(sheets: Record<string, string[][]>): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A DOCX-shaped zip whose document.xml inflates to `megabytes` MB of zeros from a few hundred KB. */
export function docxZipBomb(megabytes = 300): Uint8Array {
  const big = new Uint8Array(megabytes * 1024 * 1024);
  return zipSync(
    {
      '[Content_Types].xml': new TextEncoder().encode('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
      'word/document.xml': [big, { level: 9 }],
    },
    { level: 9 },
  );
}

export const PNG_BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0]);
