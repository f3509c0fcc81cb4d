// Routing through the real handoff path against PostgreSQL: rules in order pick the skill's queue, VIP contacts get
// priority, the knowledge collection's default skill and the workspace's default skill fill in, and rules naming an
// unknown skill are refused without changing the stored ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { testConfig, uniqueSlug } from '../test/services.ts';
import { decideRoute } from './index.ts';

let api: TestApi;
let ws: TestWorkspace;
let supervisor: string;

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('routing'));
  supervisor = await login(api.url, ws.users.supervisor.email, ws.users.supervisor.password);
  for (const name of ['billing', 'vip', 'general']) expect((await call(api.url, '/api/team/skills', { token: supervisor, body: { name } })).status).toBe(201);
});
afterAll(() => api?.close());

async function handOver(text: string, opts: { tier?: string } = {}) {
  const c = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget' } });
  if (opts.tier) await api.deps.db.query('UPDATE contacts SET tier = $2 WHERE id = $1', [c.body.conversation.contactId, opts.tier]);
  const headers = { 'x-visitor-token': c.body.visitorToken };
  await call(api.url, `/api/conversations/${c.body.conversation.id}/messages`, { headers, body: { text } });
  const row = await api.deps.db.query<{ status: string; skill: string | null; priority: number }>('SELECT status, skill, priority FROM conversations WHERE id = $1', [c.body.conversation.id]);
  return row.rows[0]!;
}

