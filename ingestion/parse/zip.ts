// Zip container checks for DOCX and XLSX, run before mammoth or exceljs touch the file.
// Library: `yauzl` reads the central directory without inflating anything, so a zip bomb is refused from its declared
// sizes alone. mammoth (JSZip) and exceljs then inflate whole entries in memory and would believe a lying header, so a
// second pass streams every entry through yauzl, which stops an entry the moment it inflates past its declared size:
// after it, the declared sizes we checked are the real ones.
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { ParseError } from './types.ts';
import type { ParseLimits } from './types.ts';

export type ZipEntryInfo = { name: string; compressedSize: number; uncompressedSize: number };

/** Real OOXML files have tens to a few hundred parts; many thousands means something built to hurt. */
export const MAX_ZIP_ENTRIES = 10_000;
/** Small parts compress extremely well (empty styles, repeated XML): the ratio limit only applies above this size. */
const RATIO_MIN_BYTES = 1024 * 1024;

export type ZipKind = 'Word document' | 'Excel workbook' | 'ZIP file';

/** Lists the entries from the central directory, inflating nothing. Not a zip → `corrupt_file`. */
export async function listZipEntries(bytes: Uint8Array, kind: ZipKind): Promise<ZipEntryInfo[]> {
  const zip = await openZip(bytes, kind);
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) throw tooManyEntries(kind, zip.entryCount);
    const entries: ZipEntryInfo[] = [];
    for await (const entry of zip.eachEntry()) {
      entries.push({ name: entry.fileName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize });
    }
    return entries;
  } catch (err) {
    throw asZipError(err, kind);
  } finally {
    zip.close();
  }
}

/** Refuses a zip whose declared sizes would blow up memory when a library unpacks it. */
export function assertNotZipBomb(entries: ZipEntryInfo[], limits: ParseLimits, kind: ZipKind): void {
  if (entries.length > MAX_ZIP_ENTRIES) throw tooManyEntries(kind, entries.length);
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    const ratio = e.uncompressedSize / Math.max(e.compressedSize, 1);
    if (e.uncompressedSize >= RATIO_MIN_BYTES && ratio > limits.maxZipRatio) {
      throw new ParseError(
        'zip_bomb',
        `This ${kind} was refused: one part of it (${e.name}) unpacks to ${formatBytes(e.uncompressedSize)} from only ` +
          `${formatBytes(e.compressedSize)}, ${Math.round(ratio)} times its packed size (the limit is ${limits.maxZipRatio}). ` +
          'Files like this are damaged or built to overload servers. Open the original in Office, save a fresh copy and upload that.',
      );
    }
  }
  if (total > limits.maxUnzippedBytes) {
    throw new ParseError(
      'zip_bomb',
      `This ${kind} unpacks to ${formatBytes(total)}, more than the ${formatBytes(limits.maxUnzippedBytes)} we accept. ` +
        'Split it into smaller files (or remove large embedded images and objects) and upload them separately.',
    );
  }
}

/**
 * Inflates every entry as a stream, discarding the data, so an entry whose real size exceeds its declared size is
 * caught with at most one buffer of excess. Returns the text of the entries named in `want` (small XML parts).
 */
export async function verifyZip(
  bytes: Uint8Array,
  kind: ZipKind,
  want: readonly string[] = [],
): Promise<Map<string, string>> {
  const zip = await openZip(bytes, kind);
  const found = new Map<string, string>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue; // directory
      const keep = want.includes(entry.fileName) && entry.uncompressedSize <= RATIO_MIN_BYTES;
      const data = await drain(zip, entry, keep);
      if (keep) found.set(entry.fileName, data);
    }
    return found;
  } catch (err) {
    if (err instanceof Error && /too many bytes in the stream/i.test(err.message)) {
      throw new ParseError(
        'zip_bomb',
        `This ${kind} was refused: a part of it unpacks to more data than the file says it contains, which is how ` +
          'damaged files and files built to overload servers look. Open the original in Office, save a fresh copy and upload that.',
        { cause: err },
      );
    }
    throw asZipError(err, kind);
  } finally {
    zip.close();
  }
}

async function drain(zip: ZipFile, entry: Entry, keep: boolean): Promise<string> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) if (keep) chunks.push(chunk as Buffer);
  return keep ? Buffer.concat(chunks).toString('utf8') : '';
}

async function openZip(bytes: Uint8Array, kind: ZipKind): Promise<ZipFile> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a view, not a copy
  try {
    return await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true });
  } catch (err) {
    throw asZipError(err, kind);
  }
}

function asZipError(err: unknown, kind: ZipKind): unknown {
  if (err instanceof ParseError) return err;
  const app = kind === 'Excel workbook' ? 'Excel' : kind === 'Word document' ? 'Word' : 'the program that made it';
  return new ParseError(
    'corrupt_file',
    `This ${kind} is damaged and could not be opened (its zip structure is broken or incomplete). ` +
      `Open it in ${app}, save it again as a new file, and upload that copy.`,
    { cause: err },
  );
}

function tooManyEntries(kind: ZipKind, n: number): ParseError {
  return new ParseError(
    'zip_bomb',
    `This ${kind} contains ${n.toLocaleString('en')} parts, more than the ${MAX_ZIP_ENTRIES.toLocaleString('en')} we accept; ` +
      'real documents have far fewer. Open the original, save a fresh copy and upload that.',
  );
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(n >= 10 * 1024 ** 2 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
