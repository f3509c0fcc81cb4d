// Tickets: work that outlives a chat. Created by an agent from a conversation, by the handoff when nobody can take a
// conversation now (off hours, no agent online), or through the API. Every change is one transaction that locks the
// ticket row, bumps its version (a client holding an older version gets a 409, never a silent lost update) and
// writes the history. SLA due times are computed here, stored on the row, and checked by the breach job (sla-job.ts).
import type { Db, Queryable } from '../core/db/index.ts';
import { AppError } from '../core/errors.ts';
import { insertMessage, type MessageRow } from '../conversations/index.ts';
import { dueAfter, slaClock, TICKET_PRIORITIES, ticketPriorityOf, type TicketPriority } from './sla.ts';
import { canTakeTicket, skillExists } from './team.repo.ts';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export type TicketSource = 'conversation' | 'off_hours' | 'no_agent' | 'api';

export type Ticket = {
  id: string;
  number: number;
  subject: string;
  type: TicketType;
  status: TicketStatus;
  priority: TicketPriority;
  skill: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  contactId: string | null;
  contactName: string | null;
  conversationId: string | null;
  source: TicketSource;
  tags: string[];
  version: number;
  firstResponseDueAt: Date | null;
  nextResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  firstRespondedAt: Date | null;
  firstResponseBreachedAt: Date | null;
  nextResponseBreachedAt: Date | null;
  resolutionBreachedAt: Date | null;
  assignedAt: Date | null;
  solvedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};
export type TicketComment = { id: string; authorType: 'agent' | 'customer' | 'system' | 'api'; authorId: string | null; authorName: string | null; body: string; public: boolean; createdAt: Date };
export type TicketEvent = { id: number; actorType: string; actorId: string | null; kind: string; changes: Record<string, unknown>; createdAt: Date };
export type TicketActor = { type: 'user' | 'api_key' | 'system' | 'customer'; id: string | null };

