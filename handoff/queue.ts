// The human queue: hand a conversation over (status queued, customer told their position), list what waits, and
// claim atomically — a conversation row is locked with FOR UPDATE SKIP LOCKED, so two agents claiming at once never
// both get it. Skill routing, capacity, presence and tickets deepen this module later.
import type { Db, Queryable } from '../core/db/index.ts';
import { isOpen } from './hours.ts';
import { decideRoute, effectivePrioritySql, queueOrderSql } from './routing.ts';
import { hoursFor } from './sla.ts';
import { canTake, skillExists } from './team.repo.ts';
import { followConversation, lockConversationTickets, ticketForConversation, type Ticket } from './tickets.ts';
import { queueStandings } from './wait.ts';
import { AppError } from '../core/errors.ts';
import { applyEvent, getConversation, insertMessage, type ConversationRow, type HandoffReason, type MessageRow } from '../conversations/index.ts';
import { sayTo } from './texts.ts';

export type QueueEntry = {
  conversationId: string;
  contactId: string;
  contactName: string | null;
  handoffReason: string | null;
  skill: string | null;
  priority: number;
  /** The priority with what waiting has earned (routing.ts queueOrderSql): the order assignment takes them. */
  effectivePriority: number;
  queuedAt: Date;
  position: number;
  lastCustomerMessage: string | null;
};

/** `ticket`: set when nobody could take the conversation now (closed, or no agent online with the skill). */
export type HandoffResult = { conversation: ConversationRow; message: MessageRow | null; position: number | null; alreadyQueued: boolean; ticket: Ticket | null };

/** What the customer is told on handoff: their place and wait, or — when nobody can take it now — the ticket and when to expect a reply. */
export type HandoffNotice = { position: number | null; etaSeconds: number | null; ticket: { number: number; replyBy: Date | null } | null };

/**
 * Moves a bot conversation to the human queue and tells the customer where they stand. A conversation already
 * with people (queued or assigned) is left as it is: a second request is not a second page.
 */
export type HandoffInput = {
  workspaceId: string;
  conversationId: string;
  reason: HandoffReason;
  replyToMessageId?: string;
  /** A short context summary for the agent who takes it (the bot writes one). */
  summary?: string;
  /** The customer-facing message (the bot words it, in the customer's language), given the place and the wait. */
  message: (notice: HandoffNotice) => string;
  /** For the estimated wait: agents without a heartbeat this long are offline. */
  presenceTimeoutS: number;
  /**
   * What routing looks at besides the conversation and contact: the customer's words, language, the collections and
   * articles the bot found, and the sensitive topic it matched.
   */
  route?: { text: string; language: string | null; collectionIds: string[]; documentIds?: string[]; topic?: string | null };
  /** A reopened conversation keeps the skill and priority it had (routing runs only when it has no skill). */
  keepRoute?: boolean;
};

export async function requestHandoff(db: Db, r: HandoffInput, now = new Date()): Promise<HandoffResult> {
  return db.transaction(async (tx) => {
    const current = await tx.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [r.conversationId, r.workspaceId]);
    const status = current.rows[0]?.status;
    if (!status) throw new AppError('not_found', `No conversation with id ${r.conversationId} in this workspace.`);
    if (status === 'queued' || status === 'assigned') {
      const conversation = (await getConversation(tx, r.workspaceId, r.conversationId))!;
      const [standing] = await queueStandings(tx, r.workspaceId, { presenceTimeoutS: r.presenceTimeoutS, conversationId: r.conversationId });
      return { conversation, message: null, position: standing?.position ?? null, alreadyQueued: true, ticket: null };
    }
    let conversation = await applyEvent(tx, r.workspaceId, r.conversationId, { type: 'handoff_requested', reason: r.reason });
    // Routing: the skill's queue and the priority (rules in order, then the collection's and the workspace's default).
    const who = await tx.query<{ channel: string; tier: string | null; language: string | null }>(
      'SELECT c.channel, ct.tier, c.language FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1',
      [r.conversationId],
    );
    // A kept skill must still exist (it may have been deleted while the conversation was resolved).
    const kept = r.keepRoute && conversation.skill && (await skillExists(tx, r.workspaceId, conversation.skill));
    const route = kept ? { skill: conversation.skill, priority: conversation.priority, by: 'kept' } : await decideRoute(tx, r.workspaceId, {
      reason: r.reason,
      text: r.route?.text ?? '',
      language: r.route?.language ?? who.rows[0]?.language ?? null,
      channel: who.rows[0]?.channel ?? 'api',
      tier: who.rows[0]?.tier ?? null,
      collectionIds: r.route?.collectionIds ?? [],
      documentIds: r.route?.documentIds ?? [],
      topic: r.route?.topic ?? null,
    });
    await tx.query('UPDATE conversations SET handoff_summary = $2, handoff_at = now(), skill = COALESCE($3, skill), priority = $4 WHERE id = $1', [r.conversationId, r.summary ?? null, route.skill, route.priority]);
    conversation = { ...conversation, handoffSummary: r.summary ?? null, skill: route.skill ?? conversation.skill, priority: route.priority };
    const [standing] = await queueStandings(tx, r.workspaceId, { presenceTimeoutS: r.presenceTimeoutS, conversationId: r.conversationId });
    const position = standing?.position ?? null;
    // Nobody can take it now: closed (the skill's hours, else the workspace's) or no agent with the skill online. A
    // ticket keeps it in sight with SLA targets, and the customer learns when to expect a reply.
    let ticket: Ticket | null = null;
    const open = isOpen(await hoursFor(tx, r.workspaceId, conversation.skill), now);
    if (!open || !standing?.agentsOnline) {
      const subject = (r.route?.text || r.summary || 'Conversation handed to the team').split('\n')[0]!.slice(0, 120);
      ticket = await ticketForConversation(tx, r.workspaceId, r.conversationId, open ? 'no_agent' : 'off_hours', subject, r.summary ?? null, now);
    }
    const { message } = await insertMessage(tx, {
      workspaceId: r.workspaceId,
      conversationId: r.conversationId,
      sender: 'system',
      body: r.message({ position, etaSeconds: standing?.etaSeconds ?? null, ticket: ticket ? { number: ticket.number, replyBy: ticket.firstResponseDueAt } : null }),
      replyToMessageId: r.replyToMessageId,
    });
    return { conversation, message, position, alreadyQueued: false, ticket };
  });
}

