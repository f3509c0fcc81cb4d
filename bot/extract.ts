// Pure: the extractive answer — the passage sentences that best cover the question, kept in their original order,
// each answer citing the passages it came from.
export type Candidate = { chunkId: string; documentId: string; documentTitle: string; headingPath: string[]; text: string; similarity: number | null; textRank: number | null };
export type TermFn = (text: string) => string[];
export type SentenceFn = (text: string) => string[];

/** Share of the question's distinct terms found in `text` (0..1). */
export function coverage(questionTerms: ReadonlySet<string>, text: string, termsOf: TermFn): number {
  if (questionTerms.size === 0) return 0;
  const have = new Set(termsOf(text));
  let hit = 0;
  for (const t of questionTerms) if (have.has(t)) hit++;
  return hit / questionTerms.size;
}

export type Extract<C extends Candidate = Candidate> = { text: string; used: C[] };

export function extractAnswer<C extends Candidate>(question: string, candidates: readonly C[], termsOf: TermFn, sentencesOf: SentenceFn, maxSentences = 2): Extract<C> | null {
  const qt = new Set(termsOf(question));
  type Scored = { sentence: string; score: number; cand: C; index: number; order: number };
  const scored: Scored[] = [];
  candidates.slice(0, 3).forEach((cand, ci) => {
    sentencesOf(cand.text).forEach((sentence, index) => {
      const plain = sentence.replace(/^[#>*\-\s\d.]+/, '').trim();
      if (plain.length < 3) return;
      const score = coverage(qt, [...cand.headingPath, plain].join(' '), termsOf) - ci * 0.05;
      scored.push({ sentence: plain, score, cand, index, order: ci * 1000 + index });
    });
  });
  const top = scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score || a.order - b.order);
  const first = top[0];
  if (!first) return null;
  const chosen = [first];
  // Add the sentence that follows the best one in the same passage: answers often continue ("…. It takes 5 days.").
  const next = scored.find((s) => s.cand === first.cand && s.index === first.index + 1);
  if (next && chosen.length < maxSentences) chosen.push(next);
  chosen.sort((a, b) => a.order - b.order);
  const used = [...new Map(chosen.map((c) => [c.cand.chunkId, c.cand])).values()];
  return { text: chosen.map((c) => c.sentence).join(' '), used };
}
