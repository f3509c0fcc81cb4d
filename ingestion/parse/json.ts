// Raw JSON (posted through the API, or a .json upload) → blocks. No library: JSON.parse, then three shapes —
// Q/A records → faq; records with a title and a body → heading + paragraphs (HTML bodies, as help-desk exports have,
// go through the HTML parser); anything else → "path: value" lines.
import { htmlFragmentToBlocks, htmlToPlainText, looksLikeHtml } from './html.ts';
import { splitParagraphs } from './structure.ts';
import { findQaColumns } from './tabular.ts';
import { ParseError } from './types.ts';
import type { Block, ParsedDocument } from './types.ts';

const TITLE_KEYS = ['title', 'name', 'heading', 'subject'];
const BODY_KEYS = ['body', 'text', 'content', 'description', 'html', 'markdown', 'article'];
/** "path: value" lines per paragraph block. */
const LINES_PER_PARAGRAPH = 20;

export function parseJson(text: string): ParsedDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ParseError('corrupt_file', invalidJsonMessage(text, err), { cause: err });
  }
  const blocks = valueToBlocks(value, '');
  const title = isRecord(value) ? stringField(value, TITLE_KEYS) : undefined;
  return { format: 'json', ...(title ? { title } : {}), blocks, warnings: [] };
}

function valueToBlocks(value: unknown, path: string): Block[] {
  if (Array.isArray(value)) {
    const records = value.filter(isRecord);
    if (records.length > 0 && records.length === value.length) {
      const faq = faqBlocks(records);
      if (faq) return faq;
      if (records.every((r) => stringField(r, TITLE_KEYS) && stringField(r, BODY_KEYS))) {
        return records.flatMap((r) => articleBlocks(r, 2));
      }
    }
  } else if (isRecord(value)) {
    if (stringField(value, TITLE_KEYS) && stringField(value, BODY_KEYS)) return articleBlocks(value, 1);
    // A wrapper such as { "faqs": [ … ] } or { "articles": [ … ] }: structured children keep their structure.
    const blocks: Block[] = [];
    const scalars: [string, unknown][] = [];
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      const structured = Array.isArray(child) || isRecord(child) ? valueToBlocks(child, childPath) : [];
      if (structured.length > 0 && structured[0]?.kind !== 'paragraph') blocks.push(...structured);
      else scalars.push([childPath, child]);
    }
    if (blocks.length > 0) return [...flatBlocks(scalars), ...blocks];
  }
  return flatBlocks([[path, value]]);
}

function faqBlocks(records: Record<string, unknown>[]): Block[] | undefined {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const cols = findQaColumns(keys);
  if (!cols) return undefined;
  const [qKey, aKey] = [keys[cols.question]!, keys[cols.answer]!];
  const blocks: Block[] = [];
  for (const r of records) {
    const question = textOf(r[qKey]);
    const answer = textOf(r[aKey]);
    if (question && answer) blocks.push({ kind: 'faq', question, answer });
  }
  return blocks.length > 0 ? blocks : undefined;
}

function articleBlocks(r: Record<string, unknown>, level: number): Block[] {
  const title = stringField(r, TITLE_KEYS)!;
  const body = stringField(r, BODY_KEYS)!;
  const content: Block[] = looksLikeHtml(body)
    ? htmlFragmentToBlocks(body)
    : splitParagraphs(body).map((lines): Block => ({ kind: 'paragraph', text: lines.join('\n') }));
  return [{ kind: 'heading', level, text: title }, ...content];
}

function flatBlocks(entries: [string, unknown][]): Block[] {
  const lines: string[] = [];
  const visit = (path: string, v: unknown): void => {
    if (Array.isArray(v)) v.forEach((item, i) => visit(`${path}[${i}]`, item));
    else if (isRecord(v)) for (const [k, child] of Object.entries(v)) visit(path ? `${path}.${k}` : k, child);
    else {
      const text = textOf(v);
      if (text) lines.push(path ? `${path}: ${text}` : text);
    }
  };
  for (const [path, v] of entries) visit(path, v);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i += LINES_PER_PARAGRAPH) {
    blocks.push({ kind: 'paragraph', text: lines.slice(i, i + LINES_PER_PARAGRAPH).join('\n') });
  }
  return blocks;
}

function stringField(r: Record<string, unknown>, keys: string[]): string | undefined {
  for (const [k, v] of Object.entries(r)) {
    if (keys.includes(k.toLowerCase()) && typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A scalar as plain text; HTML strings are reduced to their text. */
function textOf(v: unknown): string {
  const text = scalarText(v);
  return looksLikeHtml(text) ? htmlToPlainText(text) : text;
}

// V8 gives a position for some syntax errors and none for others ("Unexpected token …"), so the spot is found by a
// small scanner of our own; the message then names a line and column a person can go to.
function invalidJsonMessage(text: string, err: unknown): string {
  const detail = (err instanceof Error ? err.message : String(err)).replace(/\s*\(line \d+ column \d+\)/, '').replace(/\s+/g, ' ');
  const offset = jsonErrorOffset(text);
  let where = '';
  if (offset >= text.trimEnd().length) where = ' at the end (it looks cut off)';
  else {
    const before = text.slice(0, offset);
    where = ` at line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
  }
  const short = detail.length > 120 ? `${detail.slice(0, 117)}…` : detail;
  return `This JSON is not valid${where} (${short}). ` +
    'Fix it there (a JSON validator or code editor shows the exact spot) and upload it again.';
}

/** Offset of the first JSON syntax error in `text` (text.length when it ends too early). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expectChar = (c: string): void => {
    if (text[i] !== c) fail();
    i++;
  };
  const string = (): void => {
    expectChar('"');
    for (;;) {
      if (i >= text.length) fail();
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c.charCodeAt(0) < 0x20) fail();
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { i += 2; fail(); }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else { i++; fail(); }
      } else i++;
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (close === '}') {
          ws();
          string();
          ws();
          expectChar(':');
        }
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        expectChar(close);
        return;
      }
    }
    if (c === '"') return string();
    for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) return void (i += literal.length);
    NUMBER.lastIndex = i;
    if (c !== undefined && /[-\d]/.test(c) && NUMBER.test(text)) return void (i = NUMBER.lastIndex);
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return text.length;
  } catch (at) {
    if (typeof at === 'number') return at;
    throw at;
  }
}
