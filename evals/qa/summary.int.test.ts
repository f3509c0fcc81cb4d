// The QA dashboard summary against real PostgreSQL: a graded conversation shows up per day and subject, per agent,
// skill and category, and an override moves the averages (the effective score is the latest override).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../../app/testing.ts';
import { eventually, testConfig, uniqueSlug } from '../../test/services.ts';

let api: TestApi;
let ws: TestWorkspace;
let qa: string;
let agent: { id: string; token: string };
let conversationId: string;

beforeAll(async () => {
  api = await startTestApi(testConfig({ QA_SWEEP_S: '3600' }));
  ws = await createTestWorkspace(api.deps, uniqueSlug('qasum'));
  qa = await login(api.url, ws.users.qa_lead.email, ws.users.qa_lead.password);
  const a = await createAgent(api.deps, ws, 'sam', { capacity: 5, skills: [], online: true });
  agent = { id: a.id, token: await login(api.url, a.email, a.password) };
  const start = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget', name: 'Kim' } });
  const visitor = { 'x-visitor-token': start.body.visitorToken as string };
  conversationId = start.body.conversation.id as string;
  await call(api.url, `/api/conversations/${conversationId}/messages`, { headers: visitor, body: { text: 'My parcel never arrived, can I talk to a person?' } });
  await call(api.url, `/api/conversations/${conversationId}/handoff`, { headers: visitor, body: {} });
  await eventually(async () => (await api.deps.db.query(`SELECT 1 FROM conversations WHERE id = $1 AND status = 'assigned'`, [conversationId])).rows[0], 'the conversation to be assigned');
  await call(api.url, `/api/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: "Hello Kim, I'm sorry about that. I have sent a replacement today; anything else I can do?" } });
  await call(api.url, `/api/agent/conversations/${conversationId}/resolve`, { token: agent.token, method: 'POST' });
  expect((await call(api.url, '/api/qa/grade', { token: qa, body: { conversationId } })).status).toBe(200);
});
afterAll(() => api?.close());

describe('GET /api/qa/summary', () => {
  it('averages effective scores per day and subject, agent, skill and category, and follows overrides', async () => {
    const before = await call(api.url, '/api/qa/summary', { token: qa });
    expect(before.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(before.body.scorer).toBe('deterministic');
    expect(before.body.trend).toEqual(expect.arrayContaining([expect.objectContaining({ day: today, subject: 'agent', n: expect.any(Number) })]));
    expect(before.body.bySubject.map((s: { subject: string }) => s.subject).sort()).toEqual(['agent', 'conversation']);
    expect(before.body.byAgent).toEqual([expect.objectContaining({ agentId: agent.id, agentName: 'sam', evaluations: 2 })]);
    expect(before.body.bySkill.length).toBeGreaterThan(0);
    const greeting = before.body.byCategory.find((c: { category: string }) => c.category === 'greeting');
    expect(greeting).toMatchObject({ average: 5, n: 2, overridden: 0 }); // the agent's reply and the conversation

    const list = await call(api.url, `/api/qa/evaluations?agentId=${agent.id}&subject=agent`, { token: qa });
    const evaluation = list.body.evaluations[0];
    const review = await call(api.url, `/api/qa/evaluations/${evaluation.id}/reviews`, { token: qa, body: { category: 'greeting', score: 2, comment: 'Too curt for a first reply.' } });
    expect(review.status).toBe(201);
    const after = await call(api.url, '/api/qa/summary', { token: qa });
    expect(after.body.byCategory.find((c: { category: string }) => c.category === 'greeting')).toMatchObject({ average: 3.5, n: 2, overridden: 1 });
  });

  it('refuses a bad period and people without qa:review', async () => {
    const bad = await call(api.url, '/api/qa/summary?from=yesterday', { token: qa });
    expect(bad.status).toBe(400);
    const backwards = await call(api.url, '/api/qa/summary?from=2026-02-01&to=2026-01-01', { token: qa });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toMatch(/must be before/);
    expect((await call(api.url, '/api/qa/summary', { token: agent.token })).status).toBe(403);
  });
});