const COLUMNS = `t.id, t.number::int AS number, t.subject, t.type, t.status, t.priority, t.skill, t.assignee_id AS "assigneeId", u.name AS "assigneeName",
  t.contact_id AS "contactId", ct.name AS "contactName", t.conversation_id AS "conversationId", t.source, t.tags, t.version,
  t.first_response_due_at AS "firstResponseDueAt", t.next_response_due_at AS "nextResponseDueAt", t.resolution_due_at AS "resolutionDueAt",
  t.first_responded_at AS "firstRespondedAt", t.first_response_breached_at AS "firstResponseBreachedAt",
  t.next_response_breached_at AS "nextResponseBreachedAt", t.resolution_breached_at AS "resolutionBreachedAt",
  t.assigned_at AS "assignedAt", t.solved_at AS "solvedAt", t.closed_at AS "closedAt", t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;
const COMMENT = `SELECT c.id, c.author_type AS "authorType", c.author_id AS "authorId", u.name AS "authorName", c.body, c.public, c.created_at AS "createdAt"
  FROM ticket_comments c LEFT JOIN users u ON c.author_type = 'agent' AND u.id::text = c.author_id`;
const FROM = `FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id LEFT JOIN contacts ct ON ct.id = t.contact_id`;

export async function getTicket(q: Queryable, workspaceId: string, id: string): Promise<Ticket | null> {
  const { rows } = await q.query<Ticket>(`SELECT ${COLUMNS} ${FROM} WHERE t.id = $1 AND t.workspace_id = $2`, [id, workspaceId]);
  return rows[0] ?? null;
}

export async function ticketDetail(q: Queryable, workspaceId: string, id: string): Promise<{ ticket: Ticket; comments: TicketComment[]; history: TicketEvent[] } | null> {
  const ticket = await getTicket(q, workspaceId, id);
  if (!ticket) return null;
  const [comments, history] = await Promise.all([
    q.query<TicketComment>(`${COMMENT} WHERE c.ticket_id = $1 ORDER BY c.created_at, c.id`, [id]),
    q.query<TicketEvent>(
      `SELECT id::int AS id, actor_type AS "actorType", actor_id AS "actorId", kind, changes, created_at AS "createdAt" FROM ticket_events WHERE ticket_id = $1 ORDER BY id`,
      [id],
    ),
  ]);
  return { ticket, comments: comments.rows, history: history.rows };
}

export type TicketFilter = { status?: TicketStatus[]; assignee?: 'none' | string; skill?: string; priority?: TicketPriority; contactId?: string; breached?: boolean; limit?: number; offset?: number };

/** Tickets by filter, the most urgent and soonest due first. */
export async function listTickets(q: Queryable, workspaceId: string, f: TicketFilter): Promise<Ticket[]> {
  const { rows } = await q.query<Ticket>(
    `SELECT ${COLUMNS} ${FROM}
      WHERE t.workspace_id = $1
        AND ($2::text[] IS NULL OR t.status = ANY($2))
        AND ($3::text IS NULL OR ($3 = 'none' AND t.assignee_id IS NULL) OR t.assignee_id::text = $3)
        AND ($4::text IS NULL OR t.skill = $4)
        AND ($5::text IS NULL OR t.priority = $5)
        AND ($6::uuid IS NULL OR t.contact_id = $6)
        AND ($7::boolean IS NULL OR $7 = (t.first_response_breached_at IS NOT NULL OR t.next_response_breached_at IS NOT NULL OR t.resolution_breached_at IS NOT NULL))
      ORDER BY array_position($8::text[], t.priority) DESC, LEAST(t.first_response_due_at, t.next_response_due_at, t.resolution_due_at) NULLS LAST, t.created_at
      LIMIT $9 OFFSET $10`,
    [workspaceId, f.status ?? null, f.assignee ?? null, f.skill ?? null, f.priority ?? null, f.contactId ?? null, f.breached ?? null, TICKET_PRIORITIES, f.limit ?? 50, f.offset ?? 0],
  );
  return rows;
}

export async function recordTicketEvent(q: Queryable, ticketId: string, actor: TicketActor, kind: string, changes: Record<string, unknown> = {}): Promise<void> {
  await q.query('INSERT INTO ticket_events (ticket_id, actor_type, actor_id, kind, changes) VALUES ($1, $2, $3, $4, $5)', [ticketId, actor.type, actor.id, kind, JSON.stringify(changes)]);
}

export type NewTicket = {
  subject: string;
  description?: string;
  type?: TicketType;
  priority?: TicketPriority;
  skill?: string | null;
  contactId?: string | null;
  conversationId?: string | null;
  assigneeId?: string | null;
  tags?: string[];
  source: TicketSource;
};

/** Checks a skill name and an assignee against the workspace; the API's 400s. */
export async function checkRefs(q: Queryable, workspaceId: string, r: { skill?: string | null; assigneeId?: string | null; contactId?: string | null }): Promise<void> {
  if (r.skill) {
    if (!(await skillExists(q, workspaceId, r.skill))) throw new AppError('invalid_request', `There is no skill named "${r.skill}". See GET /api/team/skills for the names, or create it first.`);
  }
  if (r.assigneeId) {
    const { rows } = await q.query(`SELECT 1 FROM users WHERE id = $1 AND workspace_id = $2 AND disabled_at IS NULL AND role IN ('agent', 'supervisor', 'admin')`, [r.assigneeId, workspaceId]);
    if (!rows[0]) throw new AppError('invalid_request', `No active agent with id ${r.assigneeId} in this workspace can take tickets.`);
  }
  if (r.contactId) {
    const { rows } = await q.query('SELECT 1 FROM contacts WHERE id = $1 AND workspace_id = $2', [r.contactId, workspaceId]);
    if (!rows[0]) throw new AppError('invalid_request', `No contact with id ${r.contactId} in this workspace.`);
  }
}

/** Creates a ticket with its SLA due times; the description becomes the first comment (internal when from an agent). */
export async function createTicket(q: Queryable, workspaceId: string, t: NewTicket, actor: TicketActor, now = new Date()): Promise<Ticket> {
  const priority = t.priority ?? 'normal';
  const clock = await slaClock(q, workspaceId, priority, t.skill ?? null);
  const assigned = t.assigneeId ?? null;
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO tickets (workspace_id, subject, type, status, priority, skill, assignee_id, contact_id, conversation_id, source, tags,
                          first_response_due_at, resolution_due_at, assigned_at, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, CASE WHEN $7::uuid IS NULL THEN NULL ELSE $14::timestamptz END, $15, $14, $14)
     RETURNING id`,
    [
      workspaceId,
      t.subject,
      t.type ?? 'question',
      assigned ? 'open' : 'new',
      priority,
      t.skill ?? null,
      assigned,
      t.contactId ?? null,
      t.conversationId ?? null,
      t.source,
      t.tags ?? [],
      dueAfter(clock, now, clock.policy.firstResponseMinutes),
      dueAfter(clock, now, clock.policy.resolutionMinutes),
      now,
      actor.type === 'user' ? actor.id : null,
    ],
  );
  const id = rows[0]!.id;
  if (t.description) {
    // From the customer (API, email) it is what they wrote; from an agent or the handoff it is context for the team.
    const customer = t.source === 'api' && actor.type === 'api_key';
    await q.query('INSERT INTO ticket_comments (ticket_id, author_type, author_id, body, public, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      customer ? 'customer' : actor.type === 'user' ? 'agent' : 'system',
      actor.id,
      t.description,
      customer,
      now,
    ]);
  }
  await recordTicketEvent(q, id, actor, 'created', { source: t.source, priority, skill: t.skill ?? null, assigneeId: assigned });
  return (await getTicket(q, workspaceId, id))!;
}

