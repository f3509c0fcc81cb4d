// The answer pipeline for one customer message, without side effects on the conversation: language → guardrails →
// signals → query rewriting → hybrid retrieval → confidence → decision → answer (LLM or extractive) → groundedness
// and leak checks. Every step is timed and recorded in `steps` (stored in bot_turns by answer.ts; read by evals).
// Failures never escape: an error becomes an escalation with reason bot_error.
import { redact } from '../core/pii.ts';
import type { Citation, HandoffReason } from '../conversations/index.ts';
import { detectLanguage, searchKbDetailed, sentences, terms, type Passage } from '../kb/index.ts';
import { confidenceOf, type ConfidenceFeatures } from './confidence.ts';
import { coverage, extractAnswer } from './extract.ts';
import { checkFacts, checkGrounded } from './grounded.ts';
import { classifyHarm, detectInjection, neutralizePassage, promptLeakCheck, refusalFor } from './guardrails.ts';
import type { BotDeps } from './index.ts';
import { LlmError, SYSTEM_PROMPT, type LlmTurn } from './llm.ts';
import { clarifyQuestion, framedAnswer, pickedOption, unframe } from './messages.ts';
import { rewriteQuery } from './rewrite.ts';
import { readSignals, repeatedFailure, type SensitiveTopic } from './signals.ts';

export type Decision = 'answer' | 'clarify' | 'escalate' | 'refuse';
/** Why the bot decided as it did. Escalations use the handoff reasons; the others are the bot's own. */
export type ReasonCode = HandoffReason | 'confident' | 'ambiguous' | 'harmful_request' | 'prompt_injection' | 'prompt_leak_blocked';

export type BusinessHoursState = { open: boolean; opensAt: string | null; description: string | null; timezone?: string | null };
export type BotSettings = { answerThreshold: number; clarifyThreshold: number; sensitiveTopics: SensitiveTopic[] };
/** `answer: false` marks a bot message that was not an answer (a clarifying question, a refusal). */
export type HistoryTurn = { role: 'customer' | 'bot' | 'agent'; text: string; answer?: boolean };
export type PriorTurn = { decision: Decision; confidence: number | null; query: string };

export type TurnInput = {
  workspaceId: string;
  text: string;
  /** Earlier messages of the conversation, oldest first (customer, bot and agent; no private notes). */
  history: HistoryTurn[];
  /** The bot's earlier decisions in this conversation, oldest first. */
  priorTurns: PriorTurn[];
  settings: BotSettings;
  /** The contact's or conversation's language, used when the message is too short to tell. */
  languageHint?: string | null;
};

export type Step = { step: string; ms: number; [detail: string]: unknown };

export type TurnResult = {
  decision: Decision;
  reason: ReasonCode;
  confidence: number | null;
  language: string | null;
  rewrittenQuery: string | null;
  /** The reply for answer, clarify and refuse; null for escalate (handoff words the message). */
  reply: { text: string; citations: Citation[] } | null;
  /** For the agent who takes an escalated conversation. */
  summary: string | null;
  passages: Passage[];
  features: ConfidenceFeatures | null;
  signals: Record<string, unknown>;
  steps: Step[];
  answerMode: 'extractive' | 'llm';
  model: string;
  tokens: number | null;
};

const RETRIEVE = 8;
const leaksPrompt = promptLeakCheck(SYSTEM_PROMPT);
const CONTEXT_PASSAGES = 4;
const HISTORY_TURNS = 6;

