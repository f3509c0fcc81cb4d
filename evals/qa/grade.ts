// Grades a resolved conversation: every bot reply (against the passages it cited), every agent reply (against what
// the knowledge base says about the question — internal collections too — and the SLA), and the conversation as a
// whole. Each unit is stored once per scorer version (qa_evaluations + qa_scores), so the job can run again safely.
import type { Db, Queryable } from '../../core/db/index.ts';
import type { EventBus } from '../../core/events.ts';
import type { Logger } from '../../core/logger.ts';
import { searchKb, type EmbedderRegistry } from '../../kb/index.ts';
import { frustrationScore, FRUSTRATED_AT } from '../../bot/index.ts';
import { loadSlaPolicies, type SlaPolicy, type TicketPriority } from '../../handoff/index.ts';
import type { QaJudge } from './judge.ts';
import { loadRubric, overallScore, type CategoryKey, type Rubric, type Subject } from './rubric.ts';
import { DETERMINISTIC_VERSION, scoreReply, type CategoryScore, type ReplyScores } from './scorers.ts';
import { EFFECTIVE } from './summary.ts';

/**
 * `botIdleMinutes`: the sweep resolves bot conversations quiet this long first (0 or absent: it does not); `events`:
 * where an open widget hears of it.
 */
export type QaDeps = { db: Db; embedders: EmbedderRegistry; logger: Logger; judge: QaJudge | null; botIdleMinutes?: number; events?: EventBus };
/** A conversation whose grading failed this many times is left out of later sweeps (its last error is kept). */
export const QA_MAX_ATTEMPTS = 3;

/** Chat replies from people: the first within 2 minutes of the customer asking for one, later ones within 3. */
export const CHAT_TARGETS = { firstSeconds: 120, nextSeconds: 180 };

type Msg = { id: string; sender: 'customer' | 'bot' | 'agent' | 'system'; senderId: string | null; body: string; citations: { chunkId: string }[]; createdAt: Date };
type Conv = {
  id: string;
  workspaceId: string;
  skill: string | null;
  agentId: string | null;
  queuedAt: Date | null;
  csat: number | null;
  settings: Record<string, unknown>;
  ticketPriority: TicketPriority | null;
};
type Unit = { messageId: string | null; subject: Subject; agentId: string | null; scores: Partial<ReplyScores> };

export type GradeResult = { conversationId: string; evaluations: number; judged: number };

export async function gradeConversation(deps: QaDeps, conversationId: string): Promise<GradeResult> {
  const conv = await loadConversation(deps.db, conversationId);
  if (!conv) return { conversationId, evaluations: 0, judged: 0 };
  const rubric = await loadRubric(deps.db, conv.workspaceId);
  const { rows: messages } = await deps.db.query<Msg>(
    `SELECT id, sender, sender_id AS "senderId", body, citations, created_at AS "createdAt" FROM messages
      WHERE conversation_id = $1 AND NOT private ORDER BY seq`,
    [conversationId],
  );
  const chunkText = await citedTexts(deps.db, messages);
  const sla = conv.ticketPriority ? (await loadSlaPolicies(deps.db, conv.workspaceId)).find((p) => p.priority === conv.ticketPriority) ?? null : null;
  const forbidden = Array.isArray(conv.settings.forbiddenPromises) ? (conv.settings.forbiddenPromises as string[]) : [];
  const agentReplies = messages.filter((m) => m.sender === 'agent');
  const units: Unit[] = [];
  const judgeInputs: { unit: Unit; question: string; reply: string; passages: string[]; position: { firstFromPerson: boolean; lastFromPerson: boolean } }[] = [];
  let lastCustomerAt: Date | null = null;
  let pending: string[] = [];
  for (const m of messages) {
    if (m.sender === 'customer') {
      pending.push(m.body);
      lastCustomerAt ??= m.createdAt;
      continue;
    }
    if (m.sender === 'system') continue;
    const question = pending.join('\n');
    const first = m.sender === 'agent' && m === agentReplies[0];
    const passages =
      m.sender === 'bot'
        ? m.citations.map((c) => chunkText.get(c.chunkId)).filter((t): t is string => !!t)
        : (await searchKb(deps, { workspaceId: conv.workspaceId, query: `${question}\n${m.body}`.slice(0, 2000), limit: 5 })).map((p) => p.text);
    // A person's wait: from asking for a person (first reply) or from the customer's first unanswered message.
    const since = first ? (conv.queuedAt ?? lastCustomerAt) : lastCustomerAt;
    const waited = m.sender === 'agent' && since ? Math.max(0, (m.createdAt.getTime() - since.getTime()) / 1000) : null;
    const scores = scoreReply({
      subject: m.sender,
      reply: m.body,
      question,
      passages,
      firstFromPerson: first,
      lastFromPerson: m.sender === 'agent' && m === agentReplies.at(-1),
      waitedSeconds: waited,
      targetSeconds: m.sender === 'agent' ? targetFor(sla, first) : null,
      forbiddenPromises: forbidden,
    });
    const unit: Unit = { messageId: m.id, subject: m.sender, agentId: m.sender === 'agent' ? m.senderId : null, scores };
    units.push(unit);
    judgeInputs.push({ unit, question, reply: m.body, passages, position: { firstFromPerson: first, lastFromPerson: m.sender === 'agent' && m === agentReplies.at(-1) } });
    pending = [];
    lastCustomerAt = null;
  }
  units.push({ messageId: null, subject: 'conversation', agentId: conv.agentId, scores: conversationScores(conv, messages, units) });

  let evaluations = 0;
  for (const u of units) evaluations += (await store(deps.db, conv, rubric, u, 'deterministic', DETERMINISTIC_VERSION)) ? 1 : 0;
  let judged = 0;
  if (deps.judge) {
    for (const j of judgeInputs) {
      try {
        const scores = await deps.judge.grade({ subject: j.unit.subject as 'bot' | 'agent', question: j.question, reply: j.reply, passages: j.passages, categories: rubric.categories, position: j.unit.subject === 'agent' ? j.position : undefined });
        if (await store(deps.db, conv, rubric, { ...j.unit, scores: withMeasured(scores, j.unit.scores) }, 'llm', deps.judge.version)) judged++;
      } catch (err) {
        deps.logger.warn({ err, conversationId, messageId: j.unit.messageId }, 'the LLM judge could not grade a reply; its deterministic grade stands');
      }
    }
    // The conversation as a whole, from its public transcript.
    if (deps.judge.gradeConversation) {
      const whole = units.at(-1)!;
      try {
        const transcript = messages.filter((m): m is Msg & { sender: 'customer' | 'bot' | 'agent' } => m.sender !== 'system').map((m) => ({ sender: m.sender, text: m.body }));
        const scores = await deps.judge.gradeConversation({ transcript, categories: rubric.categories });
        if (await store(deps.db, conv, rubric, { ...whole, scores: withMeasured(scores, whole.scores) }, 'llm', deps.judge.version)) judged++;
      } catch (err) {
        deps.logger.warn({ err, conversationId }, 'the LLM judge could not grade the conversation as a whole; its deterministic grade stands');
      }
    }
  }
  await deps.db.query('UPDATE conversations SET qa_scored_at = now(), qa_attempts = 0, qa_error = NULL WHERE id = $1', [conversationId]);
  return { conversationId, evaluations, judged };
}

