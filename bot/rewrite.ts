// Pure: multi-turn query rewriting by rule. A follow-up ("and for kids?", "how much does it cost?", "那退款呢") is
// searched with the key terms of the conversation so far added, so retrieval sees a standalone question; a
// self-contained question is searched as written. No LLM: cheap, predictable and explainable in the trace.
import { terms, words } from '../kb/index.ts';

export type HistoryTurn = { role: 'user' | 'agent' | 'customer' | 'bot'; text: string };
export type Rewrite = { query: string; rewritten: boolean; why: string | null };

const CUSTOMER = new Set<HistoryTurn['role']>(['user', 'customer']);

/** Context terms carried from the previous question, and from the last reply when that question names too little. */
const MAX_FROM_QUESTION = 6;
const MAX_FROM_REPLY = 4;
const MIN_PREVIOUS_TOPIC = 3;
/** Questions with fewer content terms than this lean on the conversation ("how much?", "for kids?"). */
const MIN_CONTENT_TERMS = 3;
/** Past this many content terms, a pronoun is more likely generic ("if they don't leave a message …") than a reference. */
const MAX_TERMS_WITH_PRONOUN = 6;
const MAX_TERMS_WITH_DEMONSTRATIVE = 10;
/** The few-topic-words rule is for short messages; a full sentence with two topic words names its topic. */
const MAX_SHORT_WORDS = 6;
/** How many earlier customer questions a chain of follow-ups may reach back through. */
const MAX_DEPTH = 4;

// Words that carry no topic even where kb's stop words keep them: acknowledgements, chat filler, vague nouns.
const FILLER = new Set(
  `ok okay yes yeah yep no nope sure great good fine cool got see thank thanks sorry mean meant think say said ask asked
   question answer help something anything everything else one ones thing things stuff way kind lot bit much many
   let could would also well really actually maybe btw anyway regarding information info detail details more able
   possible never ever always often went go going gone before after become becomes getting happen happens happened
   according talking wondering asking wonder i'm i've i'd i'll you're you've it's that's there's what's don't doesn't
   didn't can't won't isn't aren't wasn't couldn't wouldn't shouldn't still right correct true within during through
   without between among across toward towards upon via per different various specific certain particular`.split(/\s+/),
);
const CJK_FILLER = new Set(
  `我 你 您 他 她 它 我们 你们 他们 的 了 吗 呢 吧 啊 呀 哦 嗯 是 在 有 和 与 或 也 都 就 还 又 要 想 能 会 可以 怎么 怎样 如何
   什么 哪 哪里 哪个 为什么 多少 几 请 请问 一下 这 那 这个 那个 这些 那些 这样 那样 那么 还有 另外 如果 好 谢谢 个`.split(/\s+/),
);

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/;