/**
 * The handoff found nobody to take the conversation now (closed, or no agent online with the skill): a ticket keeps
 * it in sight with SLA targets. The conversation stays queued — the first agent online still gets it live, and the
 * ticket follows them. One open ticket per conversation: a second handoff reuses it.
 */
export async function ticketForConversation(q: Queryable, workspaceId: string, conversationId: string, source: TicketSource, subject: string, summary: string | null, now = new Date()): Promise<Ticket> {
  const existing = await q.query<{ id: string }>(`SELECT id FROM tickets WHERE conversation_id = $1 AND status <> 'closed' AND status <> 'solved' ORDER BY created_at DESC LIMIT 1`, [conversationId]);
  if (existing.rows[0]) return (await getTicket(q, workspaceId, existing.rows[0].id))!;
  const c = await q.query<{ contact_id: string; skill: string | null; priority: number }>('SELECT contact_id, skill, priority FROM conversations WHERE id = $1', [conversationId]);
  const conv = c.rows[0]!;
  return createTicket(q, workspaceId, { subject, description: summary ?? undefined, priority: ticketPriorityOf(conv.priority), skill: conv.skill, contactId: conv.contact_id, conversationId, source }, { type: 'system', id: null }, now);
}

export type TicketPatch = { subject?: string; type?: TicketType; status?: TicketStatus; priority?: TicketPriority; skill?: string | null; assigneeId?: string | null; tags?: string[] };

/** Locks the ticket and checks the client's version: an older version than the row's is a 409 with the current one. */
async function lockAtVersion(q: Queryable, workspaceId: string, id: string, version: number | undefined): Promise<Ticket> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM tickets WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [id, workspaceId]);
  if (!rows[0]) throw new AppError('not_found', `No ticket with id ${id} in this workspace.`);
  const current = (await getTicket(q, workspaceId, id))!;
  if (version !== undefined && version !== current.version) {
    throw new AppError('conflict', `Someone changed ticket #${current.number} after you loaded it (you have version ${version}, it is now at ${current.version}). Reload it, check their change, and apply yours again.`, {
      details: { yourVersion: version, currentVersion: current.version, ticket: current },
    });
  }
  if (current.status === 'closed') throw new AppError('invalid_transition', `Ticket #${current.number} is closed and can no longer change. Create a follow-up ticket instead.`);
  return current;
}

