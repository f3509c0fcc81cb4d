// Pure: turns parsed blocks into retrievable chunks that follow the document's structure. Headings become the
// chunk's heading path; FAQ pairs are one chunk each; lists keep whole items; tables keep their header with every
// piece; paragraphs are packed up to maxTokens and a long one is split by sentences, with `overlapTokens` of the
// previous chunk repeated so an answer spanning a boundary is still found whole. Each chunk keeps the source
// location (page, anchor, sheet/row) of its first block, for citations; a chunk never spans two PDF pages.
import { sentences, tokenCount } from '../kb/index.ts';
import type { Block, SourceLocation } from './parse/types.ts';

export type ChunkKind = 'text' | 'list' | 'table' | 'faq' | 'code';
export type Chunk = { ordinal: number; headingPath: string[]; text: string; tokenCount: number; kind: ChunkKind; location: SourceLocation };
export type ChunkOptions = { maxTokens: number; overlapTokens: number };
export const DEFAULT_CHUNKING: ChunkOptions = { maxTokens: 200, overlapTokens: 30 };

/** Splits text into pieces of at most maxTokens, on sentence boundaries (a sentence longer than that is cut by words). */
function splitLong(text: string, maxTokens: number): string[] {
  if (tokenCount(text) <= maxTokens) return [text];
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  const push = (s: string, n: number) => {
    if (size + n > maxTokens && current.length) {
      parts.push(current.join(' '));
      current = [];
      size = 0;
    }
    current.push(s);
    size += n;
  };
  for (const s of sentences(text)) {
    const n = tokenCount(s);
    if (n <= maxTokens) {
      push(s, n);
      continue;
    }
    // A run-on "sentence" (or CJK text without punctuation): cut by characters in proportion.
    const chars = [...s];
    const step = Math.max(1, Math.floor((chars.length * maxTokens) / n));
    for (let i = 0; i < chars.length; i += step) {
      const piece = chars.slice(i, i + step).join('');
      push(piece, tokenCount(piece));
    }
  }
  if (current.length) parts.push(current.join(' '));
  return parts;
}

function tail(text: string, tokens: number): string {
  if (tokens <= 0) return '';
  const ss = sentences(text);
  const kept: string[] = [];
  let size = 0;
  for (let i = ss.length - 1; i >= 0 && size < tokens; i--) {
    kept.unshift(ss[i]!);
    size += tokenCount(ss[i]!);
  }
  return size <= tokens * 2 ? kept.join(' ') : '';
}

const rowText = (header: string[], row: string[]): string =>
  row
    .map((cell, i) => (header[i] ? `${header[i]}: ${cell}` : cell))
    .filter((c) => c.trim() && !/:\s*$/.test(c))
    .join('; ');

export function chunkBlocks(blocks: Block[], opts: ChunkOptions = DEFAULT_CHUNKING): Chunk[] {
  const chunks: Chunk[] = [];
  const levels: string[] = [];
  let path: string[] = [];
  let anchor: string | undefined;
  type Open = { headingPath: string[]; kind: ChunkKind; parts: string[]; size: number; location: SourceLocation };
  let open: Open | null = null;

  const emit = () => {
    if (!open || open.parts.length === 0) return;
    const text = open.parts.join(open.kind === 'list' || open.kind === 'table' ? '\n' : '\n\n').trim();
    if (text) {
      chunks.push({ ordinal: chunks.length, headingPath: open.headingPath, text, tokenCount: tokenCount(text), kind: open.kind, location: { ...open.location } });
    }
    open = null;
  };
  const locOf = (b: Block): SourceLocation => {
    const l: SourceLocation = { ...(b.loc ?? {}) };
    if (!l.anchor && anchor) l.anchor = anchor;
    return l;
  };
  const samePath = (o: Open) => o.headingPath.join('\u0000') === path.join('\u0000');

  /** Adds a piece to the open chunk when it fits (same path and kind), else starts a new chunk, with overlap for text. */
  const add = (piece: string, kind: ChunkKind, b: Block, header?: string) => {
    const n = tokenCount(piece);
    const current = open as Open | null;
    // A chunk never spans PDF pages, so a citation names the exact page.
    const samePage = (b.loc?.page ?? null) === (current?.location.page ?? null);
    if (current && current.kind === kind && samePath(current) && samePage && current.size + n <= opts.maxTokens) {
      current.parts.push(piece);
      current.size += n;
      return;
    }
    const overlap = current && current.kind === 'text' && kind === 'text' && samePath(current) && samePage ? tail(current.parts.join(' '), opts.overlapTokens) : '';
    emit();
    const lead = header ? [header] : overlap ? [overlap] : [];
    open = { headingPath: [...path], kind, parts: [...lead, piece], size: n + lead.reduce((s, p) => s + tokenCount(p), 0), location: locOf(b) };
  };

  for (const b of blocks) {
    switch (b.kind) {
      case 'heading': {
        emit();
        // levels[i] is the current heading of level i+1; skipped levels stay empty and are left out of the path.
        const level = Math.min(Math.max(1, b.level), 6);
        levels.splice(level - 1);
        while (levels.length < level - 1) levels.push('');
        levels.push(b.text.trim());
        path = levels.filter(Boolean);
        anchor = b.loc?.anchor;
        break;
      }
      case 'paragraph':
      case 'code':
        for (const piece of splitLong(b.text.trim(), opts.maxTokens)) if (piece) add(piece, b.kind === 'code' ? 'code' : 'text', b);
        break;
      case 'list': {
        const items = b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '-'} ${it.trim()}`).filter((it) => it.length > 2);
        for (const item of items) for (const piece of splitLong(item, opts.maxTokens)) add(piece, 'list', b);
        break;
      }
      case 'table': {
        emit();
        // Each row as "Header: value; …" so a row is meaningful on its own; the header line starts every piece.
        const header = b.header.filter(Boolean).length ? b.header.join(' | ') : undefined;
        for (const row of b.rows) {
          const line = rowText(b.header, row);
          if (!line) continue;
          for (const piece of splitLong(line, opts.maxTokens)) add(piece, 'table', b, header);
        }
        emit();
        break;
      }
      case 'faq': {
        emit();
        const q = b.question.trim();
        const answerPieces = splitLong(b.answer.trim(), Math.max(20, opts.maxTokens - tokenCount(q)));
        for (const a of answerPieces) {
          const text = `Q: ${q}\nA: ${a}`;
          chunks.push({ ordinal: chunks.length, headingPath: [...path], text, tokenCount: tokenCount(text), kind: 'faq', location: locOf(b) });
        }
        break;
      }
    }
  }
  emit();
  return chunks;
}
