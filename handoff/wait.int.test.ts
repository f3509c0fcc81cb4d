// Queue standing for waiting customers against real PostgreSQL: place in the skill's queue, and an estimated wait from
// the skill's recent handling times and the agents online; no estimate when nobody with the skill is online.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { testConfig, uniqueSlug } from '../test/services.ts';
import { describeWait, queueStandings } from './index.ts';

let api: TestApi;
let ws: TestWorkspace;

const agent = async (name: string, skill: string) => (await createAgent(api.deps, ws, name, { capacity: 1, skills: [skill], online: true })).id;
async function conversation(set: string, params: unknown[] = []) {
  const r = await call(api.url, '/api/conversations', { body: { workspace: ws.slug } });
  await api.deps.db.query(`UPDATE conversations SET ${set} WHERE id = $1`, [r.body.conversation.id, ...params]);
  return { id: r.body.conversation.id as string, token: r.body.visitorToken as string };
}

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('wait'));
  await api.deps.db.query(`INSERT INTO skills (workspace_id, name, label) VALUES ($1, 'billing', 'Billing'), ($1, 'vip', 'VIP')`, [ws.id]);
  const ana = await agent('ana', 'billing');
  const ben = await agent('ben', 'billing');
  // Both busy (capacity 1 each), and billing conversations recently took 4 minutes to handle.
  for (const a of [ana, ben]) await conversation(`status = 'assigned', skill = 'billing', assignee_id = $2, assigned_at = now()`, [a]);
  for (let i = 0; i < 3; i++) await conversation(`status = 'resolved', skill = 'billing', assignee_id = $2, assigned_at = now() - interval '10 minutes', resolved_at = now() - interval '6 minutes'`, [ana]);
});
afterAll(() => api?.close());

describe('queue standing', () => {
  it('places each customer in their skill\'s queue with a wait from recent handling times', async () => {
    const waiting = [];
    for (let i = 0; i < 3; i++) waiting.push(await conversation(`status = 'queued', skill = 'billing', queued_at = clock_timestamp()`));
    const vip = await conversation(`status = 'queued', skill = 'vip', queued_at = clock_timestamp()`);
    const standings = await queueStandings(api.deps.db, ws.id, { presenceTimeoutS: 60 });
    expect(standings.map((s) => [s.skill, s.position, s.agentsOnline, s.etaSeconds])).toEqual([
      ['billing', 1, 2, 240],
      ['billing', 2, 2, 240],
      ['billing', 3, 2, 480],
      ['vip', 1, 0, null], // nobody with the skill online: no estimate rather than a wrong one
    ]);
    // The customer asks where they stand.
    const r = await call(api.url, `/api/conversations/${waiting[2]!.id}/queue`, { headers: { 'x-visitor-token': waiting[2]!.token } });
    expect(r.body).toEqual({ status: 'queued', queue: { position: 3, etaSeconds: 480, agentsOnline: 2 } });
    const other = await call(api.url, `/api/conversations/${waiting[2]!.id}/queue`, { headers: { 'x-visitor-token': vip.token } });
    expect(other.status).toBe(404);
    expect(describeWait(480, 'en')).toBe('about 8 minutes');
    expect(describeWait(30, 'zh')).toBe('大约 1 分钟');
  });
});
