// Tickets through the API against real PostgreSQL and Redis: created from the API (contact found or created), from a
// conversation, and by the handoff when nobody can take a conversation (off hours, nobody online) — with the
// customer told when to expect a reply; SLA due times by priority, in business hours; replies that reach the
// customer's conversation; optimistic versions (a stale client gets 409, nothing is lost); the breach sweep marking
// each breach once, raising the priority and telling the assignee live; the sweep scheduled in the job backend,
// still running after a restart; the engine assigning tickets by skill and ticket capacity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, login, openEventStream, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';
import { addOpenMinutes, sweepTickets, type BusinessHours } from './index.ts';

let api: TestApi;
let ws: TestWorkspace;
const token: Record<string, string> = {};
const id: Record<string, string> = {};
let apiKey: string;

const HOUR = 3_600_000;
const asAgent = (who: string, path: string, opts: { method?: string; body?: unknown } = {}) => call(api.url, path, { token: token[who], ...opts });
const ticketRow = async (ticketId: string) =>
  (await api.deps.db.query<Record<string, unknown>>('SELECT * FROM tickets WHERE id = $1', [ticketId])).rows[0]!;

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('tickets'));
  await api.deps.db.query(`INSERT INTO skills (workspace_id, name, label) VALUES ($1, 'billing', 'Billing'), ($1, 'returns', 'Returns')`, [ws.id]);
  for (const role of ['agent', 'supervisor', 'admin'] as const) token[role] = await login(api.url, ws.users[role].email, ws.users[role].password);
  const dana = await createAgent(api.deps, ws, 'dana', { capacity: 2, skills: ['billing'], online: true });
  id.dana = dana.id;
  token.dana = await login(api.url, dana.email, dana.password);
  const key = await call(api.url, '/api/admin/api-keys', { token: token.admin, body: { name: 'email bridge', scopes: ['conversations:work'] } });
  expect(key.status).toBe(201);
  apiKey = key.body.key;
});
afterAll(() => api?.close());

