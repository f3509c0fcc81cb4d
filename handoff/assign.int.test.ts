// Automatic assignment against real PostgreSQL: skills, capacity, presence, the contact's previous agent, least
// loaded with round robin, and two assigners racing over the same queue — never two agents on one conversation,
// never an agent over capacity. Also: an agent coming online is given waiting conversations at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { createContact, createConversation } from '../conversations/index.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';
import { assignNext, assignWaiting, sweepTickets } from './index.ts';

let api: TestApi;
let ws: TestWorkspace;
const opts = { presenceTimeoutS: 60 };
const agents: Record<string, string> = {};

const logins: Record<string, { email: string; password: string }> = {};
async function addAgent(name: string, capacity: number, skills: string[], online: boolean) {
  const agent = await createAgent(api.deps, ws, name, { capacity, skills, online });
  agents[name] = agent.id;
  logins[name] = agent;
}

async function waiting(skill: string | null, contactId?: string) {
  const contact = contactId ?? (await createContact(api.deps.db, { workspaceId: ws.id, name: 'Customer' }));
  const c = await createConversation(api.deps.db, { workspaceId: ws.id, contactId: contact, channel: 'api' });
  await api.deps.db.query(`UPDATE conversations SET status = 'queued', queued_at = clock_timestamp(), skill = $2 WHERE id = $1`, [c.id, skill]);
  return { id: c.id, contactId: contact };
}

const loads = async () =>
  (await api.deps.db.query<{ name: string; load: number }>(
    `SELECT u.name, count(c.id)::int AS load FROM users u LEFT JOIN conversations c ON c.assignee_id = u.id AND c.status = 'assigned' WHERE u.workspace_id = $1 AND u.role = 'agent' AND u.name <> 'agent' GROUP BY u.name ORDER BY u.name`,
    [ws.id],
  )).rows;

/** Who has the conversation, once it is assigned (by this pass, or another copy's a moment later). */
const assigneeOf = (id: string) =>
  eventually(async () => {
    const { rows } = await api.deps.db.query<{ assignee_id: string | null }>(`SELECT assignee_id FROM conversations WHERE id = $1 AND status = 'assigned'`, [id]);
    return rows[0]?.assignee_id;
  }, 'the conversation to be assigned', 5_000);

/** The agents' loads once they reach `expected` (another copy may still be finishing its pass), or as they are then. */
async function settledLoads(expected: number[]) {
  let last = await loads();
  await eventually(async () => {
    last = await loads();
    return last.map((r) => r.load).join() === expected.join();
  }, `agent loads ${expected.join('/')}`, 5_000).catch(() => undefined);
  return last;
}

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('assign'));
  await api.deps.db.query(`INSERT INTO skills (workspace_id, name, label) VALUES ($1, 'billing', 'Billing'), ($1, 'vip', 'VIP')`, [ws.id]);
  await addAgent('ana', 1, ['billing'], true);
  await addAgent('ben', 2, ['billing'], true);
  await addAgent('cho', 3, ['vip'], false);
});
afterAll(() => api?.close());

