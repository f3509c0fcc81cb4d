// Pure: splits a Markdown/plain-text document into retrievable chunks that follow its structure. Headings become
// the chunk's heading path; paragraphs are packed up to maxTokens, and a long paragraph is split by sentences, with
// `overlapTokens` of the previous chunk repeated so an answer spanning a boundary is still found whole.
import { sentences, tokenCount } from './text.ts';

export type Chunk = { ordinal: number; headingPath: string[]; text: string; tokenCount: number };
export type ChunkOptions = { maxTokens: number; overlapTokens: number };

type Block = { headingPath: string[]; text: string };

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const path: string[] = [];
  let para: string[] = [];
  let inFence = false;
  const flush = () => {
    const text = para.join('\n').trim();
    if (text) out.push({ headingPath: [...path], text });
    para = [];
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = !inFence && /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      const level = heading[1]!.length;
      path.splice(level - 1);
      while (path.length < level - 1) path.push('');
      path.push(heading[2]!.trim());
      continue;
    }
    if (!inFence && line.trim() === '') flush();
    else para.push(line);
  }
  flush();
  return out.map((b) => ({ ...b, headingPath: b.headingPath.filter(Boolean) }));
}

function splitLong(text: string, maxTokens: number): string[] {
  if (tokenCount(text) <= maxTokens) return [text];
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const s of sentences(text)) {
    const n = tokenCount(s);
    if (size + n > maxTokens && current.length) {
      parts.push(current.join(' '));
      current = [];
      size = 0;
    }
    current.push(s);
    size += n;
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

export function chunkText(markdown: string, opts: ChunkOptions = { maxTokens: 200, overlapTokens: 30 }): Chunk[] {
  const chunks: Chunk[] = [];
  let current: { headingPath: string[]; parts: string[]; size: number } | null = null;
  const emit = () => {
    if (!current || current.parts.length === 0) return;
    const text = current.parts.join('\n\n');
    chunks.push({ ordinal: chunks.length, headingPath: current.headingPath, text, tokenCount: tokenCount(text) });
  };
  for (const block of blocks(markdown)) {
    for (const piece of splitLong(block.text, opts.maxTokens)) {
      const n = tokenCount(piece);
      const samePath = current && current.headingPath.join('\u0000') === block.headingPath.join('\u0000');
      if (current && samePath && current.size + n <= opts.maxTokens) {
        current.parts.push(piece);
        current.size += n;
        continue;
      }
      const overlap: string = current && samePath ? tail(current.parts.join(' '), opts.overlapTokens) : '';
      emit();
      current = { headingPath: block.headingPath, parts: overlap ? [overlap, piece] : [piece], size: n + tokenCount(overlap) };
    }
  }
  emit();
  return chunks;
}
