// One customer message, end to end: read the conversation (history, earlier bot turns, workspace settings), run the
// pipeline, then act on its decision — store the reply, or hand over to people with a summary — and write the trace
// to bot_turns. The bot never speaks in a conversation people have: the status is checked under a row lock at the
// moment the reply is stored, so an agent who joins while the bot is thinking wins.
import { redact } from '../core/pii.ts';
import { insertMessage, type HandoffReason, type MessageRow } from '../conversations/index.ts';
import { requestHandoff, type HandoffResult } from '../handoff/index.ts';
import { recordGap } from '../kb/index.ts';
import type { BotDeps } from './index.ts';
import { handoffMessage } from './messages.ts';
import { runTurn, summarize, type Decision, type HistoryTurn, type PriorTurn, type TurnResult } from './pipeline.ts';
import { loadBotSettings, businessHoursState } from './settings.ts';
import { matchSensitiveTopic } from './signals.ts';

export type AnswerInput = { workspaceId: string; conversationId: string; messageId: string; text: string };
export type AnswerOptions = { onToken?: (text: string) => void; now?: Date };

const GAP_REASONS = new Set(['low_confidence', 'no_passages', 'not_in_kb']);

export async function answerMessage(deps: BotDeps, input: AnswerInput, opts: AnswerOptions = {}): Promise<MessageRow[]> {
  const started = performance.now();
  // Three reads at once (a turn's latency is mostly round trips): the conversation, its recent messages, earlier turns.
  const [conv, history, priorTurns] = await Promise.all([
    deps.db.query<{ status: string; language: string | null; contact_language: string | null; settings: Record<string, unknown> }>(
      `SELECT c.status, c.language, ct.language AS contact_language, w.settings
         FROM conversations c JOIN contacts ct ON ct.id = c.contact_id JOIN workspaces w ON w.id = c.workspace_id
        WHERE c.id = $1 AND c.workspace_id = $2`,
      [input.conversationId, input.workspaceId],
    ),
    loadHistory(deps, input.conversationId, input.messageId),
    loadPriorTurns(deps, input.conversationId, input.messageId),
  ]);
  const row = conv.rows[0];
  if (!row || row.status !== 'bot') return []; // people have the conversation: the bot stays quiet
  const settings = loadBotSettings(row.settings, deps.defaults);

  const turn = await runTurn(deps, { workspaceId: input.workspaceId, text: input.text, history, priorTurns, settings, languageHint: row.language ?? row.contact_language }, { onToken: opts.onToken });
  const replies = await act(deps, input, turn, row.settings, opts.now ?? new Date());
  await Promise.all([
    recordTurn(deps, input, turn, replies.suppressed, performance.now() - started),
    // The knowledge base could not answer: the question joins the knowledge-gaps list for knowledge managers.
    turn.decision === 'escalate' && GAP_REASONS.has(turn.reason)
      ? deps.db.transaction((tx) => recordGap(tx, { workspaceId: input.workspaceId, question: redact(input.text), conversationId: input.conversationId }))
      : null,
  ]);
  return replies.messages;
}

/**
 * The customer pressed "talk to a person": hand over at once, worded in the conversation's language, with the
 * business-hours notice and a summary of the conversation so far for the agent.
 */
export async function handToPeople(deps: BotDeps, r: { workspaceId: string; conversationId: string }, now = new Date()): Promise<HandoffResult> {
  const conv = await deps.db.query<{ language: string | null; contact_language: string | null; settings: Record<string, unknown> }>(
    `SELECT c.language, ct.language AS contact_language, w.settings FROM conversations c JOIN contacts ct ON ct.id = c.contact_id JOIN workspaces w ON w.id = c.workspace_id
      WHERE c.id = $1 AND c.workspace_id = $2`,
    [r.conversationId, r.workspaceId],
  );
  const row = conv.rows[0];
  const language = row?.language ?? row?.contact_language ?? null;
  const [history, priorTurns] = await Promise.all([loadHistory(deps, r.conversationId), loadPriorTurns(deps, r.conversationId)]);
  // The summary's "Customer asked" is their last message; "Earlier" is what came before it (never the same line twice).
  const last = history.map((h) => h.role).lastIndexOf('customer');
  const lastAsked = last >= 0 ? history[last]!.text : '';
  const settings = loadBotSettings(row?.settings, deps.defaults);
  const summary = summarize({ workspaceId: r.workspaceId, text: lastAsked, history: last >= 0 ? history.slice(0, last) : history, priorTurns, settings }, 'customer_asked', null, [], {}, language);
  const customerText = history.filter((h) => h.role === 'customer').slice(-3).map((h) => h.text).join('\n');
  const hours = businessHoursState(row?.settings, now, language);
  return requestHandoff(deps.db, { ...r, reason: 'customer_asked', summary, message: (notice) => handoffMessage(language, 'customer_asked', notice, hours), presenceTimeoutS: deps.presenceTimeoutS, route: { text: customerText, language, collectionIds: [], topic: matchSensitiveTopic(customerText, settings.sensitiveTopics)?.name ?? null } });
}

