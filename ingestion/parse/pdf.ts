// PDF → blocks with loc.page. Library: `unpdf` (a serverless build of Mozilla pdf.js) for the document, metadata and
// positioned text runs. pdf.js gives no paragraphs, so lines are rebuilt from positions, paragraphs from vertical gaps,
// headings from font size (or short title-case lines), and lists / Q&A from the shared line heuristics.
import { getDocumentProxy } from 'unpdf';
import { paragraphsToBlocks } from './structure.ts';
import type { RawParagraph } from './structure.ts';
import { ParseError } from './types.ts';
import type { Block, ParseLimits, ParsedDocument } from './types.ts';

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type Line = { text: string; y: number; size: number };

const ENCRYPTED_MESSAGE =
  'This PDF is password-protected, so its text cannot be read. Remove the password (File → Properties → Security in ' +
  'most PDF tools, or print it to a new PDF) and upload it again.';
const CORRUPT_MESSAGE =
  'This PDF is damaged and could not be opened. Open it in a PDF reader; if it opens, save or print it to a new PDF ' +
  'and upload that copy, otherwise export it again from the program that made it.';

export async function parsePdf(bytes: Uint8Array, limits: ParseLimits): Promise<ParsedDocument> {
  let pdf: PdfDocument;
  try {
    // A copy: pdf.js may transfer (detach) the buffer it is given, and the caller still owns `bytes`.
    // verbosity 0 = errors only: pdf.js would otherwise print font and structure warnings to stdout.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false, stopAtErrors: false });
  } catch (err) {
    if (err instanceof Error && err.name === 'PasswordException') {
      throw new ParseError('encrypted_file', ENCRYPTED_MESSAGE, { cause: err });
    }
    throw new ParseError('corrupt_file', CORRUPT_MESSAGE, { cause: err });
  }

  try {
    const warnings: string[] = [];
    const total = pdf.numPages;
    const count = Math.min(total, limits.maxPages);
    if (count < total) {
      warnings.push(`Only the first ${count} of ${total} pages were read (the limit is ${limits.maxPages}). ` +
        'Split the PDF and upload the rest as separate files.');
    }

    const pages: Line[][] = [];
    const unreadable: number[] = [];
    for (let n = 1; n <= count; n++) {
      try {
        pages.push(await pageLines(pdf, n));
      } catch {
        pages.push([]);
        unreadable.push(n);
      }
    }
    if (unreadable.length === count && count > 0) throw new ParseError('corrupt_file', CORRUPT_MESSAGE);
    if (unreadable.length > 0) {
      warnings.push(`Page${unreadable.length === 1 ? '' : 's'} ${unreadable.join(', ')} could not be read and ${unreadable.length === 1 ? 'was' : 'were'} skipped.`);
    }

    removeRunningHeaders(pages);
    const blocks: Block[] = [];
    pages.forEach((lines, i) => blocks.push(...paragraphsToBlocks(pageParagraphs(lines, i + 1), { join: 'space' })));

    const empty = pages.filter((lines) => lines.length === 0).length - unreadable.length;
    if (blocks.length === 0) {
      warnings.push('No text was found in this PDF: it is probably scanned pages (pictures of text). ' +
        'Run it through OCR (text recognition) in your PDF tool, or upload the original document instead.');
    } else if (empty > 0) {
      warnings.push(`${empty} page${empty === 1 ? ' has' : 's have'} no text (scanned images?); ${empty === 1 ? 'it was' : 'they were'} skipped.`);
    }

    const title = (await metadataTitle(pdf)) ?? firstHeading(blocks);
    return { format: 'pdf', ...(title ? { title } : {}), blocks, pages: total, warnings };
  } finally {
    await pdf.destroy();
  }
}

/** Text runs of one page grouped into lines, top to bottom as pdf.js emits them (content-stream order). */
async function pageLines(pdf: PdfDocument, n: number): Promise<Line[]> {
  const page = await pdf.getPage(n);
  const content = await page.getTextContent();
  const lines: Line[] = [];
  let current: (Line & { end: number }) | undefined;
  const close = (): void => {
    if (current && current.text.trim()) lines.push({ text: current.text.replace(/\s+/g, ' ').trim(), y: current.y, size: current.size });
    current = undefined;
  };
  for (const item of content.items) {
    if (!('str' in item)) continue;
    const t = item.transform as number[];
    const size = Math.hypot(t[2] ?? 0, t[3] ?? 0) || item.height || 1;
    const x = t[4] ?? 0;
    const y = t[5] ?? 0;
    if (item.str) {
      if (current && Math.abs(y - current.y) <= Math.max(size, current.size) * 0.5) {
        const gap = x - current.end;
        const needsSpace = gap > size * 0.15 && !/\s$/.test(current.text) && !/^\s/.test(item.str);
        current.text += (needsSpace ? ' ' : '') + item.str;
        current.end = x + item.width;
        current.size = Math.max(current.size, size);
      } else {
        close();
        current = { text: item.str, y, size, end: x + item.width };
      }
    }
    if (item.hasEOL) close();
  }
  close();
  return lines;
}

