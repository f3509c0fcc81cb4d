// HTML → blocks. Also the back half of DOCX (mammoth writes HTML) and the parser the URL crawler calls.
// Library: `cheerio` (parse5 inside, so the DOM is built the way browsers build it) for parsing and selector-based
// removal; the walk itself is plain recursion over the DOM nodes. Only text nodes ever reach a block: tags, attributes
// (on*=, href="javascript:…") and the bodies of script-like elements are never copied, so stored text cannot run.
import { load } from 'cheerio';
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { Block, ParsedDocument, SourceLocation } from './types.ts';

// Elements whose content is code, media, or interaction rather than reading text. xmp/plaintext are obsolete raw-text
// elements: their content would surface tags as text. nav and role=navigation are menus on every page.
const REMOVED = [
  'script', 'style', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math',
  'canvas', 'audio', 'video', 'picture', 'source', 'track', 'map', 'img', 'link', 'meta', 'base', 'title', 'xmp', 'plaintext',
  'input', 'button', 'select', 'textarea', 'option', 'optgroup', 'datalist', 'output', 'progress', 'meter', 'dialog',
  'nav', '[role="navigation"]', '[role="search"]', '[hidden]', '[aria-hidden="true"]',
].join(', ');
// Page chrome, removed only outside the main content: inside an article a <header> usually holds the article's title.
const CHROME = 'header, footer, aside, [role="banner"], [role="contentinfo"], [role="complementary"]';
const MAIN = 'main, [role="main"]';

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'div', 'dt', 'fieldset', 'figcaption',
  'figure', 'footer', 'form', 'header', 'hgroup', 'html', 'legend', 'li', 'main', 'p', 'section', 'summary', 'td', 'th',
  'tr', 'tbody', 'thead', 'tfoot', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'dl', 'table', 'pre', 'details', 'hr',
]);

export type ParseHtmlOptions = {
  /**
   * The page's own URL, from the crawler. Links are dropped (blocks are plain text) and `loc.anchor` is always the bare
   * id, so nothing needs resolving against it today; it is accepted so callers need not change when something does.
   */
  baseUrl?: string;
};

/** Parses an HTML document (or fragment) into plain-text blocks. Never throws on malformed markup: browsers don't. */
export function parseHtml(html: string, _opts: ParseHtmlOptions = {}): ParsedDocument {
  const $ = load(html);
  const title = collapse($('title').first().text());

  removeNonContent($);
  if ($(`${MAIN}, article`).length > 0) {
    $(CHROME).filter((_, el) => $(el).closest(`${MAIN}, article`).length === 0).remove();
  }

  const root = pickRoot($);
  const blocks = htmlNodesToBlocks(root ? [root] : []);
  const firstH1 = blocks.find((b) => b.kind === 'heading' && b.level === 1);
  const doc: ParsedDocument = { format: 'html', blocks, warnings: [] };
  const docTitle = title || (firstH1?.kind === 'heading' ? firstH1.text : '');
  if (docTitle) doc.title = docTitle;
  return doc;
}

/** Blocks of an HTML fragment (e.g. raw HTML inside Markdown), cleaned like a whole page. */
export function htmlFragmentToBlocks(html: string): Block[] {
  const $ = load(html, null, false);
  removeNonContent($);
  return htmlNodesToBlocks($.root().toArray());
}

/** Whether a string (a JSON value, a spreadsheet cell) carries HTML markup rather than plain text. */
export function looksLikeHtml(s: string): boolean {
  return /<\/?[a-z][a-z0-9]*(?:\s[^>]*)?\/?>/i.test(s);
}

/**
 * Plain text of an HTML snippet, one line per block. Help-desk exports put HTML in JSON fields and CSV cells; this keeps
 * its markup (and anything executable in it) out of the stored text.
 */
export function htmlToPlainText(html: string): string {
  return htmlFragmentToBlocks(html)
    .map((b) => {
      switch (b.kind) {
        case 'list': return b.items.map((i) => `- ${i}`).join('\n');
        case 'table': return [b.header, ...b.rows].map((r) => r.join(' | ')).join('\n');
        case 'faq': return `${b.question}\n${b.answer}`;
        default: return b.text;
      }
    })
    .join('\n');
}

function removeNonContent($: CheerioAPI): void {
  $(REMOVED).remove();
  $('[style]').filter((_, el) => /display\s*:\s*none|visibility\s*:\s*hidden/i.test(el.attribs['style'] ?? '')).remove();
}