async function act(deps: BotDeps, input: AnswerInput, turn: TurnResult, raw: Record<string, unknown>, now: Date): Promise<{ messages: MessageRow[]; suppressed: boolean }> {
  if (turn.decision === 'escalate') {
    const reason = turn.reason as HandoffReason; // runTurn escalates only with handoff reasons
    const hours = businessHoursState(raw, now, turn.language);
    const handed = await requestHandoff(deps.db, {
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      reason,
      replyToMessageId: input.messageId,
      summary: turn.summary ?? undefined,
      message: (notice) => handoffMessage(turn.language, reason, notice, hours),
      presenceTimeoutS: deps.presenceTimeoutS,
      route: {
        text: input.text,
        language: turn.language,
        collectionIds: [...new Set(turn.passages.slice(0, 3).map((p) => p.collectionId))],
        documentIds: [...new Set(turn.passages.slice(0, 3).map((p) => p.documentId))],
        topic: typeof turn.signals.sensitiveTopic === 'string' ? turn.signals.sensitiveTopic : null,
      },
    });
    return { messages: handed.message ? [handed.message] : [], suppressed: handed.alreadyQueued };
  }
  const reply = turn.reply!;
  return deps.db.transaction(async (tx) => {
    const locked = await tx.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [input.conversationId, input.workspaceId]);
    if (locked.rows[0]?.status !== 'bot') return { messages: [], suppressed: true }; // a person joined while the bot was thinking
    await tx.query('UPDATE conversations SET language = COALESCE(language, $2), updated_at = now() WHERE id = $1', [input.conversationId, turn.language]);
    const { message } = await insertMessage(tx, {
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      sender: 'bot',
      body: reply.text,
      citations: reply.citations,
      confidence: turn.confidence ?? undefined,
      replyToMessageId: input.messageId,
    });
    return { messages: [message], suppressed: false };
  });
}

async function recordTurn(deps: BotDeps, input: AnswerInput, turn: TurnResult, suppressed: boolean, ms: number): Promise<void> {
  const candidates = turn.passages.map((c) => ({
    chunkId: c.chunkId,
    documentId: c.documentId,
    documentVersion: c.documentVersion,
    title: c.documentTitle,
    score: c.score,
    similarity: c.similarity,
    textRank: c.textRank,
    ranks: c.ranks,
  }));
  await deps.db.query(
    `INSERT INTO bot_turns (workspace_id, conversation_id, message_id, query, rewritten_query, candidates, signals, confidence, decision, reason, model, tokens, latency_ms, language, steps, answer_mode)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (message_id) DO NOTHING`,
    [
      input.workspaceId,
      input.conversationId,
      input.messageId,
      redact(input.text),
      turn.rewrittenQuery ? redact(turn.rewrittenQuery) : null,
      JSON.stringify(candidates),
      JSON.stringify({ ...turn.signals, features: turn.features, ...(suppressed ? { suppressed: 'people have the conversation' } : {}) }),
      turn.confidence,
      turn.decision,
      turn.reason,
      turn.model,
      turn.tokens,
      Math.round(ms),
      turn.language,
      JSON.stringify(turn.steps),
      turn.answerMode,
    ],
  );
}

/** The conversation's last 12 public messages, oldest first, leaving out `except` (the message being answered). */
async function loadHistory(deps: BotDeps, conversationId: string, except: string | null = null): Promise<HistoryTurn[]> {
  const { rows } = await deps.db.query<{ sender: 'customer' | 'bot' | 'agent'; body: string; cited: boolean }>(
    `SELECT sender, body, cited FROM (
       SELECT sender, body, jsonb_array_length(citations) > 0 AS cited, seq FROM messages
        WHERE conversation_id = $1 AND id IS DISTINCT FROM $2::uuid AND NOT private AND sender IN ('customer', 'bot', 'agent')
        ORDER BY seq DESC LIMIT 12) recent
      ORDER BY seq`,
    [conversationId, except],
  );
  return rows.map((r) => ({ role: r.sender, text: r.body, ...(r.sender === 'bot' ? { answer: r.cited } : {}) }));
}

async function loadPriorTurns(deps: BotDeps, conversationId: string, except: string | null = null): Promise<PriorTurn[]> {
  const { rows } = await deps.db.query<{ decision: Decision; confidence: number | null; query: string }>(
    `SELECT decision, confidence, query FROM (
       SELECT decision, confidence, query, created_at FROM bot_turns WHERE conversation_id = $1 AND message_id IS DISTINCT FROM $2::uuid ORDER BY created_at DESC LIMIT 5) t
      ORDER BY created_at`,
    [conversationId, except],
  );
  return rows;
}
