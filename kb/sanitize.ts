// HTML is stored only after sanitize-html has removed everything executable: scripts, styles, frames, objects,
// event-handler attributes and javascript: URLs. What remains is structure (headings, lists, tables, links) and text,
// which is all the parser needs — so no stored version can ever run in a page that shows it. Content a reader of the
// page would not see (hidden, aria-hidden, display:none) and form controls are dropped here too, because the
// attributes the parser would recognise them by do not survive sanitizing.
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = [
  'html', 'head', 'title', 'body', 'main', 'article', 'section', 'header', 'footer', 'nav', 'aside', 'div', 'span',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 'small',
  'sub', 'sup', 'mark', 'a', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'details', 'summary', 'table', 'thead', 'tbody', 'tfoot',
  'tr', 'th', 'td', 'caption', 'figure', 'figcaption', 'meta', 'link', 'base',
];

export function sanitizeStoredHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    // hidden / aria-hidden / style survive only so exclusiveFilter can see them (style limited to display and
    // visibility by allowedStyles); the elements they hide are then dropped.
    allowedAttributes: { '*': ['id', 'name', 'role', 'lang', 'colspan', 'rowspan', 'hidden', 'aria-hidden', 'style'], a: ['href', 'name', 'id'], link: ['rel', 'href'], base: ['href'], meta: ['charset', 'name', 'content'] },
    allowedStyles: { '*': { display: [/^none$/i], visibility: [/^hidden$/i] } },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesAppliedToAttributes: ['href'],
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas', 'button', 'select', 'dialog', 'form', 'input', 'label'],
    exclusiveFilter: (frame) => {
      const a = frame.attribs;
      return 'hidden' in a || a['aria-hidden'] === 'true' || /(display\s*:\s*none|visibility\s*:\s*hidden)/i.test(a.style ?? '');
    },
    // Typed in sanitize-html 2.17+, not yet in @types/sanitize-html: keeps the boolean `hidden` for the filter.
    ...({ allowedEmptyAttributes: ['hidden'] } as object),
    allowVulnerableTags: false,
  });
}
