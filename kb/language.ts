// Language of a text (ISO 639-1) and the PostgreSQL full-text configuration to index it with. Scripts decide CJK at
// once (franc confuses short Chinese and Japanese); other text goes to franc-min when long enough to be reliable.
import { franc } from 'franc-min';
import { isCjk, words } from './text.ts';

// franc's ISO 639-3 codes for the languages PostgreSQL has a stemmer for (plus CJK, indexed pre-segmented).
const ISO3_TO_1: Record<string, string> = {
  eng: 'en', spa: 'es', fra: 'fr', deu: 'de', por: 'pt', ita: 'it', nld: 'nl', rus: 'ru', swe: 'sv', dan: 'da',
  nob: 'no', fin: 'fi', tur: 'tr', hun: 'hu', ron: 'ro', ind: 'id', cat: 'ca', ell: 'el', arb: 'ar', hin: 'hi',
  cmn: 'zh', jpn: 'ja', kor: 'ko',
};

const TS_CONFIG: Record<string, string> = {
  en: 'english', es: 'spanish', fr: 'french', de: 'german', pt: 'portuguese', it: 'italian', nl: 'dutch',
  ru: 'russian', sv: 'swedish', da: 'danish', no: 'norwegian', fi: 'finnish', tr: 'turkish', hu: 'hungarian',
  ro: 'romanian', id: 'indonesian', ca: 'catalan', el: 'greek', ar: 'arabic', hi: 'hindi',
};

const KANA = /[\u3040-\u30ff]/u;
const HANGUL = /[\uac00-\ud7af]/u;

/**
 * ISO 639-1 code of the text's language, or `fallback` when the text is too short or ambiguous to tell.
 * Chinese, Japanese and Korean are recognised by script even in a few characters.
 */
export function detectLanguage(text: string, fallback: string | null = null): string | null {
  const sample = text.slice(0, 4000);
  const cjkChars = [...sample].filter((c) => isCjk(c)).length;
  const letters = [...sample].filter((c) => /\p{L}/u.test(c)).length;
  if (cjkChars > 0 && cjkChars >= letters * 0.3) {
    if (KANA.test(sample)) return 'ja';
    if (HANGUL.test(sample)) return 'ko';
    return 'zh';
  }
  if (sample.trim().length < 24) return fallback;
  const code = franc(sample, { minLength: 10 });
  return ISO3_TO_1[code] ?? fallback;
}

/** The PostgreSQL text-search configuration for a language: a stemmer when PostgreSQL has one, else 'simple'. */
export function tsConfigFor(language: string | null | undefined): string {
  return (language && TS_CONFIG[language]) ?? (language ? 'simple' : 'english');
}

/**
 * Text prepared for to_tsvector: CJK runs are split into words by Intl.Segmenter and separated by spaces, because
 * PostgreSQL's parser would otherwise index a whole run of Han characters as one token.
 */
export function searchableText(text: string): string {
  if (![...text].some((c) => isCjk(c))) return text;
  return words(text).join(' ');
}