/**
 * New SLA targets after the priority or skill changed: first response and resolution counted again from the ticket's
 * creation, for what is not met yet. (A running next-response clock keeps its due time: when it started is not kept.)
 */
export async function recomputeDue(tx: Queryable, id: string): Promise<void> {
  const { rows } = await tx.query<{ workspace_id: string; priority: TicketPriority; skill: string | null; created_at: Date; first_responded_at: Date | null; solved_at: Date | null }>(
    'SELECT workspace_id, priority, skill, created_at, first_responded_at, solved_at FROM tickets WHERE id = $1',
    [id],
  );
  const t = rows[0]!;
  const clock = await slaClock(tx, t.workspace_id, t.priority, t.skill);
  await tx.query(
    `UPDATE tickets SET first_response_due_at = CASE WHEN first_responded_at IS NULL THEN $2::timestamptz ELSE first_response_due_at END,
            resolution_due_at = CASE WHEN solved_at IS NULL THEN $3::timestamptz ELSE resolution_due_at END WHERE id = $1`,
    [id, dueAfter(clock, t.created_at, clock.policy.firstResponseMinutes), dueAfter(clock, t.created_at, clock.policy.resolutionMinutes)],
  );
}

/** Field changes by an agent or the API (with the version the client last saw). */
export async function updateTicket(db: Db, workspaceId: string, id: string, version: number, patch: TicketPatch, actor: TicketActor & { manage: boolean }, now = new Date()): Promise<Ticket> {
  return db.transaction(async (tx) => {
    const before = await lockAtVersion(tx, workspaceId, id, version);
    await checkRefs(tx, workspaceId, { skill: patch.skill, assigneeId: patch.assigneeId });
    if (patch.assigneeId !== undefined && patch.assigneeId !== before.assigneeId && !actor.manage) {
      // Agents take tickets for themselves, within their skills and ticket capacity (the engine's limits); moving a
      // ticket someone else has, or giving one to someone else, is a supervisor's call.
      const self = actor.type === 'user' ? actor.id : null;
      if (before.assigneeId && before.assigneeId !== self) throw new AppError('forbidden', `${before.assigneeName ?? 'Another agent'} has ticket #${before.number}; ask a supervisor to reassign it.`);
      if (patch.assigneeId && patch.assigneeId !== self) throw new AppError('forbidden', 'Only a supervisor or admin assigns a ticket to someone else; you can take it yourself (your own id).');
      if (patch.assigneeId) {
        const why = await canTakeTicket(tx, workspaceId, patch.assigneeId, { skill: patch.skill !== undefined ? patch.skill : before.skill });
        if (why) throw new AppError('conflict', why);
      }
    }
    const changes: Record<string, [unknown, unknown]> = {};
    for (const key of ['subject', 'type', 'status', 'priority', 'skill', 'assigneeId'] as const) {
      if (patch[key] !== undefined && patch[key] !== before[key]) changes[key] = [before[key], patch[key]];
    }
    if (patch.tags && patch.tags.join('\u0000') !== before.tags.join('\u0000')) changes.tags = [before.tags, patch.tags];
    if (Object.keys(changes).length === 0) return before;
    const after = { ...before, ...patch } as Ticket;
    // Assigning a new ticket opens it; an unassigned open ticket stays open and goes back to the engine.
    if (changes.assigneeId && after.assigneeId && after.status === 'new' && !changes.status) after.status = 'open';
    if (changes.status && after.status === 'new' && after.assigneeId) throw new AppError('invalid_request', 'An assigned ticket cannot be "new"; unassign it first, or set it to open.');
    const solvedNow = after.status === 'solved' && before.status !== 'solved';
    await tx.query(
      `UPDATE tickets SET subject = $2, type = $3, status = $4, priority = $5, skill = $6, assignee_id = $7, tags = $8,
              next_response_due_at = CASE WHEN $11 THEN NULL ELSE next_response_due_at END,
              assigned_at = CASE WHEN $9 THEN $10::timestamptz ELSE assigned_at END,
              solved_at = CASE WHEN $4 = 'solved' AND solved_at IS NULL THEN $10::timestamptz WHEN $4 IN ('new', 'open', 'pending', 'on_hold') THEN NULL ELSE solved_at END,
              closed_at = CASE WHEN $4 = 'closed' THEN $10::timestamptz ELSE NULL END,
              version = version + 1, updated_at = $10
        WHERE id = $1`,
      [id, after.subject, after.type, after.status, after.priority, after.skill, after.assigneeId, after.tags, !!changes.assigneeId && !!after.assigneeId, now, solvedNow || after.status === 'closed'],
    );
    if (changes.priority || changes.skill) await recomputeDue(tx, id);
    if (after.status !== before.status && !changes.status) changes.status = [before.status, after.status];
    await recordTicketEvent(tx, id, actor, 'updated', changes);
    return (await getTicket(tx, workspaceId, id))!;
  });
}

