// Text tools shared by retrieval, chunking and the bot: word tokens (Intl.Segmenter, so CJK text splits into words),
// the Porter stemmer from `natural`, imported by file (its index loads .env and database clients).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const porter = require('natural/lib/natural/stemmers/porter_stemmer.js') as { stem: (word: string) => string };
// Function words only. natural's English list also drops topic words customers use ("take", "first", "last"),
// which hurt questions like "how long does a refund take", so the list is ours.
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a an the and or but if then so of to in on at by for with from into onto over under about as than
   is are was were be been being am do does did doing have has had having will would shall should can could may might must
   i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
   this that these those there here what which who whom whose when where why how
   not no nor just very too also only own same such some any each both few more most other all
   please hi hello hey thanks thank ok okay want need like know tell get`.split(/\s+/),
);

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/;

/** Lower-cased word-like segments, in order. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (s.isWordLike) out.push(s.segment);
  }
  return out;
}

export const isCjk = (word: string): boolean => CJK.test(word);

// Stemming is the hot path of indexing and embedding; a bounded memo makes repeated words (most of them) free.
const stems = new Map<string, string>();
const STEM_CACHE_MAX = 100_000;

/** The topic term of one lower-cased word: null for stop words and stray letters; CJK words kept whole. */
export function termOf(w: string): string | null {
  if (isCjk(w)) return w;
  if (STOPWORDS.has(w) || (w.length < 2 && !/\d/.test(w))) return null;
  let stem = stems.get(w);
  if (stem === undefined) {
    stem = porter.stem(w);
    if (stems.size >= STEM_CACHE_MAX) stems.clear();
    stems.set(w, stem);
  }
  return stem;
}

/** Topic terms: words without stop words, English words stemmed; CJK words kept whole. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = termOf(w);
    if (t !== null) out.push(t);
  }
  return out;
}

/** Rough token count for sizing chunks (≈ words for Latin text, characters for CJK). */
export function tokenCount(text: string): number {
  let n = 0;
  for (const w of words(text)) n += isCjk(w) ? w.length : 1;
  return n;
}

/** Sentences, split on terminal punctuation (Latin and CJK) and line breaks. */
export function sentences(text: string): string[] {
  const sentenceSegmenter = new Intl.Segmenter('und', { granularity: 'sentence' });
  const out: string[] = [];
  for (const part of text.split(/\n+/)) {
    for (const s of sentenceSegmenter.segment(part)) {
      const t = s.segment.trim();
      if (t) out.push(t);
    }
  }
  return out;
}
