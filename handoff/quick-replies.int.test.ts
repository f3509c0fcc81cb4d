// Quick replies through the API against real PostgreSQL: kept by supervisors, found by agents by shortcut or words
// within their skills, and filled in for a conversation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { testConfig, uniqueSlug } from '../test/services.ts';

let api: TestApi;
let ws: TestWorkspace;
let supervisor: string;
let agent: string;

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('quick'));
  supervisor = await login(api.url, ws.users.supervisor.email, ws.users.supervisor.password);
  agent = await login(api.url, ws.users.agent.email, ws.users.agent.password);
  for (const name of ['billing', 'vip']) await call(api.url, '/api/team/skills', { token: supervisor, body: { name } });
  await call(api.url, `/api/team/agents/${ws.users.agent.id}`, { token: supervisor, method: 'PUT', body: { skills: [{ skill: 'billing' }] } });
});
afterAll(() => api?.close());

describe('quick replies', () => {
  it('are found by shortcut within the agent\'s skills and filled in for the conversation', async () => {
    const add = (body: unknown) => call(api.url, '/api/team/quick-replies', { token: supervisor, body });
    expect((await add({ shortcut: 'refund-time', title: 'Refund timing', body: 'Hi {{contact.name}}, refunds take 5 to 7 business days. — {{agent.name}}', skill: 'billing' })).status).toBe(201);
    expect((await add({ shortcut: 'refund-vip', title: 'VIP refund', body: 'Dear {{contact.name}}, your refund is expedited.', skill: 'vip' })).status).toBe(201);
    expect((await add({ shortcut: 'thanks', title: 'Thanks', body: 'Thank you for contacting us!' })).status).toBe(201);

    const taken = await add({ shortcut: 'thanks', title: 'Again', body: 'x' });
    expect(taken.status).toBe(409);
    const badVar = await add({ shortcut: 'order', title: 'Order', body: 'Your order {{order.id}}' });
    expect(badVar.status).toBe(400);
    expect(badVar.body.error.message).toMatch(/Unknown variable \{\{order.id\}\}. Available: \{\{contact.name\}\}/);
    const badSkill = await add({ shortcut: 'pre', title: 'Pre', body: 'x', skill: 'pre-sales' });
    expect(badSkill.status).toBe(400);
    expect((await call(api.url, '/api/team/quick-replies', { token: agent, body: { shortcut: 'mine', title: 'x', body: 'y' } })).status).toBe(403);

    const c = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, name: 'Li Wei' } });
    const found = await call(api.url, `/api/agent/quick-replies?q=${encodeURIComponent('/refund')}&conversationId=${c.body.conversation.id}`, { token: agent });
    // The VIP one is not for this agent's skills.
    expect(found.body.quickReplies).toEqual([expect.objectContaining({ shortcut: 'refund-time', rendered: 'Hi Li Wei, refunds take 5 to 7 business days. — agent' })]);
    const all = await call(api.url, '/api/agent/quick-replies', { token: agent });
    expect(all.body.quickReplies.map((r: { shortcut: string }) => r.shortcut)).toEqual(['refund-time', 'thanks']);
    const words = await call(api.url, `/api/agent/quick-replies?q=${encodeURIComponent('thank you')}`, { token: agent });
    expect(words.body.quickReplies.map((r: { shortcut: string }) => r.shortcut)).toEqual(['thanks']);
  });

  it('lists every one of them for the people who keep them, beyond the agents\' 20 search results', async () => {
    const other = await createTestWorkspace(api.deps, uniqueSlug('quick-all'));
    const sup = await login(api.url, other.users.supervisor.email, other.users.supervisor.password);
    await call(api.url, '/api/team/skills', { token: sup, body: { name: 'billing' } });
    const shortcuts = Array.from({ length: 25 }, (_, i) => `reply-${String(i).padStart(2, '0')}`);
    for (const [i, shortcut] of shortcuts.entries()) {
      const r = await call(api.url, '/api/team/quick-replies', { token: sup, body: { shortcut, title: `Reply ${i}`, body: 'Hello', skill: i % 2 ? 'billing' : null } });
      expect(r.status).toBe(201);
    }
    const all = await call(api.url, '/api/team/quick-replies', { token: sup });
    expect(all.status).toBe(200);
    // Everyone's first, then by skill; by shortcut within each.
    const everyone = shortcuts.filter((_, i) => i % 2 === 0);
    const billing = shortcuts.filter((_, i) => i % 2 === 1);
    expect(all.body.quickReplies.map((r: { shortcut: string }) => r.shortcut)).toEqual([...everyone, ...billing]);
    expect(all.body.quickReplies[0]).toEqual({ id: expect.any(String), shortcut: 'reply-00', title: 'Reply 0', body: 'Hello', skill: null });
    // The agents' search still stops at 20; agents may not read the whole list.
    expect((await call(api.url, '/api/agent/quick-replies', { token: sup })).body.quickReplies).toHaveLength(20);
    const agentToken = await login(api.url, other.users.agent.email, other.users.agent.password);
    expect((await call(api.url, '/api/team/quick-replies', { token: agentToken })).status).toBe(403);
  });

  it('are edited (renamed, moved to another skill or to everyone), audited, with the same checks as when created', async () => {
    const edit = (shortcut: string, body: unknown, token = supervisor) => call(api.url, `/api/team/quick-replies/${shortcut}`, { method: 'PATCH', token, body });
    await call(api.url, '/api/team/quick-replies', { token: supervisor, body: { shortcut: 'late', title: 'Late order', body: 'Sorry, {{contact.name}}.', skill: 'billing' } });
    await call(api.url, '/api/team/quick-replies', { token: supervisor, body: { shortcut: 'taken', title: 'Taken', body: 'x' } });

    const r = await edit('late', { shortcut: 'late-order', title: 'Order is late', body: 'Sorry for the wait, {{contact.name}}.', skill: 'vip' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.quickReply).toEqual({ id: expect.any(String), shortcut: 'late-order', title: 'Order is late', body: 'Sorry for the wait, {{contact.name}}.', skill: 'vip' });
    const toEveryone = await edit('late-order', { skill: null });
    expect(toEveryone.body.quickReply).toMatchObject({ shortcut: 'late-order', title: 'Order is late', skill: null });
    const listed = (await call(api.url, '/api/team/quick-replies', { token: supervisor })).body.quickReplies;
    expect(listed.filter((q: { shortcut: string }) => q.shortcut.startsWith('late'))).toEqual([toEveryone.body.quickReply]);
    const { rows } = await api.deps.db.query(`SELECT action, details FROM audit_log WHERE workspace_id = $1 AND target_id = $2 ORDER BY id`, [ws.id, r.body.quickReply.id]);
    expect(rows.map((x) => x.action)).toEqual(['quick_reply.created', 'quick_reply.changed', 'quick_reply.changed']);
    expect(rows[1]!.details).toMatchObject({ shortcut: 'late', changes: { shortcut: 'late-order', title: 'Order is late', skill: 'vip' } });

    expect((await edit('late-order', { shortcut: 'taken' })).status).toBe(409);
    const badVar = await edit('late-order', { body: 'Your {{order.id}}' });
    expect(badVar.status).toBe(400);
    expect(badVar.body.error.message).toMatch(/Unknown variable \{\{order.id\}\}/);
    expect((await edit('late-order', { skill: 'pre-sales' })).body.error.message).toMatch(/Unknown skill "pre-sales"/);
    const empty = await edit('late-order', {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/give at least one of shortcut, title, body or skill/);
    expect((await edit('late-order', { title: '' })).status).toBe(400);
    expect((await edit('late-order', { id: 'x' })).status).toBe(400);
    expect((await edit('nothing-here', { title: 'x' })).status).toBe(404);
    expect((await edit('late-order', { title: 'x' }, agent)).status).toBe(403);
    // Nothing of the refused edits stuck.
    const after = (await call(api.url, '/api/team/quick-replies', { token: supervisor })).body.quickReplies.find((q: { shortcut: string }) => q.shortcut === 'late-order');
    expect(after).toEqual(toEveryone.body.quickReply);

    expect((await call(api.url, '/api/team/quick-replies/late-order', { method: 'DELETE', token: supervisor })).status).toBe(204);
    expect((await call(api.url, '/api/team/quick-replies/late-order', { method: 'DELETE', token: supervisor })).status).toBe(404);
  });
});
