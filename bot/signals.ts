// Pure: signals read from the customer's message before any retrieval — an explicit request for a person (honoured at
// once), frustration, a sensitive topic the workspace wants a person for, and whether the bot keeps failing in this
// conversation. Sentiment is natural's AFINN analyzer, imported by file (its index loads .env and database clients).
import { createRequire } from 'node:module';
import { z } from 'zod';
import { terms, words } from '../kb/index.ts';

type Stemmer = { stem: (word: string) => string };
type Analyzer = { getSentiment: (words: string[]) => number };

const require = createRequire(import.meta.url);
const porter = require('natural/lib/natural/stemmers/porter_stemmer.js') as Stemmer;
const SentimentAnalyzer = require('natural/lib/natural/sentiment/SentimentAnalyzer.js') as new (
  language: string,
  stemmer: Stemmer | undefined,
  type: string,
) => Analyzer;
const afinn = new SentimentAnalyzer('English', porter, 'afinn');

// ---------------------------------------------------------------------------------------------------------------
// Request for a person

const HUMAN_PATTERNS: RegExp[] = [
  /\b(talk|speak|chat|connect|transfer)\b.{0,30}\b(human|person|agent|representative|someone|somebody|operator|staff|rep)\b/i,
  /\b(real|live|actual)\s+(human|person|agent)\b/i,
  /^\s*(human|agent|operator|representative|person)\s*(please|pls)?[.!?]*\s*$/i,
  /\b(human|agent|operator|representative)\s+please\b/i,
  /转人工|人工客服|人工服务|找人工|真人|客服人员|转接人工|人工/,
  /(hablar|habla)\s+con\s+(una\s+)?(persona|agente|humano)/i,
  /(parler|parle)\s+à\s+(un|une)\s+(humain|agent|personne|conseiller)/i,
  /mit\s+(einem|einer)\s+(menschen|mitarbeiter|agenten)\s+sprechen/i,
];

// ---------------------------------------------------------------------------------------------------------------
// Frustration

/** Score at or above which a message counts as frustrated (calibrated on banking77: 0.6% of real queries reach it). */
export const FRUSTRATED_AT = 0.5;

// Strong cues: any one marks the message frustrated. Mild cues need company (another cue, shouting, !!!, AFINN).
const STRONG = 0.6;
const MILD = 0.3;

