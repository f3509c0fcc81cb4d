// SLA policies: per priority, how soon a ticket gets its first reply, its next reply after the customer writes again,
// and its resolution — counted in open hours (the ticket's skill's hours, else the workspace's) unless a policy says
// calendar time. A workspace without policies gets the defaults below, so every ticket has due times from the start.
import { z } from 'zod';
import type { Queryable } from '../core/db/index.ts';
import { addOpenMinutes, BusinessHoursSchema, type BusinessHours } from './hours.ts';

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export type SlaPolicy = {
  priority: TicketPriority;
  firstResponseMinutes: number | null;
  nextResponseMinutes: number | null;
  resolutionMinutes: number | null;
  businessHours: boolean;
};

/** Targets most support teams start from (Zendesk and Freshdesk ship similar ones), in open-hours minutes. */
export const DEFAULT_SLA: Record<TicketPriority, SlaPolicy> = {
  urgent: { priority: 'urgent', firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 8 * 60, businessHours: true },
  high: { priority: 'high', firstResponseMinutes: 4 * 60, nextResponseMinutes: 8 * 60, resolutionMinutes: 24 * 60, businessHours: true },
  normal: { priority: 'normal', firstResponseMinutes: 8 * 60, nextResponseMinutes: 16 * 60, resolutionMinutes: 48 * 60, businessHours: true },
  low: { priority: 'low', firstResponseMinutes: 24 * 60, nextResponseMinutes: 48 * 60, resolutionMinutes: 120 * 60, businessHours: true },
};

const Minutes = z.number().int('minutes are whole numbers').min(1, 'a target is at least 1 minute').max(525_600, 'a target is at most a year (525600 minutes)').nullable();
export const SlaPolicyInput = z
  .object({
    priority: z.enum(TICKET_PRIORITIES, { error: 'priority is low, normal, high or urgent' }),
    firstResponseMinutes: Minutes,
    nextResponseMinutes: Minutes,
    resolutionMinutes: Minutes,
    businessHours: z.boolean().default(true),
  })
  .strict();
export const SlaPoliciesBody = z
  .object({ policies: z.array(SlaPolicyInput).max(4) })
  .strict()
  .refine((b) => new Set(b.policies.map((p) => p.priority)).size === b.policies.length, { error: 'one policy per priority' });

/** Every priority's policy: the workspace's own where set, else the default. */
export async function loadSlaPolicies(q: Queryable, workspaceId: string): Promise<SlaPolicy[]> {
  const { rows } = await q.query<SlaPolicy>(
    `SELECT priority, first_response_minutes AS "firstResponseMinutes", next_response_minutes AS "nextResponseMinutes",
            resolution_minutes AS "resolutionMinutes", business_hours AS "businessHours"
       FROM sla_policies WHERE workspace_id = $1`,
    [workspaceId],
  );
  const own = new Map(rows.map((r) => [r.priority, r]));
  return TICKET_PRIORITIES.map((p) => own.get(p) ?? DEFAULT_SLA[p]).reverse();
}

export async function saveSlaPolicies(q: Queryable, workspaceId: string, policies: z.infer<typeof SlaPolicyInput>[]): Promise<void> {
  await q.query('DELETE FROM sla_policies WHERE workspace_id = $1', [workspaceId]);
  for (const p of policies) {
    await q.query(
      `INSERT INTO sla_policies (workspace_id, priority, first_response_minutes, next_response_minutes, resolution_minutes, business_hours) VALUES ($1, $2, $3, $4, $5, $6)`,
      [workspaceId, p.priority, p.firstResponseMinutes, p.nextResponseMinutes, p.resolutionMinutes, p.businessHours],
    );
  }
}

/** The hours a ticket of `skill` is served in: the skill's own, else the workspace's; null when always open. */
export async function hoursFor(q: Queryable, workspaceId: string, skill: string | null): Promise<BusinessHours | null> {
  const { rows } = await q.query<{ skill_hours: unknown; workspace_hours: unknown }>(
    `SELECT (SELECT s.business_hours FROM skills s WHERE s.workspace_id = w.id AND s.name = $2) AS skill_hours, w.settings->'businessHours' AS workspace_hours
       FROM workspaces w WHERE w.id = $1`,
    [workspaceId, skill],
  );
  for (const raw of [rows[0]?.skill_hours, rows[0]?.workspace_hours]) {
    const parsed = BusinessHoursSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
  }
  return null;
}

export type SlaClock = { policy: SlaPolicy; hours: BusinessHours | null };

export async function slaClock(q: Queryable, workspaceId: string, priority: TicketPriority, skill: string | null): Promise<SlaClock> {
  const [policies, hours] = await Promise.all([loadSlaPolicies(q, workspaceId), hoursFor(q, workspaceId, skill)]);
  return { policy: policies.find((p) => p.priority === priority)!, hours };
}

/** `minutes` of the policy's time (open hours or calendar) after `from`; null when there is no target. */
export function dueAfter(clock: SlaClock, from: Date, minutes: number | null): Date | null {
  if (minutes === null) return null;
  return addOpenMinutes(clock.policy.businessHours ? clock.hours : null, from, minutes);
}

/** Conversations carry a number (0 normal, VIP 10 and up); tickets carry a word. */
export const ticketPriorityOf = (conversationPriority: number): TicketPriority => (conversationPriority >= 20 ? 'urgent' : conversationPriority >= 10 ? 'high' : 'normal');
