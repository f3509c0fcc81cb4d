// Automatic assignment: the longest-waiting, highest-priority queued conversation goes to an online agent who has its
// skill and spare capacity — the contact's previous agent first when online and free, else the least loaded, ties
// round robin (the agent who has waited longest since their last new conversation). Atomic with any number of API and
// worker copies: the conversation row is taken with FOR UPDATE SKIP LOCKED (never two agents on one conversation),
// and the chosen agent's profile row is locked and their load counted again before assigning (never over capacity).
// Tickets go through the same choice, against each agent's ticket capacity.
import type { Db, Queryable } from '../core/db/index.ts';
import { agentChannel, announce, announceAssignment, applyEvent, insertMessage, publishLive } from '../conversations/index.ts';
import type { HandoffDeps } from './index.ts';
import { publishStandings } from './wait.ts';
import type { Joined } from './queue.ts';
import { isOnTeamSql, loadSql, onlineSql, onTeamSql, ticketLoadSql } from './team.repo.ts';
import { followConversation, getTicket, lockConversationTickets, recordTicketEvent, type Ticket } from './tickets.ts';
import { queueOrderSql } from './routing.ts';
import { TICKET_PRIORITIES } from './sla.ts';
import { sayTo } from './texts.ts';

/**
 * `preferPreviousAgent`: overrides the workspace's setting of that name (on unless an admin turned it off).
 * `minWaitS`: only work waiting at least this long — the periodic sweep's safety net leaves fresh handoffs to the
 * passes that run at once (after the handoff, a resolve, an agent coming online) instead of racing them.
 */
export type AssignOptions = { presenceTimeoutS: number; preferPreviousAgent?: boolean; minWaitS?: number };

/** How many queued conversations one pass looks at for one that some agent can take now. */
const LOOKAHEAD = 20;

type Candidate = { userId: string; capacity: number; load: number; previous: boolean };
type Work = { kind: 'conversation' | 'ticket'; id: string; skill: string | null; contactId: string | null };

const LOAD = { conversation: { load: loadSql, capacity: 'p.capacity' }, ticket: { load: ticketLoadSql, capacity: 'p.ticket_capacity' } } as const;

/**
 * Online agents with the skill and room for one more of `w`'s kind, best first: the contact's previous agent (the one
 * who last had their conversation or ticket), then the least loaded, then the longest since their last assignment.
 */
async function eligibleAgents(tx: Queryable, workspaceId: string, w: Work, opts: AssignOptions): Promise<Candidate[]> {
  const previous =
    w.kind === 'conversation'
      ? `(SELECT y.last_assignee_id FROM conversations y WHERE y.contact_id = $4 AND y.last_assignee_id IS NOT NULL
           ORDER BY (y.id = $5) DESC, y.assigned_at DESC NULLS LAST LIMIT 1)`
      : `(SELECT y.assignee_id FROM tickets y WHERE y.contact_id = $4 AND y.assignee_id IS NOT NULL AND y.id <> $5 ORDER BY y.assigned_at DESC NULLS LAST LIMIT 1)`;
  const { rows } = await tx.query<Candidate>(
    `SELECT p.user_id AS "userId", ${LOAD[w.kind].capacity} AS capacity,
            ${LOAD[w.kind].load('p.user_id')} AS load,
            COALESCE(p.user_id = ${previous}, false)
              AND COALESCE($6::boolean, (SELECT (w.settings->>'preferPreviousAgent')::boolean FROM workspaces w WHERE w.id = $1), true) AS previous
       FROM agent_profiles p JOIN users u ON u.id = p.user_id AND ${onTeamSql('u')}
      WHERE p.workspace_id = $1 AND ${onlineSql('p', '$2')}
        AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM agent_skills a JOIN skills s ON s.id = a.skill_id
                                          WHERE a.user_id = p.user_id AND s.workspace_id = $1 AND s.name = $3))
      ORDER BY previous DESC, load, p.last_assigned_at NULLS FIRST, p.user_id`,
    [workspaceId, opts.presenceTimeoutS, w.skill, w.contactId, w.id, opts.preferPreviousAgent ?? null],
  );
  // The previous agent only when they have room; everyone else by load (the ORDER BY), over capacity never.
  return rows.filter((r) => r.load < r.capacity);
}