// The main content when the page marks it, so menus, cookie banners and footers don't become knowledge.
function pickRoot($: CheerioAPI): AnyNode | undefined {
  const main = $(MAIN).first()[0];
  if (main) return main;
  const articles = $('article');
  if (articles.length === 1) return articles[0];
  return $('body')[0] ?? $.root()[0];
}

/** Walks DOM nodes in document order, turning block-level structure into blocks. */
export function htmlNodesToBlocks(nodes: AnyNode[]): Block[] {
  const blocks: Block[] = [];
  let buf = '';
  let pendingAnchor: string | undefined; // nearest preceding id / a[name], for the next heading
  let sectionAnchor: string | undefined; // the anchor of the heading we are under
  const levelAnchors: (string | undefined)[] = []; // by heading level: an id-less h3 is cited by its h2's anchor

  const loc = (anchor = sectionAnchor): { loc?: SourceLocation } => (anchor ? { loc: { anchor } } : {});
  const push = (block: Block): void => {
    blocks.push(block);
    pendingAnchor = undefined;
  };
  const flush = (): void => {
    const text = cleanText(buf);
    buf = '';
    if (text) push({ kind: 'paragraph', text, ...loc() });
  };

  const walk = (node: AnyNode): void => {
    if (node.type === 'text') {
      buf += collapseSpaces(node.data);
      return;
    }
    if (!isElement(node)) {
      if ('children' in node) for (const child of node.children) walk(child); // the document root
      return;
    }
    const name = node.name;
    const ownAnchor = anchorOf(node);
    if (ownAnchor && !/^h[1-6]$/.test(name)) pendingAnchor = ownAnchor;

    if (/^h[1-6]$/.test(name)) {
      flush();
      const text = cleanText(inlineText(node)).replace(/\n/g, ' ');
      const own = ownAnchor ?? innerAnchor(node) ?? pendingAnchor;
      if (!text) {
        if (own) pendingAnchor = own;
        return;
      }
      const level = Number(name.slice(1));
      levelAnchors.length = level; // leaving deeper sections
      levelAnchors[level] = own;
      const anchor = own ?? levelAnchors.slice(1, level).findLast((a) => a !== undefined);
      sectionAnchor = anchor;
      push({ kind: 'heading', level, text, ...loc(anchor) });
      return;
    }
    switch (name) {
      case 'br':
        buf += '\n';
        return;
      case 'hr':
        flush();
        return;
      case 'ul':
      case 'ol': {
        flush();
        const items = listItems(node);
        if (items.length > 0) push({ kind: 'list', ordered: name === 'ol', items, ...loc() });
        return;
      }
      case 'table':
        flush();
        if (isLayoutTable(node)) break; // walk its cells like any container
        for (const block of tableBlocks(node)) push({ ...block, ...loc() });
        return;
      case 'dl':
        flush();
        for (const block of definitionList(node)) push({ ...block, ...loc(block.loc?.anchor ?? sectionAnchor) });
        return;
      case 'details': {
        flush();
        const summary = node.children.find((c): c is Element => isElement(c) && c.name === 'summary');
        if (!summary) break;
        const question = cleanText(inlineText(summary)).replace(/\n/g, ' ');
        const answer = cleanText(node.children.filter((c) => c !== summary).map(inlineText).join(''));
        if (question && answer) push({ kind: 'faq', question, answer, ...loc(ownAnchor ?? sectionAnchor) });
        else if (question || answer) push({ kind: 'paragraph', text: question || answer, ...loc() });
        return;
      }
      case 'pre': {
        flush();
        const text = rawText(node).replace(/^\s*\n/, '').replace(/\s+$/, '');
        if (text) push({ kind: 'code', text, ...loc() });
        return;
      }
    }
    const block = BLOCK_TAGS.has(name);
    if (block) flush();
    for (const child of node.children) walk(child);
    if (block) flush();
  };

  for (const node of nodes) walk(node);
  flush();
  return blocks;
}

