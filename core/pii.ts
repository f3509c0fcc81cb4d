// Pure: personal data found in free text (emails, phone numbers, payment cards, ID numbers, IBANs) replaced by
// placeholders before the text reaches a log line, a stored trace or an LLM. Numbers count only when their shape
// and checksum say so (Luhn, mod-97, the Chinese ID check digit), so prices, dates and order numbers stay readable.
// Runs on every log line: a handful of precompiled, linear-time regexes, and a fast path for text without digits or '@'.

export type PiiKind = 'email' | 'phone' | 'card' | 'id' | 'iban';

export const PII_PLACEHOLDER: Record<PiiKind, string> = {
  email: '[email]',
  phone: '[phone]',
  card: '[card]',
  id: '[id]',
  iban: '[iban]',
};

// Every quantifier is bounded or followed by a character it cannot match, so no input backtracks badly.
const EMAIL = /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])/g;

// Country code, check digits, then 11–30 letters or digits, optionally in groups of four. Upper case, as printed.
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![a-z0-9])/g;

// Chinese resident ID: region (6), birth date YYYYMMDD (8), sequence (3), check character (digit or X).
const CN_ID = /(?<![\w-])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\w-])/g;

// US Social Security number in its printed form; never 000/666/9xx areas, 00 groups or 0000 serials.
const SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g;