export type CommentInput = { body: string; public: boolean; from: 'agent' | 'customer'; version?: number };

/**
 * A reply or comment. An agent's public reply is the SLA's first (or next) response and, on a ticket from a
 * conversation, is posted in that conversation too, where the customer reads it. A customer's reply reopens a
 * pending or solved ticket and starts the next-response clock.
 */
export async function addComment(db: Db, workspaceId: string, id: string, c: CommentInput, actor: TicketActor, now = new Date()): Promise<{ ticket: Ticket; comment: TicketComment; message: MessageRow | null }> {
  return db.transaction(async (tx) => {
    const before = await lockAtVersion(tx, workspaceId, id, c.version);
    const authorType = c.from === 'customer' ? 'customer' : actor.type === 'api_key' ? 'api' : 'agent';
    const ins = await tx.query<{ id: string }>('INSERT INTO ticket_comments (ticket_id, author_type, author_id, body, public, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id', [
      id,
      authorType,
      actor.id,
      c.body,
      c.public,
      now,
    ]);
    let message: MessageRow | null = null;
    let changed = false;
    if (c.from === 'agent' && c.public) {
      changed = await markResponded(tx, id, now);
      if (before.conversationId) {
        // Posted as the person who wrote it; an integration's reply (API key) has no person behind it.
        const senderId = actor.type === 'user' ? (actor.id ?? undefined) : undefined;
        message = (await insertMessage(tx, { workspaceId, conversationId: before.conversationId, sender: 'agent', senderId, body: c.body })).message;
      }
    } else if (c.from === 'customer') {
      changed = (await markCustomerReply(tx, workspaceId, before, now)) !== false;
    }
    // Every comment is a change other editors must see: their next update with the old version is a 409.
    if (!changed) await tx.query('UPDATE tickets SET version = version + 1, updated_at = $2 WHERE id = $1', [id, now]);
    const ticket = (await getTicket(tx, workspaceId, id))!;
    await recordTicketEvent(tx, id, actor, c.public ? 'replied' : 'commented', {
      from: c.from,
      ...(ticket.status !== before.status ? { status: [before.status, ticket.status] } : {}),
    });
    const { rows: comments } = await tx.query<TicketComment>(`${COMMENT} WHERE c.id = $1`, [ins.rows[0]!.id]);
    const comment = comments[0]!;
    return { ticket, comment, message };
  });
}

/**
 * An agent's public reply (on the ticket or in its conversation) meets the first response and stops the
 * next-response clock; a new ticket becomes open. Changes nothing — and bumps no version — when there is nothing to
 * meet. Returns whether the ticket changed.
 */
async function markResponded(tx: Queryable, id: string, now: Date): Promise<boolean> {
  const { rows } = await tx.query(
    `UPDATE tickets SET first_responded_at = COALESCE(first_responded_at, $2), next_response_due_at = NULL, next_response_breached_at = NULL,
            status = CASE WHEN status = 'new' THEN 'open' ELSE status END, version = version + 1, updated_at = $2
      WHERE id = $1 AND (first_responded_at IS NULL OR next_response_due_at IS NOT NULL OR status = 'new') RETURNING id`,
    [id, now],
  );
  return rows.length > 0;
}

