import { describe, expect, it } from 'vitest';
import { detectDelimiter } from './csv.ts';
import { parseDocument } from './index.ts';
import { TABLE_ROWS_PER_BLOCK } from './tabular.ts';

const csv = (s: string, filename = 'faq.csv') => parseDocument(new TextEncoder().encode(s), { filename });

describe('CSV', () => {
  it('turns question/answer columns into faq rows with spreadsheet row numbers', async () => {
    const doc = await csv('\ufeffID,Question,Answer\n1,How do I reset my password?,"Use ""Forgot password"" on the login page."\n\n2,Where is my invoice?,"Under Account,\nthen Billing."\n3,Orphan question?,\n');
    expect(doc).toMatchObject({ format: 'csv' });
    expect(doc.blocks).toEqual([
      { kind: 'faq', question: 'How do I reset my password?', answer: 'Use "Forgot password" on the login page.', loc: { row: 2 } },
      { kind: 'faq', question: 'Where is my invoice?', answer: 'Under Account,\nthen Billing.', loc: { row: 4 } },
    ]);
    expect(doc.warnings).toEqual([expect.stringMatching(/1 row had a question or an answer but not both.*row 5/)]);
  });

  it('recognises question/answer headers in other languages and with ; delimiters', async () => {
    const de = await csv('Frage;Antwort\nWie lange dauert der Versand?;Zwei Tage.\n');
    expect(de.blocks).toEqual([{ kind: 'faq', question: 'Wie lange dauert der Versand?', answer: 'Zwei Tage.', loc: { row: 2 } }]);
    const zh = await csv('问题\t答案\n怎么退款？\t联系客服。\n', 'faq.tsv');
    expect(zh.blocks).toEqual([{ kind: 'faq', question: '怎么退款？', answer: '联系客服。', loc: { row: 2 } }]);
    const es = await csv('pregunta|respuesta\n¿Envían a México?|Sí.\n');
    expect(es.blocks).toEqual([{ kind: 'faq', question: '¿Envían a México?', answer: 'Sí.', loc: { row: 2 } }]);
  });

  it('keeps only the text of HTML answers (help-desk exports)', async () => {
    const doc = await csv('question,answer\nHow?,"<p>Click <a href=""javascript:alert(1)"" onclick=""x()"">here</a>.</p><script>alert(2)</script>"\n');
    expect(doc.blocks).toEqual([{ kind: 'faq', question: 'How?', answer: 'Click here.', loc: { row: 2 } }]);
  });

  it('emits other CSVs as tables with the header repeated per block', async () => {
    const rows = Array.from({ length: TABLE_ROWS_PER_BLOCK + 5 }, (_, i) => `SKU-${i},${i + 1}.00`);
    const doc = await csv(['Product,Price', ...rows].join('\n'), 'prices.csv');
    expect(doc.blocks).toHaveLength(2);
    expect(doc.blocks[0]).toMatchObject({ kind: 'table', header: ['Product', 'Price'], loc: { row: 2 } });
    expect(doc.blocks[1]).toEqual({
      kind: 'table',
      header: ['Product', 'Price'],
      rows: rows.slice(TABLE_ROWS_PER_BLOCK).map((r) => r.split(',')),
      loc: { row: TABLE_ROWS_PER_BLOCK + 2 },
    });
  });

  it('detects the delimiter, ignoring delimiters inside quotes', () => {
    expect(detectDelimiter('a;b;c\n1;"x, y, z";3\n')).toBe(';');
    expect(detectDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(detectDelimiter('a,b\n"1;2;3",4\n')).toBe(',');
  });

  it('refuses a CSV with an unclosed quote as corrupt_file, naming the line', async () => {
    await expect(csv('question,answer\n"How?,Never closed\nnext,row\n')).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/CSV file could not be read.*line \d.*CSV UTF-8/s),
    });
  });
});
