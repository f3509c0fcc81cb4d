// Pure: the groundedness check run after an answer is generated — is every sentence of the answer supported by the
// passages it cites? A sentence is supported when most of its content words appear in one cited passage (or across
// them); short framing sentences ("Sure, here is how.") carry no claim and are skipped.
import type { TermFn } from './confidence.ts';

export type Groundedness = { grounded: boolean; supported: number; checked: number; unsupported: string[] };

const CITATION = /\s*\[\d+(?:\s*,\s*\d+)*\]/g;
/** At least this share of a sentence's content words must be found in the cited passages. */
export const SUPPORT_SHARE = 0.6;
/** Sentences with fewer content words than this are framing, not claims. */
const MIN_CLAIM_TERMS = 3;

export function checkGrounded(answer: string, citedTexts: readonly string[], termsOf: TermFn, sentencesOf: (t: string) => string[]): Groundedness {
  const sources = citedTexts.map((t) => new Set(termsOf(t)));
  const union = new Set(sources.flatMap((s) => [...s]));
  const unsupported: string[] = [];
  let checked = 0;
  let supported = 0;
  for (const sentence of sentencesOf(answer.replace(CITATION, ''))) {
    const claim = [...new Set(termsOf(sentence))];
    if (claim.length < MIN_CLAIM_TERMS) continue;
    checked++;
    const share = (have: Set<string>) => claim.filter((t) => have.has(t)).length / claim.length;
    const best = Math.max(share(union), ...sources.map(share));
    if (best >= SUPPORT_SHARE) supported++;
    else unsupported.push(sentence.trim());
  }
  // An answer with claims but no sources, or any unsupported claim, is not grounded.
  return { grounded: unsupported.length === 0 && (checked === 0 || sources.length > 0), supported, checked, unsupported };
}

const FACT = /https?:\/\/[^\s)\]\u3000-\u303f\uff00-\uffef]+|[\w.+-]+@[\w-]+\.[\w.]+|\d+(?:[.,:]\d+)*%?/g;

/**
 * For an answer in another language than its passages, where words cannot be compared: the facts that do not
 * translate — numbers, amounts, times, URLs and email addresses — must each appear in the cited passages.
 */
export function checkFacts(answer: string, citedTexts: readonly string[]): Groundedness {
  const source = citedTexts.join(' ');
  const facts = [...new Set(answer.replace(CITATION, '').match(FACT) ?? [])];
  // A number counts only as a whole number ("5" is not found in "2025").
  const present = (f: string) => new RegExp(`(?<![\\d.,])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\d])`).test(source);
  const unsupported = facts.filter((f) => !present(f));
  return { grounded: unsupported.length === 0 && (facts.length === 0 || citedTexts.length > 0), supported: facts.length - unsupported.length, checked: facts.length, unsupported };
}
