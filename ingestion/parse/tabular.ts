// Rows of cells (from CSV or a spreadsheet sheet) → blocks: FAQ rows when the header names a question column and an
// answer column, otherwise tables with the header repeated per block. No library: both parsers hand over strings.
import { htmlToPlainText, looksLikeHtml } from './html.ts';
import type { Block, SourceLocation } from './types.ts';

export type SheetRow = { /** 1-based row in the source, as a spreadsheet program numbers it. */ row: number; cells: string[] };

/** Data rows per table block: small enough for one chunk to hold a block, large enough to keep context. */
export const TABLE_ROWS_PER_BLOCK = 25;

// Header words, compared after lower-casing and dropping punctuation. Whole-word matches only ("Question text" and
// "FAQ question" count, "Questionnaire" does not); single letters must be the whole header.
const QUESTION_WORDS = [
  'question', 'questions', 'query', 'pregunta', 'frage', 'pergunta', 'domanda', 'vraag', 'вопрос',
  '问题', '問題', '提问', '質問', '질문', '问', '問',
];
const ANSWER_WORDS = [
  'answer', 'answers', 'response', 'reply', 'respuesta', 'antwort', 'réponse', 'reponse', 'resposta', 'risposta',
  'antwoord', 'ответ', '答案', '回答', '答复', '回复', '回覆', '解答', '답변', '答',
];

export function findQaColumns(header: string[]): { question: number; answer: number } | undefined {
  const norm = header.map((h) => h.toLowerCase().replace(/[\p{P}\p{S}]/gu, ' ').replace(/\s+/g, ' ').trim());
  const find = (words: string[], letter: string, skip: number): number => {
    const exact = norm.findIndex((h, i) => i !== skip && (h === letter || words.includes(h)));
    if (exact !== -1) return exact;
    return norm.findIndex((h, i) => i !== skip && h.split(' ').some((w) => words.includes(w)));
  };
  const question = find(QUESTION_WORDS, 'q', -1);
  if (question === -1) return undefined;
  const answer = find(ANSWER_WORDS, 'a', question);
  return answer === -1 ? undefined : { question, answer };
}

/** Blocks for one sheet (or a whole CSV). Rows must be non-empty; the first is the header. */
export function rowsToBlocks(rows: SheetRow[], where: { sheet?: string } = {}): { blocks: Block[]; warnings: string[] } {
  const [headerRow, ...data] = rows;
  if (!headerRow) return { blocks: [], warnings: [] };
  const loc = (row: number): SourceLocation => (where.sheet !== undefined ? { sheet: where.sheet, row } : { row });
  const inSheet = where.sheet !== undefined ? ` in sheet “${where.sheet}”` : '';

  const qa = findQaColumns(headerRow.cells);
  if (qa) {
    const blocks: Block[] = [];
    const unanswered: number[] = [];
    for (const { row, cells } of data) {
      const question = cellText(cells[qa.question]);
      const answer = cellText(cells[qa.answer]);
      if (question && answer) blocks.push({ kind: 'faq', question, answer, loc: loc(row) });
      else if (question || answer) unanswered.push(row);
    }
    const warnings = unanswered.length > 0
      ? [`${unanswered.length} row${unanswered.length === 1 ? '' : 's'}${inSheet} had a question or an answer but not both and ` +
        `${unanswered.length === 1 ? 'was' : 'were'} skipped (row${unanswered.length === 1 ? '' : 's'} ${listRows(unanswered)}).`]
      : [];
    return { blocks, warnings };
  }

  const width = Math.max(...rows.map((r) => lastFilled(r.cells) + 1));
  const header = Array.from({ length: width }, (_, i) => headerRow.cells[i]?.trim() || `Column ${i + 1}`);
  const blocks: Block[] = [];
  for (let i = 0; i < data.length; i += TABLE_ROWS_PER_BLOCK) {
    const slice = data.slice(i, i + TABLE_ROWS_PER_BLOCK);
    blocks.push({
      kind: 'table',
      header,
      rows: slice.map((r) => Array.from({ length: width }, (_, c) => cellText(r.cells[c]).replace(/\n+/g, ' '))),
      loc: loc(slice[0]!.row),
    });
  }
  if (data.length === 0) blocks.push({ kind: 'table', header, rows: [], loc: loc(headerRow.row) });
  return { blocks, warnings: [] };
}

// Exports from help-desk tools often keep answers as HTML; only its text is stored.
function cellText(cell: string | undefined): string {
  const text = cell?.trim() ?? '';
  return looksLikeHtml(text) ? htmlToPlainText(text) : text;
}

export function isEmptyRow(cells: string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

function lastFilled(cells: string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if (cells[i]?.trim()) return i;
  return 0;
}

function listRows(rows: number[]): string {
  return rows.length <= 10 ? rows.join(', ') : `${rows.slice(0, 10).join(', ')} and ${rows.length - 10} more`;
}
