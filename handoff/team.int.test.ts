// The team API against real PostgreSQL: skills, agents' skills, levels and capacity, presence by heartbeat (an agent
// who stops sending heartbeats goes offline), who may change what, and clear errors for bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { testConfig, uniqueSlug } from '../test/services.ts';

let api: TestApi;
let ws: TestWorkspace;
let supervisor: string;
let agent: string;

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('team'));
  supervisor = await login(api.url, ws.users.supervisor.email, ws.users.supervisor.password);
  agent = await login(api.url, ws.users.agent.email, ws.users.agent.password);
});
afterAll(() => api?.close());

describe('skills', () => {
  it('are managed by supervisors, read by agents, and audited', async () => {
    const created = await call(api.url, '/api/team/skills', {
      token: supervisor,
      body: { name: 'billing', label: 'Billing', businessHours: { timezone: 'Asia/Shanghai', weekly: { mon: [{ open: '09:00', close: '18:00' }] } } },
    });
    expect(created.status).toBe(201);
    expect(created.body.skill).toMatchObject({ name: 'billing', label: 'Billing', agents: 0, businessHours: { timezone: 'Asia/Shanghai' } });
    expect((await call(api.url, '/api/team/skills', { token: supervisor, body: { name: 'vip' } })).status).toBe(201);

    const again = await call(api.url, '/api/team/skills', { token: supervisor, body: { name: 'billing' } });
    expect(again.status).toBe(409);
    const badName = await call(api.url, '/api/team/skills', { token: supervisor, body: { name: 'Pre Sales!' } });
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/lowercase letters/);
    const badHours = await call(api.url, '/api/team/skills', { token: supervisor, body: { name: 'night', businessHours: { timezone: 'Mars/Olympus', weekly: {} } } });
    expect(badHours.status).toBe(400);
    const byAgent = await call(api.url, '/api/team/skills', { token: agent, body: { name: 'sneaky' } });
    expect(byAgent.status).toBe(403);

    const list = await call(api.url, '/api/team/skills', { token: agent });
    expect(list.body.skills.map((s: { name: string }) => s.name)).toEqual(['billing', 'vip']);
    const patched = await call(api.url, '/api/team/skills/vip', { token: supervisor, method: 'PATCH', body: { label: 'VIP customers' } });
    expect(patched.body.skill).toMatchObject({ name: 'vip', label: 'VIP customers' });
    const audit = await api.deps.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE workspace_id = $1 AND action LIKE 'skill.%' ORDER BY created_at`, [ws.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['skill.created', 'skill.created', 'skill.changed']);
  });

  it('are deleted only when nothing depends on them, with a 409 naming what still does', async () => {
    expect((await call(api.url, '/api/team/skills', { token: supervisor, body: { name: 'returns' } })).status).toBe(201);
    const rules = { rules: [{ name: 'Returns words', when: { keywords: ['return'] }, skill: 'returns' }] };
    expect((await call(api.url, '/api/team/routing-rules', { token: supervisor, method: 'PUT', body: rules })).status).toBe(200);
    const inUse = await call(api.url, '/api/team/skills/returns', { token: supervisor, method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toBe('The "returns" skill is still in use: routing rule "Returns words". Move them to another skill first, then delete it.');
    expect((await call(api.url, '/api/team/skills', { token: agent })).body.skills.map((s: { name: string }) => s.name)).toContain('returns');
    expect((await call(api.url, '/api/team/routing-rules', { token: supervisor, method: 'PUT', body: { rules: [] } })).status).toBe(200);
    expect((await call(api.url, '/api/team/skills/returns', { token: supervisor, method: 'DELETE' })).status).toBe(204);
    expect((await call(api.url, '/api/team/skills/returns', { token: supervisor, method: 'DELETE' })).status).toBe(404);
  });
});

describe('agents', () => {
  it('get skills with levels and a capacity; unknown skills and non-agents are refused', async () => {
    const r = await call(api.url, `/api/team/agents/${ws.users.agent.id}`, { token: supervisor, method: 'PUT', body: { capacity: 4, ticketCapacity: 7, skills: [{ skill: 'billing', level: 3 }, { skill: 'vip' }] } });
    expect(r.status).toBe(200);
    expect(r.body.agent).toMatchObject({ id: ws.users.agent.id, capacity: 4, ticketCapacity: 7, load: 0, presence: 'offline', skills: [{ name: 'billing', level: 3 }, { name: 'vip', level: 1 }] });

    const unknown = await call(api.url, `/api/team/agents/${ws.users.agent.id}`, { token: supervisor, method: 'PUT', body: { skills: [{ skill: 'billing' }, { skill: 'pre-sales' }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/Unknown skill: pre-sales/);
    // Nothing changed by the refused update.
    const agents = await call(api.url, '/api/team/agents', { token: agent });
    expect(agents.body.agents.find((a: { id: string }) => a.id === ws.users.agent.id).skills).toHaveLength(2);

    const kb = await call(api.url, `/api/team/agents/${ws.users.kb_manager.id}`, { token: supervisor, method: 'PUT', body: { capacity: 2 } });
    expect(kb.status).toBe(400);
    expect(kb.body.error.message).toMatch(/kb_manager; only agents and supervisors take conversations/);
    const level = await call(api.url, `/api/team/agents/${ws.users.agent.id}`, { token: supervisor, method: 'PUT', body: { skills: [{ skill: 'billing', level: 9 }] } });
    expect(level.status).toBe(400);
    const twice = await call(api.url, `/api/team/agents/${ws.users.agent.id}`, { token: supervisor, method: 'PUT', body: { skills: [{ skill: 'billing' }, { skill: 'billing', level: 3 }] } });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toMatch(/each skill can be listed once/);
    expect((await call(api.url, '/api/team/agents', { token: supervisor })).body.agents.find((a: { id: string }) => a.id === ws.users.agent.id).skills).toHaveLength(2);
  });

  it('are online while heartbeats arrive, away when they say so, and offline when heartbeats stop', async () => {
    const online = await call(api.url, '/api/agent/presence', { token: agent, method: 'PUT', body: { status: 'online' } });
    expect(online.body).toEqual({ presence: 'online', changed: true });
    expect((await call(api.url, '/api/agent/me', { token: agent })).body.agent).toMatchObject({ presence: 'online', capacity: 4 });
    expect((await call(api.url, '/api/agent/heartbeat', { token: agent, method: 'POST' })).body).toEqual({ presence: 'online', changed: false });
    expect((await call(api.url, '/api/agent/presence', { token: agent, method: 'PUT', body: { status: 'away' } })).body.presence).toBe('away');
    await call(api.url, '/api/agent/presence', { token: agent, method: 'PUT', body: { status: 'online' } });

    // The console closed: the last heartbeat is older than PRESENCE_TIMEOUT_S.
    await api.deps.db.query(`UPDATE agent_profiles SET last_heartbeat_at = now() - interval '5 minutes' WHERE user_id = $1`, [ws.users.agent.id]);
    expect((await call(api.url, '/api/agent/me', { token: agent })).body.agent.presence).toBe('offline');
    // The console is back: its next heartbeat makes the agent online again, and that is a change (work is assigned).
    expect((await call(api.url, '/api/agent/heartbeat', { token: agent, method: 'POST' })).body).toEqual({ presence: 'online', changed: true });
    expect((await call(api.url, '/api/agent/heartbeat', { token: agent, method: 'POST' })).body).toEqual({ presence: 'online', changed: false });

    const bad = await call(api.url, '/api/agent/presence', { token: agent, method: 'PUT', body: { status: 'busy' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/online, away or offline/);
  });
});
