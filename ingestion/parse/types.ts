// The contract between parsers and the chunker: every source format becomes a list of structural blocks, each with
// the source location a citation can point at (page, anchor, sheet and row). Parsers never return markup: text in a
// block is plain text, so nothing a document contains can run in a page that shows it.

export type SourceLocation = {
  /** 1-based PDF page. */
  page?: number;
  /** HTML id / DOCX bookmark / Markdown heading slug, for a `#anchor` link. */
  anchor?: string;
  /** Spreadsheet sheet name and 1-based row; CSV uses row only. */
  sheet?: string;
  row?: number;
};

export type Block =
  | { kind: 'heading'; level: number; text: string; loc?: SourceLocation }
  | { kind: 'paragraph'; text: string; loc?: SourceLocation }
  | { kind: 'list'; ordered: boolean; items: string[]; loc?: SourceLocation }
  | { kind: 'table'; header: string[]; rows: string[][]; loc?: SourceLocation }
  | { kind: 'faq'; question: string; answer: string; loc?: SourceLocation }
  | { kind: 'code'; text: string; loc?: SourceLocation };

export type SourceFormat = 'pdf' | 'docx' | 'html' | 'markdown' | 'text' | 'csv' | 'xlsx' | 'json';

export type ParsedDocument = {
  format: SourceFormat;
  /** A title found in the file itself (PDF metadata, <title>, first H1, DOCX core title), when there is one. */
  title?: string;
  blocks: Block[];
  /** PDF page count; omitted for formats without pages. */
  pages?: number;
  /** Things the knowledge manager should know that did not stop the import (e.g. "decoded from windows-1252"). */
  warnings: string[];
};

/** Why a file cannot be imported. Each code has a message written for the knowledge manager. */
export type ParseErrorCode =
  | 'empty_file'
  | 'file_too_large'
  | 'unsupported_type'
  | 'corrupt_file'
  | 'encrypted_file'
  | 'zip_bomb'
  | 'bad_encoding';

export class ParseError extends Error {
  override name = 'ParseError';
  readonly code: ParseErrorCode;
  constructor(code: ParseErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.code = code;
  }
}

export type ParseLimits = {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Largest total uncompressed size of a DOCX/XLSX zip, in bytes. */
  maxUnzippedBytes: number;
  /** Largest uncompressed/compressed ratio of any zip entry. */
  maxZipRatio: number;
  /** Most PDF pages read. */
  maxPages: number;
};

export const DEFAULT_LIMITS: ParseLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxUnzippedBytes: 200 * 1024 * 1024,
  maxZipRatio: 100,
  maxPages: 2000,
};