describe('assignment', () => {
  it('gives conversations to online agents with the skill, least loaded first, never over capacity', async () => {
    const convs = [await waiting('billing'), await waiting('billing'), await waiting('billing'), await waiting('billing')];
    const joined = await assignWaiting(api.deps.db, ws.id, opts);
    // Other test files' API copies sweep the shared database too, and may assign some of these first: what this
    // pass returned plus what they did is checked in the database, once every assigner has settled.
    expect(joined.length).toBeLessThanOrEqual(3);
    expect(await settledLoads([1, 2, 0])).toEqual([{ name: 'ana', load: 1 }, { name: 'ben', load: 2 }, { name: 'cho', load: 0 }]);
    // Oldest first: the one left waiting is the newest.
    const left = await api.deps.db.query<{ id: string }>(`SELECT id FROM conversations WHERE workspace_id = $1 AND status = 'queued'`, [ws.id]);
    expect(left.rows.map((r) => r.id)).toEqual([convs[3]!.id]);
    const joinedMessages = await api.deps.db.query<{ sender: string; body: string }>(
      `SELECT sender, body FROM messages WHERE conversation_id = ANY($1::uuid[]) AND sender = 'system'`,
      [convs.slice(0, 3).map((c) => c.id)],
    );
    expect(joinedMessages.rows).toEqual(Array(3).fill({ sender: 'system', body: 'An agent has joined the conversation.' }));

    // A VIP conversation waits for an agent with that skill: cho is offline.
    await waiting('vip');
    expect(await assignNext(api.deps.db, ws.id, opts)).toBeNull();
    await api.deps.db.query(`UPDATE conversations SET status = 'resolved', resolved_at = now() WHERE workspace_id = $1 AND status IN ('assigned', 'queued')`, [ws.id]);
  });

  it('prefers the contact\'s previous agent when they are online and free', async () => {
    const first = await waiting('billing');
    await assignNext(api.deps.db, ws.id, opts);
    const previous = await assigneeOf(first.id);
    await api.deps.db.query(`UPDATE conversations SET status = 'resolved' WHERE id = $1`, [first.id]);
    const again = await waiting('billing', first.contactId);
    await assignNext(api.deps.db, ws.id, opts);
    expect(await assigneeOf(again.id)).toBe(previous);
    await api.deps.db.query(`UPDATE conversations SET status = 'resolved' WHERE workspace_id = $1 AND status IN ('assigned', 'queued')`, [ws.id]);

    // An admin turns the preference off: the least loaded agent gets the returning customer instead.
    const admin = await login(api.url, ws.users.admin.email, ws.users.admin.password);
    expect((await call(api.url, '/api/admin/settings', { token: admin, method: 'PATCH', body: { preferPreviousAgent: false } })).status).toBe(200);
    const other = Object.values(agents).find((a) => a !== previous && a !== agents.cho)!;
    await api.deps.db.query(`UPDATE agent_profiles SET last_assigned_at = NULL WHERE user_id = $1`, [other]);
    const third = await waiting('billing', first.contactId);
    await assignNext(api.deps.db, ws.id, opts);
    expect(await assigneeOf(third.id)).toBe(other);
    await api.deps.db.query(`UPDATE conversations SET status = 'resolved' WHERE workspace_id = $1 AND status IN ('assigned', 'queued')`, [ws.id]);
    await call(api.url, '/api/admin/settings', { token: admin, method: 'PATCH', body: { preferPreviousAgent: true } });
  });

  it('never double-assigns and never exceeds capacity with two assigners racing', async () => {
    for (let i = 0; i < 12; i++) await waiting('billing');
    const [a, b] = await Promise.all([assignWaiting(api.deps.db, ws.id, opts), assignWaiting(api.deps.db, ws.id, opts)]);
    const ids = [...a, ...b].map((j) => j.conversation.id);
    expect(new Set(ids).size).toBe(ids.length); // no conversation given out by both
    // Together they fill the online billing agents' capacity (3) and no more — counting any other copy's sweep over
    // the shared test database, which may take some of them first.
    expect(ids.length).toBeLessThanOrEqual(3);
    expect(await settledLoads([1, 2, 0])).toEqual([{ name: 'ana', load: 1 }, { name: 'ben', load: 2 }, { name: 'cho', load: 0 }]);
    const assigned = await api.deps.db.query(`SELECT 1 FROM conversations WHERE workspace_id = $1 AND status = 'assigned'`, [ws.id]);
    expect(assigned.rows).toHaveLength(3);
    const joinedTwice = await api.deps.db.query(`SELECT conversation_id FROM messages WHERE workspace_id = $1 AND body = 'An agent has joined the conversation.' GROUP BY conversation_id HAVING count(*) > 1`, [ws.id]);
    expect(joinedTwice.rows).toEqual([]);
  });

  it('assigns waiting conversations as soon as an agent comes online', async () => {
    await api.deps.db.query(`UPDATE agent_profiles SET presence = 'offline' WHERE user_id = $1`, [agents.cho]);
    const vip = await waiting('vip');
    const token = await login(api.url, logins.cho!.email, logins.cho!.password);
    const r = await call(api.url, '/api/agent/presence', { token, method: 'PUT', body: { status: 'online' } });
    expect(r.body).toEqual({ presence: 'online', changed: true });
    // Assigned by this request's pass — or, when another copy's pass held the conversation at that instant (the test
    // database is shared with other test files' sweeps), by that copy a moment later.
    const row = await eventually(async () => {
      const r2 = await api.deps.db.query<{ status: string; assignee_id: string }>('SELECT status, assignee_id FROM conversations WHERE id = $1', [vip.id]);
      return r2.rows[0]?.status === 'assigned' ? r2.rows[0] : null;
    }, 'the waiting conversation to be assigned to the agent who came online', 10_000);
    expect(row).toEqual({ status: 'assigned', assignee_id: agents.cho });
  });

  it('assigns waiting work to an agent whose heartbeats had lapsed as soon as their console beats again', async () => {
    await api.deps.db.query(`UPDATE conversations SET status = 'resolved', resolved_at = now() WHERE workspace_id = $1 AND status IN ('assigned', 'queued')`, [ws.id]);
    // cho chose "online" but the console went quiet: offline for assignment, whatever the stored choice says.
    await api.deps.db.query(`UPDATE agent_profiles SET presence = 'online', last_heartbeat_at = now() - interval '10 minutes' WHERE user_id = $1`, [agents.cho]);
    const vip = await waiting('vip');
    expect(await assignNext(api.deps.db, ws.id, opts)).toBeNull();
    const token = await login(api.url, logins.cho!.email, logins.cho!.password);
    const r = await call(api.url, '/api/agent/heartbeat', { token, method: 'POST' });
    expect(r.body).toEqual({ presence: 'online', changed: true });
    expect(await assigneeOf(vip.id)).toBe(agents.cho);
  });

  it('leaves fresh handoffs to the passes that run at once: the periodic sweep only takes what has waited 15 s', async () => {
    await api.deps.db.query(`UPDATE conversations SET status = 'resolved', resolved_at = now() WHERE workspace_id = $1 AND status IN ('assigned', 'queued')`, [ws.id]);
    await api.deps.db.query(`UPDATE agent_profiles SET presence = 'online', last_heartbeat_at = now() WHERE user_id = $1`, [agents.cho]);
    const fresh = await waiting('vip');
    const stale = await waiting('vip');
    await api.deps.db.query(`UPDATE conversations SET queued_at = now() - interval '20 seconds' WHERE id = $1`, [stale.id]);
    const swept = await sweepTickets(api.deps, new Date(), { workspaceId: ws.id });
    expect(swept.assigned).toBe(1);
    expect(await assigneeOf(stale.id)).toBe(agents.cho);
    const { rows } = await api.deps.db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [fresh.id]);
    expect(rows[0]!.status).toBe('queued');
    await api.deps.db.query(`UPDATE conversations SET status = 'resolved', resolved_at = now() WHERE workspace_id = $1 AND status IN ('assigned', 'queued')`, [ws.id]);
  });

  it('assigns waiting work at once when a supervisor raises an agent\'s capacity', async () => {
    const { rows } = await api.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM conversations WHERE assignee_id = $1 AND status = 'assigned'`, [agents.ana]);
    await api.deps.db.query(`UPDATE agent_profiles SET capacity = $2, last_heartbeat_at = now() WHERE user_id = $1`, [agents.ana, rows[0]!.n]);
    await api.deps.db.query(`UPDATE agent_profiles SET presence = 'offline' WHERE user_id = $1`, [agents.ben]);
    const billing = await waiting('billing');
    expect(await assignNext(api.deps.db, ws.id, opts)).toBeNull(); // ana is full, ben is offline
    const supervisor = await login(api.url, ws.users.supervisor.email, ws.users.supervisor.password);
    const r = await call(api.url, `/api/team/agents/${agents.ana}`, { token: supervisor, method: 'PUT', body: { capacity: rows[0]!.n + 1 } });
    expect(r.status).toBe(200);
    expect(await assigneeOf(billing.id)).toBe(agents.ana);
  });
});
