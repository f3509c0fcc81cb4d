// Automatic assignment: the longest-waiting, highest-priority queued conversation goes to an online agent who has its
// skill and spare capacity — the contact's previous agent first when online and free, else the least loaded, ties
// round robin (the agent who has waited longest since their last new conversation). Atomic with any number of API and
// worker copies: the conversation row is taken with FOR UPDATE SKIP LOCKED (never two agents on one conversation),
// and the chosen agent's profile row is locked and their load counted again before assigning (never over capacity).
import type { Db, Queryable } from '../core/db/index.ts';
import { announce, applyEvent, insertMessage } from '../conversations/index.ts';
import type { HandoffDeps } from './index.ts';
import { publishStandings } from './wait.ts';
import type { Joined } from './queue.ts';
import { loadSql, onlineSql } from './team.repo.ts';

export type AssignOptions = { presenceTimeoutS: number; preferPreviousAgent?: boolean };

/** How many queued conversations one pass looks at for one that some agent can take now. */
const LOOKAHEAD = 20;

type Candidate = { userId: string; capacity: number; load: number; previous: boolean };

async function eligibleAgents(tx: Queryable, workspaceId: string, c: { id: string; skill: string | null; contactId: string }, opts: AssignOptions): Promise<Candidate[]> {
  const { rows } = await tx.query<Candidate>(
    `SELECT p.user_id AS "userId", p.capacity,
            ${loadSql('p.user_id')} AS load,
            COALESCE(p.user_id = (SELECT y.last_assignee_id FROM conversations y
                                   WHERE y.contact_id = $4 AND y.last_assignee_id IS NOT NULL
                                   ORDER BY (y.id = $5) DESC, y.assigned_at DESC NULLS LAST LIMIT 1), false) AND $6::boolean AS previous
       FROM agent_profiles p JOIN users u ON u.id = p.user_id AND u.disabled_at IS NULL AND u.role IN ('agent', 'supervisor')
      WHERE p.workspace_id = $1 AND ${onlineSql('p', '$2')}
        AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM agent_skills a JOIN skills s ON s.id = a.skill_id
                                          WHERE a.user_id = p.user_id AND s.workspace_id = $1 AND s.name = $3))
      ORDER BY previous DESC, load, p.last_assigned_at NULLS FIRST, p.user_id`,
    [workspaceId, opts.presenceTimeoutS, c.skill, c.contactId, c.id, opts.preferPreviousAgent ?? true],
  );
  // The previous agent only when they have room; everyone else by load (the ORDER BY), over capacity never.
  return rows.filter((r) => r.load < r.capacity);
}

/** Assigns one waiting conversation if any agent can take one now; null when nothing could be assigned. */
export async function assignNext(db: Db, workspaceId: string, opts: AssignOptions): Promise<Joined | null> {
  return db.transaction(async (tx) => {
    const { rows: waiting } = await tx.query<{ id: string; skill: string | null; contactId: string }>(
      `SELECT id, skill, contact_id AS "contactId" FROM conversations WHERE workspace_id = $1 AND status = 'queued'
        ORDER BY priority DESC, queued_at, id LIMIT ${LOOKAHEAD} FOR UPDATE SKIP LOCKED`,
      [workspaceId],
    );
    for (const c of waiting) {
      for (const agent of await eligibleAgents(tx, workspaceId, c, opts)) {
        // Serialise on the agent, then count again: another copy may have just given them a conversation.
        await tx.query('SELECT 1 FROM agent_profiles WHERE user_id = $1 FOR UPDATE', [agent.userId]);
        const { rows } = await tx.query<{ load: number }>(`SELECT ${loadSql('$1')} AS load`, [agent.userId]);
        if (rows[0]!.load >= agent.capacity) continue;
        const conversation = await applyEvent(tx, workspaceId, c.id, { type: 'agent_assigned', agentId: agent.userId });
        await tx.query('UPDATE agent_profiles SET last_assigned_at = clock_timestamp() WHERE user_id = $1', [agent.userId]);
        const { message } = await insertMessage(tx, { workspaceId, conversationId: c.id, sender: 'system', body: 'An agent has joined the conversation.' });
        return { conversation, message };
      }
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
 * After a conversation joins the queue or capacity frees: assign what can be assigned now, tell those customers an
 * agent joined, and tell everyone still waiting their new place and wait. Failures are logged, never thrown: the
 * conversations stay queued and the next trigger assigns them.
 */
export async function assignAndAnnounce(deps: Pick<HandoffDeps, 'db' | 'events' | 'logger' | 'presenceTimeoutS'>, workspaceId: string): Promise<Joined[]> {
  const opts = { presenceTimeoutS: deps.presenceTimeoutS };
  try {
    const joined = await assignWaiting(deps.db, workspaceId, opts);
    for (const j of joined) await announce(deps.events, deps.logger, j.conversation.id, { messages: [j.message], conversation: j.conversation });
    await publishStandings(deps.db, deps.events, workspaceId, opts);
    return joined;
  } catch (err) {
    deps.logger.warn({ err, workspaceId }, 'automatic assignment failed; the conversations stay in the queue');
    return [];
  }
}
