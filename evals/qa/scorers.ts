// The deterministic QA scorer: grades one reply (a bot's or an agent's) on every rubric category from its text, the
// customer's question, the knowledge passages it can be checked against, and timings — offline, in milliseconds,
// the same result every time. Scores are 1–5 (fractions allowed, so rankings keep their detail); null means the
// category does not apply (no greeting is expected mid-conversation, no empathy when nobody is upset).
import nspell from 'nspell';
import dictionary from 'dictionary-en';
import { checkFacts, checkGrounded, frustrationScore, FRUSTRATED_AT } from '../../bot/index.ts';
import { redactPii } from '../../core/pii.ts';
import { sentences, terms, words } from '../../kb/index.ts';
import type { CategoryKey, Subject } from './rubric.ts';

/** Stored with every score: a change to the scorer's logic bumps it, so old and new grades are never mixed up. */
export const DETERMINISTIC_VERSION = 'det-1.0';

export type ReplyInput = {
  subject: Exclude<Subject, 'conversation'>;
  reply: string;
  /** What the customer asked: their messages since the previous reply. */
  question: string;
  /** Knowledge passages to check the reply against: the bot's cited passages, or what search finds for an agent's. */
  passages: readonly string[];
  firstFromPerson?: boolean;
  lastFromPerson?: boolean;
  /** Seconds the customer waited for this reply, and the SLA target for it (people only). */
  waitedSeconds?: number | null;
  targetSeconds?: number | null;
  /** Phrases the workspace forbids (promises outside policy), besides the built-in ones. */
  forbiddenPromises?: readonly string[];
};

export type CategoryScore = { score: number | null; rationale: string };
export type ReplyScores = Record<CategoryKey, CategoryScore>;

const clamp = (x: number, lo = 1, hi = 5) => Math.min(hi, Math.max(lo, x));
const round1 = (x: number) => Math.round(x * 10) / 10;
const na = (rationale: string): CategoryScore => ({ score: null, rationale });
const scored = (score: number, rationale: string): CategoryScore => ({ score: round1(clamp(score)), rationale });

