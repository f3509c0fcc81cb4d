// Contacts, conversations and messages. Status changes go through applyEvent (which calls nextStatus under a row
// lock); side effects are the caller's explicit next step, never a hook.
import type { Db, Queryable } from '../core/db/index.ts';
import { AppError } from '../core/errors.ts';
import { nextStatus, type ConversationEvent, type ConversationStatus } from './transitions.ts';

export type Channel = 'widget' | 'api' | 'email';
export type Sender = 'customer' | 'bot' | 'agent' | 'system';
/** A bot answer's source: [n] in the text is citations[n-1]. */
export type Citation = {
  n?: number;
  documentId: string;
  documentVersion?: number;
  chunkId: string;
  title: string;
  headingPath: string[];
  location?: Record<string, unknown>;
  sourceRef?: string | null;
};

export type ConversationRow = {
  id: string;
  workspaceId: string;
  contactId: string;
  channel: Channel;
  status: ConversationStatus;
  skill: string | null;
  priority: number;
  assigneeId: string | null;
  handoffReason: string | null;
  handoffSummary: string | null;
  queuedAt: Date | null;
  assignedAt: Date | null;
  resolvedAt: Date | null;
  csat: number | null;
  csatComment: string | null;
  createdAt: Date;
};

export type MessageRow = {
  id: string;
  conversationId: string;
  sender: Sender;
  senderId: string | null;
  body: string;
  private: boolean;
  citations: Citation[];
  confidence: number | null;
  clientMessageId: string | null;
  replyToMessageId: string | null;
  createdAt: Date;
};

/** What a customer may see of their conversation: no internal summary for agents, no staff ids. */
export function customerView(c: ConversationRow): Omit<ConversationRow, 'handoffSummary' | 'assigneeId'> {
  const { handoffSummary: _s, assigneeId: _a, ...rest } = c;
  return rest;
}

const CONV = `id, workspace_id AS "workspaceId", contact_id AS "contactId", channel, status, skill, priority,
  assignee_id AS "assigneeId", handoff_reason AS "handoffReason", handoff_summary AS "handoffSummary", queued_at AS "queuedAt", assigned_at AS "assignedAt",
  resolved_at AS "resolvedAt", csat, csat_comment AS "csatComment", created_at AS "createdAt"`;
const MSG = `id, conversation_id AS "conversationId", sender, sender_id AS "senderId", body, private, citations, confidence,
  client_message_id AS "clientMessageId", reply_to_message_id AS "replyToMessageId", created_at AS "createdAt"`;

export async function createContact(q: Queryable, c: { workspaceId: string; name?: string; email?: string; language?: string; externalId?: string }): Promise<string> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO contacts (workspace_id, name, email, language, external_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workspace_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET name = COALESCE(EXCLUDED.name, contacts.name)
     RETURNING id`,
    [c.workspaceId, c.name ?? null, c.email ?? null, c.language ?? null, c.externalId ?? null],
  );
  return rows[0]!.id;
}

export async function createConversation(q: Queryable, c: { workspaceId: string; contactId: string; channel: Channel }): Promise<ConversationRow> {
  const { rows } = await q.query<ConversationRow>(
    `INSERT INTO conversations (workspace_id, contact_id, channel) VALUES ($1, $2, $3) RETURNING ${CONV}`,
    [c.workspaceId, c.contactId, c.channel],
  );
  return rows[0]!;
}

export async function getConversation(q: Queryable, workspaceId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<ConversationRow | null> {
  const { rows } = await q.query<ConversationRow>(
    `SELECT ${CONV} FROM conversations WHERE workspace_id = $1 AND id = $2${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [workspaceId, id],
  );
  return rows[0] ?? null;
}

export type NewMessage = {
  workspaceId: string;
  conversationId: string;
  sender: Sender;
  senderId?: string;
  body: string;
  private?: boolean;
  citations?: Citation[];
  confidence?: number;
  clientMessageId?: string;
  replyToMessageId?: string;
};

/**
 * Inserts a message. Idempotent: the same client_message_id in a conversation, or a second reply to the same
 * message, returns the existing row with created=false instead of writing twice.
 */
export async function insertMessage(q: Queryable, m: NewMessage): Promise<{ message: MessageRow; created: boolean }> {
  const { rows } = await q.query<MessageRow>(
    `INSERT INTO messages (workspace_id, conversation_id, sender, sender_id, body, private, citations, confidence, client_message_id, reply_to_message_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT DO NOTHING
     RETURNING ${MSG}`,
    [m.workspaceId, m.conversationId, m.sender, m.senderId ?? null, m.body, m.private ?? false, JSON.stringify(m.citations ?? []), m.confidence ?? null, m.clientMessageId ?? null, m.replyToMessageId ?? null],
  );
  if (rows[0]) return { message: rows[0], created: true };
  const existing = await q.query<MessageRow>(
    `SELECT ${MSG} FROM messages WHERE conversation_id = $1 AND (($2::text IS NOT NULL AND client_message_id = $2) OR ($3::uuid IS NOT NULL AND reply_to_message_id = $3))`,
    [m.conversationId, m.clientMessageId ?? null, m.replyToMessageId ?? null],
  );
  if (!existing.rows[0]) throw new Error('message insert conflicted but no existing row was found');
  return { message: existing.rows[0], created: false };
}

