// Turning a source into a stored document: files (upload, CLI), dataset rows (.kb.jsonl) and fetched pages. Checks
// that need no parsing happen here, before anything is stored — size, emptiness, the real file type, text encoding —
// so a bad file is refused with a clear error and nothing else changes. Parsing itself runs in the ingestion job.
import { AppError, type ErrorCode } from '../core/errors.ts';
import { addDocument, detectLanguage, type Actor, type AddDocumentResult } from '../kb/index.ts';
import type { IngestionDeps } from './index.ts';
import { decodeText, sniffFormat } from './parse/index.ts';
import { DEFAULT_LIMITS, ParseError, type ParseErrorCode, type SourceFormat } from './parse/types.ts';

const HTTP_CODE: Record<ParseErrorCode, ErrorCode> = {
  empty_file: 'invalid_request',
  file_too_large: 'payload_too_large',
  unsupported_type: 'unsupported_media_type',
  corrupt_file: 'unprocessable',
  encrypted_file: 'unprocessable',
  zip_bomb: 'unprocessable',
  bad_encoding: 'unprocessable',
};

/** A ParseError as the API reports it: the HTTP-facing code plus the parser's own reason. */
export function toAppError(err: ParseError, filename?: string): AppError {
  return new AppError(HTTP_CODE[err.code], filename ? `${filename}: ${err.message}` : err.message, { details: { reason: err.code, file: filename ?? null } });
}

const BINARY: ReadonlySet<SourceFormat> = new Set(['pdf', 'docx', 'xlsx']);

export type FileSource = {
  filename: string;
  bytes: Uint8Array;
  declaredMime?: string;
  title?: string;
  collection?: string;
  collectionId?: string;
  tags?: string[];
  language?: string;
  source: 'upload' | 'cli' | 'url' | 'crawl';
  /** Identity for re-imports; default: the file name within its collection. */
  sourceKey?: string;
  sourceRef?: string;
};

export type PreparedFile = { format: SourceFormat; mime: string; warnings: string[]; body?: string; raw?: Uint8Array };

/** Size, emptiness, real type and encoding checks. Throws ParseError with a message for the knowledge manager. */
export async function prepareFile(bytes: Uint8Array, filename: string, declaredMime: string | undefined, maxBytes: number): Promise<PreparedFile> {
  if (bytes.byteLength > maxBytes) {
    throw new ParseError('file_too_large', `The file is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB limit. Split it into smaller files and upload them separately.`);
  }
  const sniffed = await sniffFormat(bytes, { filename, declaredMime });
  if (BINARY.has(sniffed.format)) return { ...sniffed, raw: bytes };
  const decoded = decodeText(bytes);
  const text = decoded.text; // HTML is sanitized by addDocument, on every path that stores it
  if (!text.trim()) throw new ParseError('empty_file', 'The file has no text. Check that it is the document you meant to upload.');
  return { ...sniffed, warnings: [...sniffed.warnings, ...decoded.warnings], body: text };
}

const titleFrom = (filename: string) => filename.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') || filename;

/** Stores one file as a document (or a new version of the same file name), queued for indexing. */
export async function importFile(deps: IngestionDeps, who: Actor, f: FileSource): Promise<AddDocumentResult & { warnings: string[] }> {
  let prepared: PreparedFile;
  try {
    prepared = await prepareFile(f.bytes, f.filename, f.declaredMime, deps.parseLimits?.maxBytes ?? DEFAULT_LIMITS.maxBytes);
  } catch (err) {
    if (err instanceof ParseError) throw toAppError(err, f.filename);
    throw err;
  }
  const base = f.filename.replace(/^.*[\\/]/, '');
  const result = await addDocument(deps, who, {
    title: f.title ?? titleFrom(f.filename),
    collection: f.collection,
    collectionId: f.collectionId,
    source: f.source,
    sourceKey: f.sourceKey ?? `file:${f.collectionId ?? f.collection ?? 'General'}/${base}`,
    sourceRef: f.sourceRef ?? base,
    mime: prepared.mime,
    format: prepared.format,
    body: prepared.body,
    raw: prepared.raw,
    filename: base,
    language: f.language ?? (prepared.body ? (detectLanguage(prepared.body.slice(0, 4000)) ?? undefined) : undefined),
    tags: f.tags,
  });
  return { ...result, warnings: prepared.warnings };
}

/** One line of a `.kb.jsonl` dataset: {"id","title","text","url"?,"meta"?}. */
export type DatasetRow = { id: string; title: string; text: string; url?: string };

export async function importDatasetRow(deps: IngestionDeps, who: Actor, row: DatasetRow, opts: { collection?: string; tags?: string[]; dataset: string }): Promise<AddDocumentResult> {
  if (!row.text.trim()) throw new AppError('invalid_request', `Row ${row.id} has no text.`);
  return addDocument(deps, who, {
    title: row.title.slice(0, 300) || row.id,
    collection: opts.collection,
    source: 'dataset',
    sourceKey: `dataset:${opts.dataset}:${row.id}`,
    sourceRef: row.url ?? row.id,
    mime: 'text/plain',
    format: 'text',
    body: row.text,
    filename: `${row.id.replace(/[^\w.-]+/g, '_').slice(0, 100)}.txt`,
    language: detectLanguage(row.text.slice(0, 4000)) ?? undefined,
    tags: opts.tags,
  });
}
