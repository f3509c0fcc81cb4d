import { describe, expect, it } from 'vitest';
import { parseDocument } from './index.ts';

const txt = (s: string) => parseDocument(new TextEncoder().encode(s), { filename: 'notes.txt' });

describe('plain text', () => {
  it('splits paragraphs on blank lines and recognises lists', async () => {
    const doc = await txt('Opening hours\r\nMonday to Friday.\r\n\r\nWhat to bring:\n- ID card\n• Receipt\n  printed or digital\n\n1. Queue\n2. Pay\n');
    expect(doc).toMatchObject({ format: 'text', warnings: [] });
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: 'Opening hours\nMonday to Friday.' },
      { kind: 'paragraph', text: 'What to bring:' },
      { kind: 'list', ordered: false, items: ['ID card', 'Receipt printed or digital'] },
      { kind: 'list', ordered: true, items: ['Queue', 'Pay'] },
    ]);
  });

  it('turns Q:/A:, Question:/Answer: and 问：/答： pairs into faq blocks', async () => {
    const doc = await txt(`Q: Where is my parcel?
A: Use the tracking link in your email.

Question: Can I pay later?

Answer: Yes, with an invoice.
It is due in 30 days.

问：支持退货吗？
答：支持，七天内无理由退货。
Q: And exchanges?
A: Also within seven days.

1. Not a list on its own line.`);
    expect(doc.blocks).toEqual([
      { kind: 'faq', question: 'Where is my parcel?', answer: 'Use the tracking link in your email.' },
      { kind: 'faq', question: 'Can I pay later?', answer: 'Yes, with an invoice.\nIt is due in 30 days.' },
      { kind: 'faq', question: '支持退货吗？', answer: '支持，七天内无理由退货。' },
      { kind: 'faq', question: 'And exchanges?', answer: 'Also within seven days.' },
      { kind: 'paragraph', text: '1. Not a list on its own line.' },
    ]);
  });
});