export async function runTurn(deps: BotDeps, input: TurnInput, opts: { onToken?: (text: string) => void } = {}): Promise<TurnResult> {
  const steps: Step[] = [];
  const timed = async <T>(step: string, fn: () => T | Promise<T>, detail?: (v: T) => Record<string, unknown>): Promise<T> => {
    const t = performance.now();
    const value = await fn();
    steps.push({ step, ms: round(performance.now() - t, 2), ...detail?.(value) });
    return value;
  };
  const llm = deps.llm;
  const base = {
    rewrittenQuery: null as string | null,
    reply: null,
    summary: null,
    passages: [] as Passage[],
    features: null as ConfidenceFeatures | null,
    answerMode: llm ? ('llm' as const) : ('extractive' as const),
    model: llm ? `${llm.model}+${deps.embedders.defaultModel}` : `extractive+${deps.embedders.defaultModel}`,
    tokens: null as number | null,
  };
  const signals: Record<string, unknown> = {};
  let language: string | null = input.languageHint ?? null;
  const { answerThreshold } = input.settings;
  const clarifyThreshold = Math.min(input.settings.clarifyThreshold, answerThreshold);

  try {
    language = await timed('language', () => detectLanguage(input.text, input.languageHint ?? null), (l) => ({ language: l }));

    // Guardrails on the customer's words: harmful requests and jailbreaks get a polite refusal, not an agent's time.
    const guard = await timed('guardrails', () => ({ harm: classifyHarm(input.text), injection: detectInjection(input.text) }), (g) => ({ harm: g.harm.category, injection: g.injection.kind }));
    if (guard.injection.suspicious || guard.harm.harmful) {
      Object.assign(signals, { harm: guard.harm.category, injection: guard.injection.kind });
      const reason: ReasonCode = guard.harm.harmful ? 'harmful_request' : 'prompt_injection';
      return { ...base, decision: 'refuse', reason, confidence: null, language, reply: { text: refusalFor(language), citations: [] }, signals, steps };
    }

    const read = await timed('signals', () => ({ ...readSignals(input.text, { sensitiveTopics: input.settings.sensitiveTopics }), repeated: repeatedFailure(input.priorTurns.map((t) => ({ ...t, decision: t.decision === 'refuse' ? 'clarify' : t.decision })), { query: input.text }) }), (s) => s);
    Object.assign(signals, read);
    const early: HandoffReason | null = read.humanRequested ? 'customer_asked' : read.sensitiveTopic ? 'sensitive_topic' : read.frustrated ? 'frustration' : read.repeated ? 'repeated_failure' : null;
    if (early) return escalate(early, null, []);

    // Multi-turn: a follow-up ("and for international ones?") becomes a standalone query. The bot's own framing
    // ("From our help articles:"), citation marks and clarifying questions carry no topic and are left out.
    const history = input.history
      .filter((h) => h.role !== 'bot' || h.answer !== false)
      .map((h) => (h.role === 'bot' ? { ...h, text: unframe(h.text) } : h))
      .slice(-HISTORY_TURNS);
    const llmHistory: LlmTurn[] = history.map((h) => ({ role: h.role === 'customer' ? 'customer' : 'assistant', text: redact(h.text) }));
    // A reply to a clarifying question ("2", "the first one") picks that topic, asked with the earlier question.
    const lastBot = [...input.history].reverse().find((h) => h.role === 'bot');
    const picked = lastBot && lastBot.answer === false ? pickedOption(input.text, lastBot.text) : null;
    const lastAsked = [...input.history].reverse().find((h) => h.role === 'customer')?.text ?? '';
    const rewritten = await timed(
      'rewrite',
      async () => {
        if (picked) return { query: `${picked} ${lastAsked}`.trim(), rewritten: true, by: 'clarify_option' };
        if (history.length === 0) return { query: input.text, rewritten: false, by: 'none' };
        if (llm) {
          try {
            const query = await llm.rewrite({ question: redact(input.text), history: llmHistory });
            return { query, rewritten: query.trim() !== input.text.trim(), by: 'llm' };
          } catch (err) {
            // Rewriting is an aid: when the model cannot do it, the rules still can.
            return { ...rewriteQuery(input.text, history.map((h) => ({ role: h.role, text: h.text }))), by: 'rules', llmError: (err as Error).message };
          }
        }
        return { ...rewriteQuery(input.text, history.map((h) => ({ role: h.role, text: h.text }))), by: 'rules' };
      },
      (r) => ({ rewritten: r.rewritten, by: r.by, ...('llmError' in r ? { llmError: r.llmError } : {}) }),
    );
    // Only public collections: internal ones are for agents. KB text is data: instructions aimed at an AI are cut.
    const retrieve = async (q: string, step: string) => {
      const found = await timed(step, () => searchKbDetailed(deps, { workspaceId: input.workspaceId, query: q, limit: RETRIEVE, filters: { visibility: ['public'] } }), (r) => ({ passages: r.passages.length }));
      let neutralized = 0;
      const passages = found.passages.map((p) => {
        const n = neutralizePassage(p.text);
        neutralized += n.removed;
        return n.removed ? { ...p, text: n.text } : p;
      });
      if (neutralized) signals.neutralizedLines = neutralized;
      const confidence = await timed('confidence', () => confidenceOf(q, passages, terms, found.idf, found.df), (c) => ({ score: round(c.score, 4), ...roundAll(c.features) }));
      return { passages, confidence };
    };
    let query = rewritten.query;
    let { passages, confidence } = await retrieve(query, 'retrieve');
    // A rewritten question whose own words appear nowhere in what was found is a new topic, not a follow-up ("Will it
    // rain in Oslo?" after a password question): search again with the customer's words alone.
    const ownTerms = terms(input.text);
    if (rewritten.rewritten && !picked && ownTerms.length >= 2 && confidence.best && coverage(new Set(ownTerms), passageWords(confidence.best), terms) === 0) {
      query = input.text;
      ({ passages, confidence } = await retrieve(query, 'retrieve_as_new_topic'));
    }
    base.rewrittenQuery = query !== input.text ? query : null;
    base.passages = passages;
    base.features = confidence.features;
    const score = confidence.score;
    // The customer confirmed the topic by picking it: clearing τ_clarify is enough to answer.
    const answerAt = picked ? clarifyThreshold : answerThreshold;
    if (passages.length === 0) return escalate('no_passages', 0, passages);
    if (score < clarifyThreshold) return escalate('low_confidence', score, passages);
    if (score < answerAt) {
      // In between: ask which topic the customer means, naming the best distinct documents.
      const options = [...new Map(passages.map((p) => [p.documentId, p])).values()].slice(0, 3).map((p) => [p.documentTitle, ...p.headingPath.slice(-1)].filter((x, i, a) => x && a.indexOf(x) === i).join(' — '));
      steps.push({ step: 'decide', ms: 0, decision: 'clarify', answerThreshold, clarifyThreshold });
      return { ...base, decision: 'clarify', reason: 'ambiguous', confidence: score, language, reply: { text: clarifyQuestion(language, options), citations: [] }, signals, steps };
    }
    steps.push({ step: 'decide', ms: 0, decision: 'answer', answerThreshold: answerAt, clarifyThreshold });

    const context = passages.slice(0, CONTEXT_PASSAGES);
    const citation = (p: Passage, n: number): Citation => ({ n, documentId: p.documentId, documentVersion: p.documentVersion, chunkId: p.chunkId, title: p.documentTitle, headingPath: p.headingPath, location: p.location, sourceRef: p.sourceRef });
    let text: string;
    let cited: Passage[];
    if (llm) {
      const generated = await timed(
        'generate',
        () => llm.answer({ question: redact(query), history: llmHistory, passages: context.map((p, i) => ({ id: i + 1, title: p.documentTitle, text: p.text })), language, onToken: opts.onToken && guardedStream(opts.onToken) }),
        (g) => ({ answerable: g.answerable, cited: g.citedIds, tokens: g.tokens }),
      );
      base.tokens = generated.tokens;
      if (!generated.answerable) return escalate('not_in_kb', score, passages);
      if (leaksPrompt(generated.answer)) {
        steps.push({ step: 'leak_check', ms: 0, leaked: true });
        return { ...base, decision: 'refuse', reason: 'prompt_leak_blocked', confidence: score, language, reply: { text: refusalFor(language), citations: [] }, signals, steps };
      }
      // Renumber: the reply cites [1..k] in the order of the cited passages.
      cited = generated.citedIds.map((id) => context[id - 1]!).filter(Boolean);
      const renumber = new Map(generated.citedIds.map((id, i) => [id, i + 1]));
      text = generated.answer.replace(/\[(\d+)\]/g, (m, d: string) => (renumber.has(Number(d)) ? `[${renumber.get(Number(d))}]` : ''));
    } else {
      const extract = await timed('extract', () => extractAnswer(query, context, terms, sentences), (e) => ({ sentences: e ? e.text.length : 0 }));
      if (!extract) return escalate('low_confidence', score, passages);
      cited = extract.used;
      text = framedAnswer(language, `${extract.text} ${cited.map((_, i) => `[${i + 1}]`).join('')}`);
    }
    // Word overlap cannot judge an answer written in another language than its passages (a Chinese answer from
    // English articles): then the facts that do not translate (numbers, times, URLs, emails) must come from them.
    const answerLanguage = detectLanguage(text, language);
    const crossLanguage = !!answerLanguage && cited.some((p) => p.language && p.language !== answerLanguage);
    const citedTexts = cited.map((p) => [p.documentTitle, ...p.headingPath, p.text].join(' '));
    const grounded = await timed(
      'groundedness',
      () => (crossLanguage ? checkFacts(text, citedTexts) : checkGrounded(text, citedTexts, terms, sentences)),
      (g) => ({ ...g, method: crossLanguage ? 'facts (answer and passages in different languages)' : 'words' }),
    );
    if (!grounded.grounded) return escalate('ungrounded', score, passages);
    if (!llm) opts.onToken?.(text); // extractive: the whole answer at once, after its checks
    return { ...base, decision: 'answer', reason: 'confident', confidence: score, language, reply: { text, citations: cited.map((p, i) => citation(p, i + 1)) }, signals, steps };
  } catch (err) {
    const code = err instanceof LlmError ? err.code : 'internal';
    steps.push({ step: 'error', ms: 0, code, message: redact((err as Error).message) });
    deps.logger.error({ err: { message: redact((err as Error).message), code } }, 'the bot failed on a message; handing the conversation to a person');
    signals.error = code;
    return escalate('bot_error', null, base.passages);
  }

  function escalate(reason: HandoffReason, confidence: number | null, passages: Passage[]): TurnResult {
    steps.push({ step: 'decide', ms: 0, decision: 'escalate', reason });
    return { ...base, decision: 'escalate', reason, confidence, language, reply: null, summary: summarize(input, reason, confidence, passages, signals, language), passages, signals, steps };
  }
}