/**
 * The first eligible agent whose load, counted again under their profile row's lock, still leaves room: another copy
 * may have just given them something. The lock is held to the end of the caller's transaction.
 */
async function takeAgent(tx: Queryable, workspaceId: string, w: Work, opts: AssignOptions): Promise<string | null> {
  for (const agent of await eligibleAgents(tx, workspaceId, w, opts)) {
    // SKIP LOCKED: an agent another copy is giving something to right now is passed over, never waited for — waiting
    // while holding the lock of an agent found full is how two assigners deadlocked (bench/README.md, handoff).
    const locked = await tx.query('SELECT 1 FROM agent_profiles WHERE user_id = $1 FOR UPDATE SKIP LOCKED', [agent.userId]);
    if (!locked.rows[0]) continue;
    // Counted again under the lock: their load, and whether they are still on the team (a demotion or a disabled
    // account releases their work under this same lock).
    const { rows } = await tx.query<{ load: number; active: boolean }>(
      `SELECT ${LOAD[w.kind].load('$1')} AS load, ${isOnTeamSql('$1')} AS active`,
      [agent.userId],
    );
    if (!rows[0]!.active || rows[0]!.load >= agent.capacity) continue;
    await tx.query('UPDATE agent_profiles SET last_assigned_at = clock_timestamp() WHERE user_id = $1', [agent.userId]);
    return agent.userId;
  }
  return null;
}

/** Assigns one waiting conversation if any agent can take one now; null when nothing could be assigned. */
export async function assignNext(db: Db, workspaceId: string, opts: AssignOptions): Promise<Joined | null> {
  return db.transaction(async (tx) => {
    const { rows: waiting } = await tx.query<{ id: string; skill: string | null; contactId: string }>(
      `SELECT c.id, c.skill, c.contact_id AS "contactId" FROM conversations c WHERE c.workspace_id = $1 AND c.status = 'queued'
          AND ($2::int IS NULL OR c.queued_at <= now() - make_interval(secs => $2))
        ORDER BY ${queueOrderSql('c')} LIMIT ${LOOKAHEAD} FOR UPDATE SKIP LOCKED`,
      [workspaceId, opts.minWaitS ?? null],
    );
    for (const c of waiting) {
      // Its ticket before any agent's profile (see lockConversationTickets); one someone is editing waits a moment.
      if (!(await lockConversationTickets(tx, c.id, { skipLocked: true }))) continue;
      const agentId = await takeAgent(tx, workspaceId, { kind: 'conversation', ...c }, opts);
      if (!agentId) continue;
      const conversation = await applyEvent(tx, workspaceId, c.id, { type: 'agent_assigned', agentId });
      await followConversation(tx, c.id, agentId);
      const { message } = await insertMessage(tx, { workspaceId, conversationId: c.id, sender: 'system', body: await sayTo(tx, c.id, 'joined') });
      return { conversation, message };
    }
    return null;
  });
}

/** Assigns waiting conversations until no agent can take another (at most `limit` in one call). */
export async function assignWaiting(db: Db, workspaceId: string, opts: AssignOptions & { limit?: number }): Promise<Joined[]> {
  const out: Joined[] = [];
  for (let i = 0; i < (opts.limit ?? 100); i++) {
    const joined = await assignNext(db, workspaceId, opts);
    if (!joined) break;
    out.push(joined);
  }
  return out;
}

/**
 * Assigns one unassigned ticket (new or open, most urgent then oldest) to an agent with its skill and ticket capacity.
 * A ticket whose conversation is still waiting or being handled follows that conversation instead (followConversation).
 */
