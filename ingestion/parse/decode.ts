// Text decoding for uploaded text files (TXT, Markdown, CSV, HTML, JSON).
// Libraries: WHATWG `TextDecoder` (Node 24 ships full ICU: windows-125x, gbk/gb18030, shift_jis, big5, euc-kr, …) does
// the decoding; `chardet` only guesses the encoding when the bytes are not UTF-8. No iconv-lite: it is not a direct
// dependency, and every encoding chardet reports that a knowledge manager is likely to upload is in TextDecoder.
import chardet from 'chardet';
import { ParseError } from './types.ts';

export type DecodedText = { text: string; encoding: string; warnings: string[] };

// chardet reads the whole buffer; a prefix is enough to recognise an encoding and keeps big files cheap.
const SAMPLE_BYTES = 256 * 1024;

const BAD_ENCODING_MESSAGE =
  'This file does not contain readable text: it looks like binary data, or uses a text encoding we could not recognise. ' +
  'Open it in a text editor or spreadsheet program, save it as UTF-8 text (CSV UTF-8, .txt or .md), and upload it again.';

/** Decodes text bytes to a string, reporting the encoding used and a warning when it had to be guessed. */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) return { text: '', encoding: 'utf-8', warnings: [] };

  // A byte-order mark is an explicit declaration: trust it over any guess.
  const bom = bomEncoding(bytes);
  if (bom) {
    const text = new TextDecoder(bom.encoding).decode(bytes.subarray(bom.length));
    assertReadable(text);
    const replaced = countReplacement(text);
    const warnings = replaced > 0 ? [replacedWarning(replaced)] : [];
    return { text, encoding: bom.encoding, warnings };
  }

  const strict = tryDecode('utf-8', bytes, true);
  if (strict !== undefined) {
    assertReadable(strict);
    return { text: strict, encoding: 'utf-8', warnings: [] };
  }

  // A UTF-8 file with a few broken bytes (a truncated copy-paste, one stray legacy character) is still UTF-8: guessing
  // a legacy encoding would garble every other non-ASCII character in it. A legacy-encoded file has almost no valid
  // multi-byte sequences, so valid ones clearly outnumbering the broken ones is a strong sign.
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const replaced = countReplacement(lenient);
  if (countNonAscii(lenient) - replaced >= 3 * replaced && !looksBinary(lenient)) {
    return { text: lenient, encoding: 'utf-8', warnings: [replacedWarning(replaced)] };
  }

  if (!bytes.subarray(0, SAMPLE_BYTES).includes(0) || hasUtf16Shape(bytes)) {
    const sample = bytes.subarray(0, SAMPLE_BYTES);
    for (const candidate of chardet.analyse(sample)) {
      const label = candidate.name.toLowerCase();
      if (label === 'utf-8') continue; // already ruled out above
      const text = tryDecode(label, bytes, false);
      if (text === undefined || looksBinary(text) || countReplacement(text) > text.length / 100) continue;
      const encoding = preferCommonName(label, text, bytes);
      return {
        text,
        encoding,
        warnings: [
          `This file is not UTF-8; it was read as ${encoding}. If some characters look wrong, save it as UTF-8 and upload it again.`,
        ],
      };
    }
  }
  throw new ParseError('bad_encoding', BAD_ENCODING_MESSAGE);
}

/** Text that is mostly control characters or replacement characters is not text the knowledge base can use. */
export function looksBinary(text: string): boolean {
  const sample = text.length > SAMPLE_BYTES ? text.slice(0, SAMPLE_BYTES) : text;
  if (sample.length === 0) return false;
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    // C0 controls other than tab, LF, FF, CR; DEL and C1 controls; U+FFFD.
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) bad++;
  }
  return bad / sample.length > 0.02;
}

function assertReadable(text: string): void {
  if (looksBinary(text)) throw new ParseError('bad_encoding', BAD_ENCODING_MESSAGE);
}

function bomEncoding(bytes: Uint8Array): { encoding: string; length: number } | undefined {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

// UTF-16 without a BOM is full of NUL bytes at every other position; anything else with NULs is binary.
function hasUtf16Shape(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  return (evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) || (oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05);
}

function tryDecode(label: string, bytes: Uint8Array, fatal: boolean): string | undefined {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label, { fatal });
  } catch {
    return undefined; // an encoding TextDecoder does not know (e.g. UTF-32, ISO-2022-CN)
  }
  if (decoder.encoding === 'replacement') return undefined; // WHATWG maps unsafe encodings (ISO-2022-KR …) to this
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

// chardet often ranks a sibling of windows-1252 first on short Western-European text (e.g. windows-1254, which differs
// in six letters). When the file has none of the bytes where they differ, both decodings are identical and naming the
// common encoding makes the warning less puzzling.
function preferCommonName(label: string, text: string, bytes: Uint8Array): string {
  const canonical = new TextDecoder(label).encoding;
  if (canonical === 'windows-1252') return canonical;
  if (!canonical.startsWith('windows-125') && !canonical.startsWith('iso-8859')) return canonical;
  return tryDecode('windows-1252', bytes, false) === text ? 'windows-1252' : canonical;
}

function countReplacement(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

function countNonAscii(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) n++;
  return n;
}

function replacedWarning(n: number): string {
  return `${n} character${n === 1 ? ' was' : 's were'} not valid UTF-8 and ${n === 1 ? 'was' : 'were'} replaced with “�”. Save the file as UTF-8 and upload it again if text is missing.`;
}