// Page numbers, and the same first or last line on most pages (running headers and footers), are page furniture.
function removeRunningHeaders(pages: Line[][]): void {
  const pageNumber = /^(?:page\s*)?\d{1,4}(?:\s*(?:of|\/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$/i;
  const withText = pages.filter((p) => p.length > 1).length;
  const repeated = new Set<string>();
  if (withText >= 3) {
    const freq = new Map<string, number>();
    for (const p of pages) {
      for (const line of new Set([p[0]?.text, p.at(-1)?.text])) {
        if (line) freq.set(normalizeDigits(line), (freq.get(normalizeDigits(line)) ?? 0) + 1);
      }
    }
    for (const [text, n] of freq) if (n >= Math.max(3, withText * 0.6)) repeated.add(text);
  }
  for (const p of pages) {
    const isFurniture = (l: Line | undefined) => !!l && (pageNumber.test(l.text) || repeated.has(normalizeDigits(l.text)));
    while (isFurniture(p[0])) p.shift();
    while (isFurniture(p.at(-1))) p.pop();
  }
}

function normalizeDigits(s: string): string {
  return s.replace(/\d+/g, '#');
}

/** Lines → paragraphs by vertical gaps and font changes; short distinct lines become headings. */
function pageParagraphs(lines: Line[], page: number): RawParagraph[] {
  if (lines.length === 0) return [];
  const body = bodySize(lines);
  const leading = typicalGap(lines);
  const groups: Line[][] = [];
  let prev: Line | undefined;
  for (const line of lines) {
    const gap = prev ? prev.y - line.y : 0;
    const breaks = !prev
      || gap <= 0 // moved up: a new column or a text box
      || gap > leading * 1.3 + 0.5
      || Math.abs(line.size - prev.size) > Math.max(1, body * 0.1);
    if (breaks) groups.push([line]);
    else groups.at(-1)!.push(line);
    prev = line;
  }
  // A short title-case line directly above a paragraph (no gap) is a run-in heading: split it off.
  for (let i = 0; i < groups.length; i++) {
    const [first, second] = groups[i]!;
    if (first && second && first.text.length < second.text.length * 0.6 && /^\p{Lu}/u.test(second.text)
      && !/[.,;:!?。，；：、]$/.test(first.text) && isTitleLike(first.text)) {
      groups.splice(i, 1, [first], groups[i]!.slice(1));
    }
  }
  return groups.map((group, i): RawParagraph => {
    const para: RawParagraph = { lines: group.map((l) => l.text), loc: { page } };
    const level = headingLevel(group, body, groups[i + 1]);
    if (level) para.heading = level;
    return para;
  });
}

function headingLevel(group: Line[], body: number, next: Line[] | undefined): number | undefined {
  const text = group.map((l) => l.text).join(' ');
  if (group.length > 2 || text.length > 120 || /[.,;:!。，；：、]$/.test(text) || /^[-*•▪◦‣●–]\s/.test(text)) return undefined;
  const size = group[0]!.size;
  if (size >= body * 1.6) return 1;
  if (size >= body * 1.15) return 2;
  // Same size as the text: only a short title-case or all-caps line that introduces a paragraph.
  if (group.length === 1 && next && isTitleLike(text)) return 3;
  return undefined;
}

function isTitleLike(text: string): boolean {
  const words = text.split(/\s+/);
  if (words.length > 10 || !/^[\p{Lu}\d]/u.test(text) || /[?]$/.test(text)) return false;
  if (/\p{L}/u.test(text) && text === text.toUpperCase() && /\p{Lu}/u.test(text)) return true;
  return words.filter((w) => w.length >= 4).every((w) => /^[\p{Lu}\d]/u.test(w));
}

// The font size most of the text is set in, weighted by characters.
function bodySize(lines: Line[]): number {
  const weight = new Map<number, number>();
  for (const l of lines) weight.set(Math.round(l.size), (weight.get(Math.round(l.size)) ?? 0) + l.text.length);
  return [...weight].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0] || 1;
}

// The usual distance between consecutive lines of a paragraph: the most common gap, the smaller on a tie.
function typicalGap(lines: Line[]): number {
  const freq = new Map<number, number>();
  for (let i = 1; i < lines.length; i++) {
    const gap = Math.round(lines[i - 1]!.y - lines[i]!.y);
    if (gap > 0) freq.set(gap, (freq.get(gap) ?? 0) + 1);
  }
  const best = [...freq].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  return best ? best[0] : (lines[0]?.size ?? 12) * 1.2;
}

async function metadataTitle(pdf: PdfDocument): Promise<string | undefined> {
  try {
    const { info } = (await pdf.getMetadata()) as unknown as { info?: Record<string, unknown> };
    const raw = typeof info?.['Title'] === 'string' ? info['Title'] : '';
    const title = raw.replace(/^Microsoft (?:Word|PowerPoint|Excel) - /, '').trim();
    // Tools often store the file name or a placeholder; neither is a title.
    if (!title || /^untitled\b/i.test(title) || /\.(?:docx?|pdf|pptx?|xlsx?|txt|html?)$/i.test(title)) return undefined;
    return title;
  } catch {
    return undefined;
  }
}

function firstHeading(blocks: Block[]): string | undefined {
  const first = blocks[0];
  return first?.kind === 'heading' && first.loc?.page === 1 ? first.text : undefined;
}
