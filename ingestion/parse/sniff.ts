// What a file really is, from its bytes: the name and the browser's MIME type are only hints, and are wrong often
// enough (a PDF saved as ".docx", a CSV sent as text/plain). Library: `file-type` for magic numbers; `yauzl` (zip.ts)
// to look inside zips, since DOCX and XLSX are both zips told apart by their parts; text formats by content.
import { fileTypeFromBuffer } from 'file-type';
import { looksLikeCsv } from './csv.ts';
import { decodeText } from './decode.ts';
import { ParseError } from './types.ts';
import type { SourceFormat } from './types.ts';
import { listZipEntries } from './zip.ts';
import type { ZipKind } from './zip.ts';

export type SniffOptions = { filename?: string; declaredMime?: string };
export type SniffResult = { format: SourceFormat; mime: string; warnings: string[] };
/** Internal: the decoded text of text formats rides along so it is decoded once. */
export type SniffDetail = SniffResult & { text?: string };

export const SUPPORTED_FORMATS = 'PDF, Word (.docx), Excel (.xlsx), CSV, HTML, Markdown, plain text (.txt) and JSON';

export const FORMAT_MIME: Record<SourceFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html',
  markdown: 'text/markdown',
  text: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
};

const FORMAT_LABEL: Record<SourceFormat, string> = {
  pdf: 'a PDF',
  docx: 'a Word document (.docx)',
  xlsx: 'an Excel workbook (.xlsx)',
  html: 'an HTML page',
  markdown: 'Markdown text',
  text: 'plain text',
  csv: 'CSV data',
  json: 'JSON data',
};

const BY_EXTENSION: Record<string, SourceFormat> = {
  pdf: 'pdf', docx: 'docx', docm: 'docx', xlsx: 'xlsx', xlsm: 'xlsx',
  html: 'html', htm: 'html', xhtml: 'html', md: 'markdown', markdown: 'markdown', mdown: 'markdown', mkd: 'markdown',
  txt: 'text', text: 'text', csv: 'csv', tsv: 'csv', json: 'json',
};

const BY_MIME: Record<string, SourceFormat> = {
  'application/pdf': 'pdf',
  [FORMAT_MIME.docx]: 'docx',
  [FORMAT_MIME.xlsx]: 'xlsx',
  'text/html': 'html', 'application/xhtml+xml': 'html',
  'text/markdown': 'markdown', 'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/csv': 'csv', 'application/csv': 'csv', 'text/tab-separated-values': 'csv',
  'application/json': 'json', 'text/json': 'json',
};

const TEXT_FORMATS: ReadonlySet<SourceFormat> = new Set(['html', 'markdown', 'text', 'csv', 'json']);

export async function sniffFormat(bytes: Uint8Array, opts: SniffOptions = {}): Promise<SniffResult> {
  const { format, mime, warnings } = await sniffDetail(bytes, opts);
  return { format, mime, warnings };
}