const GREETING = /^\s*(hi|hello|hey|good (morning|afternoon|evening)|dear|thanks for (reaching|contacting|writing)|thank you for (reaching|contacting|writing)|greetings|hola|buenos|bonjour|hallo|guten tag)\b|^\s*(您好|你好|早上好|下午好|晚上好)/i;
const EMPATHY = /\b(sorry|apologi[sz]e|apologies|understand|i see how|that sounds|frustrating|inconvenien|thank you for your patience|i hear you|unfortunately)\b|抱歉|对不起|理解|不便|lo siento|disculp|désolé|excuse|entschuldig|tut mir leid/i;
const CLOSING = /\b(anything else|any other questions|let (me|us) know|happy to help|have a (great|nice|good)|take care|glad (i|we) could help|feel free to|reach out)\b|还有其他|祝您|随时联系|¿algo más|autre chose|noch etwas/i;
const RUDE = /\b(stupid|idiot|dumb|shut up|your fault|not my problem|whatever|calm down|obviously|as i (already )?said|read the (manual|faq))\b|笨|闭嘴|你的错/i;
// Talking about "the documents" or "the provided text" exposes how the answer was made; customers never saw them.
const SOURCE_TALK = /\b(according to|based on|in|from) the (provided |given |above |retrieved )?(documents?|passages?|texts?|context|sources?)\b|\bthe (provided |given )?(documents?|passages?|texts?|context) (do|does|did)(n't| not)\b|\b(provided|given) (documents?|passages?|texts?|context)\b|根据(提供的)?(文档|资料)/i;
const BUILT_IN_PROMISES = [
  'i promise',
  'we promise',
  'guarantee',
  'guaranteed',
  '100% refund',
  'full refund no matter',
  'definitely will be refunded',
  'will never happen again',
  'compensate you',
  'legal advice',
  '保证',
  '承诺',
];
// The reply admits it has no answer: "I don't know", "the documents do not specify", "no information about".
const CANNOT = /\b(i (do not|don't) know|cannot help|can't help|not able to (help|find)|unable to (help|find)|no idea|no (specific )?information (about|on|regarding)|(documents?|passages?|articles?|texts?|sources?|information) (provided )?(do|does) not (specify|mention|say|provide|contain|include|address|state)|(is|are) not (mentioned|specified|provided|stated))\b|没有相关信息|无法回答/i;

let speller: ReturnType<typeof nspell> | null = null;
function spell(): ReturnType<typeof nspell> {
  speller ??= nspell(Buffer.from(dictionary.aff), Buffer.from(dictionary.dic));
  return speller;
}

/** Words the dictionary does not know, skipping names, codes, numbers, URLs and words the passages use. */
function misspelt(text: string, known: ReadonlySet<string>): string[] {
  const cleaned = text.replace(/https?:\/\/\S+|[\w.+-]+@[\w-]+\.[\w.]+/g, ' ');
  const out: string[] = [];
  for (const w of cleaned.match(/[A-Za-z][A-Za-z']+/g) ?? []) {
    const word = w.replace(/'s$/, '');
    if (word.length < 3 || /[A-Z].*[A-Z]/.test(word) || known.has(word.toLowerCase())) continue;
    if (/^[A-Z]/.test(word) && !spell().correct(word) && !spell().correct(word.toLowerCase())) continue; // a name
    if (!spell().correct(word) && !spell().correct(word.toLowerCase())) out.push(word);
  }
  return out;
}

export function scoreReply(r: ReplyInput): ReplyScores {
  const reply = r.reply.trim();
  const replySentences = sentences(reply);
  const person = r.subject === 'agent';

  // Greeting: expected in a person's first reply only.
  const greeting = person && r.firstFromPerson ? (GREETING.test(reply) ? scored(5, 'greets the customer') : scored(2, 'the first reply does not greet the customer')) : na('not the first reply from a person');

  // Empathy: expected when the customer is upset.
  const upset = frustrationScore(r.question) >= FRUSTRATED_AT;
  const empathy = upset ? (EMPATHY.test(reply) ? scored(5, 'acknowledges the customer\'s frustration') : scored(1.5, 'the customer is upset and the reply does not acknowledge it')) : na('the customer is not upset');

  // Tone: rude phrases, shouting, piles of exclamation marks.
  const letters = reply.replace(/[^A-Za-z]/g, '');
  const shouting = letters.length >= 20 && letters.replace(/[^A-Z]/g, '').length / letters.length > 0.6;
  const toneIssues = [RUDE.test(reply) && 'a rude or dismissive phrase', shouting && 'shouting (capitals)', /[!?]{3,}/.test(reply) && 'piled-up punctuation'].filter(Boolean) as string[];
  const tone = toneIssues.length ? scored(5 - 2 * toneIssues.length, `tone: ${toneIssues.join(', ')}`) : scored(5, 'polite and calm');

  // Clarity: long sentences and walls of text are hard to follow.
  const lengths = replySentences.map((s) => words(s).length).filter((n) => n > 0);
  const longest = Math.max(0, ...lengths);
  const mean = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0;
  const total = lengths.reduce((a, b) => a + b, 0);
  const paragraphs = reply.split(/\n\s*\n/).length;
  let clarityScore = 5 - Math.max(0, (mean - 20) / 6) - Math.max(0, (longest - 40) / 15) - (total > 180 && paragraphs === 1 ? 1 : 0);
  const sourceTalk = SOURCE_TALK.test(reply);
  if (sourceTalk) clarityScore -= 1.5;
  if (total === 0) clarityScore = 1;
  const clarity = scored(clarityScore, `${lengths.length} sentence${lengths.length === 1 ? '' : 's'}, ${Math.round(mean)} words on average, the longest ${longest}${sourceTalk ? '; talks about "the documents", which the customer never saw' : ''}`);

  // Spelling and grammar (English text): dictionary misses, doubled words, sentences starting in lower case.
  const known = new Set(r.passages.flatMap((p) => p.toLowerCase().match(/[a-z][a-z']+/g) ?? []).concat(r.question.toLowerCase().match(/[a-z][a-z']+/g) ?? []));
  const latin = /[A-Za-z]{3}/.test(reply);
  const errors = latin ? misspelt(reply, known) : [];
  const doubled = reply.match(/\b(\w+)\s+\1\b/gi)?.filter((d) => !/^(that that|had had|\d+ \d+)$/i.test(d)) ?? [];
  // Counted on the raw text: sentence segmentation (UAX #29) does not split before a lower-case word.
  const lowerStarts = latin ? (reply.match(/(?:^|[.!?]\s+)[a-z]/g) ?? []).length : 0;
  const issues = errors.length + doubled.length + lowerStarts;
  const spellingGrammar = latin
    ? scored(5 - (issues * 40) / Math.max(total, 20), issues ? `${[errors.length && `misspelt: ${errors.slice(0, 5).join(', ')}`, doubled.length && `doubled: ${doubled.slice(0, 3).join(', ')}`, lowerStarts && `${lowerStarts} sentence(s) without a capital`].filter(Boolean).join('; ')}` : 'no spelling or grammar issues found')
    : na('not English text');

  // Accuracy: the reply's claims must be backed by the knowledge passages (words per sentence, and exact facts).
  let accuracy: CategoryScore;
  const claims = checkGrounded(reply, r.passages, terms, sentences);
  const facts = checkFacts(reply, r.passages);
  if (claims.checked === 0 && facts.checked === 0) accuracy = na('no factual claims to check');
  // The bot must cite what it says; a person may know what the knowledge base does not cover, which cannot be checked.
  else if (r.passages.length === 0) accuracy = person ? na('the knowledge base has nothing on this to check against') : scored(2, 'states facts with no knowledge article to back them');
  else {
    // A finer measure than supported/unsupported: how much of each claim the passages contain, on average.
    const support = claimSupport(reply, r.passages);
    const factShare = facts.checked ? facts.supported / facts.checked : 1;
    accuracy = scored(1 + 4 * (0.75 * support + 0.25 * factShare), `${claims.supported} of ${claims.checked} claims and ${facts.supported} of ${facts.checked} facts found in the knowledge base${facts.unsupported.length ? ` (not found: ${facts.unsupported.slice(0, 3).join(', ')})` : ''}`);
  }

  // Resolution (per reply): does it address what was asked — the question's words answered, with substance.
  const qTerms = new Set(terms(r.question));
  const rTerms = new Set(terms(reply));
  const covered = qTerms.size ? [...qTerms].filter((t) => rTerms.has(t)).length / qTerms.size : 1;
  const substance = Math.min(1, rTerms.size / 25);
  const gaveUp = CANNOT.test(reply);
  const resolution = scored(1 + 2.5 * covered + 1.5 * substance - (gaveUp ? 1.5 : 0), `${Math.round(covered * 100)} % of the question's key words addressed${gaveUp ? '; says it cannot help' : ''}`);

  // Compliance: personal data repeated back, promises outside policy.
  const pii = redactPii(reply).found.filter((k) => k !== 'email' && k !== 'phone'); // a support email or phone number is fine
  const lower = reply.toLowerCase();
  const promises = [...BUILT_IN_PROMISES, ...(r.forbiddenPromises ?? [])].filter((p) => lower.includes(p.toLowerCase()) && !r.passages.some((x) => x.toLowerCase().includes(p.toLowerCase())));
  const compliance = pii.length || promises.length ? scored(pii.length ? 1 : 2, [pii.length && `repeats personal data (${pii.join(', ')})`, promises.length && `promises outside policy ("${promises[0]}")`].filter(Boolean).join('; ')) : scored(5, 'no personal data, no promises outside policy');

  // Closing: expected in a person's last reply.
  const closing = person && r.lastFromPerson ? (CLOSING.test(reply) ? scored(5, 'offers more help or closes politely') : scored(2.5, 'the last reply does not close the conversation')) : na('not the last reply from a person');

  // Response time against the SLA target (people only).
  let responseTime: CategoryScore = na(person ? 'no SLA target for this reply' : 'the bot answers at once');
  if (person && r.waitedSeconds != null && r.targetSeconds) {
    const ratio = r.waitedSeconds / r.targetSeconds;
    responseTime = scored(ratio <= 0.5 ? 5 : ratio <= 1 ? 4 : ratio <= 1.5 ? 2.5 : 1, `replied after ${formatDuration(r.waitedSeconds)}; the target is ${formatDuration(r.targetSeconds)}`);
  }

  return { greeting, empathy, tone, clarity, spelling_grammar: spellingGrammar, accuracy, resolution, compliance, closing, response_time: responseTime };
}

/** Mean, over the reply's claim sentences, of the best share of the sentence's words one passage (or all) contains. */
function claimSupport(reply: string, passages: readonly string[]): number {
  const sources = passages.map((p) => new Set(terms(p)));
  const union = new Set(sources.flatMap((s) => [...s]));
  const shares: number[] = [];
  for (const s of sentences(reply.replace(/\s*\[\d+(?:\s*,\s*\d+)*\]/g, ''))) {
    const claim = [...new Set(terms(s))];
    if (claim.length < 3) continue;
    const share = (have: Set<string>) => claim.filter((t) => have.has(t)).length / claim.length;
    shares.push(Math.max(share(union), ...sources.map(share)));
  }
  return shares.length ? shares.reduce((a, b) => a + b, 0) / shares.length : 1;
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
