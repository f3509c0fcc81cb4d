// Pure: one confidence score in [0,1] that the best retrieved passage answers the question, combined from several
// retrieval signals by a logistic model. The weights were fitted on the development datasets by
// `BENCH_PARTS=bot npm run bench` (bench/bot.ts) (positive: an in-scope question whose top document is a correct one; negative: an
// out-of-scope question, or a wrong top document), so the score reads roughly as "probability the top answer is right".
import type { Passage } from '../kb/index.ts';

export type TermFn = (text: string) => string[];

/** The signals, each in [0,1]; recorded in the trace so a wrong decision can be explained. */
export type ConfidenceFeatures = {
  /** Best cosine similarity among the top passages. */
  similarity: number;
  /** Share of the question's IDF weight found in the best passage (title and headings included). */
  coverage: number;
  /** Share of the question's IDF weight made of words the knowledge base has never seen. */
  unknown: number;
  /** How far the best document's similarity is ahead of the next document's. */
  margin: number;
  /** 1 when the vector search and the full-text search put the same document first. */
  agreement: number;
  /** Normalised full-text rank of the best passage. */
  textRank: number;
  /** Question length in content words, saturating at 8 (short questions are less telling). */
  length: number;
};

export type Confidence = { score: number; features: ConfidenceFeatures; best: Passage | null };

/** Logistic weights over the features (see the header). `bias` first. */
export const CONFIDENCE_WEIGHTS: Readonly<Record<keyof ConfidenceFeatures | 'bias', number>> = {
  // Fitted 2026-11-25 on 6,312 cases of clinc150_dev, banking77 and mtragun_govt (AUC 0.844), signs constrained:
  // similarity and unknown words carry no weight once margin and coverage are known (their fitted weight is 0).
  bias: -3.67,
  similarity: 0,
  coverage: 1.63,
  unknown: 0,
  margin: 7.72,
  agreement: 0.66,
  textRank: 1.62,
  length: 1.07,
};

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

export function confidenceFeatures(question: string, passages: readonly Passage[], termsOf: TermFn, idf: (t: string) => number, df: (t: string) => number): { features: ConfidenceFeatures; best: Passage | null } {
  const qTerms = [...new Set(termsOf(question))];
  const weight = (t: string) => idf(t);
  const total = qTerms.reduce((s, t) => s + weight(t), 0);
  const unknownWeight = qTerms.filter((t) => df(t) === 0).reduce((s, t) => s + weight(t), 0);
  const top = passages.slice(0, 3);
  let best: Passage | null = null;
  let bestCoverage = 0;
  for (const p of top) {
    const have = new Set(termsOf([p.documentTitle, ...p.headingPath, p.text].join(' ')));
    const covered = qTerms.filter((t) => have.has(t)).reduce((s, t) => s + weight(t), 0);
    const cov = total > 0 ? covered / total : 0;
    if (!best || cov > bestCoverage) {
      best = p;
      bestCoverage = cov;
    }
  }
  if (!best) return { features: { similarity: 0, coverage: 0, unknown: total > 0 ? unknownWeight / total : 1, margin: 0, agreement: 0, textRank: 0, length: clamp01(qTerms.length / 8) }, best: null };
  const simOf = (p: Passage) => Math.max(0, p.similarity ?? 0);
  const similarity = Math.max(...passages.slice(0, 5).map(simOf));
  const first = passages[0]!;
  const otherDoc = passages.find((p) => p.documentId !== first.documentId);
  const byVector = passages.filter((p) => p.ranks.vector !== null).sort((a, b) => a.ranks.vector! - b.ranks.vector!)[0];
  const byText = passages.filter((p) => p.ranks.text !== null).sort((a, b) => a.ranks.text! - b.ranks.text!)[0];
  return {
    best,
    features: {
      similarity: clamp01(similarity),
      coverage: clamp01(bestCoverage),
      unknown: total > 0 ? clamp01(unknownWeight / total) : 1,
      margin: clamp01(simOf(first) - (otherDoc ? simOf(otherDoc) : 0)),
      agreement: byVector && byText && byVector.documentId === byText.documentId ? 1 : 0,
      textRank: clamp01(best.textRank ?? 0),
      length: clamp01(qTerms.length / 8),
    },
  };
}

export function confidenceScore(f: ConfidenceFeatures, w = CONFIDENCE_WEIGHTS): number {
  const z = w.bias + w.similarity * f.similarity + w.coverage * f.coverage + w.unknown * f.unknown + w.margin * f.margin + w.agreement * f.agreement + w.textRank * f.textRank + w.length * f.length;
  return 1 / (1 + Math.exp(-z));
}

export function confidenceOf(question: string, passages: readonly Passage[], termsOf: TermFn, idf: (t: string) => number, df: (t: string) => number): Confidence {
  const { features, best } = confidenceFeatures(question, passages, termsOf, idf, df);
  return { score: best ? confidenceScore(features) : 0, features, best };
}