/** The judge's grades plus what is measured rather than judged (response time), from the deterministic scorer. */
const withMeasured = (judged: Partial<ReplyScores>, measured: Partial<ReplyScores>): Partial<ReplyScores> =>
  measured.response_time ? { ...judged, response_time: measured.response_time } : judged;

/**
 * Resolved conversations not graded since they were last resolved, oldest first — those that failed before after the
 * rest, and not at all once they failed QA_MAX_ATTEMPTS times (so a few that cannot be graded never hold up the batch).
 */
export async function pendingConversations(q: Queryable, limit: number, workspaceId: string | null = null): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM conversations WHERE status = 'resolved' AND (qa_scored_at IS NULL OR qa_scored_at < resolved_at)
        AND qa_attempts < ${QA_MAX_ATTEMPTS} AND ($2::uuid IS NULL OR workspace_id = $2)
      ORDER BY qa_attempts, resolved_at LIMIT $1`,
    [limit, workspaceId],
  );
  return rows.map((r) => r.id);
}

async function loadConversation(q: Queryable, id: string): Promise<Conv | null> {
  const { rows } = await q.query<Conv>(
    `SELECT c.id, c.workspace_id AS "workspaceId", c.skill, COALESCE(c.assignee_id, c.last_assignee_id) AS "agentId", c.queued_at AS "queuedAt",
            c.csat, w.settings,
            (SELECT t.priority FROM tickets t WHERE t.conversation_id = c.id ORDER BY t.created_at DESC LIMIT 1) AS "ticketPriority"
       FROM conversations c JOIN workspaces w ON w.id = c.workspace_id WHERE c.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