/** The conversation's messages in order; with `afterMessageId`, only those written after that one (live replay). */
export async function listMessages(q: Queryable, conversationId: string, opts: { includePrivate: boolean; afterMessageId?: string }): Promise<MessageRow[]> {
  const { rows } = await q.query<MessageRow>(
    `SELECT ${MSG} FROM messages WHERE conversation_id = $1 ${opts.includePrivate ? '' : 'AND NOT private'}
        AND ($2::uuid IS NULL OR seq > (SELECT since.seq FROM messages since WHERE since.id = $2 AND since.conversation_id = $1))
      ORDER BY seq`,
    [conversationId, opts.afterMessageId ?? null],
  );
  return rows;
}

/**
 * Applies `event` to the conversation under a row lock. Call inside a transaction. Throws invalid_transition when
 * nextStatus refuses; returns the updated row.
 */
export async function applyEvent(tx: Queryable, workspaceId: string, conversationId: string, event: ConversationEvent): Promise<ConversationRow> {
  const current = await getConversation(tx, workspaceId, conversationId, { forUpdate: true });
  if (!current) throw new AppError('not_found', `No conversation with id ${conversationId} in this workspace.`);
  const t = nextStatus(current.status, event);
  if (!t.ok) throw new AppError('invalid_transition', `This conversation cannot change that way: ${t.why}.`, { details: { status: current.status, event: event.type } });
  const { rows } = await tx.query<ConversationRow>(
    `UPDATE conversations SET status = $3, updated_at = now(),
        handoff_reason = CASE WHEN $4::text IS NOT NULL THEN $4 ELSE handoff_reason END,
        queued_at      = CASE WHEN $3 = 'queued' AND status <> 'queued' THEN now() ELSE queued_at END,
        -- Only an assignment sets the assignee (a customer writing to an assigned conversation keeps it).
        assignee_id    = CASE WHEN $5::uuid IS NOT NULL THEN $5::uuid WHEN $3 IN ('queued', 'bot') THEN NULL ELSE assignee_id END,
        assigned_at    = CASE WHEN $5::uuid IS NOT NULL THEN now() ELSE assigned_at END,
        last_assignee_id = COALESCE($5::uuid, last_assignee_id),
        resolved_at    = CASE WHEN $3 = 'resolved' THEN now() ELSE NULL END, -- reopened: no longer resolved
        -- Resolved again: QA grades it afresh, whatever failed before.
        qa_attempts    = CASE WHEN $3 = 'resolved' THEN 0 ELSE qa_attempts END,
        qa_error       = CASE WHEN $3 = 'resolved' THEN NULL ELSE qa_error END
      WHERE id = $2 AND workspace_id = $1 RETURNING ${CONV}`,
    [workspaceId, conversationId, t.to, event.type === 'handoff_requested' ? event.reason : null, event.type === 'agent_assigned' ? event.agentId : null],
  );
  return rows[0]!;
}

export type QueueSummary = { waiting: number; bySkill: { skill: string | null; waiting: number }[] };

/** How many conversations wait for a person, in all and per skill (null: no skill; "no skill" first, then by name). */
export async function queueSummary(q: Queryable, workspaceId: string): Promise<QueueSummary> {
  const { rows } = await q.query<{ skill: string | null; waiting: number }>(
    `SELECT skill, count(*)::int AS waiting FROM conversations WHERE workspace_id = $1 AND status = 'queued'
      GROUP BY skill ORDER BY skill NULLS FIRST`,
    [workspaceId],
  );
  return { waiting: rows.reduce((n, r) => n + r.waiting, 0), bySkill: rows };
}

/**
 * Resolves bot conversations nobody has written in for `idleMinutes` (and where the bot has replied at least once):
 * the customer went away satisfied or not, and the conversation is done — so it is graded and counted like others.
 * A customer who writes again later reopens it to the bot. Returns those resolved (at most `limit`).
 */
export async function resolveIdleBotConversations(db: Db, idleMinutes: number, opts: { limit?: number; workspaceId?: string | null } = {}): Promise<ConversationRow[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string; workspace_id: string }>(
      `SELECT x.id, x.workspace_id FROM conversations x
        WHERE x.status = 'bot' AND x.updated_at < now() - make_interval(mins => $1) AND ($3::uuid IS NULL OR x.workspace_id = $3)
          AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = x.id AND m.sender = 'bot')
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = x.id AND m.created_at >= now() - make_interval(mins => $1))
        ORDER BY x.updated_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [idleMinutes, opts.limit ?? 200, opts.workspaceId ?? null],
    );
    const resolved: ConversationRow[] = [];
    for (const r of rows) resolved.push(await applyEvent(tx, r.workspace_id, r.id, { type: 'resolved' }));
    return resolved;
  });
}
