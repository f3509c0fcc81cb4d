import { describe, expect, it } from 'vitest';
import { parseDocument } from './index.ts';
import { slugify } from './markdown.ts';

const md = (s: string) => parseDocument(new TextEncoder().encode(s), { filename: 'help.md' });

describe('Markdown', () => {
  it('maps headings (with slugs), paragraphs, lists, tables, code and quotes to plain-text blocks', async () => {
    const doc = await md(`---
title: Billing help
---
# Billing

Pay by **card** or [bank transfer](https://example.com/bank). ![diagram](https://example.com/d.png)

## Payment methods

1. Card
2. Transfer
   - SEPA only

| Method | Fee |
|--------|-----|
| Card   | 0 € |

\`\`\`sh
curl https://api.example.com/pay
\`\`\`

> Invoices are sent by email &amp; post.

## Payment methods
`);
    expect(doc.title).toBe('Billing help');
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Billing', loc: { anchor: 'billing' } },
      { kind: 'paragraph', text: 'Pay by card or bank transfer. diagram', loc: { anchor: 'billing' } },
      { kind: 'heading', level: 2, text: 'Payment methods', loc: { anchor: 'payment-methods' } },
      { kind: 'list', ordered: true, items: ['Card', 'Transfer\n- SEPA only'], loc: { anchor: 'payment-methods' } },
      { kind: 'table', header: ['Method', 'Fee'], rows: [['Card', '0 €']], loc: { anchor: 'payment-methods' } },
      { kind: 'code', text: 'curl https://api.example.com/pay', loc: { anchor: 'payment-methods' } },
      { kind: 'paragraph', text: 'Invoices are sent by email & post.', loc: { anchor: 'payment-methods' } },
      { kind: 'heading', level: 2, text: 'Payment methods', loc: { anchor: 'payment-methods-1' } },
    ]);
    expect(JSON.stringify(doc.blocks)).not.toMatch(/example\.com\/(bank|d\.png)|\*\*/);
  });

  it('recognises FAQ pairs: question headings, bold questions, and Q:/A: lines', async () => {
    const doc = await md(`# FAQ

## How long do refunds take?

Five business days.

They go to the original card.

**Can I cancel an order?**

Yes, until it ships.

Q: Do you ship abroad?
A: Only within the EU.

问：可以开发票吗？
答：可以。

## Contact
Email us.
`);
    expect(doc.title).toBe('FAQ');
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'FAQ', loc: { anchor: 'faq' } },
      {
        kind: 'faq',
        question: 'How long do refunds take?',
        answer: 'Five business days.\nThey go to the original card.',
        loc: { anchor: 'how-long-do-refunds-take' },
      },
      { kind: 'faq', question: 'Can I cancel an order?', answer: 'Yes, until it ships.', loc: { anchor: 'how-long-do-refunds-take' } },
      { kind: 'faq', question: 'Do you ship abroad?', answer: 'Only within the EU.', loc: { anchor: 'how-long-do-refunds-take' } },
      { kind: 'faq', question: '可以开发票吗？', answer: '可以。', loc: { anchor: 'how-long-do-refunds-take' } },
      { kind: 'heading', level: 2, text: 'Contact', loc: { anchor: 'contact' } },
      { kind: 'paragraph', text: 'Email us.', loc: { anchor: 'contact' } },
    ]);
  });

  it('cleans raw HTML inside Markdown like any HTML', async () => {
    const doc = await md('Intro.\n\n<div onclick="alert(1)">Boxed <script>alert(2)</script>note</div>\n\nInline <span onmouseover="x()">tag</span> here.\n');
    expect(doc.blocks.map((b) => (b.kind === 'paragraph' ? b.text : b.kind))).toEqual(['Intro.', 'Boxed note', 'Inline tag here.']);
    expect(JSON.stringify(doc.blocks)).not.toMatch(/alert|onclick|<span/);
  });

  it('slugs headings the way GitHub does', () => {
    expect(slugify('What’s new in v2.0?')).toBe('whats-new-in-v20');
    expect(slugify('退款 政策')).toBe('退款-政策');
  });
});
