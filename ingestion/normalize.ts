// Pure: turns a stored document body into clean Markdown-ish text for chunking. Markdown and plain text only for
// now; other formats (PDF, DOCX, HTML, CSV/XLSX FAQ, URLs) add their parsers in front of this.
export function normalizeText(body: string, mime: string): string {
  let text = body.replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
  if (mime === 'text/plain') text = text.replace(/[ \t]+\n/g, '\n');
  // Collapse runs of blank lines and trailing spaces; keep paragraph breaks, which chunking relies on.
  return text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
}
