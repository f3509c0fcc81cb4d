// The team: skills (with their own business hours), each agent's skills, levels and capacity, and presence. Presence
// is what the agent chose, kept only while heartbeats arrive: an agent whose last heartbeat is older than the
// timeout is offline, whatever they chose (a closed laptop never keeps receiving conversations).
import type { Queryable } from '../core/db/index.ts';
import { AppError } from '../core/errors.ts';
import type { BusinessHours } from './hours.ts';

export type Presence = 'online' | 'away' | 'offline';
export type SkillRow = { id: string; name: string; label: string; description: string | null; businessHours: BusinessHours | null; agents: number };
export type AgentRow = {
  id: string;
  name: string;
  email: string;
  role: string;
  capacity: number;
  ticketCapacity: number;
  presence: Presence;
  lastHeartbeatAt: Date | null;
  load: number;
  skills: { name: string; level: number }[];
};

const SKILL = `s.id, s.name, s.label, s.description, s.business_hours AS "businessHours",
  (SELECT count(*)::int FROM agent_skills a WHERE a.skill_id = s.id) AS agents`;

export async function listSkills(q: Queryable, workspaceId: string): Promise<SkillRow[]> {
  const { rows } = await q.query<SkillRow>(`SELECT ${SKILL} FROM skills s WHERE s.workspace_id = $1 ORDER BY s.name`, [workspaceId]);
  return rows;
}

export type SkillInput = { name: string; label?: string; description?: string | null; businessHours?: BusinessHours | null };