export async function assignNextTicket(db: Db, workspaceId: string, opts: AssignOptions): Promise<Ticket | null> {
  return db.transaction(async (tx) => {
    const { rows: waiting } = await tx.query<{ id: string; skill: string | null; contactId: string | null }>(
      `SELECT t.id, t.skill, t.contact_id AS "contactId" FROM tickets t
        WHERE t.workspace_id = $1 AND t.assignee_id IS NULL AND t.status IN ('new', 'open')
          AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = t.conversation_id AND c.status IN ('queued', 'assigned'))
          AND ($3::int IS NULL OR t.created_at <= now() - make_interval(secs => $3))
        ORDER BY array_position($2::text[], t.priority) DESC, t.created_at, t.id
        LIMIT ${LOOKAHEAD} FOR UPDATE OF t SKIP LOCKED`,
      [workspaceId, TICKET_PRIORITIES, opts.minWaitS ?? null],
    );
    for (const t of waiting) {
      const agentId = await takeAgent(tx, workspaceId, { kind: 'ticket', ...t }, opts);
      if (!agentId) continue;
      await tx.query(
        `UPDATE tickets SET assignee_id = $2, assigned_at = now(), status = 'open', version = version + 1, updated_at = now() WHERE id = $1`,
        [t.id, agentId],
      );
      await recordTicketEvent(tx, t.id, { type: 'system', id: null }, 'assigned', { assigneeId: [null, agentId], reason: 'automatic assignment' });
      return getTicket(tx, workspaceId, t.id);
    }
    return null;
  });
}

/** Assigns unassigned tickets until no agent can take another (at most `limit`). */
export async function assignTickets(db: Db, workspaceId: string, opts: AssignOptions & { limit?: number }): Promise<Ticket[]> {
  const out: Ticket[] = [];
  // Every assignment pass ends here; most workspaces have no unassigned ticket, so one indexed read, not a transaction.
  const { rows } = await db.query(`SELECT 1 FROM tickets WHERE workspace_id = $1 AND assignee_id IS NULL AND status IN ('new', 'open') LIMIT 1`, [workspaceId]);
  if (!rows[0]) return out;
  for (let i = 0; i < (opts.limit ?? 100); i++) {
    const ticket = await assignNextTicket(db, workspaceId, opts);
    if (!ticket) break;
    out.push(ticket);
  }
  return out;
}

/**
 * After a conversation joins the queue or capacity frees: assign what can be assigned now, tell those customers an
 * agent joined and each agent what they were given, and tell everyone still waiting their new place and wait (and
 * agents the queue's counts). Failures are logged, never thrown: the
 * conversations stay queued and the next trigger assigns them.
 */
export async function assignAndAnnounce(deps: Pick<HandoffDeps, 'db' | 'events' | 'logger' | 'presenceTimeoutS'>, workspaceId: string, extra: { minWaitS?: number } = {}): Promise<Joined[]> {
  const opts = { presenceTimeoutS: deps.presenceTimeoutS, ...extra };
  try {
    const joined = await assignWaiting(deps.db, workspaceId, opts);
    for (const j of joined) {
      await announce(deps.events, deps.logger, j.conversation.id, { messages: [j.message], conversation: j.conversation });
      await announceAssignment(deps.events, deps.logger, j.conversation, 'automatic'); // the agent's own stream
    }
    await publishStandings(deps.db, deps.events, workspaceId, opts);
    // Tickets after chats: a live customer is waiting now; a ticket has its SLA.
    for (const ticket of await assignTickets(deps.db, workspaceId, opts)) {
      await publishLive(deps.events, deps.logger, agentChannel(ticket.assigneeId!), { type: 'assignment', how: 'automatic', ticket });
    }
    return joined;
  } catch (err) {
    deps.logger.warn({ err, workspaceId }, 'automatic assignment failed; the conversations and tickets stay in the queue');
    return [];
  }
}
