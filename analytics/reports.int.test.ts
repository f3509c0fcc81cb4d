// The CSAT report through the API against real PostgreSQL: ratings credited to the agent who had the conversation
// (one given through the rating route end to end) or to the bot, per period, with exact counts, averages and
// distributions; other workspaces and unrated conversations never count; who may read it; bad periods refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { createContact, createConversation } from '../conversations/index.ts';
import { testConfig, uniqueSlug } from '../test/services.ts';

let api: TestApi;
let ws: TestWorkspace;
let supervisor: string;
const id: Record<string, string> = {};

/** A conversation of `workspaceId` rated `score` `daysAgo` days ago, credited to `agentId` (null: the bot). */
async function rated(workspaceId: string, agentId: string | null, score: number | null, daysAgo = 1) {
  const contact = await createContact(api.deps.db, { workspaceId, name: 'Customer' });
  const c = await createConversation(api.deps.db, { workspaceId, contactId: contact, channel: 'api' });
  await api.deps.db.query(`UPDATE conversations SET status = 'resolved', csat = $2, csat_agent_id = $3, csat_at = now() - make_interval(days => $4) WHERE id = $1`, [c.id, score, agentId, daysAgo]);
}
const report = (query = '', token = supervisor) => call(api.url, `/api/reports/csat${query}`, { token });
const dist = (d: Partial<Record<1 | 2 | 3 | 4 | 5, number>>) => ({ '1': 0, '2': 0, '3': 0, '4': 0, '5': 0, ...d });

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('csat'));
  supervisor = await login(api.url, ws.users.supervisor.email, ws.users.supervisor.password);
  for (const name of ['ben', 'ana']) id[name] = (await createAgent(api.deps, ws, name, { capacity: 2, skills: [], online: true })).id;
  for (const score of [5, 4, 4]) await rated(ws.id, id.ana!, score);
  await rated(ws.id, id.ana!, 1, 40); // before the default 30 days
  await rated(ws.id, id.ben!, 2);
  for (const score of [5, 1]) await rated(ws.id, null, score);
  await rated(ws.id, id.ana!, null); // not rated
  const elsewhere = await createTestWorkspace(api.deps, uniqueSlug('csat-other'));
  await rated(elsewhere.id, null, 1);

  // Ben's third conversation, rated by the customer through the API while Ben has it.
  const start = await call(api.url, '/api/conversations', { body: { workspace: ws.slug } });
  const c = { id: start.body.conversation.id as string, token: start.body.visitorToken as string };
  await api.deps.db.query(`UPDATE conversations SET status = 'assigned', assignee_id = $2, assigned_at = now() WHERE id = $1`, [c.id, id.ben]);
  const ben = await login(api.url, `ben@${ws.slug}.test`, ws.users.agent.password);
  expect((await call(api.url, `/api/agent/conversations/${c.id}/messages`, { token: ben, body: { text: 'Your replacement ships today.' } })).status).toBe(201);
  const rating = await call(api.url, `/api/conversations/${c.id}/rating`, { headers: { 'x-visitor-token': c.token }, body: { score: 3 } });
  expect(rating.body.rating).toMatchObject({ csat: 3, csatAgentId: id.ben, ratedSubject: 'agent' });
});
afterAll(() => api?.close());

describe('CSAT report', () => {
  it('credits each rating of the last 30 days to its agent or the bot, with exact numbers', async () => {
    const r = await report();
    expect(r.status).toBe(200);
    expect(r.body.rows).toEqual([
      { subject: 'agent', agentId: id.ana, name: 'ana', count: 3, average: 4.33, distribution: dist({ 4: 2, 5: 1 }) },
      { subject: 'agent', agentId: id.ben, name: 'ben', count: 2, average: 2.5, distribution: dist({ 2: 1, 3: 1 }) },
      { subject: 'bot', agentId: null, name: 'Bot', count: 2, average: 3, distribution: dist({ 1: 1, 5: 1 }) },
    ]);
    expect(r.body.overall).toEqual({ count: 7, average: 3.43, distribution: dist({ 1: 1, 2: 1, 3: 1, 4: 2, 5: 2 }) });
    expect(Date.parse(r.body.to) - Date.parse(r.body.from)).toBe(30 * 86_400_000);
  });

  it('takes a period: dates alone cover whole days (UTC), and a period without ratings still has the bot row', async () => {
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const wide = await report(`?from=${day(60)}&to=${day(0)}`);
    expect(wide.body.rows[0]).toMatchObject({ name: 'ana', count: 4, average: 3.5, distribution: dist({ 1: 1, 4: 2, 5: 1 }) });
    expect(wide.body.overall.count).toBe(8);
    const old = await report(`?from=${day(45)}&to=${new Date(Date.now() - 35 * 86_400_000).toISOString()}`);
    expect(old.body.rows).toEqual([
      { subject: 'agent', agentId: id.ana, name: 'ana', count: 1, average: 1, distribution: dist({ 1: 1 }) },
      { subject: 'bot', agentId: null, name: 'Bot', count: 0, average: null, distribution: dist({}) },
    ]);
    const none = await report('?from=2001-01-01&to=2001-01-31');
    expect(none.body.rows).toEqual([{ subject: 'bot', agentId: null, name: 'Bot', count: 0, average: null, distribution: dist({}) }]);
    expect(none.body).toMatchObject({ from: '2001-01-01T00:00:00.000Z', to: '2001-02-01T00:00:00.000Z', overall: { count: 0, average: null } });
  });

  it('is for reports:read, and refuses a bad period', async () => {
    const agent = await login(api.url, ws.users.agent.email, ws.users.agent.password);
    expect((await report('', agent)).status).toBe(403);
    const qa = await login(api.url, ws.users.qa_lead.email, ws.users.qa_lead.password);
    expect((await report('', qa)).status).toBe(200);
    const bad = await report('?from=last-week');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/use a date/);
    const backwards = await report('?from=2025-03-01&to=2025-02-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toMatch(/must be before "to"/);
  });
});
