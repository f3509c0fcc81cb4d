// XLSX → per sheet, a heading (the sheet name) then faq rows or tables, located by sheet and row.
// Library: `exceljs` (4.4). Not the npm `xlsx` package: its registry release (0.18.5) has unfixed prototype-pollution
// and ReDoS advisories. The zip is checked for bombs (zip.ts) before exceljs inflates it.
import ExcelJS from 'exceljs';
import type { CellValue } from 'exceljs';
import { isEmptyRow, rowsToBlocks } from './tabular.ts';
import type { SheetRow } from './tabular.ts';
import { ParseError } from './types.ts';
import type { Block, ParseLimits, ParsedDocument } from './types.ts';
import { assertNotZipBomb, listZipEntries, verifyZip } from './zip.ts';

export async function parseXlsx(bytes: Uint8Array, limits: ParseLimits): Promise<ParsedDocument> {
  assertNotZipBomb(await listZipEntries(bytes, 'Excel workbook'), limits, 'Excel workbook');
  await verifyZip(bytes, 'Excel workbook');

  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs's Buffer type predates generic Buffer<ArrayBufferLike>; the runtime takes any Buffer.
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw new ParseError(
      'corrupt_file',
      'This Excel workbook could not be read: its contents are damaged or not in the format Excel uses. ' +
        'Open it in Excel (or LibreOffice), save it again as .xlsx, and upload the new copy.',
      { cause: err },
    );
  }

  const blocks: Block[] = [];
  const warnings: string[] = [];
  const hidden: string[] = [];
  for (const sheet of workbook.worksheets) {
    if (sheet.state === 'hidden' || sheet.state === 'veryHidden') {
      hidden.push(sheet.name);
      continue;
    }
    const rows: SheetRow[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values = Array.isArray(row.values) ? row.values : [];
      const cells: string[] = [];
      for (let c = 1; c < values.length; c++) cells.push(cellText(values[c] as CellValue));
      if (!isEmptyRow(cells)) rows.push({ row: rowNumber, cells });
    });
    if (rows.length === 0) continue;
    const sheetBlocks = rowsToBlocks(rows, { sheet: sheet.name });
    blocks.push({ kind: 'heading', level: 2, text: sheet.name, loc: { sheet: sheet.name } }, ...sheetBlocks.blocks);
    warnings.push(...sheetBlocks.warnings);
  }
  if (hidden.length > 0) {
    warnings.push(`Hidden sheets were skipped: ${hidden.join(', ')}. Unhide them in Excel and upload again if they hold answers.`);
  }
  const title = workbook.title?.trim();
  return { format: 'xlsx', ...(title ? { title } : {}), blocks, warnings };
}

/** A cell as the text a person sees: rich text joined, formula results, ISO dates, hyperlink text. */
export function cellText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoDate(value);
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('error' in value) return ''; // #N/A, #REF!: nothing a customer should read
  if ('hyperlink' in value) return cellText(value.text as CellValue);
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: CellValue }).result);
  if ('text' in value) return cellText((value as { text: CellValue }).text);
  return '';
}

// Spreadsheet dates are stored as UTC midnight; a time part only when there is one.
function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.slice(11, d.getUTCSeconds() ? 19 : 16)}`;
}