/**
 * The customer wrote again: a pending or solved ticket reopens, and once the team has answered the first time the
 * next-response clock starts (before that, the first response is still due). Returns the status change, if any.
 */
async function markCustomerReply(tx: Queryable, workspaceId: string, t: Pick<Ticket, 'id' | 'priority' | 'skill' | 'status' | 'firstRespondedAt'>, now: Date): Promise<[TicketStatus, TicketStatus] | null | false> {
  const clock = await slaClock(tx, workspaceId, t.priority, t.skill);
  const nextDue = t.firstRespondedAt ? dueAfter(clock, now, clock.policy.nextResponseMinutes) : null;
  const { rows } = await tx.query<{ status: TicketStatus }>(
    `UPDATE tickets SET next_response_due_at = COALESCE(next_response_due_at, $3),
            status = CASE WHEN status IN ('pending', 'solved') THEN 'open' ELSE status END,
            solved_at = CASE WHEN status = 'solved' THEN NULL ELSE solved_at END,
            version = version + 1, updated_at = $2
      WHERE id = $1 AND (status IN ('pending', 'solved') OR (next_response_due_at IS NULL AND $3::timestamptz IS NOT NULL)) RETURNING status`,
    [t.id, now, nextDue],
  );
  if (!rows[0]) return false;
  return rows[0].status !== t.status ? [t.status, rows[0].status] : null;
}

/**
 * What happens in a conversation counts on its open ticket: an agent's public reply there is the ticket's response;
 * a customer's message reopens it or starts the next-response clock. Runs in the caller's transaction; writes the
 * ticket's history when something changed.
 */
