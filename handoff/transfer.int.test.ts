// Resolve and transfer through the agent API against real PostgreSQL: freed capacity is reassigned at once; transfers
// go to a skill's queue or to an online agent with room; the wrong agent, an unknown skill, an offline or full agent
// are refused with a clear error and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { createContact, createConversation } from '../conversations/index.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';
import { assignWaiting } from './index.ts';

let api: TestApi;
let ws: TestWorkspace;
const id: Record<string, string> = {};
const token: Record<string, string> = {};

async function addAgent(name: string, capacity: number, skills: string[], online: boolean) {
  const agent = await createAgent(api.deps, ws, name, { capacity, skills, online });
  id[name] = agent.id;
  token[name] = await login(api.url, agent.email, agent.password);
}
async function waiting(skill: string) {
  const contact = await createContact(api.deps.db, { workspaceId: ws.id, name: 'Customer' });
  const c = await createConversation(api.deps.db, { workspaceId: ws.id, contactId: contact, channel: 'api' });
  await api.deps.db.query(`UPDATE conversations SET status = 'queued', queued_at = clock_timestamp(), skill = $2 WHERE id = $1`, [c.id, skill]);
  return c.id;
}
const state = async (conversationId: string) =>
  (await api.deps.db.query<{ status: string; assignee_id: string | null; skill: string | null }>('SELECT status, assignee_id, skill FROM conversations WHERE id = $1', [conversationId])).rows[0]!;
/**
 * Assigns what waits and returns the conversation once it is assigned: another test file's API copy sweeping the shared
 * database may hold it during this pass, and then assigns it itself a moment later.
 */
async function assignedNow(conversationId: string) {
  await assignWaiting(api.deps.db, ws.id, { presenceTimeoutS: 60 });
  return assigned(conversationId);
}
const assigned = (conversationId: string) =>
  eventually(async () => {
    const s = await state(conversationId);
    return s.status === 'assigned' ? s : null;
  }, 'the conversation to be assigned', 5_000);
const post = (who: string, path: string, body?: unknown) => call(api.url, path, { token: token[who], method: 'POST', body });

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('transfer'));
  await api.deps.db.query(`INSERT INTO skills (workspace_id, name, label) VALUES ($1, 'billing', 'Billing'), ($1, 'vip', 'VIP')`, [ws.id]);
  await addAgent('ana', 1, ['billing'], true);
  await addAgent('ben', 1, ['billing'], true);
  await addAgent('cho', 1, ['vip'], false);
});
afterAll(() => api?.close());