export async function sniffDetail(bytes: Uint8Array, opts: SniffOptions = {}): Promise<SniffDetail> {
  if (isBlank(bytes)) throw emptyFile();
  const claim = claimOf(opts);
  const found = (format: SourceFormat, extra: Partial<SniffDetail> = {}): SniffDetail => ({
    format,
    mime: FORMAT_MIME[format],
    warnings: claim && claim.format !== format ? [mismatchWarning(claim, format)] : [],
    ...extra,
  });

  if (isZip(bytes)) {
    const kind: ZipKind = claim?.format === 'xlsx' ? 'Excel workbook' : claim?.format === 'docx' ? 'Word document' : 'ZIP file';
    const names = new Set((await listZipEntries(bytes, kind)).map((e) => e.name));
    if (names.has('word/document.xml')) return found('docx');
    if (names.has('xl/workbook.xml')) return found('xlsx');
    const ft = await fileTypeFromBuffer(bytes);
    throw unsupported(describe(ft?.ext === 'docx' || ft?.ext === 'xlsx' ? 'zip' : (ft?.ext ?? 'zip'), ft?.mime), claim);
  }

  if (hasPdfHeader(bytes, claim?.format === 'pdf')) return found('pdf');
  const ft = await fileTypeFromBuffer(bytes);
  if (ft?.ext === 'pdf' || ft?.ext === 'ai') return found('pdf'); // Illustrator files are PDFs inside
  if (ft?.ext === 'cfb' && (claim?.format === 'docx' || claim?.format === 'xlsx')) {
    // Office saves a password-protected .docx/.xlsx as an encrypted compound file, not as a zip.
    const app = claim.format === 'docx' ? 'Word' : 'Excel';
    throw new ParseError(
      'encrypted_file',
      `This ${app} file is password-protected, so it cannot be read. In ${app}, remove the password ` +
        '(File → Info → Protect → Encrypt with Password, then clear it), save, and upload it again.',
    );
  }
  // Short magic numbers match ordinary text too ("ID3 tags…" is an MP3 signature): a file that is clean UTF-8 text is
  // text, unless it is a text-based format we cannot read (RTF).
  if (ft && ft.ext !== 'xml' && (ft.ext === 'rtf' || !isCleanUtf8(bytes))) throw unsupported(describe(ft.ext, ft.mime), claim);

  let decoded: ReturnType<typeof decodeText>;
  try {
    decoded = decodeText(bytes);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    if (claim && TEXT_FORMATS.has(claim.format)) throw err; // meant to be text: say how to fix the encoding
    if (claim) {
      throw new ParseError(
        'corrupt_file',
        `This file is named as ${FORMAT_LABEL[claim.format]} (${claim.label}) but its contents are not ${FORMAT_LABEL[claim.format]} ` +
          'or any other format we recognise: it is probably damaged. Export or save it again from the program that made it and upload the new copy.',
        { cause: err },
      );
    }
    throw unsupported('a binary file of a type we do not recognise', claim);
  }
  const text = decoded.text;
  if (!text.trim()) throw emptyFile();
  const format = textFormat(text, claim?.format, opts.declaredMime);
  if (ft?.ext === 'xml' && format !== 'html') throw unsupported(describe('xml', ft.mime), claim);
  const result = found(format, { text });
  result.warnings.push(...decoded.warnings);
  return result;
}

