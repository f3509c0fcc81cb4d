// Quick replies: canned responses found by shortcut ("/refund") or words, limited to the skills an agent works in
// (or none), with variables filled in for the conversation at hand: {{contact.name}}, {{contact.email}},
// {{agent.name}}, {{conversation.id}}. A variable with no value becomes empty, never a raw "{{…}}" to the customer.
import { z } from 'zod';
import type { Queryable } from '../core/db/index.ts';

export const QuickReplyInput = z
  .object({
    shortcut: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'use lowercase letters, digits, "-" and "_" (for example "refund-time")'),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(5000),
    skill: z.string().trim().min(1).max(63).nullable().default(null),
  })
  .strict();
export type QuickReplyInput = z.infer<typeof QuickReplyInput>;
/** An edit: any of the fields (a new shortcut renames it); at least one. */
export const QuickReplyPatch = z
  .object({
    shortcut: QuickReplyInput.shape.shortcut.optional(),
    title: QuickReplyInput.shape.title.optional(),
    body: QuickReplyInput.shape.body.optional(),
    skill: z.string().trim().min(1).max(63).nullable().optional(),
  })
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'give at least one of shortcut, title, body or skill');
export type QuickReplyPatch = z.infer<typeof QuickReplyPatch>;
export type QuickReply = QuickReplyInput & { id: string; rendered?: string };

export const VARIABLES = ['contact.name', 'contact.email', 'agent.name', 'conversation.id'] as const;

/** Pure: fills {{variables}}; unknown ones are refused when saving (see unknownVariables), missing values become "". */
export function renderTemplate(body: string, values: Partial<Record<(typeof VARIABLES)[number], string | null>>): string {
  return body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, name: string) => (values as Record<string, string | null | undefined>)[name] ?? '');
}

export function unknownVariables(body: string): string[] {
  return [...body.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!).filter((v) => !(VARIABLES as readonly string[]).includes(v));
}

/** Quick replies for an agent: their skills' and everyone's, matching `query` (a shortcut prefix or words), best first. */
export async function findQuickReplies(q: Queryable, workspaceId: string, agentId: string, query: string, limit = 20): Promise<QuickReply[]> {
  const term = query.trim().replace(/^\//, '').toLowerCase();
  const { rows } = await q.query<QuickReply>(
    `SELECT r.id, r.shortcut, r.title, r.body, r.skill FROM canned_responses r
      WHERE r.workspace_id = $1
        AND (r.skill IS NULL OR r.skill IN (SELECT s.name FROM agent_skills a JOIN skills s ON s.id = a.skill_id WHERE a.user_id = $2)
             OR EXISTS (SELECT 1 FROM users u WHERE u.id = $2 AND u.role IN ('supervisor', 'admin')))
        AND ($3 = '' OR r.shortcut LIKE $4 OR lower(r.title) LIKE $5 OR lower(r.body) LIKE $5)
      ORDER BY (r.shortcut = $3) DESC, (r.shortcut LIKE $4) DESC, r.shortcut
      LIMIT $6`,
    [workspaceId, agentId, term, `${term.replace(/[%_\\]/g, '\\$&')}%`, `%${term.replace(/[%_\\]/g, '\\$&')}%`, limit],
  );
  return rows;
}

/** Every quick reply of the workspace, for the people who keep them: everyone's first, then by skill and shortcut. */
export async function listQuickReplies(q: Queryable, workspaceId: string): Promise<QuickReply[]> {
  const { rows } = await q.query<QuickReply>(
    `SELECT id, shortcut, title, body, skill FROM canned_responses WHERE workspace_id = $1 ORDER BY skill NULLS FIRST, shortcut`,
    [workspaceId],
  );
  return rows;
}

/**
 * Changes the fields given in `patch` of the quick reply `shortcut`. Returns the row as it is now, null when there is no
 * such shortcut; a new shortcut that is taken throws the unique violation (the caller turns it into a 409).
 */
export async function updateQuickReply(q: Queryable, workspaceId: string, shortcut: string, patch: QuickReplyPatch): Promise<QuickReply | null> {
  const { rows } = await q.query<QuickReply>(
    `UPDATE canned_responses SET shortcut = COALESCE($3, shortcut), title = COALESCE($4, title), body = COALESCE($5, body),
            skill = CASE WHEN $6::boolean THEN $7 ELSE skill END
      WHERE workspace_id = $1 AND shortcut = $2 RETURNING id, shortcut, title, body, skill`,
    [workspaceId, shortcut, patch.shortcut ?? null, patch.title ?? null, patch.body ?? null, patch.skill !== undefined, patch.skill ?? null],
  );
  return rows[0] ?? null;
}
