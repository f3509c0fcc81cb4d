// Where a waiting customer stands: their place in their skill's queue and an estimated wait, from how long this
// skill's recent conversations took to handle and how many agents with the skill are online now.
import type { Queryable } from '../core/db/index.ts';
import type { EventBus } from '../core/events.ts';
import { conversationChannel, publishQueue } from '../conversations/index.ts';
import { queueOrderSql } from './routing.ts';
import { loadSql, onlineSql } from './team.repo.ts';

export type QueueStanding = {
  conversationId: string;
  skill: string | null;
  position: number;
  /** Agents online with the skill (any agent when the conversation has no skill). */
  agentsOnline: number;
  /** Null when no agent with the skill is online: the wait cannot be told. */
  etaSeconds: number | null;
};

/** Handling time assumed for a skill with no resolved conversation in the last 30 days. */
export const DEFAULT_HANDLE_SECONDS = 300;

/**
 * The standing of every waiting conversation of the workspace (or only `conversationId`). Position is 1-based among
 * the conversations waiting for the same skill, by priority then waiting time (the order assignment takes them).
 * ETA: the conversations ahead, plus this one, share the online agents' free slots first, then take turns at the
 * median handling time of the skill's last 50 resolved conversations.
 */
export async function queueStandings(q: Queryable, workspaceId: string, opts: { presenceTimeoutS: number; conversationId?: string }): Promise<QueueStanding[]> {
  const { rows } = await q.query<{ conversationId: string; skill: string | null; position: number; agentsOnline: number; freeSlots: number; handleSeconds: number | null }>(
    `WITH waiting AS (
       SELECT c.id, c.skill, row_number() OVER (PARTITION BY c.skill ORDER BY ${queueOrderSql('c')})::int AS position
         FROM conversations c WHERE c.workspace_id = $1 AND c.status = 'queued'),
     online AS (
       SELECT p.user_id, p.capacity,
              ${loadSql('p.user_id')} AS load
         FROM agent_profiles p JOIN users u ON u.id = p.user_id AND u.disabled_at IS NULL
        WHERE p.workspace_id = $1 AND ${onlineSql('p', '$2')}),
     -- Per skill once, not per waiting conversation: agents online, their free slots, the median handling time.
     per_skill AS (
       SELECT k.skill,
              (SELECT count(*)::int FROM online o WHERE k.skill IS NULL OR EXISTS (
                 SELECT 1 FROM agent_skills a JOIN skills s ON s.id = a.skill_id WHERE a.user_id = o.user_id AND s.workspace_id = $1 AND s.name = k.skill)) AS "agentsOnline",
              (SELECT COALESCE(sum(GREATEST(o.capacity - o.load, 0)), 0)::int FROM online o WHERE k.skill IS NULL OR EXISTS (
                 SELECT 1 FROM agent_skills a JOIN skills s ON s.id = a.skill_id WHERE a.user_id = o.user_id AND s.workspace_id = $1 AND s.name = k.skill)) AS "freeSlots",
              (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.resolved_at - r.assigned_at))
                 FROM (SELECT resolved_at, assigned_at FROM conversations r
                        WHERE r.workspace_id = $1 AND r.skill IS NOT DISTINCT FROM k.skill AND r.resolved_at IS NOT NULL AND r.assigned_at IS NOT NULL
                          AND r.resolved_at > now() - interval '30 days' AND r.resolved_at > r.assigned_at
                        ORDER BY r.resolved_at DESC LIMIT 50) r) AS "handleSeconds"
         FROM (SELECT DISTINCT skill FROM waiting WHERE $3::uuid IS NULL OR id = $3) k)
     SELECT w.id AS "conversationId", w.skill, w.position, k."agentsOnline", k."freeSlots", k."handleSeconds"
       FROM waiting w JOIN per_skill k ON k.skill IS NOT DISTINCT FROM w.skill
      WHERE $3::uuid IS NULL OR w.id = $3
      ORDER BY w.skill NULLS FIRST, w.position`,
    [workspaceId, opts.presenceTimeoutS, opts.conversationId ?? null],
  );
  return rows.map((r) => {
    const handle = r.handleSeconds ?? DEFAULT_HANDLE_SECONDS;
    let eta: number | null = null;
    if (r.agentsOnline > 0) {
      // Free slots take the first conversations at once; after that one slot frees per handle time per agent.
      const afterFree = Math.max(0, r.position - r.freeSlots);
      eta = afterFree === 0 ? 0 : Math.round((Math.ceil(afterFree / r.agentsOnline) * handle));
    }
    return { conversationId: r.conversationId, skill: r.skill, position: r.position, agentsOnline: r.agentsOnline, etaSeconds: eta };
  });
}

/** "about 4 minutes", "大约 4 分钟" — for customers, rounded up to whole minutes. */
export function describeWait(etaSeconds: number | null, language: string | null): string | null {
  if (etaSeconds === null) return null;
  const minutes = Math.max(1, Math.ceil(etaSeconds / 60));
  if (language === 'zh') return `大约 ${minutes} 分钟`;
  return minutes === 1 ? 'about a minute' : `about ${minutes} minutes`;
}

/**
 * Tells every waiting customer of the workspace their current place and wait, and every agent how many wait per skill
 * (after assignments, handoffs and claims).
 */
export async function publishStandings(q: Queryable, events: EventBus, workspaceId: string, opts: { presenceTimeoutS: number }): Promise<void> {
  for (const s of await queueStandings(q, workspaceId, opts)) {
    await events.publish(conversationChannel(s.conversationId), { type: 'queue', position: s.position, etaSeconds: s.etaSeconds, agentsOnline: s.agentsOnline });
  }
  await publishQueue(q, events, workspaceId);
}