// A run of digit groups joined by single separators (space, dash, dot, parentheses), optionally led by '+'. The run is
// then classified as a card, a phone number or nothing. Separators are required between groups, so the pattern is
// unambiguous and linear. Not preceded by letters, '#', currency signs, '/', '.' or '-', so order numbers (#12345),
// prices ($1299), versions (v1.2.3), codes (AB-123456) and URL paths are never candidates.
const NUMBER_RUN = /(?:(?<![\w+])\+ ?|(?<![\w#@$€£¥%+/.,-]))\(?\d+(?:(?:[ .-]|[ .-]?\(|\)[ .-]?)\d+)*/g;

// Words that make the next number an identifier of ours (order, ticket …), not a phone number.
const NUMBER_LABEL =
  /(?:order|invoice|tracking|shipment|parcel|package|ticket|case|ref|reference|receipt|transaction|confirmation|booking|model|sku|serial|part|item|account|policy|member|customer|订单|单号|运单|快递|编号)\s*(?:number|num|no|nr|id|code|#)?\.?\s*[:#]?\s*$/i;

/** Replaces personal data in `text` with placeholders and reports which kinds it found. */
export function redactPii(text: string): { text: string; found: PiiKind[] } {
  const found = new Set<PiiKind>();
  if (!/[\d@]/.test(text)) return { text, found: [] }; // nothing below can match without a digit or '@'
  let out = text;

  if (out.includes('@')) out = out.replace(EMAIL, () => mark(found, 'email'));
  out = out.replace(IBAN, redactIban(found));
  out = out.replace(CN_ID, (m) => (cnIdValid(m) ? mark(found, 'id') : m));
  out = out.replace(SSN, () => mark(found, 'id'));
  out = out.replace(NUMBER_RUN, (run: string, offset: number, whole: string) => {
    const kind = classifyRun(run, whole.slice(Math.max(0, offset - 32), offset), whole.slice(offset + run.length, offset + run.length + 2));
    return kind ? mark(found, kind) : run;
  });
  return { text: out, found: [...found] };
}

/** `redactPii(text).text`. */
export const redact = (text: string): string => redactPii(text).text;

/**
 * A copy of `value` with every string redacted, for log objects: plain objects and arrays are copied down to `depth`
 * levels; Errors, Dates, Buffers, Maps and other non-plain objects are returned as they are (pino serializes them).
 * Below `depth`, values are returned unchanged, which also keeps cyclic structures finite.
 */
export function redactDeep(value: unknown, depth = 6): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth <= 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth - 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = redactDeep(v, depth - 1);
  return copy;
}

function mark(found: Set<PiiKind>, kind: PiiKind): string {
  found.add(kind);
  return PII_PLACEHOLDER[kind];
}

// ---- numbers: card or phone? ----

// A date anywhere in the run ("2024-03-05 10" is a date and an hour, not a phone number).
const DATE = /(?:^| )(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?= |$)/;
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/; // an IPv4 address

function classifyRun(run: string, before: string, after: string): 'card' | 'phone' | null {
  if (/^[-.]?[A-Za-z0-9_]/.test(after)) return null; // part of a longer code such as 555-1234-AB
  const digits = run.replace(/\D/g, '');
  if (digits.length < 7) return null;
  const plus = run.startsWith('+');
  if (!plus && digits.length >= 13 && digits.length <= 19 && /^[\d -]+$/.test(run) && luhnValid(digits) && !/^(\d)\1+$/.test(digits)) return 'card';
  if (/ {2}|[-.]{2}|\( |\)\)|\(\(/.test(run) || !parensBalanced(run)) return null;
  if (DATE.test(run) || DOTTED_QUAD.test(run)) return null;
  if (NUMBER_LABEL.test(before) || /[$€£¥]\s?$/.test(before)) return null;
  return isPhone(run, digits, plus) ? 'phone' : null;
}

function isPhone(run: string, digits: string, plus: boolean): boolean {
  const n = digits.length;
  if (plus) return n >= 8 && n <= 15;
  if (n > 15) return false;
  const groups = run.split(/[^\d]+/).filter(Boolean);
  if (groups.length === 1) {
    // Unseparated: only shapes that are phone numbers far more often than anything else.
    return (
      /^1[3-9]\d{9}$/.test(digits) || // Chinese mobile
      /^1?[2-9]\d{2}[2-9]\d{6}$/.test(digits) || // North American, 10 or 11 digits
      /^0\d{9,10}$/.test(digits) || // national format with a trunk 0 (UK, FR, DE, …)
      /^00\d{8,13}$/.test(digits) // international with the 00 prefix
    );
  }
  if (run.includes('.')) return /^\(?\d{3}\)?\.\d{3}\.\d{4}$/.test(run); // dotted: only 555.123.4567
  const first = groups[0] ?? '';
  if (first.length > 5 || groups.length > 6 || groups.some((g) => g.length > 8)) return false;
  if (groups.every((g) => /^(?:19|20)\d\d$/.test(g))) return false; // a list of years
  if (groups.length === 2 && groups.every((g) => /00$/.test(g))) return false; // a range of round numbers: 1000-2000
  if (groups.slice(1).every((g) => g === '000')) return false; // an amount with spaced thousands: 10 000 000
  return true;
}

function parensBalanced(run: string): boolean {
  let depth = 0;
  for (const c of run) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
    if (depth > 1) return false;
  }
  return depth === 0;
}

/** The Luhn checksum of payment card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// ---- Chinese resident ID ----

const CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CN_CHECK = '10X98765432';

function cnIdValid(id: string): boolean {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * (CN_WEIGHTS[i] ?? 0);
  return CN_CHECK[sum % 11] === id[17]?.toUpperCase();
}

// ---- IBAN ----

// Lengths from the SWIFT IBAN registry; a country not listed here is not treated as an IBAN.
const IBAN_LENGTH: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27,
  MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33,
  SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

// The regex may run on into a following upper-case word ("… 3000 OK"): take exactly the country's length and
// redact only those characters, leaving the rest of the match as it was.
function redactIban(found: Set<PiiKind>) {
  return (match: string): string => {
    const length = IBAN_LENGTH[match.slice(0, 2)];
    if (!length) return match;
    let taken = 0;
    let end = 0;
    while (end < match.length && taken < length) {
      if (match[end] !== ' ') taken++;
      end++;
    }
    if (taken < length) return match;
    const iban = match.slice(0, end).replace(/ /g, '');
    if (!ibanValid(iban)) return match;
    return mark(found, 'iban') + match.slice(end);
  };
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers (A=10), the remainder mod 97 is 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const c of s) {
    const v = c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 55 : c.charCodeAt(0) - 48;
    if (v < 0 || v > 35) return false;
    rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}