describe('routing', () => {
  it('refuses rules that name an unknown skill and keeps the stored ones', async () => {
    const ok = await call(api.url, '/api/team/routing-rules', {
      token: supervisor,
      method: 'PUT',
      body: { rules: [{ name: 'VIP first', when: { tiers: ['vip'] }, skill: 'vip', priority: 20 }, { name: 'Billing words', when: { keywords: ['refund', 'invoice', '退款'] }, skill: 'billing' }] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.rules.map((r: { name: string }) => r.name)).toEqual(['VIP first', 'Billing words']);
    const bad = await call(api.url, '/api/team/routing-rules', { token: supervisor, method: 'PUT', body: { rules: [{ name: 'x', when: {}, skill: 'pre-sales' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Unknown skill in the rules: pre-sales/);
    expect((await call(api.url, '/api/team/routing-rules', { token: supervisor })).body.rules).toHaveLength(2);
    const agent = await login(api.url, ws.users.agent.email, ws.users.agent.password);
    expect((await call(api.url, '/api/team/routing-rules', { token: agent, method: 'PUT', body: { rules: [] } })).status).toBe(403);
  });

  it('puts a handed-over conversation in the queue the rules pick, with VIP priority', async () => {
    expect(await handOver('I want a human to look at my invoice')).toMatchObject({ status: 'queued', skill: 'billing', priority: 0 });
    expect(await handOver('talk to a person about my invoice', { tier: 'vip' })).toMatchObject({ status: 'queued', skill: 'vip', priority: 20 });
    // No rule matches and no collection was involved: the workspace's default skill, once set.
    expect(await handOver('I want to talk to a human')).toMatchObject({ status: 'queued', skill: null });
    const admin = await login(api.url, ws.users.admin.email, ws.users.admin.password);
    const unknown = await call(api.url, '/api/admin/settings', { token: admin, method: 'PATCH', body: { defaultSkill: 'generall' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/Unknown skill "generall" for defaultSkill/);
    expect((await call(api.url, '/api/admin/settings', { token: admin, method: 'PATCH', body: { defaultSkill: 'general' } })).status).toBe(200);
    expect(await handOver('I want to talk to a human')).toMatchObject({ status: 'queued', skill: 'general' });
  });

  it('falls back to the default skill of the collection the bot searched, before the workspace default', async () => {
    const { rows } = await api.deps.db.query<{ id: string; name: string }>(
      `INSERT INTO kb_collections (workspace_id, name, default_skill) VALUES ($1, 'Returns policy', 'billing'), ($1, 'Shop FAQ', NULL), ($1, 'VIP perks', 'vip') RETURNING id, name`,
      [ws.id],
    );
    const col = Object.fromEntries(rows.map((r) => [r.name, r.id]));
    const ctx = { reason: 'low_confidence' as const, text: 'how do I send it back', language: 'en', channel: 'widget', tier: null };
    // The first collection (in the order the passages ranked) that names a skill wins; one without a skill is skipped.
    expect(await decideRoute(api.deps.db, ws.id, { ...ctx, collectionIds: [col['Shop FAQ']!, col['Returns policy']!, col['VIP perks']!] })).toMatchObject({ skill: 'billing', by: 'collection: Returns policy' });
    expect(await decideRoute(api.deps.db, ws.id, { ...ctx, collectionIds: [col['VIP perks']!, col['Returns policy']!] })).toMatchObject({ skill: 'vip', by: 'collection: VIP perks' });
    // No collection with a skill: the workspace default (set in the test above).
    expect(await decideRoute(api.deps.db, ws.id, { ...ctx, collectionIds: [col['Shop FAQ']!] })).toMatchObject({ skill: 'general', by: 'workspace default' });
    // A matching rule with a skill comes before any collection.
    expect(await decideRoute(api.deps.db, ws.id, { ...ctx, text: 'refund please', collectionIds: [col['VIP perks']!] })).toMatchObject({ skill: 'billing', by: 'rule: Billing words' });
  });

  it('raises priority with waiting time, one step per 10 minutes up to five, below VIP', async () => {
    await call(api.url, '/api/team/skills', { token: supervisor, body: { name: 'aging' } });
    const queued = async (priority: number, minutesAgo: number) => {
      const c = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget' } });
      await api.deps.db.query(`UPDATE conversations SET status = 'queued', skill = 'aging', priority = $2, queued_at = now() - make_interval(mins => $3) WHERE id = $1`, [c.body.conversation.id, priority, minutesAgo]);
      return c.body.conversation.id as string;
    };
    const fresh3 = await queued(3, 0);
    const waited35 = await queued(0, 35); // +3: level with fresh3, and earlier
    const waited90 = await queued(0, 90); // +5 at most
    const vip = await queued(10, 0);
    // SLA: a conversation whose ticket is past its first-response due time gains five steps more; one whose ticket is
    // not due yet (or was answered) gains nothing.
    const overdue = await queued(0, 1);
    const notDue = await queued(0, 2);
    const ticket = (conversationId: string, dueMinutes: number) =>
      api.deps.db.query(
        `INSERT INTO tickets (workspace_id, subject, conversation_id, source, first_response_due_at) VALUES ($1, 'Waiting', $2, 'no_agent', now() + make_interval(mins => $3))`,
        [ws.id, conversationId, dueMinutes],
      );
    await ticket(overdue, -5);
    await ticket(notDue, 60);
    const q = (await call(api.url, '/api/agent/queue?skill=aging', { token: supervisor })).body.queue;
    expect(q.map((e: { conversationId: string }) => e.conversationId)).toEqual([vip, waited90, overdue, waited35, fresh3, notDue]);
    expect(q.map((e: { effectivePriority: number }) => e.effectivePriority)).toEqual([10, 5, 5, 3, 3, 0]);
    expect(q.map((e: { position: number }) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('routes by the intent the bot saw (sensitive topic, article tags) and by the collection it read', async () => {
    const [faq] = (await api.deps.db.query<{ id: string }>(`INSERT INTO kb_collections (workspace_id, name) VALUES ($1, 'Shipping FAQ') RETURNING id`, [ws.id])).rows;
    const doc = await api.deps.db.query<{ id: string }>(
      `INSERT INTO documents (workspace_id, collection_id, title, mime, content_hash, tags) VALUES ($1, $2, 'Lost parcels', 'text/markdown', 'x', '{courier,shipping}') RETURNING id`,
      [ws.id, faq!.id],
    );
    const put = (rules: unknown[]) => call(api.url, '/api/team/routing-rules', { token: supervisor, method: 'PUT', body: { rules } });
    const unknownCollection = await put([{ name: 'x', when: { collections: ['Shiping FAQ'] }, skill: 'general' }]);
    expect(unknownCollection.status).toBe(400);
    expect(unknownCollection.body.error.message).toMatch(/Unknown knowledge collection in the rules: Shiping FAQ/);
    const saved = await put([
      { name: 'Legal', when: { intents: ['legal'] }, skill: 'vip', priority: 30 },
      { name: 'Couriers', when: { intents: ['courier'] }, skill: 'general' },
      { name: 'Shipping articles', when: { collections: ['shipping faq'] }, skill: 'billing' },
    ]);
    expect(saved.status).toBe(200);
    expect(saved.body.rules[0].when).toEqual({ intents: ['legal'] });
    const ctx = { reason: 'low_confidence' as const, text: 'where is it', language: 'en', channel: 'widget', tier: null, collectionIds: [faq!.id] };
    expect(await decideRoute(api.deps.db, ws.id, { ...ctx, documentIds: [doc.rows[0]!.id] })).toMatchObject({ skill: 'general', by: 'rule: Couriers' });
    expect(await decideRoute(api.deps.db, ws.id, ctx)).toMatchObject({ skill: 'billing', by: 'rule: Shipping articles' });
    // Through the bot: the default "legal" topic sends the customer to a person, and the Legal rule picks the queue.
    expect(await handOver('I will contact a lawyer about this order')).toMatchObject({ status: 'queued', skill: 'vip', priority: 30 });
    await api.deps.db.query(`UPDATE conversations SET status = 'resolved', resolved_at = now() WHERE workspace_id = $1 AND priority = 30`, [ws.id]);
    await put([]);
  });

  it('shows the queue per skill: every queue to supervisors, an agent only the queues of their skills', async () => {
    const billing = await call(api.url, '/api/agent/queue?skill=billing', { token: supervisor });
    expect(billing.body.queue.length).toBeGreaterThan(0);
    expect(billing.body.queue.every((e: { skill: string }) => e.skill === 'billing')).toBe(true);
    expect(billing.body.queue.map((e: { position: number }) => e.position)).toEqual(billing.body.queue.map((_: unknown, i: number) => i + 1));
    const all = await call(api.url, '/api/agent/queue', { token: supervisor });
    // Priority first: the VIP conversation heads the whole queue.
    expect(all.body.queue[0]).toMatchObject({ skill: 'vip', priority: 20, position: 1 });
    const none = await call(api.url, '/api/agent/queue?skill=none', { token: supervisor });
    expect(none.body.queue.every((e: { skill: string | null }) => e.skill === null)).toBe(true);
    // The plain agent has the billing skill only: billing and unskilled conversations, never the VIP queue.
    await api.deps.db.query(`INSERT INTO agent_skills (user_id, skill_id) SELECT $1, id FROM skills WHERE workspace_id = $2 AND name = 'billing'`, [ws.users.agent.id, ws.id]);
    const agent = await login(api.url, ws.users.agent.email, ws.users.agent.password);
    const theirs = (await call(api.url, '/api/agent/queue', { token: agent })).body.queue as { skill: string | null; position: number }[];
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((e) => e.skill === null || e.skill === 'billing')).toBe(true);
    expect(all.body.queue.filter((e: { skill: string | null }) => e.skill === null || e.skill === 'billing')).toEqual(theirs);
    expect((await call(api.url, '/api/agent/queue?skill=vip', { token: agent })).body.queue).toEqual([]);
  });
});
