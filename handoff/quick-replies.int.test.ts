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
});
