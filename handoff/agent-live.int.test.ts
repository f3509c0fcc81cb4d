// Agents' own live streams through the API against real PostgreSQL and Redis: assignments (automatic, claimed, reassigned),
// customer messages and typing reach only the agent who has the conversation, queue counts reach every agent, and
// all of it crosses API copies (one agent follows a second copy of the API on the same Redis). "Agent is typing"
// reaches the customer. A visitor types only into their own conversation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, login, openEventStream, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { testConfig, uniqueSlug } from '../test/services.ts';

let api: TestApi;
/** A second copy of the API on the same Redis (the same one when there is no Redis: events stay in one process). */
let copy: TestApi;
let ws: TestWorkspace;
const agent: Record<'ana' | 'ben', { id: string; token: string }> = {} as never;
type Customer = { id: string; token: string };

async function start(): Promise<Customer> {
  const r = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, name: 'Casey', channel: 'widget' } });
  return { id: r.body.conversation.id, token: r.body.visitorToken };
}
const send = (c: Customer, text: string) => call(api.url, `/api/conversations/${c.id}/messages`, { headers: { 'x-visitor-token': c.token }, body: { text } });
async function agentStream(url: string, token: string) {
  const s = await openEventStream(`${url}/api/agent/events`, { authorization: `Bearer ${token}` });
  expect(s.status).toBe(200);
  await s.readUntil(/event: ready/);
  return s;
}
/** The events of one type in an SSE text, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const eventsOf = (text: string, type: string): any[] =>
  text
    .split('\n\n')
    .filter((block) => block.includes(`event: ${type}\n`))
    .map((block) => JSON.parse(/^data: (.+)$/m.exec(block)![1]!));

beforeAll(async () => {
  api = await startTestApi(testConfig());
  copy = api.deps.events.kind === 'redis' ? await startTestApi(testConfig({ QUEUE_PREFIX: api.deps.config.QUEUE_PREFIX })) : api;
  ws = await createTestWorkspace(api.deps, uniqueSlug('live'));
  const team: ['ana' | 'ben', { capacity: number; skills: string[]; online: boolean }][] = [['ana', { capacity: 1, skills: [], online: true }], ['ben', { capacity: 2, skills: [], online: false }]];
  for (const [name, opts] of team) {
    const a = await createAgent(api.deps, ws, name, opts);
    agent[name] = { id: a.id, token: await login(api.url, a.email, a.password) };
  }
});
afterAll(async () => {
  if (copy && copy !== api) await copy.close();
  await api?.close();
});

describe('agent live stream', () => {
  let first: Customer;

  it('gives each agent their own assignments, customer messages and typing, and every agent the queue counts, across API copies', async () => {
    const ana = await agentStream(copy.url, agent.ana.token); // the other copy: events cross Redis to reach her
    const ben = await agentStream(api.url, agent.ben.token);
    expect(eventsOf(ana.text(), 'queue')[0]).toMatchObject({ waiting: 0, bySkill: [] }); // where the queue stands on connecting

    // The customer asks for a person; ana is online with room, so the conversation is hers at once.
    first = await start();
    await send(first, 'I want to talk to a human');
    const [assigned] = eventsOf(await ana.readUntil(/event: assignment/), 'assignment');
    expect(assigned).toMatchObject({ how: 'automatic', conversation: { id: first.id, status: 'assigned', assigneeId: agent.ana.id, handoffReason: 'customer_asked' } });
    expect(assigned.conversation.handoffSummary).toMatch(/talk to a human/); // the agent view

    await send(first, 'My parcel never arrived');
    const [message] = eventsOf(await ana.readUntil(/event: message/), 'message');
    expect(message).toMatchObject({ conversationId: first.id, message: { sender: 'customer', body: 'My parcel never arrived' } });

    const typing = await call(api.url, `/api/conversations/${first.id}/typing`, { headers: { 'x-visitor-token': first.token }, body: { typing: true } });
    expect(typing.status).toBe(204);
    expect(eventsOf(await ana.readUntil(/event: typing/), 'typing')).toEqual([expect.objectContaining({ conversationId: first.id, typing: true })]);

    // A second customer waits (ana is full, ben offline): every agent hears the queue grow, then shrink when ben claims it.
    const second = await start();
    await call(api.url, `/api/conversations/${second.id}/handoff`, { headers: { 'x-visitor-token': second.token }, method: 'POST' });
    for (const s of [ana, ben]) expect(eventsOf(await s.readUntil(/"waiting":1/), 'queue').at(-1)).toMatchObject({ waiting: 1, bySkill: [{ skill: null, waiting: 1 }] });
    // Ben comes online behind the assigner's back (as if between two of its passes), and takes it by hand.
    await api.deps.db.query(`UPDATE agent_profiles SET presence = 'online', last_heartbeat_at = now() WHERE user_id = $1`, [agent.ben.id]);
    const claim = await call(api.url, `/api/agent/conversations/${second.id}/claim`, { token: agent.ben.token, method: 'POST' });
    expect(claim.status).toBe(200);
    const [claimed] = eventsOf(await ben.readUntil(/event: assignment/), 'assignment');
    expect(claimed).toMatchObject({ how: 'claimed', conversation: { id: second.id, assigneeId: agent.ben.id } });
    for (const s of [ana, ben]) await s.readUntil(/"waiting":1[\s\S]*"waiting":0/);

    // Each saw only their own: ben's stream (which got events published after ana's) has nothing of her conversation,
    // and ana's nothing of ben's claim.
    ana.close();
    ben.close();
    expect(ben.text()).not.toContain(first.id);
    expect(eventsOf(ben.text(), 'message')).toEqual([]);
    expect(eventsOf(ben.text(), 'typing')).toEqual([]);
    expect(eventsOf(ana.text(), 'assignment').map((e) => e.conversation.id)).toEqual([first.id]);
  });

  it('shows the customer that their agent is typing; only that agent may, and a visitor types only in their own conversation', async () => {
    const live = await openEventStream(`${api.url}/api/conversations/${first.id}/events`, { 'x-visitor-token': first.token });
    await live.readUntil(/event: ready/);
    const typing = await call(api.url, `/api/agent/conversations/${first.id}/typing`, { token: agent.ana.token, body: { typing: true } });
    expect(typing.status).toBe(204);
    const text = await live.readUntil(/event: typing/);
    live.close();
    expect(eventsOf(text, 'typing')).toEqual([expect.objectContaining({ sender: 'agent', typing: true })]);
    expect(text).not.toContain(agent.ana.id); // no staff ids for the customer

    const notHers = await call(api.url, `/api/agent/conversations/${first.id}/typing`, { token: agent.ben.token, body: { typing: true } });
    expect(notHers.status).toBe(403);
    const unknown = await call(api.url, '/api/agent/conversations/00000000-0000-4000-8000-000000000000/typing', { token: agent.ana.token, body: { typing: true } });
    expect(unknown.status).toBe(404);
    const bad = await call(api.url, `/api/agent/conversations/${first.id}/typing`, { token: agent.ana.token, body: { typing: 'yes' } });
    expect(bad.status).toBe(400);

    const stranger = await start();
    const foreign = await call(api.url, `/api/conversations/${first.id}/typing`, { headers: { 'x-visitor-token': stranger.token }, body: { typing: true } });
    expect(foreign.status).toBe(404);
    const staff = await call(api.url, `/api/conversations/${first.id}/typing`, { token: agent.ana.token, body: { typing: true } });
    expect(staff.status).toBe(403);
  });

  it('tells the new agent when a supervisor reassigns a conversation to them', async () => {
    const ben = await agentStream(api.url, agent.ben.token);
    const supervisor = await login(api.url, ws.users.supervisor.email, ws.users.supervisor.password);
    const moved = await call(api.url, `/api/agent/conversations/${first.id}/transfer`, { token: supervisor, body: { agentId: agent.ben.id } });
    expect(moved.status).toBe(200);
    const [assigned] = eventsOf(await ben.readUntil(/event: assignment/), 'assignment');
    ben.close();
    expect(assigned).toMatchObject({ how: 'transferred', conversation: { id: first.id, assigneeId: agent.ben.id } });
  });

  it('lets only signed-in agents open the stream', async () => {
    expect((await call(api.url, '/api/agent/events')).status).toBe(401);
    const kb = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
    expect((await call(api.url, '/api/agent/events', { token: kb })).status).toBe(403);
  });
});
