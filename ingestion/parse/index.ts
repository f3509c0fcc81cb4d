// Document parsers: uploaded bytes → structural blocks (headings, paragraphs, lists, tables, FAQ pairs, code) for the
// chunker. Order is fixed: size limit, then the real type from the bytes (never trusting the name), then one parser
// per format. Everything here is pure (no database, logger or clock); failures are ParseErrors with a closed code set
// and a message written for the knowledge manager who uploaded the file.
import { parseCsv } from './csv.ts';
import { parseDocx } from './docx.ts';
import { parseHtml } from './html.ts';
import { parseJson } from './json.ts';
import { parseMarkdown } from './markdown.ts';
import { parsePdf } from './pdf.ts';
import { sniffDetail } from './sniff.ts';
import { parseText } from './text.ts';
import { DEFAULT_LIMITS, ParseError } from './types.ts';
import type { ParseLimits, ParsedDocument } from './types.ts';
import { parseXlsx } from './xlsx.ts';

export { decodeText } from './decode.ts';
export type { DecodedText } from './decode.ts';
export { parseHtml } from './html.ts';
export type { ParseHtmlOptions } from './html.ts';
export { sniffFormat, SUPPORTED_FORMATS } from './sniff.ts';
export type { SniffOptions, SniffResult } from './sniff.ts';
export { DEFAULT_LIMITS, ParseError } from './types.ts';
export type {
  Block, ParseErrorCode, ParseLimits, ParsedDocument, SourceFormat, SourceLocation,
} from './types.ts';

export type ParseOptions = { filename?: string; declaredMime?: string; limits?: Partial<ParseLimits> };

export async function parseDocument(bytes: Uint8Array, opts: ParseOptions = {}): Promise<ParsedDocument> {
  const limits = resolveLimits(opts.limits);
  if (bytes.byteLength > limits.maxBytes) {
    throw new ParseError(
      'file_too_large',
      `This file is ${formatMb(bytes.byteLength)}; the limit is ${formatMb(limits.maxBytes)}. ` +
        'Split it into smaller files (for example by chapter or by sheet) and upload them separately.',
    );
  }

  const sniffed = await sniffDetail(bytes, { filename: opts.filename, declaredMime: opts.declaredMime });
  const text = sniffed.text ?? '';
  let doc: ParsedDocument;
  switch (sniffed.format) {
    case 'pdf': doc = await parsePdf(bytes, limits); break;
    case 'docx': doc = await parseDocx(bytes, limits); break;
    case 'xlsx': doc = await parseXlsx(bytes, limits); break;
    case 'html': doc = parseHtml(text); break;
    case 'markdown': doc = parseMarkdown(text); break;
    case 'text': doc = parseText(text); break;
    case 'csv': doc = parseCsv(text, { filename: opts.filename }); break;
    case 'json': doc = parseJson(text); break;
  }
  return { ...doc, warnings: [...sniffed.warnings, ...doc.warnings] };
}

function resolveLimits(overrides: Partial<ParseLimits> = {}): ParseLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(limits) as (keyof ParseLimits)[]) {
    const value = overrides[key];
    if (typeof value === 'number' && value > 0) limits[key] = value; // an explicit `undefined` keeps the default
  }
  return limits;
}

function formatMb(bytes: number): string {
  // Rounded up, so a file just over the limit never reads as equal to it.
  const mb = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return `${mb.toFixed(1).replace(/\.0$/, '')} MB`;
}
