// Recovers structure from lines of plain text: shared by the plain-text parser and the PDF parser (pdf.js gives only
// positioned text runs). Recognises Q/A pairs, bullet and numbered lists, and headings the caller has identified.
// No library: a few regular expressions cover what knowledge managers actually write.
import type { Block, SourceLocation } from './types.ts';

/** "Q:", "Question:", "问：", "問：" (also "Q." / "Q1:"). Group 1 is the rest of the line. */
const QUESTION = /^\s*(?:q\d*\s*[:：.)]|question\s*\d*\s*[:：]|[问問]\s*[:：])\s*(.*)$/i;
/** "A:", "Answer:", "答：". Group 1 is the rest of the line. */
const ANSWER = /^\s*(?:a\d*\s*[:：]|answer\s*\d*\s*[:：]|答\s*[:：])\s*(.*)$/i;
/** Bullet or number at the start of a line. Group 1 is the marker, group 2 the item text. */
const BULLET = /^\s*([-*•▪◦‣●○■□–]|\d{1,3}[.)])\s+(\S.*)$/;

export type QaPair = { question: string; answer: string };

/** Splits text into paragraphs (runs of non-blank lines). */
export function splitParagraphs(text: string): string[][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\f\v\u00a0]*\n/)
    .map((p) => p.split('\n').map((l) => l.replace(/[ \t\f\v\u00a0]+$/, '')).filter((l) => l.trim() !== ''))
    .filter((p) => p.length > 0);
}

export function isQuestionLine(line: string): boolean {
  return QUESTION.test(line);
}

export function isAnswerLine(line: string): boolean {
  return ANSWER.test(line);
}

/** Text after a "Q:" or "A:" prefix, or the line itself. */
export function stripQaPrefix(line: string): string {
  return (QUESTION.exec(line)?.[1] ?? ANSWER.exec(line)?.[1] ?? line).trim();
}

export type RawParagraph = {
  lines: string[];
  /** Set by a caller that knows this paragraph is a heading (PDF font size, layout). */
  heading?: number;
  loc?: SourceLocation;
};

export type StructureOptions = {
  /** 'newline' keeps line breaks (plain text); 'space' re-flows wrapped lines (PDF), undoing hyphenation. */
  join: 'newline' | 'space';
};

/** Turns paragraphs of lines into heading / paragraph / list / faq blocks. */
export function paragraphsToBlocks(paras: RawParagraph[], opts: StructureOptions): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < paras.length; i++) {
    const para = paras[i]!;
    const withLoc = para.loc ? { loc: para.loc } : {};
    if (para.heading) {
      blocks.push({ kind: 'heading', level: para.heading, text: joinLines(para.lines, 'space'), ...withLoc });
      continue;
    }
    // A question whose answer sits in the next paragraph ("Q: …" ⏎⏎ "A: …").
    const next = paras[i + 1];
    if (para.lines.every((l, j) => (j === 0 ? isQuestionLine(l) : !isAnswerLine(l) && !isQuestionLine(l)))
      && next && !next.heading && next.lines[0] !== undefined && isAnswerLine(next.lines[0])) {
      const pairs = qaPairs([...para.lines, ...next.lines], opts.join);
      if (pairs) {
        for (const pair of pairs) blocks.push({ kind: 'faq', ...pair, ...withLoc });
        i++;
        continue;
      }
    }
    for (const block of linesToBlocks(para.lines, opts.join)) blocks.push({ ...block, ...withLoc });
  }
  return blocks;
}

/**
 * Q/A pairs from lines that start with a question prefix; a pair needs an "A:" line. Lines between a question and its
 * answer continue the question; lines after the answer continue it until the next question. Undefined if the first
 * line is not a question or some question has no answer.
 */
export function qaPairs(lines: string[], join: StructureOptions['join']): QaPair[] | undefined {
  if (lines[0] === undefined || !isQuestionLine(lines[0])) return undefined;
  const pairs: { q: string[]; a: string[] }[] = [];
  let inAnswer = false;
  for (const line of lines) {
    if (isQuestionLine(line)) {
      pairs.push({ q: [stripQaPrefix(line)], a: [] });
      inAnswer = false;
    } else if (!inAnswer && isAnswerLine(line)) {
      pairs.at(-1)!.a.push(stripQaPrefix(line));
      inAnswer = true;
    } else {
      (inAnswer ? pairs.at(-1)!.a : pairs.at(-1)!.q).push(line.trim());
    }
  }
  const out = pairs.map((p) => ({ question: joinLines(p.q, 'space'), answer: joinLines(p.a, join) }));
  return out.every((p) => p.question && p.answer) ? out : undefined;
}

// Within one paragraph: Q/A pairs, or runs of bullet lines (a list) among ordinary lines (a paragraph).
function linesToBlocks(lines: string[], join: StructureOptions['join']): Block[] {
  const qaStart = lines.findIndex(isQuestionLine);
  if (qaStart !== -1) {
    const pairs = qaPairs(lines.slice(qaStart), join);
    if (pairs) {
      const before = qaStart > 0 ? linesToBlocks(lines.slice(0, qaStart), join) : [];
      return [...before, ...pairs.map((p): Block => ({ kind: 'faq', ...p }))];
    }
  }
  const blocks: Block[] = [];
  let text: string[] = [];
  let items: string[][] = [];
  let ordered = false;
  const flushText = (): void => {
    if (text.length > 0) blocks.push({ kind: 'paragraph', text: joinLines(text, join) });
    text = [];
  };
  const flushList = (): void => {
    if (items.length > 0) blocks.push({ kind: 'list', ordered, items: items.map((it) => joinLines(it, 'space')) });
    items = [];
  };
  for (const line of lines) {
    const bullet = BULLET.exec(line);
    if (bullet) {
      if (items.length === 0) {
        flushText();
        ordered = /\d/.test(bullet[1]!);
      }
      items.push([bullet[2]!]);
    } else if (items.length > 0) {
      items.at(-1)!.push(line.trim()); // a wrapped item
    } else {
      text.push(line);
    }
  }
  flushText();
  flushList();
  // A lone "1. Something" is a sentence that happens to start with a number more often than a list.
  return blocks.map((b) =>
    b.kind === 'list' && b.items.length === 1 && lines.length === 1 ? { kind: 'paragraph', text: lines[0]!.trim() } : b,
  );
}

const CJK = /[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/;

/** Joins lines, either keeping breaks or re-flowing them (no space between CJK characters, hyphenation undone). */
export function joinLines(lines: string[], join: StructureOptions['join']): string {
  const trimmed = lines.map((l) => l.trim()).filter(Boolean);
  if (join === 'newline') return trimmed.join('\n');
  let out = '';
  for (const line of trimmed) {
    if (!out) out = line;
    else if (/[a-z]-$/.test(out) && /^[a-z]/.test(line)) out = out.slice(0, -1) + line;
    else if (CJK.test(out.at(-1)!) && CJK.test(line[0]!)) out += line;
    else out += ` ${line}`;
  }
  return out;
}
