// The answer pipeline for one customer message: signals → retrieval → confidence → extractive answer with
// citations, or escalation to a person. Every decision is written to bot_turns. Any error hands over to a human.
import { insertMessage, type MessageRow } from '../conversations/index.ts';
import { requestHandoff } from '../handoff/index.ts';
import { recordGap, searchKb, sentences, terms, type Passage } from '../kb/index.ts';
import type { BotDeps } from './index.ts';
import { confidenceOf, extractAnswer } from './extract.ts';
import { readSignals } from './signals.ts';

export type AnswerInput = { workspaceId: string; conversationId: string; messageId: string; text: string };
export type Decision = 'answer' | 'clarify' | 'escalate';

type Turn = { decision: Decision; reason: string; confidence: number | null; candidates: Passage[]; signals: unknown };

export async function answerMessage(deps: BotDeps, input: AnswerInput): Promise<MessageRow[]> {
  const started = Date.now();
  const status = await deps.db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [input.conversationId]);
  if (status.rows[0]?.status !== 'bot') return []; // a person has the conversation: the bot stays quiet

  let turn: Turn;
  let reply: MessageRow[] = [];
  try {
    const signals = readSignals(input.text);
    if (signals.humanRequested) {
      turn = { decision: 'escalate', reason: 'customer_asked', confidence: null, candidates: [], signals };
      const handed = await requestHandoff(deps.db, { ...input, reason: 'customer_asked', replyToMessageId: input.messageId });
      reply = handed.message ? [handed.message] : [];
    } else {
      // Only public collections: internal ones are for agents.
      const candidates = await searchKb(deps, { workspaceId: input.workspaceId, query: input.text, limit: 5, filters: { visibility: ['public'] } });
      const confidence = confidenceOf(input.text, candidates, terms);
      const extract = confidence.score >= deps.answerThreshold ? extractAnswer(input.text, candidates, terms, sentences) : null;
      const traceSignals = { ...signals, coverage: round(confidence.coverage), similarity: round(confidence.similarity) };
      if (extract) {
        turn = { decision: 'answer', reason: 'confident', confidence: confidence.score, candidates, signals: traceSignals };
        const { message } = await insertMessage(deps.db, {
          workspaceId: input.workspaceId,
          conversationId: input.conversationId,
          sender: 'bot',
          body: extract.text,
          citations: extract.used.map((c) => ({ documentId: c.documentId, documentVersion: c.documentVersion, chunkId: c.chunkId, title: c.documentTitle, headingPath: c.headingPath, location: c.location, sourceRef: c.sourceRef })),
          confidence: confidence.score,
          replyToMessageId: input.messageId,
        });
        reply = [message];
      } else {
        turn = { decision: 'escalate', reason: candidates.length ? 'low_confidence' : 'no_passages', confidence: confidence.score, candidates, signals: traceSignals };
        const handed = await requestHandoff(deps.db, { ...input, reason: 'low_confidence', replyToMessageId: input.messageId });
        reply = handed.message ? [handed.message] : [];
        // The knowledge base could not answer: group the question into the gaps list for knowledge managers.
        await deps.db.transaction((tx) => recordGap(tx, { workspaceId: input.workspaceId, question: input.text, conversationId: input.conversationId }));
      }
    }
  } catch (err) {
    // Fail toward a human: never leave the customer without an answer or a person.
    deps.logger.error({ err, conversationId: input.conversationId }, 'bot failed; handing the conversation to a person');
    turn = { decision: 'escalate', reason: 'bot_error', confidence: null, candidates: [], signals: { error: (err as Error).message } };
    const handed = await requestHandoff(deps.db, { ...input, reason: 'bot_error', replyToMessageId: input.messageId });
    reply = handed.message ? [handed.message] : [];
  }

  await deps.db.query(
    `INSERT INTO bot_turns (workspace_id, conversation_id, message_id, query, candidates, signals, confidence, decision, reason, model, latency_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (message_id) DO NOTHING`,
    [
      input.workspaceId,
      input.conversationId,
      input.messageId,
      input.text,
      JSON.stringify(turn.candidates.map((c) => ({ chunkId: c.chunkId, documentId: c.documentId, title: c.documentTitle, score: c.score, similarity: c.similarity, textRank: c.textRank }))),
      JSON.stringify(turn.signals),
      turn.confidence,
      turn.decision,
      turn.reason,
      `extractive+${deps.embedders.defaultModel}`,
      Date.now() - started,
    ],
  );
  return reply;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