async function citedTexts(q: Queryable, messages: Msg[]): Promise<Map<string, string>> {
  const ids = [...new Set(messages.flatMap((m) => (m.sender === 'bot' ? m.citations.map((c) => c.chunkId) : [])))];
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<{ id: string; text: string }>('SELECT id, text FROM chunks WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.text]));
}

/** A chat's targets, or — for a conversation that became a ticket — the ticket's SLA (first and next response). */
function targetFor(sla: SlaPolicy | null, first: boolean): number {
  const minutes = sla ? (first ? sla.firstResponseMinutes : sla.nextResponseMinutes) : null;
  if (minutes) return minutes * 60;
  return first ? CHAT_TARGETS.firstSeconds : CHAT_TARGETS.nextSeconds;
}

/** The conversation as a whole: how it opened, ended and felt, from its replies' grades and the customer's words. */
function conversationScores(conv: Conv, messages: Msg[], units: Unit[]): Partial<ReplyScores> {
  const agentUnits = units.filter((u) => u.subject === 'agent');
  const pick = (key: CategoryKey, from: Unit | undefined): CategoryScore => from?.scores[key] ?? { score: null, rationale: 'no reply from a person' };
  const customer = messages.filter((m) => m.sender === 'customer');
  const lastCustomer = customer.at(-1)?.body ?? '';
  const upsetAt = customer.findIndex((m) => frustrationScore(m.body) >= FRUSTRATED_AT);
  const empathyScores = units.map((u) => u.scores.empathy?.score).filter((s): s is number => typeof s === 'number');
  let resolution: CategoryScore;
  if (conv.csat !== null) resolution = { score: conv.csat, rationale: `the customer rated the conversation ${conv.csat} of 5` };
  else if (frustrationScore(lastCustomer) >= FRUSTRATED_AT) resolution = { score: 1.5, rationale: 'the customer was still upset at the end' };
  else if (/\b(thanks?|thank you|solved|works now|that helps|perfect|great)\b|谢谢|解决了|gracias|merci|danke/i.test(lastCustomer)) resolution = { score: 5, rationale: 'the customer thanked or confirmed it was solved' };
  else {
    const replies = units.filter((u) => u.subject !== 'conversation').map((u) => u.scores.resolution?.score ?? 3);
    const mean = replies.length ? replies.reduce((a, b) => a + b, 0) / replies.length : 2;
    resolution = { score: Math.round(mean * 10) / 10, rationale: 'from how well the replies addressed the questions (no rating, no closing words from the customer)' };
  }
  const first = agentUnits[0]?.scores.response_time;
  return {
    greeting: pick('greeting', agentUnits[0]),
    empathy: upsetAt < 0 ? { score: null, rationale: 'the customer was never upset' } : empathyScores.length ? { score: Math.max(...empathyScores), rationale: 'the best acknowledgement after the customer got upset' } : { score: 1.5, rationale: 'the customer got upset and no reply acknowledged it' },
    resolution,
    closing: pick('closing', agentUnits.at(-1)),
    response_time: first?.score != null ? { score: first.score, rationale: `first reply from a person: ${first.rationale}` } : { score: null, rationale: 'no reply from a person' },
  };
}

/**
 * Sets the evaluation's overall score from the scores that count — a person's latest override of a category, else the
 * scorer's — weighted by the workspace's rubric. Runs after every override, so "lowest first" and the overall shown
 * follow what people decided.
 */
export async function refreshOverall(q: Queryable, workspaceId: string, evaluationId: string): Promise<number | null> {
  const rubric = await loadRubric(q, workspaceId);
  const { rows } = await q.query<{ category: CategoryKey; effective: number | null }>(`SELECT s.category, ${EFFECTIVE} AS effective FROM qa_scores s WHERE s.evaluation_id = $1`, [evaluationId]);
  const graded = new Set(rows.map((r) => r.category));
  const overall = overallScore({ categories: rubric.categories.filter((c) => graded.has(c.key)) }, Object.fromEntries(rows.map((r) => [r.category, r.effective])));
  await q.query('UPDATE qa_evaluations SET overall = $2 WHERE id = $1', [evaluationId, overall]);
  return overall;
}

/** Stores one graded unit; false when it was already graded by this scorer version (conversation units are refreshed). */
async function store(db: Db, conv: Conv, rubric: Rubric, u: Unit, scorer: 'deterministic' | 'llm', version: string): Promise<boolean> {
  // Only what the rubric grades this kind of unit on, with its weight.
  const applicable = rubric.categories.filter((c) => c.appliesTo.includes(u.subject));
  const scores = Object.fromEntries(applicable.map((c) => [c.key, u.scores[c.key]?.score ?? null]));
  const overall = overallScore({ categories: applicable }, scores);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string; inserted: boolean }>(
      `INSERT INTO qa_evaluations (workspace_id, conversation_id, message_id, subject, agent_id, skill, scorer, scorer_version, overall)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (conversation_id, COALESCE(message_id, '00000000-0000-0000-0000-000000000000'::uuid), scorer, scorer_version)
       DO UPDATE SET overall = EXCLUDED.overall, agent_id = EXCLUDED.agent_id WHERE qa_evaluations.message_id IS NULL
       RETURNING id, (xmax = 0) AS inserted`,
      [conv.workspaceId, conv.id, u.messageId, u.subject, u.agentId, conv.skill, scorer, version, overall],
    );
    const row = rows[0];
    if (!row) return false; // a reply already graded by this version
    await tx.query('DELETE FROM qa_scores WHERE evaluation_id = $1', [row.id]);
    for (const c of applicable) {
      const s = u.scores[c.key];
      await tx.query('INSERT INTO qa_scores (evaluation_id, category, score, rationale) VALUES ($1, $2, $3, $4)', [row.id, c.key, s?.score ?? null, s?.rationale ?? 'not graded']);
    }
    // A regraded conversation keeps the overrides people made of it.
    if (!row.inserted) await refreshOverall(tx, conv.workspaceId, row.id);
    return true;
  });
}

