// The knowledge base through the HTTP API over real PostgreSQL (pgvector) and Redis: raw text/JSON documents,
// versions and re-imports, deletion, filters, the retrieval tester, knowledge gaps, model changes and live events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestWorkspace, login, openEventStream, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';
import type { Job } from '../core/jobs.ts';
import { processReindex, recordGap, searchKb, type Embedder } from './index.ts';

let api: TestApi;
let ws: TestWorkspace;
let kb: string;
let agent: string;

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('kb'));
  kb = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
  agent = await login(api.url, ws.users.agent.email, ws.users.agent.password);
});
afterAll(() => api?.close());

async function ready(id: string, version?: number) {
  return eventually(async () => {
    const d = await call(api.url, `/api/kb/documents/${id}`, { token: kb });
    const doc = d.body.document;
    return doc.status === 'ready' && (version === undefined || doc.indexedVersion === version) ? d.body : doc.status === 'failed' ? Promise.reject(new Error(doc.error)) : null;
  }, `document ${id} to be ready`);
}
const search = async (q: string, extra = '') =>
  (await call(api.url, `/api/kb/search?q=${encodeURIComponent(q)}${extra}`, { token: kb })).body as { passages: { documentId: string; text: string; similarity: number | null; textRank: number | null; ranks: { vector: number | null; text: number | null }; score: number; documentVersion: number }[]; tookMs: number };

