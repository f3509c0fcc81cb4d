// Markdown → blocks. Library: `marked` (v18) — only its lexer: the token tree maps onto blocks directly, and nothing is
// ever rendered to HTML. Raw HTML blocks inside the Markdown go through the HTML parser, so they are cleaned the same way.
import { marked } from 'marked';
import type { Token, Tokens } from 'marked';
import { htmlFragmentToBlocks } from './html.ts';
import { isAnswerLine, isQuestionLine, qaPairs } from './structure.ts';
import type { Block, ParsedDocument } from './types.ts';

export function parseMarkdown(source: string): ParsedDocument {
  const { body, title: frontTitle } = stripFrontMatter(source.replace(/\r\n?/g, '\n'));
  const tokens = marked.lexer(body, { gfm: true });
  const slugs = new Map<string, number>();
  const blocks: Block[] = [];
  let anchor: string | undefined;
  const loc = () => (anchor ? { loc: { anchor } } : {});

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'heading') {
      const h = token as Tokens.Heading;
      const text = inlineText(h.tokens).replace(/\n/g, ' ').trim();
      if (!text) continue;
      anchor = uniqueSlug(slugs, text);
      if (isQuestionText(text)) {
        const { answer, next } = collectAnswer(tokens, i + 1);
        if (answer) {
          blocks.push({ kind: 'faq', question: text, answer, ...loc() });
          i = next - 1;
          continue;
        }
      }
      blocks.push({ kind: 'heading', level: h.depth, text, ...loc() });
      continue;
    }
    if (token.type === 'paragraph') {
      const p = token as Tokens.Paragraph;
      const text = inlineText(p.tokens).trim();
      if (!text) continue;
      const bold = boldQuestion(p);
      if (bold) {
        const { answer, next } = collectAnswer(tokens, i + 1);
        if (answer) {
          blocks.push({ kind: 'faq', question: bold, answer, ...loc() });
          i = next - 1;
          continue;
        }
      }
      const lines = text.split('\n');
      if (isQuestionLine(lines[0]!)) {
        // "Q: …" and "A: …" in one paragraph, or the answer in the next one.
        let all = lines;
        const nextToken = tokens[i + 1] ?? tokens[i + 2];
        const nextText = nextToken?.type === 'paragraph' ? inlineText((nextToken as Tokens.Paragraph).tokens).trim() : '';
        const answerFollows = !lines.some(isAnswerLine) && isAnswerLine(nextText);
        if (answerFollows) all = [...lines, ...nextText.split('\n')];
        const pairs = qaPairs(all, 'newline');
        if (pairs) {
          for (const pair of pairs) blocks.push({ kind: 'faq', ...pair, ...loc() });
          if (answerFollows) i = tokens.indexOf(nextToken!);
          continue;
        }
      }
      blocks.push({ kind: 'paragraph', text, ...loc() });
      continue;
    }
    for (const block of otherBlock(token)) blocks.push({ ...block, ...(block.loc ? {} : loc()) });
  }

  const firstH1 = blocks.find((b) => b.kind === 'heading' && b.level === 1);
  const title = frontTitle ?? (firstH1?.kind === 'heading' ? firstH1.text : undefined);
  return { format: 'markdown', ...(title ? { title } : {}), blocks, warnings: [] };
}

function otherBlock(token: Token): Block[] {
  switch (token.type) {
    case 'list': {
      const list = token as Tokens.List;
      const items = listItems(list);
      return items.length > 0 ? [{ kind: 'list', ordered: list.ordered, items }] : [];
    }
    case 'table': {
      const t = token as Tokens.Table;
      const cell = (c: Tokens.TableCell) => inlineText(c.tokens).replace(/\n/g, ' ').trim();
      return [{ kind: 'table', header: t.header.map(cell), rows: t.rows.map((r) => r.map(cell)) }];
    }
    case 'code': {
      const text = (token as Tokens.Code).text.replace(/\s+$/, '');
      return text.trim() ? [{ kind: 'code', text }] : [];
    }
    case 'blockquote': {
      const text = blockText((token as Tokens.Blockquote).tokens);
      return text ? [{ kind: 'paragraph', text }] : [];
    }
    case 'html': {
      return htmlFragmentToBlocks((token as Tokens.HTML).text);
    }
    case 'text': {
      // Top-level text happens in lists and some HTML-adjacent runs.
      const t = token as Tokens.Text;
      const text = (t.tokens ? inlineText(t.tokens) : decodeEntities(t.text)).trim();
      return text ? [{ kind: 'paragraph', text }] : [];
    }
    default:
      return []; // space, hr, def: nothing to read
  }
}