describe('tickets', () => {
  it('creates a ticket through the API with SLA due times, finds the contact by email, and the engine assigns it by skill', async () => {
    const before = Date.now();
    const r = await call(api.url, '/api/tickets', { token: apiKey, body: { subject: 'Charged twice', description: 'My card was charged twice for order 1234.', skill: 'billing', priority: 'high', contact: { email: 'pat@example.com', name: 'Pat' } } });
    expect(r.status).toBe(201);
    const t = r.body.ticket;
    expect(t).toMatchObject({ subject: 'Charged twice', status: 'open', priority: 'high', skill: 'billing', source: 'api', contactName: 'Pat', assigneeId: id.dana, version: expect.any(Number) });
    expect(t.number).toBeGreaterThan(0);
    // Default policy for high: first response 4 h, resolution 24 h — calendar time, as this workspace has no hours.
    expect(new Date(t.firstResponseDueAt).getTime() - before).toBeGreaterThanOrEqual(4 * HOUR - 1000);
    expect(new Date(t.firstResponseDueAt).getTime() - before).toBeLessThan(4 * HOUR + 60_000);
    expect(new Date(t.resolutionDueAt).getTime() - new Date(t.firstResponseDueAt).getTime()).toBe(20 * HOUR);
    // What the customer wrote is the first, public comment; the history says who created and who was assigned.
    expect(r.body.comments).toEqual([expect.objectContaining({ authorType: 'customer', public: true, body: expect.stringMatching(/charged twice/) })]);
    expect(r.body.history.map((e: { kind: string }) => e.kind)).toEqual(['created', 'assigned']);

    const again = await call(api.url, '/api/tickets', { token: apiKey, body: { subject: 'Still charged twice', contact: { email: 'PAT@example.com' } } });
    expect(again.body.ticket.contactId).toBe(t.contactId);
    const mine = await asAgent('dana', '/api/tickets?assignee=me&status=open');
    expect(mine.body.tickets.map((x: { id: string }) => x.id)).toContain(t.id);
  });

  it('refuses a stale update with 409 and the current version, and records every change in the history', async () => {
    const created = await asAgent('agent', '/api/tickets', { body: { subject: 'Return label missing' } });
    expect(created.status).toBe(201);
    const t = created.body.ticket;
    const first = await asAgent('agent', `/api/tickets/${t.id}`, { method: 'PATCH', body: { version: t.version, priority: 'urgent', type: 'incident' } });
    expect(first.status).toBe(200);
    expect(first.body.ticket).toMatchObject({ priority: 'urgent', type: 'incident', version: t.version + 1 });
    // Urgent: 60 minutes to the first response, from the ticket's creation.
    expect(new Date(first.body.ticket.firstResponseDueAt).getTime() - new Date(t.createdAt).getTime()).toBe(HOUR);

    // A second agent still holding the old version: 409, and their change is not applied.
    const stale = await asAgent('supervisor', `/api/tickets/${t.id}`, { method: 'PATCH', body: { version: t.version, priority: 'low' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'conflict', details: { yourVersion: t.version, currentVersion: t.version + 1 } });
    expect(stale.body.error.message).toMatch(/Reload it/);
    expect((await ticketRow(t.id)).priority).toBe('urgent');

    const noVersion = await asAgent('agent', `/api/tickets/${t.id}`, { method: 'PATCH', body: { status: 'pending' } });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.error.message).toMatch(/send the version you last read/);

    const hold = await asAgent('agent', `/api/tickets/${t.id}`, { method: 'PATCH', body: { version: t.version + 1, status: 'on-hold', tags: ['carrier'] } });
    expect(hold.body.ticket).toMatchObject({ status: 'on_hold', tags: ['carrier'] });
    const detail = await asAgent('agent', `/api/tickets/${t.id}`);
    // The engine gave it to dana (online, room for tickets) when it was created; then the two edits.
    expect(detail.body.history.map((e: { kind: string }) => e.kind)).toEqual(['created', 'assigned', 'updated', 'updated']);
    expect(detail.body.history.slice(2)).toEqual([
      expect.objectContaining({ kind: 'updated', actorType: 'user', actorId: ws.users.agent.id, changes: { priority: ['normal', 'urgent'], type: ['question', 'incident'] } }),
      expect.objectContaining({ kind: 'updated', changes: { status: ['open', 'on_hold'], tags: [[], ['carrier']] } }),
    ]);
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    const t = (await asAgent('agent', '/api/tickets', { body: { subject: 'Bad input target' } })).body.ticket;
    const unknownSkill = await asAgent('agent', `/api/tickets/${t.id}`, { method: 'PATCH', body: { version: t.version, skill: 'pre-sales' } });
    expect(unknownSkill.status).toBe(400);
    expect(unknownSkill.body.error.message).toMatch(/no skill named "pre-sales"/);
    const badStatus = await asAgent('agent', `/api/tickets/${t.id}`, { method: 'PATCH', body: { version: t.version, status: 'done' } });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.message).toMatch(/status is new, open, pending, on_hold, solved or closed/);
    const someoneElse = await asAgent('agent', `/api/tickets/${t.id}`, { method: 'PATCH', body: { version: t.version, assigneeId: ws.users.supervisor.id } });
    expect(someoneElse.status).toBe(403);
    const badFilter = await asAgent('agent', '/api/tickets?status=open,archived');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.message).toMatch(/unknown status "archived"/);
    expect((await asAgent('agent', `/api/tickets/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await ticketRow(t.id)).version).toBe(t.version);

    const closed = await asAgent('supervisor', `/api/tickets/${t.id}`, { method: 'PATCH', body: { version: t.version, status: 'closed' } });
    expect(closed.status).toBe(200);
    const afterClose = await asAgent('agent', `/api/tickets/${t.id}/comments`, { body: { body: 'one more thing' } });
    expect(afterClose.status).toBe(409);
    expect(afterClose.body.error.message).toMatch(/is closed and can no longer change/);
    const visitorLike = await call(api.url, '/api/tickets', { token: token.agent, body: { subject: '' } });
    expect(visitorLike.status).toBe(400);
  });

  it('answers a ticket from a conversation in that conversation; internal comments stay internal; a customer reply starts the next-response clock', async () => {
    const start = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget', name: 'Riley' } });
    expect(start.status).toBe(201);
    const visitor = { 'x-visitor-token': start.body.visitorToken as string };
    const conversationId = start.body.conversation.id as string;
    const created = await asAgent('agent', '/api/tickets', { body: { subject: 'Follow up on refund', conversationId, description: 'Customer waits for finance.' } });
    expect(created.body.ticket).toMatchObject({ source: 'conversation', contactName: 'Riley', conversationId });
    expect(created.body.comments[0]).toMatchObject({ authorType: 'agent', public: false });
    const t = created.body.ticket;

    const note = await asAgent('agent', `/api/tickets/${t.id}/comments`, { body: { body: 'Finance says Friday.', public: false } });
    expect(note.status).toBe(201);
    const reply = await asAgent('agent', `/api/tickets/${t.id}/comments`, { body: { body: 'Your refund goes out on Friday.' } });
    expect(reply.status).toBe(201);
    expect(reply.body.ticket.firstRespondedAt).toBeTruthy();
    const transcript = await call(api.url, `/api/conversations/${conversationId}`, { headers: visitor });
    const bodies = transcript.body.messages.map((m: { body: string }) => m.body);
    expect(bodies).toContain('Your refund goes out on Friday.');
    expect(bodies).not.toContain('Finance says Friday.');

    const pending = await asAgent('agent', `/api/tickets/${t.id}`, { method: 'PATCH', body: { version: reply.body.ticket.version, status: 'pending' } });
    expect(pending.body.ticket.status).toBe('pending');
    // The customer writes again in the conversation: the ticket reopens and the next reply is due (normal: 16 h).
    const wrote = await call(api.url, `/api/conversations/${conversationId}/messages`, { headers: visitor, body: { text: 'Thanks, and what about the shipping fee?' } });
    expect(wrote.status).toBeLessThan(300);
    const row = await ticketRow(t.id);
    expect(row.status).toBe('open');
    expect((row.next_response_due_at as Date).getTime() - Date.now()).toBeGreaterThan(15 * HOUR);

    const history = (await asAgent('agent', `/api/tickets/${t.id}`)).body.history;
    expect(history.at(-1)).toMatchObject({ kind: 'replied', actorType: 'customer', changes: { from: 'customer', via: 'conversation', status: ['pending', 'open'] } });

    // The customer's profile lists the ticket.
    const view = await asAgent('supervisor', `/api/agent/conversations/${conversationId}`);
    expect(view.body.contact.tickets).toEqual([expect.objectContaining({ id: t.id, number: t.number, status: 'open' })]);

    // An integration's reply reaches the conversation without a person's id; the customer can still rate, then close it.
    expect((await call(api.url, `/api/tickets/${t.id}/comments`, { token: apiKey, body: { body: 'The shipping fee is refunded too.' } })).status).toBe(201);
    const rated = await call(api.url, `/api/conversations/${conversationId}/rating`, { headers: visitor, body: { score: 5 } });
    expect(rated.status).toBe(200);
    const closed = await call(api.url, `/api/conversations/${conversationId}/resolve`, { headers: visitor, method: 'POST' });
    expect(closed.status).toBe(200);
    expect(await ticketRow(t.id)).toMatchObject({ status: 'solved' });
  });

  it('relays a customer\'s email reply through an API key, reopening a solved ticket', async () => {
    const t = (await call(api.url, '/api/tickets', { token: apiKey, body: { subject: 'Password reset', contact: { email: 'sam@example.com' } } })).body.ticket;
    const solved = await call(api.url, `/api/tickets/${t.id}`, { token: token.supervisor, method: 'PATCH', body: { version: t.version, status: 'solved' } });
    expect(solved.body.ticket).toMatchObject({ status: 'solved', solvedAt: expect.any(String) });
    const customer = await call(api.url, `/api/tickets/${t.id}/comments`, { token: apiKey, body: { body: 'It still does not work.', from: 'customer' } });
    expect(customer.status).toBe(201);
    expect(customer.body.ticket).toMatchObject({ status: 'open', solvedAt: null });
    expect(customer.body.comment).toMatchObject({ authorType: 'customer', public: true });
    const agentAsCustomer = await asAgent('agent', `/api/tickets/${t.id}/comments`, { body: { body: 'x', from: 'customer' } });
    expect(agentAsCustomer.status).toBe(403);
  });

  it('computes due times in business hours and lets admins change the SLA policies', async () => {
    const bad = await call(api.url, '/api/team/sla-policies', { token: token.admin, method: 'PUT', body: { policies: [{ priority: 'asap', firstResponseMinutes: 10, nextResponseMinutes: null, resolutionMinutes: null }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/priority is low, normal, high or urgent/);
    expect((await call(api.url, '/api/team/sla-policies', { token: token.agent, method: 'PUT', body: { policies: [] } })).status).toBe(403);
    const put = await call(api.url, '/api/team/sla-policies', {
      token: token.admin,
      method: 'PUT',
      body: { policies: [{ priority: 'low', firstResponseMinutes: 120, nextResponseMinutes: 240, resolutionMinutes: 600 }] },
    });
    expect(put.status).toBe(200);
    expect(put.body.policies.find((p: { priority: string }) => p.priority === 'low')).toMatchObject({ firstResponseMinutes: 120, businessHours: true });
    expect(put.body.policies.find((p: { priority: string }) => p.priority === 'urgent')).toMatchObject({ firstResponseMinutes: 60 });

    // The returns skill keeps short hours: a low ticket for it is due 2 open hours after creation.
    const hours: BusinessHours = { timezone: 'Asia/Shanghai', weekly: { mon: [{ open: '09:00', close: '10:00' }], thu: [{ open: '09:00', close: '10:00' }] } };
    await api.deps.db.query(`UPDATE skills SET business_hours = $2 WHERE workspace_id = $1 AND name = 'returns'`, [ws.id, JSON.stringify(hours)]);
    const r = await asAgent('agent', '/api/tickets', { body: { subject: 'Broken box', priority: 'low', skill: 'returns' } });
    const created = new Date(r.body.ticket.createdAt);
    expect(r.body.ticket.firstResponseDueAt).toBe(addOpenMinutes(hours, created, 120)!.toISOString());
    expect(new Date(r.body.ticket.firstResponseDueAt).getTime() - created.getTime()).toBeGreaterThan(24 * HOUR);
  });

  it('marks each breach once, raises the priority and tells the assignee live', async () => {
    const t = (await asAgent('dana', '/api/tickets', { body: { subject: 'Invoice address wrong', skill: 'billing', assigneeId: id.dana } })).body.ticket;
    expect(t).toMatchObject({ assigneeId: id.dana, status: 'open', priority: 'normal' });
    const stream = await openEventStream(`${api.url}/api/agent/events`, { authorization: `Bearer ${token.dana}` });
    expect(stream.status).toBe(200);
    await stream.readUntil(/: ?connected|retry/);

    const early = await sweepTickets(api.deps, new Date(Date.now() + HOUR), { workspaceId: ws.id });
    expect(early.breaches.filter((b) => b.ticketId === t.id)).toEqual([]);
    // Past the first-response target (normal: 8 h) but not the resolution (48 h).
    const later = new Date(Date.now() + 9 * HOUR);
    const sweep = await sweepTickets(api.deps, later, { workspaceId: ws.id });
    expect(sweep.breaches.filter((b) => b.ticketId === t.id)).toEqual([expect.objectContaining({ target: 'first_response', priority: ['normal', 'high'] })]);
    const text = await stream.readUntil(/event: sla_breach[\s\S]*?\n\n/);
    expect(text).toMatch(new RegExp(`"ticketId":"${t.id}".*"target":"first_response"`));
    stream.close();

    const row = await ticketRow(t.id);
    expect(row).toMatchObject({ priority: 'high', first_response_breached_at: later, resolution_breached_at: null });
    expect((await sweepTickets(api.deps, later, { workspaceId: ws.id })).breaches.filter((b) => b.ticketId === t.id)).toEqual([]);
    const history = (await asAgent('dana', `/api/tickets/${t.id}`)).body.history;
    expect(history.filter((e: { kind: string }) => e.kind === 'sla_breached')).toEqual([expect.objectContaining({ actorType: 'system', changes: expect.objectContaining({ target: 'first_response', priority: ['normal', 'high'] }) })]);
    expect((await asAgent('dana', '/api/tickets?breached=true&assignee=me')).body.tickets.map((x: { id: string }) => x.id)).toContain(t.id);

    // A reply meets the first response; no later sweep marks it again.
    await asAgent('dana', `/api/tickets/${t.id}/comments`, { body: { body: 'Fixed the address.' } });
    const byResolution = await sweepTickets(api.deps, new Date(Date.now() + 60 * HOUR), { workspaceId: ws.id });
    expect(byResolution.breaches.filter((b) => b.ticketId === t.id).map((b) => b.target)).toEqual(['resolution']);
  });

  it('holds agents taking tickets to their skills and ticket capacity, and keeps others\' tickets for supervisors to move', async () => {
    const eve = await createAgent(api.deps, ws, 'eve', { capacity: 1, skills: ['returns'], online: false });
    const eveToken = await login(api.url, eve.email, eve.password);
    await api.deps.db.query('UPDATE agent_profiles SET ticket_capacity = 1 WHERE user_id = $1', [eve.id]);
    await api.deps.db.query(`INSERT INTO skills (workspace_id, name, label) VALUES ($1, 'legal', 'Legal')`, [ws.id]);
    const legal = (await asAgent('supervisor', '/api/tickets', { body: { subject: 'A legal question', skill: 'legal' } })).body.ticket;
    expect(legal.assigneeId).toBeNull(); // nobody online has the skill
    const noSkill = await call(api.url, `/api/tickets/${legal.id}`, { token: eveToken, method: 'PATCH', body: { version: legal.version, assigneeId: eve.id } });
    expect(noSkill.status).toBe(409);
    expect(noSkill.body.error.message).toMatch(/for the "legal" skill, which you do not have/);
    const r1 = (await asAgent('supervisor', '/api/tickets', { body: { subject: 'Return 1', skill: 'returns' } })).body.ticket;
    const r2 = (await asAgent('supervisor', '/api/tickets', { body: { subject: 'Return 2', skill: 'returns' } })).body.ticket;
    expect((await call(api.url, `/api/tickets/${r1.id}`, { token: eveToken, method: 'PATCH', body: { version: r1.version, assigneeId: eve.id } })).status).toBe(200);
    const full = await call(api.url, `/api/tickets/${r2.id}`, { token: eveToken, method: 'PATCH', body: { version: r2.version, assigneeId: eve.id } });
    expect(full.status).toBe(409);
    expect(full.body.error.message).toMatch(/You already work 1 open ticket, your ticket capacity/);
    // Someone else's ticket: not taken over, not unassigned, by an agent; a supervisor may.
    const held = (await asAgent('dana', '/api/tickets', { body: { subject: 'Dana has it', skill: 'billing', assigneeId: id.dana } })).body.ticket;
    const takeOver = await asAgent('agent', `/api/tickets/${held.id}`, { method: 'PATCH', body: { version: held.version, assigneeId: ws.users.agent.id } });
    expect(takeOver.status).toBe(403);
    expect(takeOver.body.error.message).toMatch(/dana has ticket #\d+; ask a supervisor to reassign it/);
    expect((await asAgent('agent', `/api/tickets/${held.id}`, { method: 'PATCH', body: { version: held.version, assigneeId: null } })).status).toBe(403);
    // Sending the current assignee again is no change, not a 403.
    expect((await asAgent('agent', `/api/tickets/${held.id}`, { method: 'PATCH', body: { version: held.version, assigneeId: id.dana, tags: ['x'] } })).status).toBe(200);
    const moved = await asAgent('supervisor', `/api/tickets/${held.id}`, { method: 'PATCH', body: { version: held.version + 1, assigneeId: eve.id } });
    expect(moved.status).toBe(200);
    expect(moved.body.ticket.assigneeId).toBe(eve.id);
  });

  it('refuses an empty or missing contact instead of creating nobody', async () => {
    const empty = await call(api.url, '/api/tickets', { token: apiKey, body: { subject: 'x', contact: { externalId: '' } } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/contact.externalId is empty/);
    const nobody = await call(api.url, '/api/tickets', { token: apiKey, body: { subject: 'x', contact: {} } });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.message).toMatch(/say who the contact is/);
    // The same external id twice at once: one contact.
    const both = await Promise.all([1, 2].map((n) => call(api.url, '/api/tickets', { token: apiKey, body: { subject: `crm ${n}`, contact: { externalId: 'crm-77', name: 'Quinn' } } })));
    expect(both.map((b) => b.status)).toEqual([201, 201]);
    expect(both[0]!.body.ticket.contactId).toBe(both[1]!.body.ticket.contactId);
  });

  it('closes tickets solved four days ago', async () => {
    const t = (await asAgent('agent', '/api/tickets', { body: { subject: 'Thanks!' } })).body.ticket;
    await asAgent('agent', `/api/tickets/${t.id}`, { method: 'PATCH', body: { version: t.version, status: 'solved' } });
    await sweepTickets(api.deps, new Date(Date.now() + 3 * 24 * HOUR), { workspaceId: ws.id });
    expect((await ticketRow(t.id)).status).toBe('solved');
    await sweepTickets(api.deps, new Date(Date.now() + 5 * 24 * HOUR), { workspaceId: ws.id });
    expect((await ticketRow(t.id)).status).toBe('closed');
  });
});

describe('handoff when nobody can take the conversation', () => {
  it('opens a ticket off hours and tells the customer when to expect a reply; the agent who later takes the chat gets the ticket too', async () => {
    const closedWs = await createTestWorkspace(api.deps, uniqueSlug('closed'));
    // Open only on a day that never comes soon: 00:00–00:01 on Sundays, in a zone where it is certainly not that now.
    const hours: BusinessHours = { timezone: 'UTC', weekly: { sun: [{ open: '00:00', close: '00:01' }] } };
    await api.deps.db.query(`UPDATE workspaces SET settings = settings || $2::jsonb WHERE id = $1`, [closedWs.id, JSON.stringify({ businessHours: hours })]);
    const start = await call(api.url, '/api/conversations', { body: { workspace: closedWs.slug, channel: 'widget', name: 'Kim' } });
    const visitor = { 'x-visitor-token': start.body.visitorToken as string };
    const conversationId = start.body.conversation.id as string;
    const asked = await call(api.url, `/api/conversations/${conversationId}/handoff`, { headers: visitor, body: {} });
    expect(asked.status).toBeLessThan(300);
    // The customer sees the ticket's number and when to expect a reply — nothing of its staff side.
    expect(asked.body.ticket).toEqual({ number: expect.any(Number), replyBy: expect.any(String) });
    const tickets = await api.deps.db.query<{ id: string; number: number; source: string; first_response_due_at: Date; status: string }>('SELECT id, number::int, source, first_response_due_at, status FROM tickets WHERE conversation_id = $1', [conversationId]);
    expect(tickets.rows).toEqual([expect.objectContaining({ source: 'off_hours', status: 'new' })]);
    const t = tickets.rows[0]!;
    // Due in open time: the first minute of a coming Sunday at the earliest.
    expect(t.first_response_due_at.getUTCDay()).toBe(0);
    const transcript = await call(api.url, `/api/conversations/${conversationId}`, { headers: visitor });
    const system = transcript.body.messages.filter((m: { sender: string }) => m.sender === 'system').map((m: { body: string }) => m.body).join('\n');
    expect(system).toMatch(/Our team is offline right now/);
    expect(system).toMatch(new RegExp(`We have opened ticket #${t.number} for you; expect a reply by Sun`));

    // A second request is not a second ticket.
    await call(api.url, `/api/conversations/${conversationId}/handoff`, { headers: visitor, body: {} });
    expect((await api.deps.db.query('SELECT 1 FROM tickets WHERE conversation_id = $1', [conversationId])).rows).toHaveLength(1);

    // An agent comes online and claims the chat: the ticket follows them; their reply in the chat is its first response.
    const lee = await createAgent(api.deps, closedWs, 'lee', { capacity: 2, skills: [], online: true });
    const leeToken = await login(api.url, lee.email, lee.password);
    const claim = await call(api.url, `/api/agent/conversations/${conversationId}/claim`, { token: leeToken, method: 'POST' });
    expect(claim.status).toBe(200);
    await call(api.url, `/api/agent/conversations/${conversationId}/messages`, { token: leeToken, body: { text: 'Good morning Kim, I am on it.' } });
    const row = (await api.deps.db.query<{ assignee_id: string; status: string; first_responded_at: Date | null }>('SELECT assignee_id, status, first_responded_at FROM tickets WHERE id = $1', [t.id])).rows[0]!;
    expect(row).toMatchObject({ assignee_id: lee.id, status: 'open' });
    expect(row.first_responded_at).toBeInstanceOf(Date);
    // Resolving the chat solves its ticket.
    await call(api.url, `/api/agent/conversations/${conversationId}/resolve`, { token: leeToken, method: 'POST' });
    expect((await api.deps.db.query<{ status: string }>('SELECT status FROM tickets WHERE id = $1', [t.id])).rows[0]!.status).toBe('solved');
  });
});

describe('the sweep as a scheduled job', () => {
  it('runs from the job backend and keeps running after a restart', async () => {
    const config = testConfig({ SLA_SWEEP_S: '1' });
    let first: TestApi | null = await startTestApi(config);
    const own = await createTestWorkspace(first.deps, uniqueSlug('sweep'));
    const overdue = async (label: string) => {
      const { rows } = await first!.deps.db.query<{ id: string }>(
        `INSERT INTO tickets (workspace_id, subject, source, first_response_due_at) VALUES ($1, $2, 'api', now() - interval '1 minute') RETURNING id`,
        [own.id, label],
      );
      return rows[0]!.id;
    };
    const breached = (ticketId: string) => async () =>
      (await first!.deps.db.query<{ at: Date | null }>('SELECT first_response_breached_at AS at FROM tickets WHERE id = $1', [ticketId])).rows[0]!.at;
    const a = await overdue('before restart');
    await eventually(breached(a), 'the scheduled sweep to mark the first breach');
    await first.close();
    // A new process on the same queue prefix: the scheduler is stored in the backend, so the sweep goes on.
    first = await startTestApi(config);
    const b = await overdue('after restart');
    await eventually(breached(b), 'the sweep to mark a breach after the restart');
    await first.close();
    first = null;
  });
});
