// The cited passage a customer opens from a bot answer (GET /api/conversations/:id/citations/:chunkId) against real
// PostgreSQL and Redis: the text of a chunk a bot reply in that conversation cited, for that conversation's visitor
// only; never a chunk cited elsewhere, never one from an internal collection; bad ids are a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';
import { insertMessage } from './index.ts';

let api: TestApi;
let ws: TestWorkspace;
let kb: string;
let internalChunk: { chunkId: string; documentId: string };

const REFUNDS = `# Returns and refunds

## How refunds work
Once we receive your zorblax return, we inspect it within 2 business days. Refunds go back to the original payment method and take 5 to 7 business days to appear on your statement.
`;

async function addDoc(title: string, body: string, collectionId?: string): Promise<string> {
  const r = await call(api.url, '/api/kb/documents', { token: kb, body: { title, body, format: 'markdown', sourceRef: `${title}.md`, collectionId } });
  expect(r.status).toBe(202);
  await eventually(async () => (await call(api.url, `/api/kb/documents/${r.body.document.id}`, { token: kb })).body.document.status === 'ready', `${title} to be indexed`);
  return r.body.document.id as string;
}
async function start() {
  const r = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget' } });
  expect(r.status).toBe(201);
  return { id: r.body.conversation.id as string, token: r.body.visitorToken as string };
}
const passage = (conversationId: string, chunkId: string, token?: string) =>
  call(api.url, `/api/conversations/${conversationId}/citations/${chunkId}`, { headers: token ? { 'x-visitor-token': token } : {} });

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('cite'));
  kb = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
  await addDoc('Returns and refunds', REFUNDS);
  const playbook = await call(api.url, '/api/kb/collections', { token: kb, body: { name: 'Agent playbook', visibility: 'internal' } });
  const documentId = await addDoc('Refund exceptions (agents only)', '# Refund exceptions\nRefund zorblax orders over 500 euros only after a supervisor approves.', playbook.body.collection.id);
  const chunks = await call(api.url, `/api/kb/documents/${documentId}/chunks`, { token: kb });
  internalChunk = { chunkId: chunks.body.chunks[0].id, documentId };
}, 60_000);
afterAll(() => api?.close());

describe('a cited passage for the customer', () => {
  it('returns the text of a chunk the bot cited in this conversation, to its visitor only', async () => {
    const c = await start();
    const sent = await call(api.url, `/api/conversations/${c.id}/messages`, { headers: { 'x-visitor-token': c.token }, body: { text: 'How long does a zorblax refund take?' } });
    expect(sent.status).toBe(201);
    const reply = sent.body.replies.find((m: { sender: string }) => m.sender === 'bot');
    const cited = reply?.citations?.[0];
    expect(cited, JSON.stringify(sent.body.replies)).toMatchObject({ chunkId: expect.any(String), title: 'Returns and refunds', sourceRef: 'Returns and refunds.md' });

    const r = await passage(c.id, cited.chunkId, c.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.passage).toMatchObject({
      chunkId: cited.chunkId,
      documentId: cited.documentId,
      title: 'Returns and refunds',
      headingPath: expect.arrayContaining(['How refunds work']),
      text: expect.stringContaining('5 to 7 business days'),
    });

    // Another customer's conversation did not cite it: 404, with their own token or with this one's.
    const other = await start();
    expect((await passage(other.id, cited.chunkId, other.token)).status).toBe(404);
    expect((await passage(other.id, cited.chunkId, c.token)).status).toBe(404);
    // No token: who is asking?
    expect((await passage(c.id, cited.chunkId)).status).toBe(401);
  }, 60_000);

  it('never returns a chunk of an internal collection, even if a bot message names it', async () => {
    const c = await start();
    await insertMessage(api.deps.db, {
      workspaceId: ws.id,
      conversationId: c.id,
      sender: 'bot',
      body: 'See [1].',
      citations: [{ n: 1, chunkId: internalChunk.chunkId, documentId: internalChunk.documentId, title: 'Refund exceptions (agents only)', headingPath: [] }],
    });
    const r = await passage(c.id, internalChunk.chunkId, c.token);
    expect(r.status).toBe(404);
    expect(JSON.stringify(r.body)).not.toMatch(/supervisor approves/);
  });

  it('refuses ids that are not UUIDs', async () => {
    const c = await start();
    const badChunk = await passage(c.id, 'not-a-chunk', c.token);
    expect(badChunk.status).toBe(400);
    expect(badChunk.body.error.message).toMatch(/chunkId must be/);
    expect((await passage('nope', '00000000-0000-4000-8000-000000000000', c.token)).status).toBe(400);
    expect((await passage(c.id, '00000000-0000-4000-8000-000000000000', c.token)).status).toBe(404); // well formed, never cited
  });
});