function isElement(node: AnyNode): node is Element {
  // domhandler types <script> and <style> as their own node types; they are removed before the walk anyway.
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function anchorOf(el: Element): string | undefined {
  const id = el.attribs['id']?.trim() || (el.name === 'a' ? el.attribs['name']?.trim() : undefined);
  return id || undefined;
}

function innerAnchor(el: Element): string | undefined {
  for (const child of el.children) {
    if (!isElement(child)) continue;
    const found = anchorOf(child) ?? innerAnchor(child);
    if (found) return found;
  }
  return undefined;
}

/** Text of a subtree with line breaks where block elements and <br> are; runs of spaces collapsed. */
function inlineText(node: AnyNode): string {
  if (node.type === 'text') return collapseSpaces(node.data);
  if (!isElement(node)) return '';
  if (node.name === 'br') return '\n';
  const inner = node.children.map(inlineText).join('');
  return BLOCK_TAGS.has(node.name) ? `\n${inner}\n` : inner;
}

/** Text of a <pre>, whitespace kept. */
function rawText(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  if (!isElement(node)) return '';
  if (node.name === 'br') return '\n';
  return node.children.map(rawText).join('');
}

function listItems(list: Element): string[] {
  const items: string[] = [];
  for (const child of list.children) {
    if (!isElement(child)) {
      if (child.type === 'text' && child.data.trim()) items.push(cleanText(child.data));
      continue;
    }
    if (child.name === 'ul' || child.name === 'ol') {
      items.push(...listItems(child)); // invalid but common: a nested list as a sibling of the <li>s
      continue;
    }
    const own = cleanText(child.children.filter((c) => !isList(c)).map(inlineText).join(''));
    const nested = child.children.filter(isList).flatMap((c) => listItems(c as Element));
    const text = [own, ...nested.map((n) => `- ${n.replace(/\n/g, '\n  ')}`)].filter(Boolean).join('\n');
    if (text) items.push(text);
  }
  return items;
}

function isList(node: AnyNode): boolean {
  return isElement(node) && (node.name === 'ul' || node.name === 'ol');
}

// Old sites lay pages out with tables; a table holding headings or other tables is layout, not data.
function isLayoutTable(table: Element): boolean {
  if (table.attribs['role'] === 'presentation' || table.attribs['role'] === 'none') return true;
  const hasStructure = (node: AnyNode): boolean =>
    isElement(node) && node.children.some((c) => isElement(c) && (/^(h[1-6]|table)$/.test(c.name) || hasStructure(c)));
  return hasStructure(table);
}

function tableBlocks(table: Element): Block[] {
  const out: Block[] = [];
  const rows: { cells: string[]; header: boolean }[] = [];
  const collect = (el: Element, inHead: boolean): void => {
    for (const child of el.children) {
      if (!isElement(child)) continue;
      if (child.name === 'caption') {
        const caption = cleanText(inlineText(child)).replace(/\n/g, ' ');
        if (caption) out.push({ kind: 'paragraph', text: caption });
      } else if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') {
        collect(child, child.name === 'thead');
      } else if (child.name === 'tr') {
        const cells = child.children.filter((c): c is Element => isElement(c) && (c.name === 'td' || c.name === 'th'));
        const texts = cells.map((c) => cleanText(inlineText(c)).replace(/\n+/g, ' '));
        if (texts.some(Boolean)) rows.push({ cells: texts, header: inHead || cells.every((c) => c.name === 'th') });
      }
    }
  };
  collect(table, false);
  const [first, ...rest] = rows;
  if (!first) return out;
  if (rows.length === 1 && first.cells.filter(Boolean).length === 1) {
    out.push({ kind: 'paragraph', text: first.cells.filter(Boolean).join('') }); // a one-cell "box", not a table
    return out;
  }
  out.push({ kind: 'table', header: first.cells, rows: rest.map((r) => r.cells) });
  return out;
}

function definitionList(dl: Element): Block[] {
  const out: Block[] = [];
  let question = '';
  let answer: string[] = [];
  let anchor: string | undefined;
  const emit = (): void => {
    const a = cleanText(answer.join('\n'));
    if (question && a) out.push({ kind: 'faq', question, answer: a, ...(anchor ? { loc: { anchor } } : {}) });
    else if (question || a) out.push({ kind: 'paragraph', text: question || a });
    question = '';
    answer = [];
    anchor = undefined;
  };
  const visit = (el: Element): void => {
    for (const child of el.children) {
      if (!isElement(child)) continue;
      if (child.name === 'dt') {
        if (answer.length > 0) emit();
        const text = cleanText(inlineText(child)).replace(/\n/g, ' ');
        question = question ? `${question} ${text}` : text;
        anchor ??= anchorOf(child);
      } else if (child.name === 'dd') {
        answer.push(inlineText(child));
      } else if (child.name === 'div') {
        visit(child); // <dl><div><dt/><dd/></div></dl> is valid HTML
      }
    }
  };
  visit(dl);
  emit();
  return out;
}

function collapseSpaces(s: string): string {
  return s.replace(/[ \t\n\r\f\v\u00a0\u2028\u2029]+/g, ' ');
}

function collapse(s: string): string {
  return collapseSpaces(s).trim();
}

/** Trims each line, drops blank lines. Input lines come from <br> and block boundaries. */
function cleanText(s: string): string {
  return s
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}
