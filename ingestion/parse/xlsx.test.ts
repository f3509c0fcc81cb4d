import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseDocument } from './index.ts';

async function workbookBytes(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

describe('XLSX', () => {
  it('reads each non-empty sheet as a heading plus faq rows or tables, with sheet and row', async () => {
    const bytes = await workbookBytes((wb) => {
      wb.title = 'Support answers';
      const faq = wb.addWorksheet('FAQ');
      faq.addRow(['Question', 'Answer', 'Owner']);
      faq.addRow(['How do I reset my password?', { richText: [{ text: 'Click ' }, { text: 'Forgot password', font: { bold: true } }] }, 'Ann']);
      faq.addRow([]);
      faq.addRow(['How many seats are included?', { formula: '2*5', result: 10 }]);
      const prices = wb.addWorksheet('Prices');
      prices.addRow(['Plan', 'Since', 'Docs', 'Monthly']);
      prices.addRow(['Basic', new Date(Date.UTC(2024, 0, 15)), { text: 'Pricing page', hyperlink: 'https://example.com/pricing' }, 0.1 + 0.2]);
      wb.addWorksheet('Empty');
      const hidden = wb.addWorksheet('Lookup');
      hidden.state = 'hidden';
      hidden.addRow(['internal']);
    });
    const doc = await parseDocument(bytes, { filename: 'answers.xlsx' });
    expect(doc).toMatchObject({ format: 'xlsx', title: 'Support answers' });
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 2, text: 'FAQ', loc: { sheet: 'FAQ' } },
      { kind: 'faq', question: 'How do I reset my password?', answer: 'Click Forgot password', loc: { sheet: 'FAQ', row: 2 } },
      { kind: 'faq', question: 'How many seats are included?', answer: '10', loc: { sheet: 'FAQ', row: 4 } },
      { kind: 'heading', level: 2, text: 'Prices', loc: { sheet: 'Prices' } },
      {
        kind: 'table',
        header: ['Plan', 'Since', 'Docs', 'Monthly'],
        rows: [['Basic', '2024-01-15', 'Pricing page', '0.3']],
        loc: { sheet: 'Prices', row: 2 },
      },
    ]);
    expect(doc.warnings).toEqual([expect.stringMatching(/Hidden sheets were skipped: Lookup/)]);
  });

  it('refuses an XLSX zip bomb before exceljs unpacks it', async () => {
    const bomb = zipSync(
      { '[Content_Types].xml': new TextEncoder().encode('<Types/>'), 'xl/workbook.xml': new Uint8Array(8 * 1024 * 1024) },
      { level: 9 },
    );
    await expect(parseDocument(bomb, { filename: 'prices.xlsx' })).rejects.toMatchObject({
      code: 'zip_bomb',
      message: expect.stringMatching(/Excel workbook was refused.*xl\/workbook\.xml/s),
    });
  });

  it('refuses a workbook whose parts are not spreadsheet XML with corrupt_file', async () => {
    const bytes = zipSync({ '[Content_Types].xml': new TextEncoder().encode('<Types/>'), 'xl/workbook.xml': new TextEncoder().encode('garbage') });
    await expect(parseDocument(bytes, { filename: 'prices.xlsx' })).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/Excel workbook could not be read.*save it again as \.xlsx/s),
    });
  });
});