/** Null when the name is taken. */
export async function createSkill(q: Queryable, workspaceId: string, s: SkillInput): Promise<SkillRow | null> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO skills (workspace_id, name, label, description, business_hours) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workspace_id, name) DO NOTHING RETURNING id`,
    [workspaceId, s.name, s.label ?? s.name, s.description ?? null, s.businessHours ? JSON.stringify(s.businessHours) : null],
  );
  return rows[0] ? skillById(q, rows[0].id) : null;
}

export async function updateSkill(q: Queryable, workspaceId: string, name: string, s: Omit<SkillInput, 'name'>): Promise<SkillRow | null> {
  const { rows } = await q.query<{ id: string }>(
    `UPDATE skills SET label = COALESCE($3, label),
            description = CASE WHEN $4::boolean THEN $5 ELSE description END,
            business_hours = CASE WHEN $6::boolean THEN $7::jsonb ELSE business_hours END
      WHERE workspace_id = $1 AND name = $2 RETURNING id`,
    [workspaceId, name, s.label ?? null, s.description !== undefined, s.description ?? null, s.businessHours !== undefined, s.businessHours ? JSON.stringify(s.businessHours) : null],
  );
  return rows[0] ? skillById(q, rows[0].id) : null;
}

/**
 * Deletes a skill nothing depends on. A skill that routing, quick replies, a collection or the workspace default still
 * name, or that conversations wait for or tickets are filed under, is refused with a 409 saying what to change first:
 * deleting it would leave work waiting for a skill nobody can have.
 */
export async function deleteSkill(q: Queryable, workspaceId: string, name: string): Promise<boolean> {
  const { rows } = await q.query<{ rules: string[]; replies: number; collections: string[]; isDefault: boolean; waiting: number; tickets: number }>(
    `SELECT ARRAY(SELECT r.name FROM routing_rules r WHERE r.workspace_id = $1 AND r.skill = $2 ORDER BY r.position) AS rules,
            (SELECT count(*)::int FROM canned_responses x WHERE x.workspace_id = $1 AND x.skill = $2) AS replies,
            ARRAY(SELECT k.name FROM kb_collections k WHERE k.workspace_id = $1 AND k.default_skill = $2 ORDER BY k.name) AS collections,
            COALESCE((SELECT w.settings->>'defaultSkill' = $2 FROM workspaces w WHERE w.id = $1), false) AS "isDefault",
            (SELECT count(*)::int FROM conversations c WHERE c.workspace_id = $1 AND c.skill = $2 AND c.status IN ('queued', 'assigned')) AS waiting,
            (SELECT count(*)::int FROM tickets t WHERE t.workspace_id = $1 AND t.skill = $2 AND t.status NOT IN ('solved', 'closed')) AS tickets`,
    [workspaceId, name],
  );
  const u = rows[0]!;
  const uses = [
    u.rules.length ? `routing rule${u.rules.length > 1 ? 's' : ''} ${u.rules.map((r) => `"${r}"`).join(', ')}` : null,
    u.replies ? `${u.replies} quick repl${u.replies > 1 ? 'ies' : 'y'}` : null,
    u.collections.length ? `the default skill of collection${u.collections.length > 1 ? 's' : ''} ${u.collections.map((c) => `"${c}"`).join(', ')}` : null,
    u.isDefault ? "the workspace's default skill" : null,
    u.waiting ? `${u.waiting} open conversation${u.waiting > 1 ? 's' : ''}` : null,
    u.tickets ? `${u.tickets} open ticket${u.tickets > 1 ? 's' : ''}` : null,
  ].filter((x): x is string => !!x);
  if (uses.length) {
    throw new AppError('conflict', `The "${name}" skill is still in use: ${uses.join('; ')}. Move them to another skill first, then delete it.`, { details: { ...u } });
  }
  const { rowCount } = await q.query('DELETE FROM skills WHERE workspace_id = $1 AND name = $2', [workspaceId, name]);
  return (rowCount ?? 0) > 0;
}

async function skillById(q: Queryable, id: string): Promise<SkillRow> {
  const { rows } = await q.query<SkillRow>(`SELECT ${SKILL} FROM skills s WHERE s.id = $1`, [id]);
  return rows[0]!;
}

/** The roles that take conversations and tickets. */
export const TEAM_ROLES: readonly string[] = ['agent', 'supervisor'];
/** SQL: user row `u` is on the team now — an agent or supervisor whose account is not disabled. */
export const onTeamSql = (u: string) => `(${u}.disabled_at IS NULL AND ${u}.role IN ('agent', 'supervisor'))`;
/** SQL: the user with id `id` (an SQL expression) is on the team now. */
export const isOnTeamSql = (id: string) => `EXISTS (SELECT 1 FROM users tm WHERE tm.id = ${id} AND ${onTeamSql('tm')})`;

/** Whether the workspace has a skill of that name. */
export async function skillExists(q: Queryable, workspaceId: string, name: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM skills WHERE workspace_id = $1 AND name = $2', [workspaceId, name]);
  return rows.length > 0;
}

/** SQL: the chosen presence of profile `p` still counts (heartbeat within `timeout` seconds, a SQL parameter). */
export const freshSql = (p: string, timeout: string) => `${p}.last_heartbeat_at >= now() - make_interval(secs => ${timeout})`;
/** SQL: the agent of profile `p` is online now, for assignment, transfers and wait estimates. */
export const onlineSql = (p: string, timeout: string) => `(${p}.presence = 'online' AND ${freshSql(p, timeout)})`;
/** Capacity of an agent who has no profile yet (the column default). */
export const DEFAULT_CAPACITY = 3;
/** SQL: how many conversations the agent with id `user` has now. */
export const loadSql = (user: string) => `(SELECT count(*)::int FROM conversations x WHERE x.assignee_id = ${user} AND x.status = 'assigned')`;
/** SQL: how many tickets the agent is working now (new or open; pending and on-hold wait on someone else). */
export const ticketLoadSql = (user: string) => `(SELECT count(*)::int FROM tickets x WHERE x.assignee_id = ${user} AND x.status IN ('new', 'open'))`;

/** Presence as it counts: the chosen one while heartbeats are fresh, else offline. `$2` is the timeout in seconds. */
const EFFECTIVE_PRESENCE = `CASE WHEN ${freshSql('p', '$2')} THEN p.presence ELSE 'offline' END`;

export async function listAgents(q: Queryable, workspaceId: string, opts: { presenceTimeoutS: number; userId?: string }): Promise<AgentRow[]> {
  const { rows } = await q.query<AgentRow>(
    `SELECT u.id, u.name, u.email, u.role, COALESCE(p.capacity, ${DEFAULT_CAPACITY}) AS capacity, COALESCE(p.ticket_capacity, 10) AS "ticketCapacity",
            COALESCE(${EFFECTIVE_PRESENCE}, 'offline') AS presence, p.last_heartbeat_at AS "lastHeartbeatAt",
            ${loadSql('u.id')} AS load,
            COALESCE((SELECT jsonb_agg(jsonb_build_object('name', s.name, 'level', a.level) ORDER BY s.name)
                        FROM agent_skills a JOIN skills s ON s.id = a.skill_id WHERE a.user_id = u.id), '[]'::jsonb) AS skills
       FROM users u LEFT JOIN agent_profiles p ON p.user_id = u.id
      WHERE u.workspace_id = $1 AND ${onTeamSql('u')} AND ($3::uuid IS NULL OR u.id = $3)
      ORDER BY u.name, u.id`,
    [workspaceId, opts.presenceTimeoutS, opts.userId ?? null],
  );
  return rows;
}

/**
 * Sets an agent's capacity and/or skills (the whole list: skills not named are removed). Unknown skills and users who
 * are not agents or supervisors are refused with a message naming them.
 */
export async function setAgent(tx: Queryable, workspaceId: string, userId: string, a: { capacity?: number; ticketCapacity?: number; skills?: { skill: string; level: number }[] }): Promise<void> {
  const user = await tx.query<{ role: string }>('SELECT role FROM users WHERE id = $1 AND workspace_id = $2 AND disabled_at IS NULL', [userId, workspaceId]);
  if (!user.rows[0]) throw new AppError('not_found', `No active staff user with id ${userId} in this workspace.`);
  if (!TEAM_ROLES.includes(user.rows[0].role)) {
    throw new AppError('invalid_request', `This user is a ${user.rows[0].role}; only agents and supervisors take conversations. Change their role first.`);
  }
  await tx.query(
    `INSERT INTO agent_profiles (user_id, workspace_id, capacity, ticket_capacity) VALUES ($1, $2, COALESCE($3, ${DEFAULT_CAPACITY}), COALESCE($4, 10))
     ON CONFLICT (user_id) DO UPDATE SET capacity = COALESCE($3, agent_profiles.capacity), ticket_capacity = COALESCE($4, agent_profiles.ticket_capacity)`,
    [userId, workspaceId, a.capacity ?? null, a.ticketCapacity ?? null],
  );
  if (!a.skills) return;
  const names = a.skills.map((s) => s.skill);
  const known = await tx.query<{ id: string; name: string }>('SELECT id, name FROM skills WHERE workspace_id = $1 AND name = ANY($2::text[])', [workspaceId, names]);
  const byName = new Map(known.rows.map((r) => [r.name, r.id]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length) throw new AppError('invalid_request', `Unknown skill${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Create ${unknown.length > 1 ? 'them' : 'it'} first (POST /api/team/skills).`, { details: { unknown } });
  await tx.query('DELETE FROM agent_skills WHERE user_id = $1', [userId]);
  for (const s of a.skills) await tx.query('INSERT INTO agent_skills (user_id, skill_id, level) VALUES ($1, $2, $3)', [userId, byName.get(s.skill), s.level]);
}

/**
 * A heartbeat from the agent's console, optionally changing presence. Returns the presence that now counts, and
 * whether it differs from the one that counted before: an agent whose heartbeats had lapsed (offline, whatever their
 * stored choice) and who sends one again has changed, to online — and is given waiting work at once.
 * Going offline is immediate; so is coming back online.
 */
export async function heartbeat(q: Queryable, workspaceId: string, userId: string, presence: Presence | undefined, presenceTimeoutS: number): Promise<{ presence: Presence; changed: boolean }> {
  const { rows } = await q.query<{ presence: Presence; changed: boolean }>(
    `WITH before AS (
       SELECT CASE WHEN ${freshSql('p', '$4')} THEN p.presence ELSE 'offline' END AS presence FROM agent_profiles p WHERE p.user_id = $1)
     INSERT INTO agent_profiles (user_id, workspace_id, presence, last_heartbeat_at, presence_changed_at)
     VALUES ($1, $2, COALESCE($3, 'online'), now(), now())
     ON CONFLICT (user_id) DO UPDATE SET last_heartbeat_at = now(),
        presence = COALESCE($3, agent_profiles.presence),
        presence_changed_at = CASE WHEN COALESCE($3, agent_profiles.presence) <> (SELECT presence FROM before) THEN now() ELSE agent_profiles.presence_changed_at END
     RETURNING presence, NOT EXISTS (SELECT 1 FROM before WHERE before.presence = agent_profiles.presence) AS changed`,
    [userId, workspaceId, presence ?? null, presenceTimeoutS],
  );
  return rows[0]!;
}

/**
 * Locks the agent's profile row for the rest of the transaction, creating it first when the agent has none yet (an
 * agent who never went online can still claim by hand): a lock on a missing row would lock nothing, and two claims
 * at once would both see room.
 */
async function lockProfile(tx: Queryable, workspaceId: string, agentId: string): Promise<void> {
  await tx.query('INSERT INTO agent_profiles (user_id, workspace_id) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING', [agentId, workspaceId]);
  await tx.query('SELECT 1 FROM agent_profiles WHERE user_id = $1 FOR UPDATE', [agentId]);
}

/** The agent's room for one more conversation or ticket, and whether they have `skill`, under their profile's lock. */
async function room(tx: Queryable, workspaceId: string, agentId: string, skill: string | null, kind: 'conversation' | 'ticket'): Promise<{ capacity: number; load: number; skilled: boolean; active: boolean }> {
  await lockProfile(tx, workspaceId, agentId);
  const [capacity, load] = kind === 'conversation' ? ['p.capacity', loadSql('$1')] : ['p.ticket_capacity', ticketLoadSql('$1')];
  const { rows } = await tx.query<{ capacity: number; load: number; skilled: boolean; active: boolean }>(
    `SELECT (SELECT ${capacity} FROM agent_profiles p WHERE p.user_id = $1) AS capacity, ${load} AS load,
            ${isOnTeamSql('$1')} AS active,
            ($2::text IS NULL OR EXISTS (SELECT 1 FROM agent_skills a JOIN skills s ON s.id = a.skill_id WHERE a.user_id = $1 AND s.workspace_id = $3 AND s.name = $2)) AS skilled`,
    [agentId, skill, workspaceId],
  );
  return rows[0]!;
}

/**
 * Whether `agentId` may take a conversation of `skill` by hand now: with the skill and with room — the limits
 * automatic assignment keeps — counted under their profile row's lock. (Presence is not required: claiming shows
 * they are there.) Returns why not, for the 409.
 */
export async function canTake(tx: Queryable, workspaceId: string, agentId: string, w: { skill: string | null }): Promise<string | null> {
  const me = await room(tx, workspaceId, agentId, w.skill, 'conversation');
  if (!me.active) return 'Your account no longer takes conversations (your role changed or it was disabled). Sign in again.';
  if (!me.skilled) return `This conversation waits for the "${w.skill}" skill, which you do not have. Ask a supervisor to add it to your skills or to transfer the conversation.`;
  if (me.load >= me.capacity) return `You already have ${me.load} conversation${me.load === 1 ? '' : 's'}, your capacity. Resolve or transfer one first.`;
  return null;
}

/** The same for a ticket: its skill, and room within the agent's ticket capacity. */
export async function canTakeTicket(tx: Queryable, workspaceId: string, agentId: string, t: { skill: string | null }): Promise<string | null> {
  const me = await room(tx, workspaceId, agentId, t.skill, 'ticket');
  if (!me.active) return 'This account no longer works tickets (its role changed or it was disabled).';
  if (!me.skilled) return `This ticket is for the "${t.skill}" skill, which you do not have. Ask a supervisor to add the skill or to assign the ticket.`;
  if (me.load >= me.capacity) return `You already work ${me.load} open ticket${me.load === 1 ? '' : 's'}, your ticket capacity. Solve or hand one back first.`;
  return null;
}
