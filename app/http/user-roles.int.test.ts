// Changing a staff user's role (PATCH /api/admin/users/:id) against real PostgreSQL: validated, audited in the same
// transaction, effective at the user's next request, and never leaving a workspace without an active admin; a person
// who leaves the team (another role, disabled) leaves no conversation or ticket assigned to them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, uniqueSlug } from '../../test/services.ts';
import { createContact, createConversation } from '../../conversations/index.ts';
import { call, createAgent, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../testing.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi(testConfig());
});
afterAll(() => api?.close());

/** A fresh workspace (one user per role) and its admin's token. */
async function workspace(): Promise<{ ws: TestWorkspace; admin: string }> {
  const ws = await createTestWorkspace(api.deps, uniqueSlug('roles'));
  return { ws, admin: await login(api.url, ws.users.admin.email, ws.users.admin.password) };
}
const patch = (token: string, id: string, body: unknown) => call(api.url, `/api/admin/users/${id}`, { method: 'PATCH', token, body });
const auditRows = async (ws: TestWorkspace, id: string) =>
  (await api.deps.db.query<{ action: string; actor_id: string; details: unknown }>(`SELECT action, actor_id, details FROM audit_log WHERE workspace_id = $1 AND target_id = $2 ORDER BY id`, [ws.id, id])).rows;

describe('changing a user\'s role', () => {
  it('changes the role and name, writes an audit row, and the new role counts at the next request', async () => {
    const { ws, admin } = await workspace();
    const agent = await login(api.url, ws.users.agent.email, ws.users.agent.password);
    expect((await call(api.url, '/api/admin/users', { token: agent })).status).toBe(403);

    const r = await patch(admin, ws.users.agent.id, { role: 'supervisor', name: 'Sam Supervisor' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.user).toMatchObject({ id: ws.users.agent.id, role: 'supervisor', name: 'Sam Supervisor', email: ws.users.agent.email });
    expect(await auditRows(ws, ws.users.agent.id)).toEqual([
      { action: 'user.changed', actor_id: ws.users.admin.id, details: { role: { from: 'agent', to: 'supervisor' }, name: { from: 'agent', to: 'Sam Supervisor' } } },
    ]);
    // The same session now has the supervisor's permissions (team:manage) and not the agent's limits.
    expect((await call(api.url, '/api/team/quick-replies', { token: agent, body: { shortcut: `hi-${randomUUID().slice(0, 6)}`, title: 'Hi', body: 'Hello!' } })).status).toBe(201);
    const me = await call(api.url, '/api/auth/me', { token: agent });
    expect(me.body.user.role).toBe('supervisor');

    // Same role again: 200 and no new audit row (nothing changed).
    expect((await patch(admin, ws.users.agent.id, { role: 'supervisor' })).status).toBe(200);
    expect(await auditRows(ws, ws.users.agent.id)).toHaveLength(1);
  });

  it('refuses bad roles, empty changes and unknown users with messages that say what to do', async () => {
    const { ws, admin } = await workspace();
    const bad = await patch(admin, ws.users.agent.id, { role: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Invalid user change: role: use one of admin, supervisor, agent, kb_manager, qa_lead\./);
    const empty = await patch(admin, ws.users.agent.id, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/give a new "role" or "name"/);
    expect((await patch(admin, ws.users.agent.id, { role: 'admin', email: 'x@y.z' })).status).toBe(400);
    const unknown = await patch(admin, randomUUID(), { role: 'agent' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/No user with id .* in this workspace/);
    expect((await patch(admin, 'not-a-uuid', { role: 'agent' })).status).toBe(400);
    // Another workspace's user is unknown here.
    const other = await workspace();
    expect((await patch(admin, other.ws.users.agent.id, { role: 'admin' })).status).toBe(404);
    expect((await auditRows(other.ws, other.ws.users.agent.id))).toEqual([]);
  });

  it('refuses to demote or disable the last active admin, and allows it once there is another', async () => {
    const { ws, admin } = await workspace();
    const self = await patch(admin, ws.users.admin.id, { role: 'agent' });
    expect(self.status).toBe(409);
    expect(self.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/You are the last active admin.*Make another user an admin first/) });
    expect((await api.deps.db.query('SELECT role FROM users WHERE id = $1', [ws.users.admin.id])).rows[0]).toEqual({ role: 'admin' });
    expect(await auditRows(ws, ws.users.admin.id)).toEqual([]);
    // Renaming the last admin is fine.
    expect((await patch(admin, ws.users.admin.id, { name: 'Ada Admin' })).status).toBe(200);

    // Promote the supervisor; an API key with admin:users demotes the old admin, then cannot demote the new one.
    expect((await patch(admin, ws.users.supervisor.id, { role: 'admin' })).status).toBe(200);
    const key = await call(api.url, '/api/admin/api-keys', { token: admin, body: { name: 'provisioning', scopes: ['admin:users'] } });
    expect((await patch(admin, ws.users.admin.id, { role: 'qa_lead' })).status).toBe(200); // not the last one any more: may demote themselves
    const last = await patch(key.body.key, ws.users.supervisor.id, { role: 'agent' });
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/cannot change the role of the last active admin/);
    const disable = await call(api.url, `/api/admin/users/${ws.users.supervisor.id}/disable`, { method: 'POST', token: key.body.key });
    expect(disable.status).toBe(409);
    expect(disable.body.error.message).toMatch(/cannot disable the last active admin/);

    // A disabled admin does not count as one.
    expect((await patch(key.body.key, ws.users.kb_manager.id, { role: 'admin' })).status).toBe(200);
    expect((await call(api.url, `/api/admin/users/${ws.users.kb_manager.id}/disable`, { method: 'POST', token: key.body.key })).status).toBe(204);
    expect((await patch(key.body.key, ws.users.supervisor.id, { role: 'agent' })).status).toBe(409);
  });

  it('lets only one of two admins demoting each other at once succeed', async () => {
    const { ws, admin } = await workspace();
    expect((await patch(admin, ws.users.supervisor.id, { role: 'admin' })).status).toBe(200);
    const other = await login(api.url, ws.users.supervisor.email, ws.users.supervisor.password);
    const results = await Promise.all([patch(admin, ws.users.supervisor.id, { role: 'agent' }), patch(other, ws.users.admin.id, { role: 'agent' })]);
    // One wins; the other is refused as the last admin (409) — or, when it starts after the first committed, its
    // sender is no longer an admin at all (403).
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const { rows } = await api.deps.db.query(`SELECT count(*)::int AS n FROM users WHERE workspace_id = $1 AND role = 'admin' AND disabled_at IS NULL`, [ws.id]);
    expect(rows[0]).toEqual({ n: 1 });
  });
});