export async function noteConversationActivity(tx: Queryable, workspaceId: string, conversationId: string, from: 'agent' | 'customer', now = new Date()): Promise<void> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM tickets WHERE conversation_id = $1 AND workspace_id = $2 AND status IN ('new', 'open', 'pending', 'on_hold', 'solved') FOR UPDATE`,
    [conversationId, workspaceId],
  );
  for (const { id } of rows) {
    const t = (await getTicket(tx, workspaceId, id))!;
    if (from === 'agent') {
      if (await markResponded(tx, id, now)) await recordTicketEvent(tx, id, { type: 'system', id: null }, 'replied', { from: 'agent', via: 'conversation', ...(t.status === 'new' ? { status: ['new', 'open'] } : {}) });
    } else {
      const change = await markCustomerReply(tx, workspaceId, t, now);
      if (change !== false) await recordTicketEvent(tx, id, { type: 'customer', id: null }, 'replied', { from: 'customer', via: 'conversation', ...(change ? { status: change } : {}) });
    }
  }
}

/** Whether the conversation has a ticket still in play: one indexed read, so chats without tickets pay nothing more. */
export async function hasTicket(q: Queryable, workspaceId: string, conversationId: string): Promise<boolean> {
  const { rows } = await q.query(`SELECT 1 FROM tickets WHERE conversation_id = $1 AND workspace_id = $2 AND status IN ('new', 'open', 'pending', 'on_hold', 'solved') LIMIT 1`, [conversationId, workspaceId]);
  return rows.length > 0;
}

/** The conversation was resolved: its open ticket is solved with it. */
export async function solveConversationTickets(tx: Queryable, workspaceId: string, conversationId: string, actor: TicketActor, now = new Date()): Promise<void> {
  const { rows } = await tx.query<{ id: string; status: string }>(
    `UPDATE tickets t SET status = 'solved', solved_at = $3, next_response_due_at = NULL, version = version + 1, updated_at = $3
       FROM (SELECT id, status FROM tickets WHERE conversation_id = $1 AND workspace_id = $2 AND status IN ('new', 'open', 'pending', 'on_hold') FOR UPDATE) old
      WHERE t.id = old.id RETURNING t.id, old.status`,
    [conversationId, workspaceId, now],
  );
  for (const r of rows) await recordTicketEvent(tx, r.id, actor, 'updated', { status: [r.status, 'solved'], reason: 'conversation resolved' });
}

/** The conversation went to an agent: its waiting ticket goes with it. */
/**
 * Locks the open tickets of a conversation. Everything that changes a conversation and then an agent's profile takes
 * these right after the conversation and before the profile — the order ticket changes take them (ticket, then the
 * agent's profile) — so the two never wait for each other in a circle. `skipLocked`: false when one is held by
 * someone else right now (the assigner passes that conversation over instead of waiting).
 */
export async function lockConversationTickets(tx: Queryable, conversationId: string, opts: { skipLocked?: boolean } = {}): Promise<boolean> {
  if (!opts.skipLocked) {
    await tx.query(`SELECT 1 FROM tickets WHERE conversation_id = $1 AND status IN ('new', 'open', 'pending', 'on_hold') ORDER BY id FOR UPDATE`, [conversationId]);
    return true;
  }
  const { rows } = await tx.query<{ all: number; locked: number }>(
    `SELECT (SELECT count(*)::int FROM tickets WHERE conversation_id = $1 AND status IN ('new', 'open', 'pending', 'on_hold')) AS all,
            (SELECT count(*)::int FROM (SELECT 1 FROM tickets WHERE conversation_id = $1 AND status IN ('new', 'open', 'pending', 'on_hold') ORDER BY id FOR UPDATE SKIP LOCKED) t) AS locked`,
    [conversationId],
  );
  return rows[0]!.all === rows[0]!.locked;
}

export async function followConversation(tx: Queryable, conversationId: string, agentId: string, now = new Date()): Promise<void> {
  const { rows } = await tx.query<{ id: string }>(
    `UPDATE tickets SET assignee_id = $2, assigned_at = $3, status = CASE WHEN status = 'new' THEN 'open' ELSE status END, version = version + 1, updated_at = $3
      WHERE conversation_id = $1 AND assignee_id IS NULL AND status IN ('new', 'open') RETURNING id`,
    [conversationId, agentId, now],
  );
  for (const r of rows) await recordTicketEvent(tx, r.id, { type: 'system', id: null }, 'assigned', { assigneeId: [null, agentId], reason: 'the conversation was assigned' });
}

/** The conversation was transferred: its open ticket follows — to the new agent, or unassigned into the skill's queue. */
export async function moveConversationTickets(tx: Queryable, conversationId: string, to: { skill: string | null; agentId: string | null }, actor: TicketActor, now = new Date()): Promise<void> {
  const { rows } = await tx.query<{ id: string; assignee: string | null; skill: string | null }>(
    `UPDATE tickets t SET assignee_id = $2, assigned_at = CASE WHEN $2::uuid IS NULL THEN NULL ELSE $4::timestamptz END, skill = COALESCE($3::text, t.skill),
            status = CASE WHEN $2::uuid IS NULL AND t.status = 'open' AND t.first_responded_at IS NULL THEN 'new' WHEN $2::uuid IS NOT NULL AND t.status = 'new' THEN 'open' ELSE t.status END,
            version = t.version + 1, updated_at = $4
       FROM (SELECT id, assignee_id, skill FROM tickets WHERE conversation_id = $1 AND status IN ('new', 'open', 'pending', 'on_hold') FOR UPDATE) old
      WHERE t.id = old.id RETURNING t.id, old.assignee_id AS assignee, old.skill`,
    [conversationId, to.agentId, to.skill, now],
  );
  for (const r of rows) {
    if (to.skill && to.skill !== r.skill) await recomputeDue(tx, r.id);
    await recordTicketEvent(tx, r.id, actor, 'updated', { assigneeId: [r.assignee, to.agentId], ...(to.skill ? { skill: [r.skill, to.skill] } : {}), reason: 'conversation transferred' });
  }
}

