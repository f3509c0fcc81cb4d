// HTML is stored only after sanitize-html has removed everything executable: scripts, styles, frames, objects,
// event-handler attributes and javascript: URLs. What remains is structure (headings, lists, tables, links) and text,
// which is all the parser needs — so no stored version can ever run in a page that shows it.
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
    allowedAttributes: { '*': ['id', 'name', 'role', 'lang', 'colspan', 'rowspan'], a: ['href', 'name', 'id'], link: ['rel', 'href'], base: ['href'], meta: ['charset', 'name', 'content'] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesAppliedToAttributes: ['href'],
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas'],
    allowVulnerableTags: false,
  });
}