describe('a person leaving the team', () => {
  it('sends their conversations and tickets back to the queue when they get a role that takes none, or are disabled', async () => {
    const { ws, admin } = await workspace();
    const kim = await createAgent(api.deps, ws, 'kim', { capacity: 3, skills: [], online: true });
    const lou = await createAgent(api.deps, ws, 'lou', { capacity: 3, skills: [], online: false });
    const assignedTo = async (agentId: string) => {
      const contact = await createContact(api.deps.db, { workspaceId: ws.id, name: 'Customer' });
      const c = await createConversation(api.deps.db, { workspaceId: ws.id, contactId: contact, channel: 'api' });
      await api.deps.db.query(`UPDATE conversations SET status = 'assigned', assignee_id = $2, assigned_at = now(), queued_at = now() WHERE id = $1`, [c.id, agentId]);
      const t = await api.deps.db.query<{ id: string }>(`INSERT INTO tickets (workspace_id, subject, source, conversation_id, assignee_id, status) VALUES ($1, 'Help', 'conversation', $2, $3, 'open') RETURNING id`, [ws.id, c.id, agentId]);
      return { conversation: c.id, ticket: t.rows[0]!.id };
    };
    const state = async (id: string) => (await api.deps.db.query<{ status: string; assignee_id: string | null }>('SELECT status, assignee_id FROM conversations WHERE id = $1', [id])).rows[0]!;

    // Lou becomes a knowledge manager: their conversation goes back to the queue and, kim being online with room,
    // to kim; the ticket follows the conversation; the customer is told, the note says why.
    const lous = await assignedTo(lou.id);
    expect((await patch(admin, lou.id, { role: 'kb_manager' })).status).toBe(200);
    expect(await state(lous.conversation)).toEqual({ status: 'assigned', assignee_id: kim.id });
    const ticket = (await api.deps.db.query<{ assignee_id: string | null }>('SELECT assignee_id FROM tickets WHERE id = $1', [lous.ticket])).rows[0]!;
    expect(ticket.assignee_id).toBe(kim.id);
    const notes = await api.deps.db.query<{ body: string; private: boolean }>(`SELECT body, private FROM messages WHERE conversation_id = $1 AND sender = 'system' ORDER BY seq`, [lous.conversation]);
    expect(notes.rows).toContainEqual({ body: 'Back in the queue: lou is now a kb_manager', private: true });
    expect(notes.rows).toContainEqual({ body: 'You are being transferred to the right team; an agent will reply here.', private: false });
    expect((await auditRows(ws, lou.id)).at(-1)!.details).toMatchObject({ requeued: { conversations: 1, tickets: 0 } });

    // Kim is disabled: nobody else is online, so both conversations wait in the queue, unassigned.
    expect((await call(api.url, `/api/admin/users/${kim.id}/disable`, { method: 'POST', token: admin })).status).toBe(204);
    expect(await state(lous.conversation)).toEqual({ status: 'queued', assignee_id: null });
    expect((await api.deps.db.query<{ assignee_id: string | null }>('SELECT assignee_id FROM tickets WHERE id = $1', [lous.ticket])).rows[0]!.assignee_id).toBeNull();
  });
});
