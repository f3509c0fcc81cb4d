// What an agent does with a conversation they have: resolve it (capacity freed), or transfer it — to a skill (back to
// the queue for that skill) or to a named agent who is online and has room (a supervisor doing this is a reassign).
// Every change is checked under the conversation's row lock; a transfer note is kept as a private note.
import type { Db, Queryable } from '../core/db/index.ts';
import { AppError } from '../core/errors.ts';
import { announce, applyEvent, getConversation, insertMessage, type ConversationRow, type MessageRow } from '../conversations/index.ts';
import { assignAndAnnounce } from './assign.ts';
import type { HandoffDeps } from './index.ts';
import { isOnTeamSql, loadSql, onlineSql, onTeamSql, skillExists } from './team.repo.ts';
import { lockConversationTickets, moveConversationTickets, recordTicketEvent, solveConversationTickets } from './tickets.ts';
import { sayTo } from './texts.ts';

export type Actor = { userId: string; supervisor: boolean };
export type Changed = { conversation: ConversationRow; messages: MessageRow[] };

async function lockOwn(tx: Queryable, workspaceId: string, conversationId: string, who: Actor, doing: string): Promise<ConversationRow> {
  const c = await getConversation(tx, workspaceId, conversationId, { forUpdate: true });
  if (!c) throw new AppError('not_found', `No conversation with id ${conversationId} in this workspace.`);
  if (c.status !== 'assigned' && !(who.supervisor && c.status === 'queued')) {
    throw new AppError('invalid_transition', `This conversation is ${c.status}; only a conversation someone has can be ${doing}.`, { details: { status: c.status } });
  }
  if (!who.supervisor && c.assigneeId !== who.userId) throw new AppError('forbidden', `Only the agent who has this conversation (or a supervisor) can ${doing.replace(/ed$/, '')} it.`);
  return c;
}

export async function resolveByAgent(db: Db, workspaceId: string, conversationId: string, who: Actor): Promise<Changed> {
  return db.transaction(async (tx) => {
    await lockOwn(tx, workspaceId, conversationId, who, 'resolved');
    const conversation = await applyEvent(tx, workspaceId, conversationId, { type: 'resolved' });
    await solveConversationTickets(tx, workspaceId, conversationId, { type: 'user', id: who.userId });
    const { message } = await insertMessage(tx, { workspaceId, conversationId, sender: 'system', senderId: who.userId, body: await sayTo(tx, conversationId, 'resolved') });
    return { conversation, messages: [message] };
  });
}

export async function transfer(
  db: Db,
  workspaceId: string,
  conversationId: string,
  who: Actor,
  to: { skill?: string; agentId?: string; note?: string },
  opts: { presenceTimeoutS: number },
): Promise<Changed> {
  return db.transaction(async (tx) => {
    const before = await lockOwn(tx, workspaceId, conversationId, who, 'transferred');
    const messages: MessageRow[] = [];
    const note = async (body: string) => messages.push((await insertMessage(tx, { workspaceId, conversationId, sender: 'system', senderId: who.userId, body, private: true })).message);
    if (to.skill) {
      if (!(await skillExists(tx, workspaceId, to.skill))) throw new AppError('invalid_request', `Unknown skill "${to.skill}". Pick one of the workspace's skills (GET /api/team/skills).`);
    }
    // The conversation's tickets before any agent's profile: the order ticket changes keep (lockConversationTickets).
    await lockConversationTickets(tx, conversationId);
    if (to.agentId) {
      // The target must be an online agent (or supervisor) of this workspace with room: checked under the lock of
      // their profile row — the one automatic assignment and claims take — so no assigner can fill them meanwhile.
      // (Waiting here is safe: assigners never wait for a conversation someone has, which this one is.)
      const { rows } = await tx.query<{ name: string; online: boolean; capacity: number }>(
        `SELECT u.name, COALESCE(${onlineSql('p', '$3')}, false) AS online, p.capacity
           FROM users u LEFT JOIN agent_profiles p ON p.user_id = u.id
          WHERE u.id = $1 AND u.workspace_id = $2 AND ${onTeamSql('u')}`,
        [to.agentId, workspaceId, opts.presenceTimeoutS],
      );
      if (rows[0]?.online) {
        const locked = await tx.query<{ capacity: number; active: boolean }>(
          `SELECT p.capacity, ${isOnTeamSql('p.user_id')} AS active
             FROM agent_profiles p WHERE p.user_id = $1 FOR UPDATE`,
          [to.agentId],
        );
        rows[0].capacity = locked.rows[0]!.capacity;
        if (!locked.rows[0]!.active) throw new AppError('conflict', `${rows[0].name} no longer takes conversations; transfer to another agent or to a skill's queue.`);
      }
      const target = rows[0];
      if (!target) throw new AppError('invalid_request', `No agent with id ${to.agentId} in this workspace.`);
      if (to.agentId === before.assigneeId) throw new AppError('invalid_request', `${target.name} already has this conversation.`);
      if (!target.online) throw new AppError('conflict', `${target.name} is offline; transfer to an online agent or to a skill's queue instead.`);
      const load = await tx.query<{ n: number }>(`SELECT ${loadSql('$1')} AS n`, [to.agentId]);
      if (load.rows[0]!.n >= target.capacity) throw new AppError('conflict', `${target.name} is at capacity (${target.capacity} conversations); transfer to a skill's queue instead.`);
    }
    if (before.status === 'assigned') await applyEvent(tx, workspaceId, conversationId, { type: 'agent_released' });
    if (to.skill) await tx.query('UPDATE conversations SET skill = $2 WHERE id = $1', [conversationId, to.skill]);
    let conversation: ConversationRow;
    if (to.agentId) {
      conversation = await applyEvent(tx, workspaceId, conversationId, { type: 'agent_assigned', agentId: to.agentId });
      await tx.query('UPDATE agent_profiles SET last_assigned_at = clock_timestamp() WHERE user_id = $1', [to.agentId]);
    } else {
      conversation = (await getConversation(tx, workspaceId, conversationId))!;
    }
    await moveConversationTickets(tx, conversationId, { skill: to.skill ?? null, agentId: to.agentId ?? null }, { type: 'user', id: who.userId });
    if (to.note || to.skill || to.agentId) await note(`Transferred${to.agentId ? ' to an agent' : ''}${to.skill ? ` to ${to.skill}` : ''}${to.note ? `: ${to.note}` : ''}`);
    messages.push(
      (await insertMessage(tx, { workspaceId, conversationId, sender: 'system', senderId: who.userId, body: await sayTo(tx, conversationId, to.agentId ? 'takenOver' : 'transferred') })).message,
    );
    return { conversation, messages };
  });
}