const CUES: { re: RegExp; weight: number }[] = [
  // English: verdicts on the service, repetition, giving up.
  { re: /\b(this|that|it|you|your \w+)(\s+is|\s+are|'s|'re)\s+(so\s+|really\s+|absolutely\s+|just\s+)?(ridiculous|absurd|unacceptable|pathetic|a joke|a disgrace|disgraceful|outrageous|insane|useless|terrible|awful|horrible|rubbish|garbage|trash|frustrating|infuriating)\b/i, weight: STRONG },
  { re: /\b(useless|stupid|dumb|worthless|pointless|terrible|awful|horrible|idiot(ic)?)\s+(bot|chat ?bot|app|bank|company|service|support|system|robot|machine)\b/i, weight: STRONG },
  { re: /\b(worst|terrible|awful|horrible|appalling|shocking|pathetic|disgraceful|lousy)\s+(customer\s+)?(service|support|experience|bank|company|app)\b/i, weight: STRONG },
  { re: /\b(third|3rd|fourth|4th|fifth|5th|tenth|10th|hundredth|umpteenth|million(th)?)\s+time\b/i, weight: STRONG },
  { re: /\bhow many (more )?times (do|must|should|will|have) (i|we) (have to |need to )?(ask|tell|say|call|write|explain|repeat)/i, weight: STRONG },
  { re: /\b(again and again|over and over)\b/i, weight: STRONG },
  { re: /\b(i('ve| have)? )?(already|just) (told|asked|explained|said)( you| this)?\b/i, weight: MILD },
  { re: /\b(still|yet again)\s+(not|isn't|is not|doesn't|does not|won't|can't|cannot)\s+(work(ing|s)?|fixed|resolved|solved|sorted)\b/i, weight: STRONG },
  { re: /\bstill (broken|nothing|no (answer|reply|response|help))\b/i, weight: STRONG },
  { re: /\bi (hate|despise|loathe|detest) (this|you|your|the)\b/i, weight: STRONG },
  { re: /\b(fed up|sick (and tired )?of|tired of|had enough|enough is enough|i give up|fuming|furious|livid|pissed( off)?|so angry|so annoyed|so frustrated|so frustrating|so annoying)\b/i, weight: STRONG },
  { re: /\b(so|very|really|extremely|deeply|incredibly|absolutely|totally|beyond) (angry|annoyed|annoying|frustrated|frustrating|infuriating|upset|disappointed|disappointing|mad)\b/i, weight: STRONG },
  { re: /\b(frustrating|frustrated|infuriating|annoying|annoyed|angry|upset|disappointed|disappointing)\b/i, weight: MILD },
  { re: /\bis (your|this|the) (system|app|bank|website|site|service) (broken|a joke|down again)\b/i, weight: MILD },
  { re: /\b(waste|wasting|wasted) (of )?(my )?(time|money)\b/i, weight: STRONG },
  { re: /\b(unacceptable|ridiculous|ridiculously|absurd|outrageous|disgrace(ful)?|incompetent|incompetence|scammers?|thie(f|ves)|rip ?off|joke of a)\b/i, weight: MILD },
  { re: /\b(you (people|guys) (are|never|always)|are you (even )?(kidding|serious|listening)|seriously\?|what the hell|wtf|ffs)\b/i, weight: MILD },
  { re: /\b(not what i (asked|meant|wanted)|you('re| are) not (listening|understanding)|you (don't|do not) understand|(didn't|did not|doesn't|does not) answer my question)\b/i, weight: MILD },
  { re: /\b((you('re| are)|this is|that's|that is|it's|it is) not help(ing|ful)( at all)?|not help(ing|ful) at all|no help at all|thanks for nothing|you('re| are) useless)\b/i, weight: STRONG },
  { re: /\b(nobody|no one|no-one) (helps|is helping|answers|cares|replies|responds)\b/i, weight: STRONG },
  { re: /\b(not|isn't|wasn't|didn't|doesn't|never) help(ing|ful|ed|s)?\b.{0,20}\b(at all|again)\b/i, weight: MILD },
  { re: /\b(close|cancel|closing|cancelling|canceling) my account\b.{0,40}\b(now|immediately|today|done|never)\b/i, weight: MILD },
  // Profanity and insults (after NFKC, so full-width letters count too).
  { re: /\b(f+u+c+k+\w*|shit\w*|bullshit|crap(py)?|goddamn\w*|bloody hell|asshole|arsehole|bastards?|bitch\w*|dickheads?|screw you|piss(ed|ing)?)\b/i, weight: STRONG },
  // "Idiot" at us or a thief, not "I'm such an idiot, I forgot my PIN".
  { re: /(?<!\b(i am|i'm|im|i was|i feel like)\s+(such\s+)?(an?\s+)?(complete\s+|total\s+)?)\b(idiots?|morons?|imbeciles?)\b/i, weight: STRONG },
  { re: /\b(the|this|that|your|my) (damn|damned|bloody|stupid|freaking|frigging|effing|goddamn)\b/i, weight: STRONG },
  { re: /\b(damn(ed|it)?|bloody|stupid|dumb|jeez|geez)\b/i, weight: MILD },
  // Chinese.
  { re: /垃圾(?!邮件|短信|箱|分类|桶|回收|清理|文件)|太差|差劲|气死|气人|烦死|烦人|无语|骗子|坑人|坑爹|什么破|破系统|破软件|破银行|破客服|他妈的|特么|操你|给我滚|滚蛋|受够了|忍无可忍|欺人太甚|耍我|忽悠|黑心|恶心|离谱|太过分|没用的|说了多少遍|第[三四五六七八九十几]次|又不行|还是不行|还是没用|还是没有解决|到底怎么回事|搞什么|什么鬼|怎么回事啊|要疯了|崩溃了/, weight: STRONG },
  { re: /没用(?!过)|投诉|怎么还没|怎么还不|到底|为什么还|太慢|失望|生气|愤怒|不满意|不靠谱|一直没|等了半天|等了好久|一直不/, weight: MILD },
  // Spanish.
  { re: /\b(es (una )?(rid[ií]culo|vergüenza|verguenza|estafa|broma)|(estoy|estamos) (hart[oa]s?|cansad[oa]s? de)|in[uú]til(es)?|p[eé]sim[oa]|mierda|joder|cabrones?|sigue sin funcionar|todav[ií]a no funciona|otra vez lo mismo|(tercera|cuarta|quinta) vez)\b/i, weight: STRONG },
  // French.
  { re: /\b(c'est (ridicule|inadmissible|inacceptable|nul|honteux|n'importe quoi|une arnaque)|j'en ai marre|ras le bol|merde|putain|(toujours|encore) pas (r[ée]solu|r[ée]gl[ée]|de r[ée]ponse)|(ne )?marche toujours pas|fonctionne toujours pas|(troisi[eè]me|quatri[eè]me) fois|service (nul|minable|lamentable))\b/i, weight: STRONG },
  // German.
  { re: /(lächerlich|unverschämt|frechheit|scheiße|scheisse|verdammt|nutzlos|unfähig|inakzeptabel|zumutung|mir reicht('s| es)|(funktioniert|geht|klappt) (immer noch|noch immer) nicht|(immer noch|noch immer) nicht (gelöst|behoben)|(dritte|vierte|fünfte)n? mal|saftladen)/i, weight: STRONG },
  { re: /(schon wieder|immer noch nicht|enttäuscht|ärgerlich|verärgert)/i, weight: MILD },
];

// Words that describe the customer's situation rather than their mood: AFINN scores them negative ("lost" -3,
// "fraud" -4, "charged" -3), but "I lost my card" is a question, not anger. Politeness words are dropped too, so that
// natural's negation (which flips every later word) cannot turn "not received, please help" into a negative.
const SITUATION = new Set(
  `lost lose losing loss stolen steal stole theft fraud fraudulent scam scammed scammer problem problems issue issues
   wrong error errors fail failed failing failure fails crash crashed crashes crashing stuck missing dispute disputed
   charged charge charges block blocked blocking cancel cancelled canceled cancelling hacked hack unauthorized worried
   worry concerned concern afraid scared nervous urgent urgently emergency declined decline denied deny reject
   rejected died dead dies kill killed bad poor unable limit limited risk debt owe owed late pay paying broke broken
   stop stopped attack attacked suspicious suspect doubt doubtful confused confusing unclear mistake mistaken mistakes
   please help helping thank thanks thankyou appreciate appreciated sorry apologies apologize`
    .split(/\s+/)
    .filter(Boolean),
);

const GRATITUDE = /\b(thanks?|thank you|appreciate|awesome|perfect|wonderful)\b|谢谢|感谢|gracias|merci|danke/i;

// Shouting: at least three words of two or more letters, most of them in capitals ("WHY IS MY CARD BLOCKED").
function shouting(text: string): boolean {
  const latin = text.match(/\b[A-Za-z]{2,}\b/g) ?? [];
  if (latin.length < 3) return false;
  const caps = latin.filter((w) => w.length >= 2 && w === w.toUpperCase() && !ACRONYMS.has(w)).length;
  return caps >= 3 && caps / latin.length >= 0.6;
}
const ACRONYMS = new Set(['ATM', 'PIN', 'ID', 'UK', 'US', 'USA', 'EU', 'SEPA', 'IBAN', 'SWIFT', 'GBP', 'USD', 'EUR', 'OK', 'FAQ', 'SMS', 'API']);

/** AFINN negativity of the words that carry mood, clause by clause (natural's negation runs to the end of its input). */
function moodNegativity(text: string): number {
  let sum = 0;
  for (const clause of text.split(/[.,;:!?\n()]+|\bbut\b|\band\b/i)) {
    const ws = words(clause).filter((w) => !SITUATION.has(w) && !/^\d+$/.test(w));
    if (ws.length === 0) continue;
    sum += afinn.getSentiment(ws) * ws.length; // getSentiment averages; we want the clause total
  }
  return Math.max(0, -sum);
}

/**
 * Frustration in [0, 1]: cues combined as independent evidence (1 − Π(1 − wᵢ)). One strong cue (profanity, "useless
 * bot", "third time I ask", 垃圾) is enough; a mild cue, shouting, "!!!" or negative words alone are not.
 */
export function frustrationScore(text: string): number {
  const t = text.normalize('NFKC');
  const weights: number[] = [];
  for (const cue of CUES) if (cue.re.test(t)) weights.push(cue.weight);
  if (shouting(t)) weights.push(0.35);
  if (/[!?]{3,}|[!?] [!?] [!?]|\?!|!\?/.test(t)) weights.push(0.3);
  else if (/!!/.test(t)) weights.push(0.2);
  // AFINN: ≥ 3 points of negative mood words start counting, but never enough alone: texts about hard topics
  // ("hate violence", "discrimination") are negative without being angry. With "!!" or a mild cue they tip over.
  const neg = moodNegativity(t);
  if (neg >= 3) weights.push(Math.min(0.45, (neg - 1) / 14));
  const calm = weights.reduce((p, w) => p * (1 - w), 1);
  // Thanks without a strong cue is excitement, not anger ("thank you so much!!!"); "thanks for nothing" is a strong cue.
  const thanked = GRATITUDE.test(t) && !weights.includes(STRONG);
  return Math.round((1 - calm) * (thanked ? 0.5 : 1) * 100) / 100;
}

// ---------------------------------------------------------------------------------------------------------------
// Sensitive topics

/** A topic a workspace wants a person for. Keywords: words or phrases, matched whole and case-insensitively; CJK by substring. */
export type SensitiveTopic = { name: string; keywords: string[] };

/** For workspace settings: validate a stored or submitted topic list before it reaches matchSensitiveTopic. */
export const SensitiveTopicSchema: z.ZodType<SensitiveTopic> = z.object({
  name: z.string().trim().min(1).max(60),
  keywords: z.array(z.string().trim().min(1, { error: 'Keywords cannot be empty' }).max(100)).min(1).max(300),
});

/**
 * What a new workspace gets. Phrases rather than single words where a word is also ordinary ("power of attorney" is
 * a routine question, "my attorney" is not; "delete my account" is routine, "delete my data" is an erasure request).
 */
export const DEFAULT_SENSITIVE_TOPICS: readonly SensitiveTopic[] = [
  {
    name: 'self_harm',
    keywords: [
      'suicide', 'suicidal', 'kill myself', 'killing myself', 'end my life', 'ending my life', 'take my own life',
      'self harm', 'self-harm', 'hurt myself', 'harm myself', 'want to die', "don't want to live", 'no reason to live',
      'better off dead', '自杀', '想死', '不想活', '轻生', '结束生命', '活不下去', 'suicidarme', 'quiero morir',
      'me suicider', 'en finir avec la vie', 'selbstmord', 'mich umbringen', 'suizid',
    ],
  },
  {
    name: 'legal',
    keywords: [
      'my lawyer', 'our lawyer', 'get a lawyer', 'contact a lawyer', 'speak to a lawyer', 'talk to a lawyer',
      'my attorney', 'our attorney', 'my solicitor', 'our solicitor', 'lawsuit', 'legal action', 'legal proceedings',
      'take you to court', 'taking you to court', 'see you in court', 'take this to court', 'sue you', 'sue your',
      'sue the bank', 'sue the company', 'suing', 'class action', '起诉', '律师函', '找律师', '请律师', '我的律师',
      '打官司', '告你们', '法院见', '提起诉讼', 'mi abogado', 'demandar', 'mon avocat', 'poursuites judiciaires',
      'mein anwalt', 'meinen anwalt', 'verklagen',
    ],
  },
  {
    name: 'regulator_complaint',
    keywords: [
      'ombudsman', 'report you to', 'complaint to the regulator', 'complain to the regulator', 'report to the regulator',
      'complaint with the regulator', 'financial conduct authority', 'consumer financial protection bureau', 'cfpb',
      'better business bureau', 'trading standards', 'complaint to the attorney general',
      'complaint with the attorney general', '银保监', '金融监管', '消协', '消费者协会', '12315', '12378', '监管部门',
      '监管局', 'defensor del cliente', 'médiateur', 'bafin', 'verbraucherzentrale',
    ],
  },
  {
    name: 'data_protection',
    keywords: [
      'gdpr', 'ccpa', 'right to be forgotten', 'right to erasure', 'erasure request', 'delete my data',
      'delete my personal data', 'delete all my data', 'delete my personal information', 'erase my data',
      'remove my personal data', 'data protection', 'data breach', 'subject access request', 'dsar',
      'what data do you hold', 'what data you hold', '删除我的数据', '删除我的个人信息', '个人信息保护', '数据泄露',
      '泄露了我的', 'rgpd', 'dsgvo', 'datenschutz', 'protección de datos', 'protection des données',
    ],
  },
  {
    name: 'account_security',
    keywords: [
      'been hacked', 'was hacked', 'got hacked', 'is hacked', 'hacked my', 'hacked into', 'account compromised',
      'account has been compromised', 'account was compromised', 'compromised account', 'unauthorized transaction',
      'unauthorised transaction', 'unauthorized access', 'unauthorised access', 'unauthorized payment',
      'unauthorised payment', 'unauthorized charge', 'unauthorised charge', 'fraudulent', 'fraud on', 'report fraud',
      'report a fraud', 'card fraud', 'account fraud', 'fraud charge', 'stole my identity', 'stolen my identity',
      'my identity was stolen', 'my identity has been stolen', 'victim of identity theft', 'i was scammed',
      "i've been scammed", 'i have been scammed', 'got scammed', 'someone accessed my account',
      'someone logged into my account', 'someone else logged in', "i didn't make this", 'i did not make this',
      '被盗', '盗刷', '被黑', '被骗', '盗号', '不是我本人', 'fraude en mi', 'hackeado', 'piraté', 'gehackt',
    ],
  },
];

const HAS_CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/;
const stem = (w: string): string => (HAS_CJK.test(w) ? w : porter.stem(w));

type Compiled = { name: string; phrases: string[][]; cjk: string[] }[];
// Workspace settings are parsed afresh for every turn, so the same topics arrive as a new array each time: cached by
// their content (a few workspaces' lists; the oldest dropped past COMPILED_MAX), not by identity.
const COMPILED_MAX = 256;
const compiledCache = new Map<string, Compiled>();
function compile(topics: readonly SensitiveTopic[]): Compiled {
  const key = JSON.stringify(topics);
  let out = compiledCache.get(key);
  if (!out) {
    out = topics.map((t) => ({
      name: t.name,
      phrases: t.keywords.filter((k) => !HAS_CJK.test(k)).map((k) => words(k).map(stem)).filter((p) => p.length > 0),
      cjk: t.keywords.filter((k) => HAS_CJK.test(k)).map((k) => k.normalize('NFKC').toLowerCase().replace(/\s+/g, '')),
    }));
    if (compiledCache.size >= COMPILED_MAX) compiledCache.delete(compiledCache.keys().next().value!);
    compiledCache.set(key, out);
  }
  return out;
}

function containsPhrase(haystack: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= haystack.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (haystack[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * The first topic (in list order, so put the most urgent first) with a keyword in `text`: whole words and phrases,
 * case-insensitive, English words compared by Porter stem ("lawsuits" finds "lawsuit"); CJK keywords by substring.
 */
export function matchSensitiveTopic(text: string, topics: readonly SensitiveTopic[]): SensitiveTopic | null {
  if (topics.length === 0) return null;
  const stems = words(text).map(stem);
  const flat = text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const compiled = compile(topics);
  for (let i = 0; i < compiled.length; i++) {
    const c = compiled[i]!;
    if (c.phrases.some((p) => containsPhrase(stems, p)) || c.cjk.some((k) => flat.includes(k))) return topics[i]!;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// All signals of one message

export type Signals = {
  humanRequested: boolean;
  /** 0..1, see frustrationScore. */
  frustration: number;
  frustrated: boolean;
  /** Name of the matched sensitive topic, or null. */
  sensitiveTopic: string | null;
};

/** `sensitiveTopics` is the workspace's list; when omitted, DEFAULT_SENSITIVE_TOPICS. Pass [] to switch them off. */
export function readSignals(text: string, opts: { sensitiveTopics?: readonly SensitiveTopic[] } = {}): Signals {
  const frustration = frustrationScore(text);
  return {
    humanRequested: HUMAN_PATTERNS.some((p) => p.test(text)),
    frustration,
    frustrated: frustration >= FRUSTRATED_AT,
    sensitiveTopic: matchSensitiveTopic(text, opts.sensitiveTopics ?? DEFAULT_SENSITIVE_TOPICS)?.name ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Repeated failure across turns

/** One earlier bot turn in this conversation (from bot_turns). */
export type TurnOutcome = { decision: 'answer' | 'clarify' | 'escalate'; confidence: number | null; query: string };

// Words that say "I am asking again" rather than what is asked: they must not make a repeat look like a new question.
const REPEAT_MARKERS = new Set(['still', 'again', 'alreadi', 'yet', 'realli', 'serious', 'ask', 'said', 'told', 'repeat', '还是', '又', '再', '还', '到底', '仍然']);

function questionTerms(text: string): Set<string> {
  return new Set(terms(text).filter((t) => !REPEAT_MARKERS.has(t)));
}

/**
 * Whether two customer messages ask essentially the same thing: most of the shorter one's terms are in the longer,
 * and the two share a fair part of their vocabulary ("how do I reset my password" ~ "I still can't reset my password").
 */
export function isSameQuestion(a: string, b: string): boolean {
  const ta = questionTerms(a);
  const tb = questionTerms(b);
  if (ta.size === 0 || tb.size === 0) return false;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  const smaller = Math.min(ta.size, tb.size);
  const union = ta.size + tb.size - shared;
  return shared >= Math.min(2, smaller) && shared / smaller >= 0.75 && shared / union >= 0.4;
}

/**
 * True when the bot is not getting anywhere: its last `limit` turns (default 2) were all non-answers (clarify, or an
 * escalation that came back to the bot), or the latest question repeats one the bot already answered — so that
 * answer did not help. The latest question is `opts.query` (the message being handled) when given, else the last
 * turn's query, compared with the turns before it.
 */
export function repeatedFailure(history: readonly TurnOutcome[], opts: { limit?: number; query?: string } = {}): boolean {
  const limit = Math.max(1, opts.limit ?? 2);
  if (history.length >= limit && history.slice(-limit).every((t) => t.decision !== 'answer')) return true;
  const latest = opts.query ?? history.at(-1)?.query;
  if (latest === undefined) return false;
  const earlier = opts.query === undefined ? history.slice(0, -1) : history;
  return earlier.some((t) => t.decision === 'answer' && isSameQuestion(latest, t.query));
}
