import { describe, expect, it } from 'vitest';
import { parseDocument, parseHtml } from './index.ts';
import type { Block } from './index.ts';

/** Every string a block carries: what the chunker stores and what a page may later show. */
function allText(blocks: Block[]): string {
  return JSON.stringify(blocks);
}

describe('HTML', () => {
  it('never stores scripts, event handlers, javascript: links, iframes or other executable content', async () => {
    const html = `<!doctype html><html><head><title>Help</title>
      <script>alert('head')</script><style>body{background:url(javascript:alert(0))}</style></head>
      <body onload="alert('body')">
        <h1 onclick="alert('h1')">Contact</h1>
        <p>Write to us <a href="javascript:alert('link')" onclick="alert('click')">via the form</a> any time.</p>
        <img src="x" onerror="alert('img')" alt="logo">
        <iframe src="javascript:alert('iframe')">iframe fallback</iframe>
        <svg onload="alert('svg')"><text>svg text</text><script>alert('svg script')</script></svg>
        <noscript><img src=x onerror=alert('noscript')></noscript>
        <template><p onclick="alert('tpl')">template text</p></template>
        <object data="evil.swf">object fallback</object><embed src="evil.swf">
        <form action="javascript:alert('form')"><input value="typed javascript:alert('input')"><button onclick="alert('btn')">Send</button></form>
        <div onmouseover="alert('div')">Hover text stays, the handler goes.</div>
        <p style="display: none">hidden keyword stuffing</p>
        <math><mi>x</mi></math>
      </body></html>`;
    for (const doc of [parseHtml(html), await parseDocument(new TextEncoder().encode(html), { filename: 'contact.html' })]) {
      const text = allText(doc.blocks);
      expect(text).not.toMatch(/alert|javascript:|<script|onclick|onerror|onload|onmouseover|<iframe|<svg|<img|<\w+[^>]*>/i);
      expect(text).not.toMatch(/iframe fallback|svg text|template text|object fallback|Send|hidden keyword/);
      expect(doc.blocks).toEqual([
        { kind: 'heading', level: 1, text: 'Contact' },
        { kind: 'paragraph', text: 'Write to us via the form any time.' },
        { kind: 'paragraph', text: 'Hover text stays, the handler goes.' },
      ]);
    }
  });

  it('prefers <main>, drops page chrome, and maps structure to blocks', () => {
    const doc = parseHtml(`<html><head><title> Returns | Shop </title></head><body>
      <header><a href="/">Shop</a> <nav><a href="/a">Menu item</a></nav></header>
      <aside>Related: gift cards</aside>
      <main>
        <a name="policy"></a><h1>Returns policy</h1>
        <p>You can return items within <strong>30 days</strong>.<br>Keep the receipt.</p>
        <section id="how"><h2>How to <em>return</em></h2>
          <ol><li>Pack the item</li><li>Print the label<ul><li>A4 or Letter</li></ul></li></ol>
        </section>
        <h2 id="costs">Costs</h2>
        <table><thead><tr><th>Reason</th><th>Who pays</th></tr></thead>
          <tbody><tr><td>Defect</td><td>We do</td></tr><tr><td>Changed mind</td><td>You do</td></tr></tbody></table>
        <h3>FAQ</h3>
        <dl><dt>Can I return sale items?</dt><dd>Yes, within 14 days.</dd></dl>
        <details id="gift"><summary>Gift returns?</summary><p>The gift receiver gets store credit.</p></details>
        <pre>RETURN-CODE: 1234
  keep spacing</pre>
        <div role="navigation">Prev | Next</div>
      </main>
      <footer>© Shop</footer></body></html>`);

    expect(doc.title).toBe('Returns | Shop');
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Returns policy', loc: { anchor: 'policy' } },
      { kind: 'paragraph', text: 'You can return items within 30 days.\nKeep the receipt.', loc: { anchor: 'policy' } },
      { kind: 'heading', level: 2, text: 'How to return', loc: { anchor: 'how' } },
      { kind: 'list', ordered: true, items: ['Pack the item', 'Print the label\n- A4 or Letter'], loc: { anchor: 'how' } },
      { kind: 'heading', level: 2, text: 'Costs', loc: { anchor: 'costs' } },
      { kind: 'table', header: ['Reason', 'Who pays'], rows: [['Defect', 'We do'], ['Changed mind', 'You do']], loc: { anchor: 'costs' } },
      { kind: 'heading', level: 3, text: 'FAQ', loc: { anchor: 'costs' } },
      { kind: 'faq', question: 'Can I return sale items?', answer: 'Yes, within 14 days.', loc: { anchor: 'costs' } },
      { kind: 'faq', question: 'Gift returns?', answer: 'The gift receiver gets store credit.', loc: { anchor: 'gift' } },
      { kind: 'code', text: 'RETURN-CODE: 1234\n  keep spacing', loc: { anchor: 'costs' } },
    ]);
    expect(allText(doc.blocks)).not.toMatch(/Menu item|Related|© Shop|Prev \| Next/);
  });

  it('uses the first row as the header of a table without <th>, and the first h1 as title without <title>', () => {
    const doc = parseHtml('<h1>Prices</h1><table><tr><td>Plan</td><td>Price</td></tr><tr><td>Basic</td><td>$5</td></tr></table>');
    expect(doc.title).toBe('Prices');
    expect(doc.blocks[1]).toEqual({ kind: 'table', header: ['Plan', 'Price'], rows: [['Basic', '$5']] });
  });

  it('walks layout tables as containers instead of emitting them as data', () => {
    const doc = parseHtml('<table><tr><td><h2>Opening hours</h2><p>9 to 5.</p></td><td><table><tr><td>a</td><td>b</td></tr></table></td></tr></table>');
    expect(doc.blocks.slice(0, 2)).toEqual([
      { kind: 'heading', level: 2, text: 'Opening hours' },
      { kind: 'paragraph', text: '9 to 5.' },
    ]);
  });

  it('keeps an article and drops header/footer chrome around it', () => {
    const doc = parseHtml('<body><header>Site name</header><article><header><h1>News</h1></header><p>Body.</p></article><footer>Legal</footer></body>');
    expect(doc.blocks).toEqual([{ kind: 'heading', level: 1, text: 'News' }, { kind: 'paragraph', text: 'Body.' }]);
  });
});