// Leading acknowledgements ("ok.", "got it,", "thanks!") are dropped before looking at how the question starts.
const ACK = /^\s*((ok(ay)?|got it|i see|great|good|sure|thanks?( you)?|cool|alright|yes|no|good to know|(that|it)(('s| is) (fine|ok(ay)?|great|good|helpful|interesting)| makes sense))[\s.,!]+)+/i;
const CONNECTIVE = /^(and|also|or|but|plus|then|so|what about|how about|what else|same (for|with|question)|as well|(no,? )?i mean[t]?|i('m| am| was) (asking|talking) about)\b/i;

// English references to something said before. "it"/"that" only where they are not expletive or a conjunction.
const PRONOUN = /\b(they|them|its|the same)\b/i;
// Possessives ("my son … his name", "their own cards") usually point inside the sentence; "he"/"she" opening it do not.
const PERSON = /(^|[.!?]\s*)(he|she)\b|\babout (him|her)\s*[?.!]*$/i;
// Demonstratives point back, except for time ("this year"); "this/these/those + noun" even in a longer question.
const NOT_AFTER_DEMONSTRATIVE = '(year|month|week|weekend|morning|afternoon|evening|time|summer|winter|spring|fall|autumn)';
const DEMONSTRATIVE = new RegExp(`\\b(these|those|this)\\b(?!\\s+${NOT_AFTER_DEMONSTRATIVE}\\b)`, 'i');
const DEMONSTRATIVE_NOUN = new RegExp(
  `\\b(these|those|this)\\s+(?!${NOT_AFTER_DEMONSTRATIVE}\\b|(is|was|are|were|will|would|can|could|has|have|had|does|did|do|to|that|and|or|a|an|the|in|on|for|of|with)\\b)[a-z]+`,
  'i',
);
// "is it possible to …", "how long does it take to …": "it" points forward to the clause, not back.
const IT_EXPLETIVE = /\b(is it|it is|it's|it was|was it|will it be|would it be)\s+(possible|necessary|true|ok|okay|safe|legal|required|mandatory|worth|too late|better|easier|hard|difficult|allowed|normal|free)\s+(to|that|if|for \w+ to)\b|\bhow (long|much|many \w+) (does|will|would|did) it (cost|take)\s+(to|for)\b/gi;
const IT = /\bit\b/i;
const THAT_REFERENCE = /(^|[.!?]\s*)that\b|\b(is|was|does|do|did|about|for|with|of|like|mean|by|on|in|after|before|cover|include|includes|need|get|use|apply|explain|try)\s+that\b(?!\s+(i|you|we|he|she|they|it|the|a|an|my|your|our|their|there|this|is|was|are|were|will|would|can|could)\b)|\bthat\s*[?.!]*\s*$|\bthat one\b/i;
const ONE_REFERENCE = /\b(which|that|this|the other|another|same|regular|new|old|first|second|last|cheaper|bigger|smaller|other)\s+ones?\b(?!\s+of\b)/i;
// Chinese: 那/那么 opening the message, 呢 closing it, or 它/这个/那个/这些/那些/该 anywhere.
const ZH_REFERENCE = /^(那|那么|那如果|还有|另外|如果是|要是)|呢\s*[?？]?\s*$|它|这个|那个|这些|那些|这样的话|该(服务|项目|计划|产品)/;

/** The words of `text` that carry topic, in order, with their terms (stems), skipping filler. */
function contentWords(text: string): { word: string; term: string }[] {
  const out: { word: string; term: string }[] = [];
  // "weather.I do not" is two words; "U.S." and "M.A.P." stay whole.
  for (const w of words(text.replace(/(\p{L}{2,})\.(\p{L})/gu, '$1. $2'))) {
    if (CJK.test(w)) {
      if (!CJK_FILLER.has(w)) out.push({ word: w, term: w });
      continue;
    }
    if (FILLER.has(w)) continue;
    const t = terms(w)[0];
    if (t !== undefined && !FILLER.has(t)) out.push({ word: w, term: t });
  }
  return out;
}

/** An English word or phrase in one sentence that points back to something said before, or null. */
function reference(sentence: string, content: number): string | null {
  if (content <= MAX_TERMS_WITH_PRONOUN) {
    const ref =
      DEMONSTRATIVE.exec(sentence)?.[0] ??
      PRONOUN.exec(sentence)?.[0] ??
      PERSON.exec(sentence)?.[2] ??
      PERSON.exec(sentence)?.[3] ??
      IT.exec(sentence.replace(IT_EXPLETIVE, ' '))?.[0] ??
      (THAT_REFERENCE.test(sentence) ? 'that' : undefined) ??
      ONE_REFERENCE.exec(sentence)?.[0];
    return ref ?? null;
  }
  // In a longer question only "this/these/those + noun" still points back ("does this outpatient clinic offer …").
  return content <= MAX_TERMS_WITH_DEMONSTRATIVE ? (DEMONSTRATIVE_NOUN.exec(sentence)?.[0] ?? null) : null;
}

/** Why the message needs the conversation to be understood, or null when it stands alone. */
function followUpReason(question: string): string | null {
  const q = question.replace(ACK, '').trim();
  if (!q) return null;
  const connective = CONNECTIVE.exec(q);
  if (connective) return `starts with "${connective[0].toLowerCase()}"`;
  if (CJK.test(q)) {
    const zh = ZH_REFERENCE.exec(q);
    if (zh) return `refers back ("${zh[0].replace(/[\s?？]/g, '')}")`;
    const han = [...q].filter((c) => CJK.test(c)).length;
    return han <= 4 ? 'short' : null;
  }
  const content = new Set(contentWords(q).map((w) => w.term)).size;
  // A reference after a sentence that names its own topic points into the message ("… the greenhouse effect. Is it bad?").
  let named = 0;
  for (const sentence of q.split(/(?<=[.!?])\s+/)) {
    const ref = reference(sentence, content);
    if (ref) return named >= 2 ? null : `refers back ("${ref.toLowerCase().replace(/\s+/g, ' ')}")`;
    named += contentWords(sentence).length;
  }
  // A short message with few topic words leans on the conversation ("how much?", "anyone can vote there?"), unless
  // it names something ("Mars rovers", "Brianna's Law"). With two topic words it must also point at something known
  // ("can I have the fees waived?"): "how do I reset my password?" and "what is a safe room?" stand alone.
  const short = words(q).length <= MAX_SHORT_WORDS;
  const hasName = /(?<=\S\s+)[A-Z][a-z]+/.test(q) || /\b[A-Z]{2,}\b/.test(q);
  if (!short || hasName || content >= MIN_CONTENT_TERMS) return null;
  if (content <= 1) return content === 0 ? 'no topic words' : 'only 1 topic word';
  return /\b(the|there|here)\b/i.test(q) && !/\b(my|our)\b/i.test(q) ? `only ${content} topic words` : null;
}

// A reply that says it could not help names no topic worth carrying.
const NON_ANSWER = /\b(sorry|apologi[sz]e|don't have|do not have|does not provide|doesn't provide|not (clear|sure)|no information|couldn't find|could not find|unable to|you're welcome|you are welcome|glad|happy to help|no problem)\b|抱歉|没有找到|不清楚|不客气/i;

function rewriteAt(question: string, history: readonly HistoryTurn[], depth: number): Rewrite {
  const unchanged: Rewrite = { query: question, rewritten: false, why: null };
  const reason = followUpReason(question);
  if (!reason || depth > MAX_DEPTH) return unchanged;

  let lastCustomer = -1;
  for (let i = history.length - 1; i >= 0; i--) if (CUSTOMER.has(history[i]!.role)) { lastCustomer = i; break; }
  let lastReply: HistoryTurn | undefined;
  for (let i = history.length - 1; i > lastCustomer; i--) if (!CUSTOMER.has(history[i]!.role)) { lastReply = history[i]; break; }
  if (lastCustomer < 0 && !lastReply) return unchanged;

  const have = new Set(contentWords(question).map((w) => w.term));
  const added: string[] = [];
  const take = (text: string, max: number): number => {
    let n = 0;
    for (const { word, term } of contentWords(text)) {
      if (n >= max) break;
      if (have.has(term)) continue;
      have.add(term);
      added.push(word);
      n++;
    }
    return n;
  };

  const sources: string[] = [];
  let previousTopic = 0;
  if (lastCustomer >= 0) {
    // The previous question may itself be a follow-up: resolve it first, so chains keep their topic.
    const previous = rewriteAt(history[lastCustomer]!.text, history.slice(0, lastCustomer), depth + 1).query;
    previousTopic = new Set(contentWords(previous).map((w) => w.term)).size;
    if (take(previous, MAX_FROM_QUESTION) > 0) sources.push('the previous question');
  }
  // The reply's opening names the topic when the customer's last message did not ("ok", "the regular one").
  const firstSentence = lastReply?.text.split(/(?<=[.!?。！？])\s*|\n/)[0] ?? '';
  if (previousTopic < MIN_PREVIOUS_TOPIC && firstSentence && !NON_ANSWER.test(firstSentence)) {
    if (take(firstSentence, MAX_FROM_REPLY) > 0) sources.push('the last reply');
  }
  if (added.length === 0) return unchanged;

  return {
    query: `${question.trim()} ${added.join(' ')}`,
    rewritten: true,
    why: `follow-up (${reason}): added terms from ${sources.join(' and ')}`,
  };
}

/**
 * The query to search for `question`, given the conversation before it (oldest first). A follow-up gets the key
 * terms of the last customer question (resolved the same way, so chains keep their topic) and, when that question
 * names fewer than three topic terms, of the first sentence of the last reply; terms already in the question are not
 * repeated. The question itself always comes first, as written.
 */
export function rewriteQuery(question: string, history: readonly HistoryTurn[]): Rewrite {
  return rewriteAt(question, history, 0);
}
