// What an agent sees around a conversation: the bot's turns (what it searched, how sure it was, what it decided and
// why), and the customer's profile — attributes, tier, language, their other conversations and their tickets.
import type { Queryable } from '../core/db/index.ts';

export type BotTurnView = { messageId: string; query: string; rewrittenQuery: string | null; decision: string; reason: string; confidence: number | null; language: string | null; candidates: unknown; createdAt: Date };
export type ContactProfile = {
  id: string;
  name: string | null;
  email: string | null;
  language: string | null;
  tier: string | null;
  attributes: Record<string, unknown>;
  createdAt: Date;
  conversations: { id: string; status: string; skill: string | null; handoffReason: string | null; csat: number | null; createdAt: Date; resolvedAt: Date | null }[];
  tickets: { id: string; number: number; subject: string; status: string; priority: string; assigneeId: string | null; conversationId: string | null; createdAt: Date; updatedAt: Date }[];
};

export async function botTurns(q: Queryable, conversationId: string): Promise<BotTurnView[]> {
  const { rows } = await q.query<BotTurnView>(
    `SELECT message_id AS "messageId", query, rewritten_query AS "rewrittenQuery", decision, reason, confidence, language, candidates, created_at AS "createdAt"
       FROM bot_turns WHERE conversation_id = $1 ORDER BY created_at`,
    [conversationId],
  );
  return rows;
}

export async function contactProfile(q: Queryable, workspaceId: string, contactId: string, exceptConversationId?: string): Promise<ContactProfile | null> {
  const { rows } = await q.query<Omit<ContactProfile, 'conversations' | 'tickets'>>(
    `SELECT id, name, email, language, tier, attributes, created_at AS "createdAt" FROM contacts WHERE id = $1 AND workspace_id = $2`,
    [contactId, workspaceId],
  );
  if (!rows[0]) return null;
  const past = await q.query<ContactProfile['conversations'][number]>(
    `SELECT id, status, skill, handoff_reason AS "handoffReason", csat, created_at AS "createdAt", resolved_at AS "resolvedAt"
       FROM conversations WHERE contact_id = $1 AND ($2::uuid IS NULL OR id <> $2) ORDER BY created_at DESC LIMIT 20`,
    [contactId, exceptConversationId ?? null],
  );
  const tickets = await q.query<ContactProfile['tickets'][number]>(
    `SELECT id, number::int AS number, subject, status, priority, assignee_id AS "assigneeId", conversation_id AS "conversationId", created_at AS "createdAt", updated_at AS "updatedAt"
       FROM tickets WHERE contact_id = $1 ORDER BY created_at DESC LIMIT 20`,
    [contactId],
  );
  return { ...rows[0], conversations: past.rows, tickets: tickets.rows };
}
