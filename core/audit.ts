// Audit log writes: who (user, API key or system) did what to which target, with the request id.
import { actorOf, type Principal } from './access.ts';
import type { Queryable } from './db/index.ts';
import { currentLogContext } from './logger.ts';

export async function audit(
  q: Queryable,
  who: Principal | { type: 'system'; workspaceId: string },
  action: string,
  target: { type?: string; id?: string; details?: Record<string, unknown> } = {},
): Promise<void> {
  const actor = who.type === 'system' ? { type: 'system' as const, id: null } : actorOf(who);
  await q.query(
    `INSERT INTO audit_log (workspace_id, actor_type, actor_id, action, target_type, target_id, details, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [who.workspaceId, actor.type, actor.id, action, target.type ?? null, target.id ?? null, JSON.stringify(target.details ?? {}), currentLogContext()?.requestId ?? null],
  );
}
