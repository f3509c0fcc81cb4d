// The periodic ticket sweep (a BullMQ job scheduler runs it every SLA_SWEEP_S on one worker at a time): marks SLA
// breaches, raises the breached ticket's priority one step, records it in the history and tells the assignee (or
// every agent when nobody has it); closes tickets solved long enough ago; assigns what is waiting. All state lives
// in PostgreSQL (due and breach times on the row), so a restart — or a sweep that died halfway — loses nothing: the
// next run finds the same rows, and a breach is marked exactly once (the UPDATE only takes unmarked rows).
import type { Db } from '../core/db/index.ts';
import { agentChannel, agentsChannel, publishLive } from '../conversations/index.ts';
import type { HandoffDeps } from './index.ts';
import { assignAndAnnounce } from './assign.ts';
import { onlineSql } from './team.repo.ts';
import { recordTicketEvent } from './tickets.ts';

export const HANDOFF_QUEUE = 'handoff';
export const SLA_SWEEP_JOB = 'sla-sweep';
/** Solved tickets close after this many days without a customer reply (a reply reopens them until then). */
export const AUTO_CLOSE_DAYS = 4;
/**
 * The sweep assigns only what has waited at least this long: a fresh handoff is the business of the pass that runs at
 * once (after the handoff, a resolve, an agent coming online); racing it would only make that pass find the
 * conversation held, and tell its customer "queued" for a moment.
 */
export const SWEEP_GRACE_S = 15;
/** At most this many breaches of one kind per sweep; the rest wait for the next run. */
const BATCH = 500;

type Target = 'first_response' | 'next_response' | 'resolution';
const TARGETS: Record<Target, { due: string; breached: string; unmet: string }> = {
  first_response: { due: 'first_response_due_at', breached: 'first_response_breached_at', unmet: 'first_responded_at IS NULL' },
  next_response: { due: 'next_response_due_at', breached: 'next_response_breached_at', unmet: 'true' },
  resolution: { due: 'resolution_due_at', breached: 'resolution_breached_at', unmet: 'solved_at IS NULL' },
};

export type Breach = { ticketId: string; workspaceId: string; number: number; assigneeId: string | null; target: Target; dueAt: Date; priority: [string, string] };
/** `assigned`: conversations assigned by this sweep (tickets are assigned in the same pass and told to their agents). */
export type SweepResult = { breaches: Breach[]; closed: number; assigned: number };

/** Marks every breach due by `now`; each at most once, with its priority raised one step. */
export async function markBreaches(db: Db, now: Date, workspaceId: string | null = null): Promise<Breach[]> {
  const out: Breach[] = [];
  for (const [target, t] of Object.entries(TARGETS) as [Target, (typeof TARGETS)[Target]][]) {
    const found = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; workspace_id: string; number: number; assignee_id: string | null; due_at: Date; before: string; after: string }>(
        `WITH due AS (
           SELECT id, priority FROM tickets
            WHERE ${t.due} <= $1 AND ${t.breached} IS NULL AND ${t.unmet} AND status IN ('new', 'open', 'pending', 'on_hold')
              AND ($2::uuid IS NULL OR workspace_id = $2)
            ORDER BY ${t.due} LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
         UPDATE tickets x SET ${t.breached} = $1,
                -- One step per sweep: a ticket that missed two targets at once (updated_at = this sweep) is not raised twice.
                priority = CASE WHEN x.updated_at = $1 THEN x.priority WHEN x.priority = 'low' THEN 'normal' WHEN x.priority = 'normal' THEN 'high' ELSE 'urgent' END,
                version = x.version + 1, updated_at = $1
           FROM due WHERE x.id = due.id
         RETURNING x.id, x.workspace_id, x.number::int AS number, x.assignee_id, x.${t.due} AS due_at, due.priority AS before, x.priority AS after`,
        [now, workspaceId],
      );
      for (const r of rows) {
        await recordTicketEvent(tx, r.id, { type: 'system', id: null }, 'sla_breached', { target, dueAt: r.due_at, ...(r.before !== r.after ? { priority: [r.before, r.after] } : {}) });
      }
      return rows.map((r): Breach => ({ ticketId: r.id, workspaceId: r.workspace_id, number: r.number, assigneeId: r.assignee_id, target, dueAt: r.due_at, priority: [r.before, r.after] }));
    });
    out.push(...found);
  }
  return out;
}

/** Closes tickets solved more than AUTO_CLOSE_DAYS ago. */
export async function closeSolved(db: Db, now: Date, workspaceId: string | null = null): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `UPDATE tickets SET status = 'closed', closed_at = $1, version = version + 1, updated_at = $1
        WHERE status = 'solved' AND solved_at <= $1::timestamptz - make_interval(days => ${AUTO_CLOSE_DAYS}) AND ($2::uuid IS NULL OR workspace_id = $2) RETURNING id`,
      [now, workspaceId],
    );
    for (const r of rows) await recordTicketEvent(tx, r.id, { type: 'system', id: null }, 'updated', { status: ['solved', 'closed'], reason: `solved ${AUTO_CLOSE_DAYS} days ago` });
    return rows.length;
  });
}

/** One sweep over every workspace (the job), or one workspace (`workspaceId`: an admin's check, tests). */
export async function sweepTickets(deps: Pick<HandoffDeps, 'db' | 'events' | 'logger' | 'presenceTimeoutS'>, now = new Date(), opts: { workspaceId?: string } = {}): Promise<SweepResult> {
  const scope = opts.workspaceId ?? null;
  const breaches = await markBreaches(deps.db, now, scope);
  for (const b of breaches) {
    const event = { type: 'sla_breach', ticketId: b.ticketId, number: b.number, target: b.target, dueAt: b.dueAt, priority: b.priority[1] };
    // The assignee first; supervisors and the rest of the team see it on the workspace's agents channel.
    if (b.assigneeId) await publishLive(deps.events, deps.logger, agentChannel(b.assigneeId), event);
    await publishLive(deps.events, deps.logger, agentsChannel(b.workspaceId), event);
    deps.logger.info({ ticket: b.number, workspaceId: b.workspaceId, target: b.target, priority: b.priority }, `ticket #${b.number} missed its ${b.target.replace('_', ' ')} target`);
  }
  const closed = await closeSolved(deps.db, now, scope);
  // Whatever has waited a while where someone is online (an assignment failed, capacity freed on a copy that died) is
  // assigned here.
  const { rows } = await deps.db.query<{ workspace_id: string }>(
    `SELECT DISTINCT w.workspace_id FROM (
       SELECT workspace_id FROM conversations WHERE status = 'queued' AND queued_at <= now() - make_interval(secs => $3)
       UNION SELECT workspace_id FROM tickets WHERE assignee_id IS NULL AND status IN ('new', 'open') AND created_at <= now() - make_interval(secs => $3)) w
      WHERE ($1::uuid IS NULL OR w.workspace_id = $1)
        AND EXISTS (SELECT 1 FROM agent_profiles p WHERE p.workspace_id = w.workspace_id AND ${onlineSql('p', '$2')})`,
    [scope, deps.presenceTimeoutS, SWEEP_GRACE_S],
  );
  let assigned = 0;
  for (const { workspace_id } of rows) assigned += (await assignAndAnnounce(deps, workspace_id, { minWaitS: SWEEP_GRACE_S })).length;
  return { breaches, closed, assigned };
}