describe('documents', () => {
  it('re-imports by external id: unchanged content is skipped, changed content is a new version swapped in atomically', async () => {
    const body = '# Gift cards\nGift cards never expire and can be used online or in store.';
    const first = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Gift cards', body, externalId: 'gift-cards' } });
    expect(first.status).toBe(202);
    expect(first.body.outcome).toBe('created');
    const id = first.body.document.id as string;
    await ready(id, 1);

    const same = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Gift cards', body, externalId: 'gift-cards' } });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ outcome: 'unchanged', document: { id, version: 1 } });

    const changed = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Gift cards', body: '# Gift cards\nGift cards expire after three years and work online only.', externalId: 'gift-cards' } });
    expect(changed.body).toMatchObject({ outcome: 'updated', document: { id, version: 2 } });
    const detail = await ready(id, 2);
    expect(detail.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(detail.versions[0].createdByEmail).toBe(ws.users.kb_manager.email);

    // Only the indexed version answers: the old sentence is gone, the new one is there.
    const hits = await search('gift cards expire');
    const mine = hits.passages.filter((p) => p.documentId === id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((p) => p.documentVersion === 2 && !p.text.includes('never expire'))).toBe(true);

    const { rows } = await api.deps.db.query(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY created_at`, [id]);
    expect(rows.map((r) => r.action)).toEqual(['document.created', 'document.updated']);
  });

  it('stops retrieving a deleted document the moment the delete returns', async () => {
    const r = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Loyalty points', body: 'Loyalty points (zephyr points) are earned on every purchase and expire after 12 months.' } });
    const id = r.body.document.id as string;
    await ready(id);
    expect((await search('zephyr points')).passages.some((p) => p.documentId === id)).toBe(true);
    const del = await call(api.url, `/api/kb/documents/${id}`, { token: kb, method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await search('zephyr points')).passages.some((p) => p.documentId === id)).toBe(false);
    expect((await call(api.url, `/api/kb/documents/${id}`, { token: kb })).status).toBe(404);
    const stats = await api.deps.db.query(`SELECT df FROM kb_term_stats WHERE workspace_id = $1 AND term = 'zephyr'`, [ws.id]);
    expect(stats.rows[0]?.df ?? 0).toBe(0);
    const audit = await api.deps.db.query(`SELECT actor_id FROM audit_log WHERE target_id = $1 AND action = 'document.deleted'`, [id]);
    expect(audit.rows[0]?.actor_id).toBe(ws.users.kb_manager.id);
  });

  it('accepts a JSON document and lists documents with filters', async () => {
    const r = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Store hours', json: [{ question: 'When are you open?', answer: 'Monday to Friday, 9 to 17.' }], tags: ['stores'] } });
    expect(r.status).toBe(202);
    const detail = await ready(r.body.document.id);
    expect(detail.document.format).toBe('json');
    const chunks = await call(api.url, `/api/kb/documents/${r.body.document.id}/chunks`, { token: kb });
    expect(chunks.body.chunks[0]).toMatchObject({ kind: 'faq', text: expect.stringContaining('Q: When are you open?') });
    const listed = await call(api.url, '/api/kb/documents?tag=stores', { token: kb });
    expect(listed.body.documents.map((d: { id: string }) => d.id)).toEqual([r.body.document.id]);
  });

  it('refuses bad input with a code and a message, changing nothing', async () => {
    const before = await api.deps.db.query('SELECT count(*)::int AS n FROM documents WHERE workspace_id = $1', [ws.id]);
    const empty = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Empty', body: '   ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/empty/);
    const noBody = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Nothing' } });
    expect(noBody.status).toBe(400);
    expect(noBody.body.error.details.fieldErrors.body).toBeDefined();
    const badCollection = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'x', body: 'text', collectionId: '00000000-0000-4000-8000-000000000000' } });
    expect(badCollection.status).toBe(404);
    const forbidden = await call(api.url, '/api/kb/documents', { token: agent, body: { title: 'x', body: 'text' } });
    expect(forbidden.status).toBe(403);
    const after = await api.deps.db.query('SELECT count(*)::int AS n FROM documents WHERE workspace_id = $1', [ws.id]);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});

describe('collections and filters', () => {
  it('keeps internal collections out of public searches, and filters by language and tags', async () => {
    const internal = await call(api.url, '/api/kb/collections', { token: kb, body: { name: 'Agent playbook', visibility: 'internal', defaultSkill: 'billing' } });
    expect(internal.status).toBe(201);
    expect(internal.body.collection).toMatchObject({ visibility: 'internal', defaultSkill: 'billing', documents: 0 });
    const dup = await call(api.url, '/api/kb/collections', { token: kb, body: { name: 'Agent playbook' } });
    expect(dup.status).toBe(409);

    const secret = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Chargeback script', body: 'For a quokka chargeback, escalate to the billing lead after two failed attempts.', collectionId: internal.body.collection.id } });
    const pub = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Chargebacks', body: 'A quokka chargeback is a refund your bank forces on a merchant.', tags: ['billing'] } });
    const zh = await call(api.url, '/api/kb/documents', { token: kb, body: { title: '退款', body: '退款会在五个工作日内退回到原支付方式。如果没有收到退款，请联系我们。' } });
    await Promise.all([ready(secret.body.document.id), ready(pub.body.document.id), ready(zh.body.document.id)]);

    const all = await search('quokka chargeback');
    expect(all.passages.map((p) => p.documentId)).toEqual(expect.arrayContaining([secret.body.document.id, pub.body.document.id]));
    const publicOnly = await search('quokka chargeback', '&visibility=public');
    expect(publicOnly.passages.map((p) => p.documentId)).toContain(pub.body.document.id);
    expect(publicOnly.passages.map((p) => p.documentId)).not.toContain(secret.body.document.id);
    const tagged = await search('quokka chargeback', '&tag=billing');
    expect(tagged.passages.map((p) => p.documentId)).toEqual([pub.body.document.id]);

    const zhDoc = (await ready(zh.body.document.id)).document;
    expect(zhDoc.language).toBe('zh');
    const zhHits = await search('退款多久到账', '&language=zh');
    expect(zhHits.passages[0]?.documentId).toBe(zh.body.document.id);
    // Chinese full text works because the text was segmented before indexing.
    const zhText = await search('退款', '&mode=text');
    expect(zhText.passages.map((p) => p.documentId)).toContain(zh.body.document.id);

    const nonEmpty = await call(api.url, `/api/kb/collections/${internal.body.collection.id}`, { token: kb, method: 'DELETE' });
    expect(nonEmpty.status).toBe(409);
  });

  it('returns every score the bot needs, per retrieval mode', async () => {
    const hybrid = await search('quokka chargeback bank');
    const top = hybrid.passages[0]!;
    expect(top.similarity).toBeGreaterThan(0);
    expect(top.textRank).toBeGreaterThan(0);
    expect(top.ranks.vector).toBeGreaterThanOrEqual(1);
    expect(top.ranks.text).toBeGreaterThanOrEqual(1);
    expect(typeof hybrid.tookMs).toBe('number');
    const vectorOnly = await search('quokka chargeback bank', '&mode=vector');
    expect(vectorOnly.passages.every((p) => p.textRank === null && p.similarity !== null)).toBe(true);
    const textOnly = await search('quokka chargeback bank', '&mode=text');
    expect(textOnly.passages.every((p) => p.similarity === null && p.textRank !== null)).toBe(true);
    const bad = await call(api.url, '/api/kb/search?q=x', { token: kb });
    expect(bad.status).toBe(400);
  });

  it('lets a rerank hook reorder the candidates and records its score', async () => {
    const plain = await searchKb(api.deps, { workspaceId: ws.id, query: 'quokka chargeback', limit: 5 });
    expect(plain.length).toBeGreaterThan(1);
    const last = plain[plain.length - 1]!;
    // A reranker that prefers the passage hybrid search ranked last.
    const reranked = await searchKb(
      { ...api.deps, rerank: async (_q, ps) => new Map(ps.map((p) => [p.chunkId, p.chunkId === last.chunkId ? 1 : 0])) },
      { workspaceId: ws.id, query: 'quokka chargeback', limit: 5 },
    );
    expect(reranked[0]).toMatchObject({ chunkId: last.chunkId, rerankScore: 1 });
    expect(plain.every((p) => p.rerankScore === null)).toBe(true);
  });
});

describe('knowledge gaps', () => {
  it('groups similar unanswered questions with a count, examples and last seen', async () => {
    const slug = uniqueSlug('gaps');
    const other = await createTestWorkspace(api.deps, slug);
    const ask = (question: string) => api.deps.db.transaction((tx) => recordGap(tx, { workspaceId: other.id, question }));
    await ask('Can I change my delivery address after ordering?');
    await ask('How do I change the delivery address of my order?');
    await ask('change delivery address');
    await ask('Do you sell gift wrapping for birthdays?');
    const token = await login(api.url, other.users.kb_manager.email, other.users.kb_manager.password);
    const r = await call(api.url, '/api/kb/gaps', { token });
    expect(r.body.gaps).toHaveLength(2);
    expect(r.body.gaps[0]).toMatchObject({ question: 'Can I change my delivery address after ordering?', count: 3 });
    expect(r.body.gaps[0].examples).toHaveLength(3);
    expect(r.body.gaps[0].examples[0].text).toBe('change delivery address');
    expect(r.body.gaps[1]).toMatchObject({ count: 1 });
    const done = await call(api.url, `/api/kb/gaps/${r.body.gaps[0].id}`, { token, method: 'PATCH', body: { status: 'resolved' } });
    expect(done.body.gap.status).toBe('resolved');
    expect((await call(api.url, '/api/kb/gaps', { token })).body.gaps).toHaveLength(1);
  });
});

describe('embedding models', () => {
  it('builds a new model beside the active one and switches search to it atomically', async () => {
    const other = await createTestWorkspace(api.deps, uniqueSlug('models'));
    const token = await login(api.url, other.users.kb_manager.email, other.users.kb_manager.password);
    const doc = await call(api.url, '/api/kb/documents', { token, body: { title: 'Returns', body: 'Returns are free within 30 days of delivery.' } });
    await eventually(async () => (await call(api.url, `/api/kb/documents/${doc.body.document.id}`, { token })).body.document.status === 'ready', 'indexing');
    const unknown = await call(api.url, '/api/kb/models', { token, body: { model: 'text-embedding-3-small' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/OPENAI_API_KEY/);

    // Switch from the default to the legacy local model (both run offline), and watch the switch.
    const started = await call(api.url, '/api/kb/models', { token, body: { model: 'local-hash-384' } });
    expect(started.status).toBe(202);
    const models = await eventually(async () => {
      const m = (await call(api.url, '/api/kb/models', { token })).body.models as { model: string; status: string }[];
      return m.find((x) => x.model === 'local-hash-384')?.status === 'active' ? m : null;
    }, 'the new model to become active');
    expect(models.find((m) => m.model === 'kefu-lexical-1024')?.status).toBe('retired');
    const { rows } = await api.deps.db.query(`SELECT model, count(*)::int AS n FROM chunk_embeddings WHERE workspace_id = $1 GROUP BY model`, [other.id]);
    expect(rows).toEqual([{ model: 'local-hash-384', n: 1 }]);
    const hits = (await call(api.url, `/api/kb/search?q=${encodeURIComponent('free returns')}&mode=vector`, { token })).body.passages;
    expect(hits[0].documentId).toBe(doc.body.document.id);
  });
});

describe('a model build that cannot finish', () => {
  it('is marked failed with the reason, and search stays on the active model', async () => {
    const other = await createTestWorkspace(api.deps, uniqueSlug('broken'));
    const token = await login(api.url, other.users.kb_manager.email, other.users.kb_manager.password);
    const doc = await call(api.url, '/api/kb/documents', { token, body: { title: 'Exchanges', body: 'Exchanges are free within 14 days.' } });
    await eventually(async () => (await call(api.url, `/api/kb/documents/${doc.body.document.id}`, { token })).body.document.status === 'ready', 'indexing');
    await api.deps.db.query(`INSERT INTO kb_embedding_models (workspace_id, model, dimensions, status) VALUES ($1, 'broken-model', 384, 'building')`, [other.id]);
    const failing: Embedder = { model: 'broken-model', dimensions: 384, embed: async () => Promise.reject(new Error('quota exceeded')), embedQuery: async () => [] };
    const deps = { ...api.deps, embedders: { defaultModel: api.deps.embedders.defaultModel, get: (m: string) => (m === 'broken-model' ? failing : api.deps.embedders.get(m)) } };
    // The last attempt of the job.
    const job = { data: { workspaceId: other.id, model: 'broken-model' }, attemptsMade: 4, opts: { attempts: 5 }, updateProgress: async () => undefined } as unknown as Job;
    await expect(processReindex(deps, job)).rejects.toThrow(/quota exceeded/);
    const models = (await call(api.url, '/api/kb/models', { token })).body.models as { model: string; status: string; progress: { error?: string } }[];
    expect(models.find((m) => m.model === 'broken-model')).toMatchObject({ status: 'failed', progress: { error: expect.stringMatching(/quota exceeded/) } });
    expect(models.find((m) => m.model === 'kefu-lexical-1024')?.status).toBe('active');
    const hits = (await call(api.url, `/api/kb/search?q=${encodeURIComponent('free exchanges')}&mode=vector`, { token })).body.passages;
    expect(hits[0].documentId).toBe(doc.body.document.id);
  });
});

describe('live events', () => {
  it('streams document progress to knowledge managers over SSE', async () => {
    const events = await openEventStream(`${api.url}/api/kb/events`, { authorization: `Bearer ${kb}` });
    expect(events.headers.get('content-type')).toMatch(/text\/event-stream/);
    await events.readUntil(/event: ready/);
    const r = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Live doc', body: 'Streaming progress for knowledge managers.' } });
    const text = await events.readUntil(new RegExp(`"id":"${r.body.document.id}"[^\\n]*"status":"ready"`));
    events.close();
    expect(text).toMatch(/event: document.updated/);
    expect(text).toMatch(/"status":"processing"/);
  });
});
