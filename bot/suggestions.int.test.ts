// Agent assist through the API against real PostgreSQL (pgvector) and Redis: knowledge suggestions for a conversation
// come from the customer's latest message, or the agent's own query, and include internal collections (which the
// bot never uses); bad ids and parameters are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';

let api: TestApi;
let ws: TestWorkspace;
let kb: string;
let agent: string;
let playbookId: string;
let shippingId: string;

async function addDoc(title: string, body: string, collectionId?: string) {
  const r = await call(api.url, '/api/kb/documents', { token: kb, body: { title, body, collectionId } });
  expect(r.status).toBe(202);
  await eventually(async () => (await call(api.url, `/api/kb/documents/${r.body.document.id}`, { token: kb })).body.document.status === 'ready', `${title} to be indexed`);
  return r.body.document.id as string;
}
async function start() {
  const r = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, name: 'Casey' } });
  return { id: r.body.conversation.id as string, token: r.body.visitorToken as string };
}
const suggest = (conversationId: string, query = '', token = agent) => call(api.url, `/api/agent/conversations/${conversationId}/suggestions${query}`, { token });

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('assist'));
  kb = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
  agent = await login(api.url, ws.users.agent.email, ws.users.agent.password);
  const playbook = await call(api.url, '/api/kb/collections', { token: kb, body: { name: 'Agent playbook', visibility: 'internal' } });
  playbookId = playbook.body.collection.id;
  await addDoc('Damaged parcels (agents only)', '# Damaged parcels\nWhen a zorblax parcel arrives damaged, refund the full amount at once without asking for the item back, up to 200 euros.', playbookId);
  shippingId = await addDoc('Shipping', '# Shipping\nParcels leave our warehouse within 2 business days. Tracking numbers arrive by email once the carrier scans the parcel.');
});
afterAll(() => api?.close());

describe('knowledge suggestions for agents', () => {
  it('ranks passages for the customer\'s latest message, internal collections included', async () => {
    const c = await start();
    await call(api.url, `/api/conversations/${c.id}/messages`, { headers: { 'x-visitor-token': c.token }, body: { text: 'My zorblax parcel arrived damaged, can I get a refund?' } });
    const r = await suggest(c.id);
    expect(r.status).toBe(200);
    expect(r.body.query).toMatch(/zorblax parcel arrived damaged/);
    const top = r.body.suggestions[0];
    expect(top).toMatchObject({
      documentTitle: 'Damaged parcels (agents only)',
      collection: { id: playbookId, name: 'Agent playbook', visibility: 'internal' },
      text: expect.stringContaining('refund the full amount'),
      snippet: expect.stringContaining('zorblax parcel arrives damaged'),
      score: expect.any(Number),
      headingPath: ['Damaged parcels'],
      citation: { chunkId: top.chunkId, documentId: top.documentId, title: 'Damaged parcels (agents only)' },
    });
  });

  it('searches the agent\'s own words with ?q=, and returns nothing before the customer has written', async () => {
    const c = await start();
    expect((await suggest(c.id)).body).toEqual({ query: null, rewritten: false, suggestions: [] });
    const r = await suggest(c.id, `?q=${encodeURIComponent('when do tracking numbers arrive')}&limit=1`);
    expect(r.body.query).toBe('when do tracking numbers arrive');
    expect(r.body.suggestions).toHaveLength(1);
    expect(r.body.suggestions[0]).toMatchObject({ documentId: shippingId, collection: { visibility: 'public' } });
  });

  it('refuses unknown conversations, bad parameters and staff without conversations:work', async () => {
    const c = await start();
    expect((await suggest('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await suggest('not-a-uuid')).status).toBe(400);
    const badLimit = await suggest(c.id, '?limit=0');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toMatch(/limit is 1 to 20/);
    expect((await suggest(c.id, '?q=')).status).toBe(400);
    expect((await suggest(c.id, '', kb)).status).toBe(403);
    // Another workspace's conversation is unknown here.
    const other = await createTestWorkspace(api.deps, uniqueSlug('assist-other'));
    const stranger = await call(api.url, '/api/conversations', { body: { workspace: other.slug } });
    expect((await suggest(stranger.body.conversation.id)).status).toBe(404);
  });
});