/** A few lines for the agent: what the customer wants, why the bot handed over, what it found. PII redacted. */
export function summarize(input: TurnInput, reason: HandoffReason, confidence: number | null, passages: Passage[], signals: Record<string, unknown>, language: string | null): string {
  const asked = input.history.filter((h) => h.role === 'customer').slice(-2).map((h) => h.text);
  const lang = language ? ` (language: ${language})` : '';
  const lines = [input.text.trim() ? `Customer asked: "${clip(redact(input.text), 300)}"${lang}` : `The customer asked for a person before writing a question${lang}`];
  if (asked.length) lines.push(`Earlier: ${asked.map((a) => `"${clip(redact(a), 120)}"`).join(' · ')}`);
  lines.push(`Handed over: ${reason.replace(/_/g, ' ')}${confidence !== null ? ` (bot confidence ${confidence.toFixed(2)})` : ''}`);
  if (signals.sensitiveTopic) lines.push(`Sensitive topic: ${String(signals.sensitiveTopic)}`);
  if (signals.frustrated) lines.push('The customer sounds frustrated.');
  const titles = [...new Set(passages.slice(0, 3).map((p) => p.documentTitle))];
  if (titles.length) lines.push(`Closest articles: ${titles.join('; ')}`);
  const botTurns = input.priorTurns.length;
  if (botTurns) lines.push(`Bot turns before this: ${botTurns} (${input.priorTurns.map((t) => t.decision).join(', ')})`);
  return lines.join('\n');
}

/**
 * Forwards streamed answer text to the customer, holding back the last characters and stopping for good if the text
 * so far reproduces the system prompt — so a leak is never shown, not even in part. (The stored reply, sent after
 * every check, replaces the draft in any case.)
 */
function guardedStream(onToken: (text: string) => void): (piece: string) => void {
  const HOLD = 80;
  let text = '';
  let sent = 0;
  let stopped = false;
  return (piece) => {
    if (stopped) return;
    text += piece;
    if (leaksPrompt(text)) {
      stopped = true;
      return;
    }
    const upTo = text.length - HOLD;
    if (upTo > sent) {
      onToken(text.slice(sent, upTo));
      sent = upTo;
    }
  };
}

const passageWords = (p: Passage) => [p.documentTitle, ...p.headingPath, p.text].join(' ');
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const roundAll = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, 4)]));
