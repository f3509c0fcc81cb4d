// DOCX → HTML → blocks. Library: `mammoth` maps Word styles to semantic HTML (headings, lists, tables, bookmarks as
// ids), which the HTML parser already turns into blocks. The zip is checked for bombs (zip.ts, `yauzl`) before mammoth
// (JSZip) inflates it, and mammoth may not follow links to external files or embed images.
import mammoth from 'mammoth';
import { parseHtml } from './html.ts';
import { ParseError } from './types.ts';
import type { ParseLimits, ParsedDocument } from './types.ts';
import { assertNotZipBomb, listZipEntries, verifyZip } from './zip.ts';

const CORE_PROPS = 'docProps/core.xml';

export async function parseDocx(bytes: Uint8Array, limits: ParseLimits): Promise<ParsedDocument> {
  assertNotZipBomb(await listZipEntries(bytes, 'Word document'), limits, 'Word document');
  const parts = await verifyZip(bytes, 'Word document', [CORE_PROPS]);

  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        // Images carry no text; an empty src keeps mammoth from base64-encoding every picture into the HTML.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
        externalFileAccess: false, // a linked "external" image could otherwise read files on this server
        ignoreEmptyParagraphs: true,
      },
    );
    html = result.value;
  } catch (err) {
    throw new ParseError(
      'corrupt_file',
      'This Word document could not be read: its contents are damaged or not in the format Word uses. ' +
        'Open it in Word (or LibreOffice), save it again as .docx, and upload the new copy.',
      { cause: err },
    );
  }

  const doc = parseHtml(html);
  const coreTitle = coreXmlTitle(parts.get(CORE_PROPS));
  // parseHtml falls back to the first h1; a document without one still has a heading worth using as its title.
  const firstHeading = doc.blocks.find((b) => b.kind === 'heading');
  const title = coreTitle ?? doc.title ?? (firstHeading?.kind === 'heading' ? firstHeading.text : undefined);
  const { title: _ignored, ...rest } = doc;
  return { ...rest, format: 'docx', ...(title ? { title } : {}) };
}

function coreXmlTitle(xml: string | undefined): string | undefined {
  const raw = xml && /<dc:title(?:\s[^>]*)?>([\s\S]*?)<\/dc:title>/.exec(xml)?.[1];
  if (!raw) return undefined;
  const title = raw
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, ref: string) => {
      const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
      if (ref[0] !== '#') return named[ref.toLowerCase()] ?? '';
      const code = /^#x/i.test(ref) ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    })
    .replace(/\s+/g, ' ')
    .trim();
  return title || undefined;
}
