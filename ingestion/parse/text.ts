// Plain text → blocks: paragraphs split on blank lines, Q:/A: pairs → faq, bullet and numbered lines → list.
// No library beyond the shared line heuristics in structure.ts.
import { paragraphsToBlocks, splitParagraphs } from './structure.ts';
import type { ParsedDocument } from './types.ts';

export function parseText(text: string): ParsedDocument {
  const blocks = paragraphsToBlocks(splitParagraphs(text).map((lines) => ({ lines })), { join: 'newline' });
  return { format: 'text', blocks, warnings: [] };
}
