// Sign-in and administration routes: login/logout/me; staff users, API keys, audit log and workspace settings.
// Every admin change is written to the audit log in the same transaction as the change.
import { Router } from 'express';
import { z } from 'zod';
import { authorize, PERMISSIONS, requirePrincipal, ROLES, type Permission, type Principal } from '../../core/access.ts';
import type { Db, Queryable } from '../../core/db/index.ts';
import { isUniqueViolation } from '../../core/db/index.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { hashPassword, randomToken, sha256 } from '../../core/secrets.ts';
import { parse } from '../../core/validate.ts';
import { audit } from '../../core/audit.ts';
import { loadBotSettings, SensitiveTopicSchema, type BotDefaults } from '../../bot/index.ts';
import { announceReleased, BusinessHoursSchema, releaseAgentWork, skillExists, TEAM_ROLES, type HandoffDeps } from '../../handoff/index.ts';
import { API_KEY_PREFIX, SESSION_COOKIE, type Auth } from './auth.ts';

const Login = z.object({ email: z.email('a valid email address'), password: z.string().min(1, 'the password is empty').max(200) });
const RoleName = z.enum(ROLES as [string, ...string[]], { error: `use one of ${ROLES.join(', ')}` });
const UserPatch = z
  .object({ role: RoleName.optional(), name: z.string().trim().min(1, 'the name is empty').max(200).optional() })
  .strict()
  .refine((p) => p.role !== undefined || p.name !== undefined, 'give a new "role" or "name"');
const NewUser = z.object({
  email: z.email(),
  name: z.string().trim().min(1).max(200),
  role: RoleName,
  password: z.string().min(10, 'at least 10 characters').max(200),
});
const NewApiKey = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(PERMISSIONS as [string, ...string[]])).min(1, 'give the key at least one scope'),
});
const IdParams = z.object({ id: z.uuid('id must be a UUID') });
const actorOf = (who: Principal): string | null => (who.type === 'user' ? who.userId : null);
const Settings = z
  .object({
    botAnswerThreshold: z.number().min(0).max(1).optional(),
    botClarifyThreshold: z.number().min(0).max(1).optional(),
    // Topics that always go to a person, whatever the bot's confidence.
    sensitiveTopics: z.array(SensitiveTopicSchema).max(100).optional(),
    businessHours: BusinessHoursSchema.nullable().optional(),
    // The queue for conversations no routing rule or knowledge collection places.
    defaultSkill: z.string().trim().min(1).max(63).nullable().optional(),
    // A returning customer goes to the agent who helped them last when that agent is online and has room (default on).
    preferPreviousAgent: z.boolean().optional(),
    timeZone: z.string().min(1).max(64).optional(),
    languages: z.array(z.string().min(2).max(35)).max(50).optional(),
  })
  .strict();


export function authRoutes(deps: { db: Db; auth: Auth }): Router {
  const router = Router();

  router.post('/auth/login', async (req, res) => {
    const { email, password } = parse(Login, req.body, 'sign-in');
    const session = await deps.auth.login(email, password);
    res.cookie(SESSION_COOKIE, session.token, deps.auth.cookieOptions);
    res.json({ token: session.token, expiresAt: session.expiresAt, user: session.user });
  });

  router.post('/auth/logout', async (_req, res) => {
    const p = requirePrincipal(res);
    if (p.type === 'user') await deps.auth.logout(p.sessionId);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/auth/me', async (_req, res) => {
    const p = requirePrincipal(res);
    if (p.type !== 'user') return void res.json({ principal: p });
    const { rows } = await deps.db.query('SELECT id, email, name, role, workspace_id AS "workspaceId" FROM users WHERE id = $1', [p.userId]);
    res.json({ principal: p, user: rows[0] });
  });

  return router;
}