/**
 * The agent leaves the team (disabled, or given a role that takes no conversations): every conversation they have
 * goes back to its skill's queue and every open ticket they work loses its assignee, with a note and the history
 * saying why. Runs in the caller's transaction; the caller announces and assigns afterwards (announceReleased).
 */
export async function releaseAgentWork(tx: Queryable, workspaceId: string, agentId: string, actorId: string | null, why: string): Promise<{ conversations: ConversationRow[]; messages: MessageRow[]; tickets: number }> {
  // Their profile first: an assignment or claim giving them something right now finishes before this (and its result
  // is released below); any later one finds them no longer on the team under this lock.
  await tx.query('SELECT 1 FROM agent_profiles WHERE user_id = $1 FOR UPDATE', [agentId]);
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM conversations WHERE workspace_id = $1 AND assignee_id = $2 AND status = 'assigned' ORDER BY id FOR UPDATE`, [workspaceId, agentId]);
  const conversations: ConversationRow[] = [];
  const messages: MessageRow[] = [];
  for (const { id } of rows) {
    conversations.push(await applyEvent(tx, workspaceId, id, { type: 'agent_released' }));
    await moveConversationTickets(tx, id, { skill: null, agentId: null }, actorId ? { type: 'user', id: actorId } : { type: 'system', id: null });
    messages.push((await insertMessage(tx, { workspaceId, conversationId: id, sender: 'system', senderId: actorId ?? undefined, body: `Back in the queue: ${why}`, private: true })).message);
    messages.push((await insertMessage(tx, { workspaceId, conversationId: id, sender: 'system', senderId: actorId ?? undefined, body: await sayTo(tx, id, 'transferred') })).message);
  }
  const tickets = await tx.query<{ id: string }>(
    `UPDATE tickets SET assignee_id = NULL, assigned_at = NULL, status = CASE WHEN status = 'open' AND first_responded_at IS NULL THEN 'new' ELSE status END,
            version = version + 1, updated_at = now()
      WHERE workspace_id = $1 AND assignee_id = $2 AND status IN ('new', 'open', 'pending', 'on_hold') RETURNING id`,
    [workspaceId, agentId],
  );
  for (const t of tickets.rows) await recordTicketEvent(tx, t.id, actorId ? { type: 'user', id: actorId } : { type: 'system', id: null }, 'updated', { assigneeId: [agentId, null], reason: why });
  return { conversations, messages, tickets: tickets.rowCount ?? 0 };
}

/**
 * After releaseAgentWork's transaction committed: the customers hear of it live, and what went back to the queue is
 * assigned again now.
 */
export async function announceReleased(deps: Pick<HandoffDeps, 'db' | 'events' | 'logger' | 'presenceTimeoutS'>, workspaceId: string, released: { conversations: ConversationRow[]; messages: MessageRow[]; tickets: number }): Promise<void> {
  if (released.conversations.length === 0 && released.tickets === 0) return;
  for (const c of released.conversations) {
    await announce(deps.events, deps.logger, c.id, { messages: released.messages.filter((m) => m.conversationId === c.id), conversation: c });
  }
  await assignAndAnnounce(deps, workspaceId);
}
