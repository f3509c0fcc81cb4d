// CSV / TSV → faq rows (question and answer columns) or tables. Library: `csv-parse` (v7, sync API) — quoted fields,
// embedded newlines and stray quotes handled the way spreadsheet programs write them. The delimiter is detected here
// (Excel in many European locales writes ';'), and text decoding has already happened (decode.ts).
import { parse } from 'csv-parse/sync';
import { isEmptyRow, rowsToBlocks } from './tabular.ts';
import type { SheetRow } from './tabular.ts';
import { ParseError } from './types.ts';
import type { ParsedDocument } from './types.ts';

const DELIMITERS = [',', ';', '\t', '|'] as const;

export function parseCsv(text: string, opts: { filename?: string } = {}): ParsedDocument {
  const delimiter = /\.tsv$/i.test(opts.filename ?? '') ? '\t' : detectDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false, // keep blank lines so record i is row i+1, as a spreadsheet program shows it
    }) as string[][];
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ParseError(
      'corrupt_file',
      `This CSV file could not be read: ${detail}. Open it in a spreadsheet program, check that row, save it again as ` +
        '“CSV UTF-8” and upload it again.',
      { cause: err },
    );
  }
  const rows: SheetRow[] = records.map((cells, i) => ({ row: i + 1, cells })).filter((r) => !isEmptyRow(r.cells));
  const { blocks, warnings } = rowsToBlocks(rows);
  return { format: 'csv', blocks, warnings };
}

/**
 * The delimiter that splits the first lines into the most consistent number of columns. Quoted text is skipped, so a
 * comma inside "…" does not count. Falls back to ','.
 */
export function detectDelimiter(text: string): string {
  const lines = text
    .replace(/"(?:[^"]|"")*"/g, '""')
    .split(/\r\n?|\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 20);
  let best: { delimiter: string; score: number } = { delimiter: ',', score: 0 };
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((l) => l.split(delimiter).length - 1);
    const mode = modeOf(counts.filter((c) => c > 0));
    if (mode === undefined) continue;
    const consistent = counts.filter((c) => c === mode).length;
    // Consistency first (share of lines with the modal count), then more columns.
    const score = (consistent / lines.length) * 1000 + Math.min(mode, 100);
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

function modeOf(values: number[]): number | undefined {
  const freq = new Map<number, number>();
  for (const v of values) freq.set(v, (freq.get(v) ?? 0) + 1);
  let mode: number | undefined;
  let top = 0;
  for (const [v, n] of freq) if (n > top || (n === top && v > (mode ?? 0))) [mode, top] = [v, n];
  return mode;
}

/** Whether text has the shape of delimited rows: several lines splitting into the same number (≥ 2) of columns. */
export function looksLikeCsv(text: string): boolean {
  const lines = text.split(/\r\n?|\n/).filter((l) => l.trim() !== '').slice(0, 20);
  if (lines.length < 2) return false;
  const delimiter = detectDelimiter(text);
  const stripped = lines.map((l) => l.replace(/"(?:[^"]|"")*"/g, '""'));
  const counts = stripped.map((l) => l.split(delimiter).length - 1);
  return counts[0]! > 0 && counts.filter((c) => c === counts[0]).length / counts.length >= 0.8;
}