export function adminRoutes(deps: { db: Db; botDeps: { defaults: BotDefaults } } & HandoffDeps): Router {
  const router = Router();

  router.get('/admin/users', async (_req, res) => {
    const who = authorize(res, 'admin:users');
    const { rows } = await deps.db.query(
      `SELECT id, email, name, role, disabled_at AS "disabledAt", created_at AS "createdAt" FROM users WHERE workspace_id = $1 ORDER BY created_at`,
      [who.workspaceId],
    );
    res.json({ users: rows });
  });

  router.post('/admin/users', async (req, res) => {
    const who = authorize(res, 'admin:users');
    const input = parse(NewUser, req.body, 'user');
    const passwordHash = await hashPassword(input.password);
    try {
      const user = await deps.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO users (workspace_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)
           RETURNING id, email, name, role, created_at AS "createdAt"`,
          [who.workspaceId, input.email, input.name, input.role, passwordHash],
        );
        await audit(tx, who, 'user.created', { type: 'user', id: rows[0]!.id, details: { email: input.email, role: input.role } });
        return rows[0];
      });
      res.status(201).json({ user });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', `A user with email ${input.email} already exists. Use another email, or change that user instead.`);
      throw err;
    }
  });

  // A role (or name) change takes effect at the user's next request: sessions read the role from the users row.
  router.patch('/admin/users/:id', async (req, res) => {
    const who = authorize(res, 'admin:users');
    const { id } = parse(IdParams, req.params, 'user id');
    const patch = parse(UserPatch, req.body, 'user change');
    const user = await deps.db.transaction(async (tx) => {
      // Admin rows first, always in the same order, then the target: two admins demoting each other wait, not deadlock.
      const admins = patch.role && patch.role !== 'admin' ? await lockActiveAdmins(tx, who.workspaceId) : [];
      const before = await tx.query<{ role: string; name: string }>('SELECT role, name FROM users WHERE id = $1 AND workspace_id = $2 FOR NO KEY UPDATE', [id, who.workspaceId]);
      const old = before.rows[0];
      if (!old) throw notFound('user', id);
      if (admins.includes(id) && admins.length === 1) {
        throw who.type === 'user' && who.userId === id
          ? new AppError('conflict', 'You are the last active admin of this workspace, so you cannot give yourself another role: nobody could manage users, API keys or settings after. Make another user an admin first.')
          : lastAdmin('change the role of');
      }
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE users SET role = COALESCE($3, role), name = COALESCE($4, name) WHERE id = $1 AND workspace_id = $2
         RETURNING id, email, name, role, disabled_at AS "disabledAt", created_at AS "createdAt"`,
        [id, who.workspaceId, patch.role ?? null, patch.name ?? null],
      );
      const details: Record<string, unknown> = {};
      if (patch.role !== undefined && patch.role !== old.role) details.role = { from: old.role, to: patch.role };
      if (patch.name !== undefined && patch.name !== old.name) details.name = { from: old.name, to: patch.name };
      // No longer someone who takes conversations: what they had goes back to the queue.
      const leaves = TEAM_ROLES.includes(old.role) && patch.role !== undefined && !TEAM_ROLES.includes(patch.role);
      const released = leaves ? await releaseAgentWork(tx, who.workspaceId, id, actorOf(who), `${old.name} is now a ${patch.role}`) : null;
      if (released) details.requeued = { conversations: released.conversations.length, tickets: released.tickets };
      if (Object.keys(details).length) await audit(tx, who, 'user.changed', { type: 'user', id, details });
      return { user: rows[0], released };
    });
    if (user.released) await announceReleased(deps, who.workspaceId, user.released);
    res.json({ user: user.user });
  });

  router.post('/admin/users/:id/disable', async (req, res) => {
    const who = authorize(res, 'admin:users');
    const { id } = parse(IdParams, req.params, 'user id');
    if (who.type === 'user' && who.userId === id) throw new AppError('invalid_request', 'You cannot disable your own account; ask another admin.');
    const done = await deps.db.transaction(async (tx) => {
      const admins = await lockActiveAdmins(tx, who.workspaceId);
      if (admins.includes(id) && admins.length === 1) throw lastAdmin('disable');
      const r = await tx.query<{ name: string }>('UPDATE users SET disabled_at = now() WHERE id = $1 AND workspace_id = $2 AND disabled_at IS NULL RETURNING name', [id, who.workspaceId]);
      await tx.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [id]);
      if (!r.rows[0]) return null;
      // Their conversations and tickets go back to the queue, never left with someone who can no longer sign in.
      const released = await releaseAgentWork(tx, who.workspaceId, id, actorOf(who), `${r.rows[0].name}'s account was disabled`);
      await audit(tx, who, 'user.disabled', { type: 'user', id, details: { requeued: { conversations: released.conversations.length, tickets: released.tickets } } });
      return released;
    });
    if (!done) throw notFound('active user', id);
    await announceReleased(deps, who.workspaceId, done);
    res.status(204).end();
  });

  router.get('/admin/api-keys', async (_req, res) => {
    const who = authorize(res, 'admin:api_keys');
    const { rows } = await deps.db.query(
      `SELECT id, name, prefix, scopes, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
         FROM api_keys WHERE workspace_id = $1 ORDER BY created_at DESC`,
      [who.workspaceId],
    );
    res.json({ apiKeys: rows });
  });

  router.post('/admin/api-keys', async (req, res) => {
    const who = authorize(res, 'admin:api_keys');
    const input = parse(NewApiKey, req.body, 'API key');
    const prefix = randomToken(6).replace(/[-_]/g, 'x').slice(0, 8);
    const key = `${API_KEY_PREFIX}${prefix}_${randomToken(24)}`;
    const apiKey = await deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO api_keys (workspace_id, name, prefix, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, name, prefix, scopes, created_at AS "createdAt"`,
        [who.workspaceId, input.name, prefix, sha256(key), input.scopes as Permission[], who.type === 'user' ? who.userId : null],
      );
      await audit(tx, who, 'api_key.created', { type: 'api_key', id: rows[0]!.id, details: { name: input.name, scopes: input.scopes } });
      return rows[0];
    });
    // The key is shown once; only its hash is stored.
    res.status(201).json({ apiKey, key, note: 'Store this key now: it is not shown again.' });
  });

  router.delete('/admin/api-keys/:id', async (req, res) => {
    const who = authorize(res, 'admin:api_keys');
    const { id } = parse(IdParams, req.params, 'API key id');
    const n = await deps.db.transaction(async (tx) => {
      const r = await tx.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL', [id, who.workspaceId]);
      if (r.rowCount) await audit(tx, who, 'api_key.revoked', { type: 'api_key', id });
      return r.rowCount;
    });
    if (!n) throw notFound('active API key', id);
    res.status(204).end();
  });

  router.get('/admin/audit-log', async (req, res) => {
    const who = authorize(res, 'admin:audit');
    const { limit } = parse(z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }), req.query, 'query');
    const { rows } = await deps.db.query(
      `SELECT id, actor_type AS "actorType", actor_id AS "actorId", action, target_type AS "targetType", target_id AS "targetId",
              details, request_id AS "requestId", created_at AS "createdAt"
         FROM audit_log WHERE workspace_id = $1 ORDER BY id DESC LIMIT $2`,
      [who.workspaceId, limit],
    );
    res.json({ entries: rows });
  });

  router.get('/admin/settings', async (_req, res) => {
    const who = authorize(res, 'admin:settings');
    const { rows } = await deps.db.query<{ slug: string; name: string; settings: Record<string, unknown> }>('SELECT slug, name, settings FROM workspaces WHERE id = $1', [who.workspaceId]);
    // `bot` is what the bot uses now: the workspace's own values, else the server's defaults.
    res.json({ workspace: rows[0], bot: loadBotSettings(rows[0]?.settings, deps.botDeps.defaults) });
  });

  router.patch('/admin/settings', async (req, res) => {
    const who = authorize(res, 'admin:settings');
    const patch = parse(Settings, req.body, 'settings');
    const workspace = await deps.db.transaction(async (tx) => {
      if (patch.defaultSkill && !(await skillExists(tx, who.workspaceId, patch.defaultSkill))) {
        throw new AppError('invalid_request', `Unknown skill "${patch.defaultSkill}" for defaultSkill. Create it first (POST /api/team/skills) or pick one of GET /api/team/skills.`);
      }
      const { rows } = await tx.query<{ slug: string; name: string; settings: Record<string, unknown> }>('UPDATE workspaces SET settings = settings || $2::jsonb WHERE id = $1 RETURNING slug, name, settings', [who.workspaceId, JSON.stringify(patch)]);
      const merged = loadBotSettings({ ...rows[0]!.settings, botClarifyThreshold: undefined }, deps.botDeps.defaults);
      const clarify = rows[0]!.settings.botClarifyThreshold;
      if (typeof clarify === 'number' && clarify > merged.answerThreshold) {
        throw new AppError('invalid_request', `botClarifyThreshold (${clarify}) must not be above botAnswerThreshold (${merged.answerThreshold}): the bot asks a clarifying question between the two and answers above the higher one.`);
      }
      await audit(tx, who, 'settings.changed', { type: 'workspace', id: who.workspaceId, details: patch });
      return rows[0];
    });
    res.json({ workspace });
  });

  return router;
}

/**
 * Locks the workspace's active admins (in id order, so concurrent callers queue instead of deadlocking) and returns
 * their ids. A change that could remove the last admin calls this first inside its transaction: a second demotion
 * waits for the first to commit, then counts again (the row lock re-reads the changed rows).
 */
async function lockActiveAdmins(tx: Queryable, workspaceId: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM users WHERE workspace_id = $1 AND role = 'admin' AND disabled_at IS NULL ORDER BY id FOR NO KEY UPDATE`, [workspaceId]);
  return rows.map((r) => r.id);
}

/** Nobody could manage users, keys or settings after: refused. */
const lastAdmin = (verb: string) =>
  new AppError('conflict', `You cannot ${verb} the last active admin of this workspace: nobody could manage users, API keys or settings after. Make another user an admin first.`);