/** Answer paragraphs (and lists, quotes) after a question, up to the next heading or question. */
function collectAnswer(tokens: Token[], start: number): { answer: string; next: number } {
  const parts: string[] = [];
  let i = start;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'space') continue;
    if (t.type === 'paragraph') {
      const p = t as Tokens.Paragraph;
      if (boldQuestion(p) || isQuestionLine(p.text.split('\n')[0] ?? '')) break;
      parts.push(inlineText(p.tokens).trim());
    } else if (t.type === 'list') {
      parts.push(listItems(t as Tokens.List).map((item) => `- ${item}`).join('\n'));
    } else if (t.type === 'blockquote') {
      parts.push(blockText((t as Tokens.Blockquote).tokens));
    } else {
      break;
    }
  }
  return { answer: parts.filter(Boolean).join('\n'), next: i };
}

/** A paragraph that is only bold text ending in a question mark: "**How do I reset my password?**". */
function boldQuestion(p: Tokens.Paragraph): string | undefined {
  const meaningful = p.tokens.filter((t) => !(t.type === 'text' && !t.raw.trim()));
  const only = meaningful[0];
  if (meaningful.length !== 1 || !only || (only.type !== 'strong' && only.type !== 'em')) return undefined;
  const text = inlineText((only as Tokens.Strong).tokens).trim();
  return isQuestionText(text) ? text : undefined;
}

function isQuestionText(text: string): boolean {
  return /[?？]$/.test(text.trim());
}

function listItems(list: Tokens.List): string[] {
  return list.items
    .map((item) => {
      const parts: string[] = [];
      for (const t of item.tokens) {
        if (t.type === 'list') parts.push(...listItems(t as Tokens.List).map((n) => `- ${n.replace(/\n/g, '\n  ')}`));
        else if (t.type === 'text' || t.type === 'paragraph') {
          const tt = t as Tokens.Text;
          parts.push((tt.tokens ? inlineText(tt.tokens) : decodeEntities(tt.text)).trim());
        } else parts.push(blockText([t]));
      }
      return parts.filter(Boolean).join('\n');
    })
    .filter(Boolean);
}

/** Plain text of block tokens, one line per block. */
function blockText(tokens: Token[]): string {
  const lines: string[] = [];
  for (const t of tokens) {
    if (t.type === 'list') lines.push(...listItems(t as Tokens.List).map((i) => `- ${i}`));
    else if (t.type === 'code') lines.push((t as Tokens.Code).text);
    else if (t.type === 'html') lines.push(htmlFragmentToBlocks((t as Tokens.HTML).text).map(blockToText).join('\n'));
    else if ('tokens' in t && t.tokens) lines.push(inlineText(t.tokens));
    else if ('text' in t && typeof t.text === 'string' && t.type !== 'space') lines.push(decodeEntities(t.text));
  }
  return lines.map((l) => l.trim()).filter(Boolean).join('\n');
}

function blockToText(b: Block): string {
  switch (b.kind) {
    case 'list': return b.items.join('\n');
    case 'table': return [b.header, ...b.rows].map((r) => r.join(' | ')).join('\n');
    case 'faq': return `${b.question}\n${b.answer}`;
    default: return b.text;
  }
}

/** Inline markup → plain text: link text kept (URL dropped), image alt kept, inline HTML tags dropped. */
function inlineText(tokens: Token[]): string {
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
        out += (t as Tokens.Text).tokens ? inlineText((t as Tokens.Text).tokens!) : decodeEntities((t as Tokens.Text).text);
        break;
      case 'strong': case 'em': case 'del': case 'link':
        out += inlineText((t as Tokens.Strong).tokens);
        break;
      case 'image':
        out += (t as Tokens.Image).text;
        break;
      case 'codespan':
        out += decodeEntities((t as Tokens.Codespan).text);
        break;
      case 'escape':
        out += (t as Tokens.Escape).text;
        break;
      case 'br':
        out += '\n';
        break;
      case 'html': case 'checkbox':
        break; // a tag: never part of the text
      default:
        if ('tokens' in t && t.tokens) out += inlineText(t.tokens);
        else if ('text' in t && typeof t.text === 'string') out += t.text;
    }
  }
  return out;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

// marked resolves numeric character references but leaves the basic named ones; only these few matter in practice.
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return NAMED[ref.toLowerCase()] ?? m;
  });
}

/** GitHub-style heading slug: lower case, punctuation dropped, spaces → hyphens; repeats get -1, -2, … */
export function slugify(text: string): string {
  return text.toLowerCase().trim().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

function uniqueSlug(seen: Map<string, number>, text: string): string {
  const base = slugify(text);
  const n = seen.get(base);
  seen.set(base, (n ?? -1) + 1);
  return n === undefined ? base : `${base}-${n + 1}`;
}

// YAML front matter would otherwise lex as a rule and a setext heading.
function stripFrontMatter(src: string): { body: string; title?: string } {
  const m = /^---\n([\s\S]*?)\n(?:---|\.\.\.)\n/.exec(src);
  if (!m) return { body: src };
  const title = /^title:\s*["']?(.*?)["']?\s*$/m.exec(m[1]!)?.[1]?.trim();
  return { body: src.slice(m[0].length), ...(title ? { title } : {}) };
}