function textFormat(text: string, claimed: SourceFormat | undefined, declaredMime: string | undefined): SourceFormat {
  const head = text.slice(0, 4096);
  if (/^\s*(?:<!--[\s\S]*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html[\s>])/i.test(head)) return 'html';
  if (claimed && TEXT_FORMATS.has(claimed)) return claimed;
  // No usable claim (no or unknown extension, no or generic MIME type): decide by content.
  const trimmed = text.trim();
  if (/^[[{]/.test(trimmed)) {
    try {
      JSON.parse(trimmed);
      return 'json';
    } catch {
      // not JSON; carry on
    }
  }
  const tags = head.match(/<\/?(?:html|head|body|div|p|h[1-6]|table|tr|td|ul|ol|li|article|section|span|a|br)\b[^>]*>/gi) ?? [];
  if (tags.length >= 3 && tags.some((t) => t.startsWith('</'))) return 'html';
  if (looksLikeMarkdown(head)) return 'markdown';
  if (!declaredMime?.toLowerCase().startsWith('text/plain') && looksLikeCsv(text)) return 'csv';
  return 'text';
}

function looksLikeMarkdown(text: string): boolean {
  const markers = [
    /^#{1,6}\s+\S/m, // ATX heading
    /^```/m, // fenced code
    /\[[^\]\n]+\]\([^)\s]+\)/, // [link](url)
    /\*\*[^*\n]+\*\*/, // **bold**
    /^\s*\|?.*\|.*\n\s*\|?\s*:?-{3,}/m, // table separator row
    /^\s*[-*+]\s+\S/m, // bullet
    /^>\s+\S/m, // quote
  ];
  const hits = markers.filter((m) => m.test(text)).length;
  return hits >= 2 || (hits === 1 && markers[0]!.test(text));
}

type Claim = { format: SourceFormat; label: string };

/** What the upload says it is: the file extension first, then the declared MIME type (browsers often send generic ones). */
function claimOf(opts: SniffOptions): Claim | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(opts.filename ?? '')?.[1]?.toLowerCase();
  const byExt = ext ? BY_EXTENSION[ext] : undefined;
  if (byExt) return { format: byExt, label: `“${opts.filename}”` };
  const mime = opts.declaredMime?.split(';')[0]?.trim().toLowerCase();
  const byMime = mime ? BY_MIME[mime] : undefined;
  return byMime ? { format: byMime, label: `sent as ${mime}` } : undefined;
}

function mismatchWarning(claim: Claim, real: SourceFormat): string {
  const said = claim.label.startsWith('sent as') ? `It was ${claim.label}` : `The file is named ${claim.label}`;
  return `${said} but is really ${FORMAT_LABEL[real]}; it was read as ${FORMAT_LABEL[real]}. Rename it to match if other tools get it wrong.`;
}

function unsupported(what: string, claim: Claim | undefined): ParseError {
  const named = claim ? ` (${claim.label.startsWith('sent as') ? claim.label : `named ${claim.label}`})` : '';
  return new ParseError(
    'unsupported_type',
    `This file is ${what}${named}, which cannot be imported. Supported formats: ${SUPPORTED_FORMATS}. ${hintFor(what)}`.trim(),
  );
}

function describe(ext: string, mime: string | undefined): string {
  const images = ['png', 'jpg', 'gif', 'webp', 'bmp', 'tif', 'heic', 'avif', 'ico', 'jxl', 'psd', 'jp2'];
  if (images.includes(ext)) return `a ${ext === 'jpg' ? 'JPEG' : ext.toUpperCase()} image`;
  const known: Record<string, string> = {
    zip: 'a ZIP archive that is not a Word or Excel file',
    '7z': 'a 7-Zip archive', rar: 'a RAR archive', gz: 'a gzip archive', tar: 'a TAR archive', bz2: 'a bzip2 archive', xz: 'an XZ archive',
    exe: 'a Windows program (.exe)', elf: 'a Linux program (ELF executable)', macho: 'a macOS program', dmg: 'a macOS disk image',
    cfb: 'an older Microsoft Office file (.doc, .xls or .ppt)',
    pptx: 'a PowerPoint presentation (.pptx)', odt: 'an OpenDocument text file (.odt)', ods: 'an OpenDocument spreadsheet (.ods)',
    odp: 'an OpenDocument presentation (.odp)', epub: 'an e-book (EPUB)', rtf: 'an RTF document', xml: 'an XML file',
    sqlite: 'a SQLite database', mp3: 'an MP3 audio file', wav: 'a WAV audio file', mp4: 'an MP4 video', mov: 'a QuickTime video',
    webm: 'a WebM video', ttf: 'a font file', otf: 'a font file', woff: 'a web font', woff2: 'a web font',
  };
  return known[ext] ?? `a .${ext} file${mime ? ` (${mime})` : ''}`;
}

function hintFor(what: string): string {
  if (what.endsWith('image')) return 'Text in pictures is not read: put the text itself in a document and upload that.';
  if (what.includes('older Microsoft Office')) return 'Open it in Office and save it as .docx or .xlsx (File → Save As), then upload that.';
  if (what.includes('PowerPoint') || what.includes('OpenDocument') || what.includes('RTF') || what.includes('e-book')) {
    return 'Export or save it as PDF or .docx, then upload that.';
  }
  if (what.includes('archive')) return 'Unpack it and upload the documents inside one by one.';
  return '';
}

function emptyFile(): ParseError {
  return new ParseError('empty_file', 'This file is empty (it has no text). Check that you picked the right file, or save it again with its content, and upload it again.');
}

// Empty, or only whitespace (possibly behind a UTF-8 or UTF-16 byte-order mark).
function isBlank(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) i = 2;
  for (; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x20 || (b >= 0x09 && b <= 0x0d) || (utf16 && b === 0)) continue;
    return false;
  }
  return true;
}

function isCleanUtf8(bytes: Uint8Array): boolean {
  try {
    const decoded = decodeText(bytes);
    return decoded.encoding.startsWith('utf-') && decoded.warnings.length === 0;
  } catch {
    return false;
  }
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5 || bytes[2] === 7) && bytes[3] === bytes[2]! + 1;
}

// Readers accept junk before "%PDF-" in the first 1024 bytes; trust that only for a file that says it is a PDF, so a
// text file that merely mentions "%PDF-" stays text.
function hasPdfHeader(bytes: Uint8Array, claimedPdf: boolean): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  const at = head.indexOf('%PDF-');
  return at === 0 || (at > 0 && claimedPdf);
}