/**
 * The waiting conversations, optionally of one skill ("none": those without a skill), in the order assignment takes
 * them; `position` is the place in the skill's own queue.
 */
/**
 * Waiting conversations, highest effective priority first, with their place in their skill's queue. `forAgent`: only
 * the queues that agent serves — their skills' and conversations without a skill (supervisors and admins see all).
 */
export async function listQueue(q: Queryable, workspaceId: string, opts: { skill?: string; limit?: number; forAgent?: string } = {}): Promise<QueueEntry[]> {
  const { rows } = await q.query<QueueEntry>(
    `SELECT * FROM (
       SELECT c.id AS "conversationId", c.contact_id AS "contactId", ct.name AS "contactName", c.handoff_reason AS "handoffReason",
              c.skill, c.priority, c.queued_at AS "queuedAt",
              row_number() OVER (PARTITION BY c.skill ORDER BY ${queueOrderSql('c')})::int AS position, ${effectivePrioritySql('c')} AS "effectivePriority",
              (SELECT m.body FROM messages m WHERE m.conversation_id = c.id AND m.sender = 'customer' ORDER BY m.seq DESC LIMIT 1) AS "lastCustomerMessage"
         FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
        WHERE c.workspace_id = $1 AND c.status = 'queued') w
      WHERE ($2::text IS NULL OR ($2 = 'none' AND w.skill IS NULL) OR w.skill = $2)
        AND ($4::uuid IS NULL OR w.skill IS NULL
             OR EXISTS (SELECT 1 FROM agent_skills a JOIN skills s ON s.id = a.skill_id WHERE a.user_id = $4 AND s.workspace_id = $1 AND s.name = w.skill))
      ORDER BY w."effectivePriority" DESC, w."queuedAt", w."conversationId"
      LIMIT $3`,
    [workspaceId, opts.skill ?? null, opts.limit ?? 50, opts.forAgent ?? null],
  );
  return rows;
}

export type MyConversation = { conversationId: string; contactName: string | null; skill: string | null; status: string; assignedAt: Date | null; lastMessage: string | null; lastMessageAt: Date | null; waitingForReply: boolean };

/** An agent's own open conversations, the ones waiting for their reply first. */
export async function myConversations(q: Queryable, workspaceId: string, agentId: string): Promise<MyConversation[]> {
  const { rows } = await q.query<MyConversation>(
    `SELECT c.id AS "conversationId", ct.name AS "contactName", c.skill, c.status, c.assigned_at AS "assignedAt",
            last.body AS "lastMessage", last.created_at AS "lastMessageAt", COALESCE(last.sender = 'customer', false) AS "waitingForReply"
       FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
       LEFT JOIN LATERAL (SELECT m.body, m.sender, m.created_at FROM messages m WHERE m.conversation_id = c.id AND NOT m.private AND m.sender <> 'system' ORDER BY m.seq DESC LIMIT 1) last ON true
      WHERE c.workspace_id = $1 AND c.assignee_id = $2 AND c.status = 'assigned'
      ORDER BY "waitingForReply" DESC, last.created_at NULLS LAST, c.id`,
    [workspaceId, agentId],
  );
  return rows;
}

export type Joined = { conversation: ConversationRow; message: MessageRow };

/**
 * Claims a queued conversation for `agentId`. Atomic: the claim waits for the conversation's row lock (an assigner
 * or another claim may hold it for a moment), then finds it still queued — or gets a 409 naming who has it now.
 */