describe('transfer and resolve', () => {
  it('refuses the wrong agent, unknown skills, offline or full agents, and ambiguous targets — changing nothing', async () => {
    const c = await waiting('billing');
    const owner = (await assignedNow(c)).assignee_id === id.ana ? 'ana' : 'ben';
    const other = owner === 'ana' ? 'ben' : 'ana';

    const notMine = await post(other, `/api/agent/conversations/${c}/transfer`, { skill: 'vip' });
    expect(notMine.status).toBe(403);
    const unknown = await post(owner, `/api/agent/conversations/${c}/transfer`, { skill: 'pre-sales' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/Unknown skill "pre-sales"/);
    const offline = await post(owner, `/api/agent/conversations/${c}/transfer`, { agentId: id.cho });
    expect(offline.status).toBe(409);
    expect(offline.body.error.message).toMatch(/cho is offline/);
    const both = await post(owner, `/api/agent/conversations/${c}/transfer`, { skill: 'vip', agentId: id.cho });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/either "skill" \(its queue\) or "agentId"/);
    // ben/ana each have capacity 1 and one of them is free: fill the free one, then a transfer to them is refused.
    const second = await waiting('billing');
    expect((await assignedNow(second)).assignee_id).toBe(id[other]);
    const full = await post(owner, `/api/agent/conversations/${c}/transfer`, { agentId: id[other] });
    expect(full.status).toBe(409);
    expect(full.body.error.message).toMatch(/at capacity \(1 conversations\)/);
    expect(await state(c)).toMatchObject({ status: 'assigned', assignee_id: id[owner], skill: 'billing' });

    // Resolving frees capacity: the next waiting billing conversation goes to that agent at once.
    const third = await waiting('billing');
    const resolved = await post(owner, `/api/agent/conversations/${c}/resolve`);
    expect(resolved.body.conversation.status).toBe('resolved');
    expect(await assigned(third)).toMatchObject({ status: 'assigned', assignee_id: id[owner] });
    await post(owner, `/api/agent/conversations/${third}/resolve`);
    await post(other, `/api/agent/conversations/${second}/resolve`);
  });

  it('moves a conversation to an online agent with room, keeping the note private', async () => {
    const c = await waiting('billing');
    const owner = (await assignedNow(c)).assignee_id === id.ana ? 'ana' : 'ben';
    const other = owner === 'ana' ? 'ben' : 'ana';
    await api.deps.db.query(`INSERT INTO messages (workspace_id, conversation_id, sender, body) VALUES ($1, $2, 'customer', 'Hello? Anyone there?')`, [ws.id, c]);
    const mine = await call(api.url, '/api/agent/conversations', { token: token[owner] });
    expect(mine.body.conversations).toEqual([expect.objectContaining({ conversationId: c, skill: 'billing', waitingForReply: true, lastMessage: 'Hello? Anyone there?' })]);
    const r = await post(owner, `/api/agent/conversations/${c}/transfer`, { agentId: id[other], note: 'Refund over 500, needs a second look' });
    expect(r.status).toBe(200);
    expect(r.body.conversation).toMatchObject({ status: 'assigned', assigneeId: id[other] });
    const msgs = await api.deps.db.query<{ body: string; private: boolean }>(`SELECT body, private FROM messages WHERE conversation_id = $1 ORDER BY seq`, [c]);
    expect(msgs.rows).toContainEqual({ body: 'Transferred to an agent: Refund over 500, needs a second look', private: true });
    expect(msgs.rows).toContainEqual({ body: 'Another agent has taken over the conversation.', private: false });
    expect((await call(api.url, '/api/agent/conversations', { token: token[owner] })).body.conversations).toEqual([]);
    expect((await call(api.url, '/api/agent/conversations', { token: token[other] })).body.conversations.map((x: { conversationId: string }) => x.conversationId)).toEqual([c]);
    await post(other, `/api/agent/conversations/${c}/resolve`);
  });

  it('sends a conversation to a skill\'s queue, where the next agent with that skill takes it when they come online', async () => {
    const c = await waiting('billing');
    const owner = (await assignedNow(c)).assignee_id === id.ana ? 'ana' : 'ben';
    const r = await post(owner, `/api/agent/conversations/${c}/transfer`, { skill: 'vip', note: 'Gold tier customer' });
    expect(r.body.conversation).toMatchObject({ status: 'queued', skill: 'vip', assigneeId: null });
    const online = await call(api.url, '/api/agent/presence', { token: token.cho, method: 'PUT', body: { status: 'online' } });
    expect(online.body.presence).toBe('online');
    expect(await assigned(c)).toMatchObject({ status: 'assigned', assignee_id: id.cho, skill: 'vip' });
  });

  it('shows the agent the bot\'s turns and the customer, and reopens a resolved conversation to its previous agent', async () => {
    const c = await waiting('billing');
    const owner = (await assignedNow(c)).assignee_id === id.ana ? 'ana' : 'ben';
    const view = await call(api.url, `/api/agent/conversations/${c}`, { token: token[owner] });
    expect(view.body).toMatchObject({ botTurns: [], contact: { name: 'Customer', conversations: [] } });
    const early = await post(owner, `/api/agent/conversations/${c}/reopen`);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/Only a resolved conversation can be reopened; this one is assigned/);
    await post(owner, `/api/agent/conversations/${c}/resolve`);
    // Routing would now send new handoffs to "vip"; a reopened conversation keeps its queue and reason instead.
    await api.deps.db.query(`UPDATE conversations SET handoff_reason = 'frustration' WHERE id = $1`, [c]);
    await api.deps.db.query(`UPDATE workspaces SET settings = settings || '{"defaultSkill": "vip"}' WHERE id = $1`, [ws.id]);
    const reopened = await post(owner, `/api/agent/conversations/${c}/reopen`);
    await api.deps.db.query(`UPDATE workspaces SET settings = settings - 'defaultSkill' WHERE id = $1`, [ws.id]);
    expect(reopened.status).toBe(200);
    expect(await assigned(c)).toMatchObject({ status: 'assigned', assignee_id: id[owner] });
    // It keeps its queue and why it went to people (routing does not run again).
    expect((await state(c)).skill).toBe('billing');
    expect(reopened.body.conversation.handoffReason).toBe('frustration');
  });
  it('holds manual claims to the same limits as automatic assignment: the skill and the capacity', async () => {
    // Fill ana and ben (capacity 1 each; one of them still has the reopened conversation), then one more billing
    // conversation waits.
    await waiting('billing');
    await waiting('billing');
    await assignWaiting(api.deps.db, ws.id, { presenceTimeoutS: 60 });
    await eventually(async () => {
      const { rows } = await api.deps.db.query(`SELECT 1 FROM conversations WHERE assignee_id = ANY($1::uuid[]) AND status = 'assigned'`, [[id.ana, id.ben]]);
      return rows.length === 2;
    }, 'ana and ben to have one conversation each', 5_000);
    const extra = await waiting('billing');
    expect((await state(extra)).status).toBe('queued');
    const anaHasOne = (await api.deps.db.query(`SELECT 1 FROM conversations WHERE assignee_id = $1 AND status = 'assigned'`, [id.ana])).rows.length === 1;
    const full = anaHasOne ? 'ana' : 'ben';
    const atCapacity = await post(full, `/api/agent/conversations/${extra}/claim`);
    expect(atCapacity.status).toBe(409);
    expect(atCapacity.body.error.message).toMatch(/You already have 1 conversation, your capacity/);
    // cho has only the vip skill: a billing conversation is not theirs to take, and claim-next skips it.
    token.cho ??= await login(api.url, `cho@${ws.slug}.test`, 'correct horse battery staple');
    const wrongSkill = await post('cho', `/api/agent/conversations/${extra}/claim`);
    expect(wrongSkill.status).toBe(409);
    expect(wrongSkill.body.error.message).toMatch(/waits for the "billing" skill, which you do not have/);
    const next = await post('cho', '/api/agent/claim-next');
    expect(next.status).toBe(204);
    expect(await state(extra)).toMatchObject({ status: 'queued', assignee_id: null });
  });

  it('never lets concurrent claims take an agent past capacity, even before they have a profile', async () => {
    // The workspace's plain agent has no profile row yet: capacity is the default, 3.
    const five = await Promise.all(Array.from({ length: 5 }, () => waiting('billing')));
    await api.deps.db.query('INSERT INTO agent_skills (user_id, skill_id) SELECT $1, id FROM skills WHERE workspace_id = $2 AND name = $3', [ws.users.agent.id, ws.id, 'billing']);
    token.plain = await login(api.url, ws.users.agent.email, ws.users.agent.password);
    const claims = await Promise.all(five.map((c) => post('plain', `/api/agent/conversations/${c}/claim`)));
    expect(claims.map((r) => r.status).sort()).toEqual([200, 200, 200, 409, 409]);
    const load = await api.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM conversations WHERE assignee_id = $1 AND status = 'assigned'`, [ws.users.agent.id]);
    expect(load.rows[0]!.n).toBe(3);
  });
});
