// The walking skeleton through the real stack: a knowledge manager adds a Markdown document → it is chunked,
// embedded and indexed by the worker → a customer asks and gets an extractive answer citing it → a question the
// knowledge base cannot answer goes to the human queue → an agent sees it and claims it (once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from './testing.ts';

const DOC = `# Warranty

## How long the warranty lasts
Every Zorblax blender has a warranty of 24 months from the date of purchase. The warranty covers motor failures and cracked jugs.

## Claiming the warranty
To claim, send a photo of the receipt and the serial number to the service desk. We ship a replacement within 5 business days.
`;

let api: TestApi;
let ws: TestWorkspace;
let kbToken: string;
let agentToken: string;
let documentId: string;

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('skeleton'));
  kbToken = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
  agentToken = await login(api.url, ws.users.agent.email, ws.users.agent.password);
});
afterAll(() => api?.close());

async function startConversation() {
  const r = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, name: 'Casey Customer', channel: 'widget' } });
  expect(r.status).toBe(201);
  return { id: r.body.conversation.id as string, token: r.body.visitorToken as string };
}

describe('walking skeleton', () => {
  it('indexes a Markdown document posted by a knowledge manager', async () => {
    const r = await call(api.url, '/api/kb/documents', { token: kbToken, body: { title: 'Zorblax warranty', body: DOC, mime: 'text/markdown' } });
    expect(r.status).toBe(202);
    expect(r.body.document).toMatchObject({ title: 'Zorblax warranty', status: 'pending', version: 1 });
    documentId = r.body.document.id;

    const ready = await eventually(async () => {
      const d = await call(api.url, `/api/kb/documents/${documentId}`, { token: kbToken });
      return d.body.document.status === 'ready' ? d.body.document : null;
    }, 'the document to be indexed');
    expect(ready).toMatchObject({ indexedVersion: 1, progress: { stage: 'ready', chunks: 2 } });

    const { rows } = await api.deps.db.query<{ n: number; model: string; dims: number }>(
      `SELECT count(*)::int AS n, min(e.model) AS model, min(vector_dims(e.embedding)) AS dims
         FROM chunks c JOIN chunk_embeddings e ON e.chunk_id = c.id WHERE c.document_id = $1`,
      [documentId],
    );
    expect(rows[0]).toEqual({ n: 2, model: 'kefu-lexical-1024', dims: 1024 });

    const search = await call(api.url, `/api/kb/search?q=${encodeURIComponent('warranty claim receipt')}`, { token: kbToken });
    expect(search.body.passages[0]).toMatchObject({ documentId, headingPath: ['Warranty', 'Claiming the warranty'] });
  });

  it('answers a customer from the document, with a citation, and records the decision', async () => {
    const c = await startConversation();
    const r = await call(api.url, `/api/conversations/${c.id}/messages`, { token: c.token, body: { text: 'How long is the warranty on the Zorblax blender?', clientMessageId: 'm-1' } });
    expect(r.status).toBe(201);
    expect(r.body.replies).toHaveLength(1);
    const reply = r.body.replies[0];
    expect(reply).toMatchObject({ sender: 'bot', replyToMessageId: r.body.message.id });
    expect(reply.body).toContain('24 months');
    expect(reply.citations).toEqual([expect.objectContaining({ documentId, documentVersion: 1, title: 'Zorblax warranty', headingPath: ['Warranty', 'How long the warranty lasts'], location: expect.objectContaining({ anchor: 'how-long-the-warranty-lasts' }) })]);
    expect(r.body.conversation.status).toBe('bot');

    const turn = await api.deps.db.query<{ decision: string; reason: string; confidence: number }>('SELECT decision, reason, confidence FROM bot_turns WHERE message_id = $1', [r.body.message.id]);
    expect(turn.rows[0]).toMatchObject({ decision: 'answer', reason: 'confident' });

    // The same client message id again: no second message, no second answer — the first reply comes back.
    const again = await call(api.url, `/api/conversations/${c.id}/messages`, { token: c.token, body: { text: 'How long is the warranty on the Zorblax blender?', clientMessageId: 'm-1' } });
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(r.body.message.id);
    expect(again.body.replies.map((m: { id: string }) => m.id)).toEqual([reply.id]);
    const transcript = await call(api.url, `/api/conversations/${c.id}`, { token: c.token });
    expect(transcript.body.messages.map((m: { sender: string }) => m.sender)).toEqual(['customer', 'bot']);
  });

  it('escalates a question the knowledge base cannot answer, and an agent claims it exactly once', async () => {
    const c = await startConversation();
    const r = await call(api.url, `/api/conversations/${c.id}/messages`, { token: c.token, body: { text: 'Can you recommend a good pizza place in Lisbon tonight?' } });
    expect(r.status).toBe(201);
    expect(r.body.conversation).toMatchObject({ status: 'queued', handoffReason: 'low_confidence' });
    expect(r.body.replies[0]).toMatchObject({ sender: 'system' });
    expect(r.body.replies[0].body).toMatch(/number 1 in the queue/);
    // The unanswered question shows up for knowledge managers as a knowledge gap.
    const gaps = await call(api.url, '/api/kb/gaps', { token: kbToken });
    expect(gaps.body.gaps).toEqual([expect.objectContaining({ question: 'Can you recommend a good pizza place in Lisbon tonight?', count: 1 })]);

    const queue = await call(api.url, '/api/agent/queue', { token: agentToken });
    expect(queue.body.queue).toEqual([expect.objectContaining({ conversationId: c.id, position: 1, handoffReason: 'low_confidence', lastCustomerMessage: 'Can you recommend a good pizza place in Lisbon tonight?' })]);

    // Two agents claim at the same moment: exactly one gets it.
    const supervisorToken = await login(api.url, ws.users.supervisor.email, ws.users.supervisor.password);
    const claims = await Promise.all([agentToken, supervisorToken].map((token) => call(api.url, `/api/agent/conversations/${c.id}/claim`, { token, method: 'POST' })));
    expect(claims.map((x) => x.status).sort()).toEqual([200, 409]);
    expect(claims.find((x) => x.status === 409)!.body.error.code).toBe('conflict');
    const winner = claims.find((x) => x.status === 200)!.body.conversation;
    expect([ws.users.agent.id, ws.users.supervisor.id]).toContain(winner.assigneeId);
    // The loser is told who has it.
    const winnerName = winner.assigneeId === ws.users.agent.id ? 'agent' : 'supervisor';
    const lost = claims.find((x) => x.status === 409)!.body.error;
    expect(lost.message).toBe(`${winnerName} already has this conversation. Pick the next one from the queue.`);
    expect(lost.details).toMatchObject({ status: 'assigned', assigneeId: winner.assigneeId, assigneeName: winnerName });

    // The bot stays quiet once a person has the conversation.
    const later = await call(api.url, `/api/conversations/${c.id}/messages`, { token: c.token, body: { text: 'How long is the warranty?' } });
    expect(later.body.replies).toEqual([]);
    expect((await call(api.url, '/api/agent/queue', { token: agentToken })).body.queue).toEqual([]);
  });

  it('hands over at once when the customer asks for a person, in Chinese too', async () => {
    const c = await startConversation();
    const r = await call(api.url, `/api/conversations/${c.id}/messages`, { token: c.token, body: { text: '转人工' } });
    expect(r.body.conversation).toMatchObject({ status: 'queued', handoffReason: 'customer_asked' });
    const turn = await api.deps.db.query('SELECT decision, reason FROM bot_turns WHERE message_id = $1', [r.body.message.id]);
    expect(turn.rows[0]).toEqual({ decision: 'escalate', reason: 'customer_asked' });
  });

  it('rejects bad input with a 4xx that says what to fix, and writes nothing', async () => {
    const c = await startConversation();
    const empty = await call(api.url, `/api/conversations/${c.id}/messages`, { token: c.token, body: { text: '   ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('text') });
    const badJson = await call(api.url, `/api/conversations/${c.id}/messages`, { token: c.token, body: '{"text": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.message).toMatch(/not valid JSON/);
    const noTitle = await call(api.url, '/api/kb/documents', { token: kbToken, body: { body: 'text' } });
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.error.details.fieldErrors.title).toBeDefined();
    const msgs = await api.deps.db.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [c.id]);
    expect(msgs.rows[0]).toEqual({ n: 0 });
    const docs = await api.deps.db.query('SELECT count(*)::int AS n FROM documents WHERE workspace_id = $1', [ws.id]);
    expect(docs.rows[0]).toEqual({ n: 1 });
  });

  it('reports database and queue state on /readyz', async () => {
    const r = await call(api.url, '/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ready', database: { ok: true }, queue: { ok: true, backend: api.deps.jobs.backend } });
  });
});