export async function claimConversation(db: Db, c: { workspaceId: string; conversationId: string; agentId: string }): Promise<Joined> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM conversations WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [c.conversationId, c.workspaceId]);
    // Read after the lock, in a statement of its own: it sees what a claim or assigner that held the lock committed.
    const locked = await tx.query<{ status: string; assigneeId: string | null; assigneeName: string | null }>(
      `SELECT c.status, c.assignee_id AS "assigneeId", u.name AS "assigneeName"
         FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id WHERE c.id = $1 AND c.workspace_id = $2`,
      [c.conversationId, c.workspaceId],
    );
    const row = locked.rows[0];
    if (!row) throw new AppError('not_found', `No conversation with id ${c.conversationId} in this workspace.`);
    if (row.status !== 'queued') {
      const details = { status: row.status, assigneeId: row.assigneeId, assigneeName: row.assigneeName };
      if (row.status === 'assigned' && row.assigneeId === c.agentId) throw new AppError('conflict', 'You already have this conversation.', { details });
      throw new AppError(
        'conflict',
        row.status === 'assigned'
          ? `${row.assigneeName ?? 'Another agent'} already has this conversation. Pick the next one from the queue.`
          : `This conversation is not waiting for an agent (it is ${row.status}).`,
        { details },
      );
    }
    await mayTake(tx, c.workspaceId, c.agentId, c.conversationId);
    const conversation = await applyEvent(tx, c.workspaceId, c.conversationId, { type: 'agent_assigned', agentId: c.agentId });
    await followConversation(tx, c.conversationId, c.agentId);
    const { message } = await insertMessage(tx, { workspaceId: c.workspaceId, conversationId: c.conversationId, sender: 'system', body: await sayTo(tx, c.conversationId, 'joined') });
    return { conversation, message };
  });
}

/** A manual claim passes the same limits as automatic assignment (skill, capacity); a 409 says which failed. */
async function mayTake(tx: Queryable, workspaceId: string, agentId: string, conversationId: string): Promise<void> {
  await lockConversationTickets(tx, conversationId); // before the agent's profile: the order ticket changes keep
  const { rows } = await tx.query<{ skill: string | null }>('SELECT skill FROM conversations WHERE id = $1', [conversationId]);
  const why = await canTake(tx, workspaceId, agentId, rows[0]!);
  if (why) throw new AppError('conflict', why);
}

/** Gives a conversation with people back to the bot (an agent or supervisor decides); the bot answers again after. */
export async function handBack(db: Db, c: { workspaceId: string; conversationId: string; byUserId: string; supervisor: boolean }): Promise<{ conversation: ConversationRow; message: MessageRow }> {
  return db.transaction(async (tx) => {
    // Checked under the row lock: the assignee (or a supervisor) decides; a waiting customer who asked for a person is
    // only sent back to the bot by a supervisor.
    const current = await getConversation(tx, c.workspaceId, c.conversationId, { forUpdate: true });
    if (!current) throw new AppError('not_found', `No conversation with id ${c.conversationId} in this workspace.`);
    if (!c.supervisor && !(current.status === 'assigned' && current.assigneeId === c.byUserId)) {
      throw new AppError('forbidden', current.status === 'assigned' ? 'Another agent has this conversation; only they or a supervisor can hand it back to the bot.' : 'Take the conversation first; only its agent or a supervisor can hand it back to the bot.');
    }
    const conversation = await applyEvent(tx, c.workspaceId, c.conversationId, { type: 'handed_back' });
    const { message } = await insertMessage(tx, { workspaceId: c.workspaceId, conversationId: c.conversationId, sender: 'system', senderId: c.byUserId, body: await sayTo(tx, c.conversationId, 'handedBack') });
    return { conversation, message };
  });
}

/** Claims the conversation at the head of the queue, skipping rows other agents are claiming right now. */
export async function claimNext(db: Db, c: { workspaceId: string; agentId: string }): Promise<Joined | null> {
  return db.transaction(async (tx) => {
    // The head of the queues this agent serves: conversations without a skill or of one of their skills.
    const { rows } = await tx.query<{ id: string }>(
      `SELECT c.id FROM conversations c WHERE c.workspace_id = $1 AND c.status = 'queued'
          AND (c.skill IS NULL OR EXISTS (SELECT 1 FROM agent_skills a JOIN skills s ON s.id = a.skill_id WHERE a.user_id = $2 AND s.workspace_id = $1 AND s.name = c.skill))
        ORDER BY ${queueOrderSql('c')} LIMIT 1 FOR UPDATE OF c SKIP LOCKED`,
      [c.workspaceId, c.agentId],
    );
    if (!rows[0]) return null;
    await mayTake(tx, c.workspaceId, c.agentId, rows[0].id);
    const conversation = await applyEvent(tx, c.workspaceId, rows[0].id, { type: 'agent_assigned', agentId: c.agentId });
    await followConversation(tx, rows[0].id, c.agentId);
    const { message } = await insertMessage(tx, { workspaceId: c.workspaceId, conversationId: rows[0].id, sender: 'system', body: await sayTo(tx, rows[0].id, 'joined') });
    return { conversation, message };
  });
}
