// Knowledge-base HTTP routes: collections; documents (raw text/JSON in, list, read, versions, chunks, re-index,
// delete); the retrieval tester; knowledge gaps; embedding models; live events. File uploads and URL imports are
// ingestion's routes (they need its parsers).
import { Router } from 'express';
import { z } from 'zod';
import { authorize } from '../core/access.ts';
import { audit } from '../core/audit.ts';
import { AppError, notFound } from '../core/errors.ts';
import { openSse } from '../core/sse.ts';
import { parse } from '../core/validate.ts';
import { isUniqueViolation } from '../core/db/index.ts';
import { createCollection, deleteCollection, getCollection, listCollections, updateCollection } from './collections.repo.ts';
import { addDocument, reindexDocument, removeDocument, startModelChange } from './documents.ts';
import { getDocument, listChunks, listDocuments, listVersions } from './documents.repo.ts';
import { listGaps, setGapStatus } from './gaps.repo.ts';
import type { KbDeps } from './index.ts';
import { detectLanguage } from './language.ts';
import { listModels, MODEL_NAME } from './models.repo.ts';
import { searchKb } from './search.ts';

const Id = (what: string) => z.object({ id: z.uuid(`${what} id must be a UUID`) });
const Tags = z.array(z.string().trim().min(1).max(50)).max(20);
const Language = z.string().regex(/^[a-z]{2}$/, 'an ISO 639-1 code such as en or zh');

// Raw text or JSON through the API. `externalId` makes a later POST with the same id a new version, not a duplicate.
const CreateDocument = z
  .object({
    title: z.string().trim().min(1).max(300),
    body: z.string().max(5_000_000, 'at most 5,000,000 characters; split the document or upload a file').optional(),
    json: z.unknown().optional(),
    format: z.enum(['markdown', 'text', 'html', 'json']).default('markdown'),
    collection: z.string().trim().min(1).max(100).optional(),
    collectionId: z.uuid().optional(),
    externalId: z.string().trim().min(1).max(300).optional(),
    sourceRef: z.string().max(2000).optional(),
    language: Language.optional(),
    tags: Tags.optional(),
  })
  .refine((d) => d.body !== undefined || d.json !== undefined, { message: 'send the text in "body", or a JSON document in "json"', path: ['body'] });
export type CreateDocument = z.infer<typeof CreateDocument>;

const MIME: Record<CreateDocument['format'], string> = { markdown: 'text/markdown', text: 'text/plain', html: 'text/html', json: 'application/json' };

const ListDocuments = z.object({
  collectionId: z.uuid().optional(),
  status: z.enum(['pending', 'processing', 'ready', 'failed']).optional(),
  tag: z.string().max(50).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const UpdateDocument = z.object({ tags: Tags.optional(), collectionId: z.uuid().optional() }).refine((d) => d.tags || d.collectionId, 'send tags or collectionId');

const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(v) ? v : undefined);
const SearchQuery = z.object({
  q: z.string().trim().min(2, 'at least 2 characters').max(1000),
  limit: z.coerce.number().int().min(1).max(50).default(10),
  mode: z.enum(['hybrid', 'vector', 'text']).default('hybrid'),
  collectionId: z.preprocess(list, z.array(z.uuid()).optional()),
  visibility: z.preprocess(list, z.array(z.enum(['public', 'internal'])).optional()),
  language: z.preprocess(list, z.array(Language).optional()),
  tag: z.preprocess(list, z.array(z.string().max(50)).optional()),
});

const Collection = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).optional(),
  visibility: z.enum(['public', 'internal']).default('public'),
  defaultSkill: z.string().trim().min(1).max(100).nullable().optional(),
});

export function kbRoutes(deps: KbDeps): Router {
  const router = Router();

  // Collections
  router.get('/kb/collections', async (_req, res) => {
    const who = authorize(res, 'kb:read');
    res.json({ collections: await listCollections(deps.db, who.workspaceId) });
  });
  router.post('/kb/collections', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const input = parse(Collection, req.body, 'collection');
    const created = await deps.db.transaction(async (tx) => {
      const c = await createCollection(tx, who.workspaceId, input);
      if (c) await audit(tx, who, 'collection.created', { type: 'collection', id: c.id, details: input });
      return c;
    });
    if (!created) throw new AppError('conflict', `A collection named "${input.name}" already exists. Choose another name.`);
    res.status(201).json({ collection: created });
  });
  router.patch('/kb/collections/:id', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const { id } = parse(Id('collection'), req.params, 'collection id');
    const input = parse(Collection.partial(), req.body, 'collection');
    const updated = await deps.db
      .transaction(async (tx) => {
        const c = await updateCollection(tx, who.workspaceId, id, input);
        if (c) await audit(tx, who, 'collection.updated', { type: 'collection', id, details: input });
        return c;
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new AppError('conflict', `A collection named "${input.name}" already exists. Choose another name.`);
        throw err;
      });
    if (!updated) throw notFound('collection', id);
    res.json({ collection: updated });
  });
  router.delete('/kb/collections/:id', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const { id } = parse(Id('collection'), req.params, 'collection id');
    const outcome = await deps.db.transaction(async (tx) => {
      const o = await deleteCollection(tx, who.workspaceId, id);
      if (o === 'deleted') await audit(tx, who, 'collection.deleted', { type: 'collection', id });
      return o;
    });
    if (outcome === 'not_found') throw notFound('collection', id);
    if (outcome === 'not_empty') throw new AppError('conflict', 'This collection still has documents. Delete them or move them to another collection first.');
    res.status(204).end();
  });

  // Documents
  router.post('/kb/documents', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const input = parse(CreateDocument, req.body, 'document');
    const body = input.json !== undefined ? JSON.stringify(input.json) : (input.body ?? '');
    const format = input.json !== undefined ? 'json' : input.format;
    const result = await addDocument(deps, who, {
      title: input.title,
      collectionId: input.collectionId,
      collection: input.collection,
      source: 'api',
      sourceKey: input.externalId ? `api:${input.externalId}` : undefined,
      sourceRef: input.sourceRef,
      mime: MIME[format],
      format,
      body,
      language: input.language ?? detectLanguage(body) ?? undefined,
      tags: input.tags,
    });
    res
      .status(result.outcome === 'unchanged' ? 200 : 202)
      .location(`/api/kb/documents/${result.document.id}`)
      .json(result);
  });

  router.get('/kb/documents', async (req, res) => {
    const who = authorize(res, 'kb:read');
    const f = parse(ListDocuments, req.query, 'document filter');
    res.json(await listDocuments(deps.db, who.workspaceId, f));
  });

  router.get('/kb/documents/:id', async (req, res) => {
    const who = authorize(res, 'kb:read');
    const { id } = parse(Id('document'), req.params, 'document id');
    const doc = await getDocument(deps.db, who.workspaceId, id);
    if (!doc) throw notFound('document', id);
    res.json({ document: doc, versions: await listVersions(deps.db, id) });
  });

  router.get('/kb/documents/:id/chunks', async (req, res) => {
    const who = authorize(res, 'kb:read');
    const { id } = parse(Id('document'), req.params, 'document id');
    if (!(await getDocument(deps.db, who.workspaceId, id))) throw notFound('document', id);
    res.json({ chunks: await listChunks(deps.db, id) });
  });

  router.patch('/kb/documents/:id', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const { id } = parse(Id('document'), req.params, 'document id');
    const input = parse(UpdateDocument, req.body, 'document');
    const doc = await deps.db.transaction(async (tx) => {
      if (input.collectionId && !(await getCollection(tx, who.workspaceId, input.collectionId))) throw notFound('collection', input.collectionId);
      const { rowCount } = await tx.query(
        `UPDATE documents SET tags = COALESCE($3, tags),
                collection_id = COALESCE((SELECT id FROM kb_collections WHERE workspace_id = $1 AND id = $4), collection_id),
                updated_by = $5, updated_at = now()
          WHERE workspace_id = $1 AND id = $2`,
        [who.workspaceId, id, input.tags ?? null, input.collectionId ?? null, who.type === 'user' ? who.userId : null],
      );
      if (!rowCount) throw notFound('document', id);
      await audit(tx, who, 'document.updated', { type: 'document', id, details: input });
      return getDocument(tx, who.workspaceId, id);
    });
    res.json({ document: doc });
  });

  router.post('/kb/documents/:id/reindex', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const { id } = parse(Id('document'), req.params, 'document id');
    res.status(202).json({ document: await reindexDocument(deps, who, id) });
  });

  router.delete('/kb/documents/:id', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const { id } = parse(Id('document'), req.params, 'document id');
    await removeDocument(deps, who, id);
    res.status(204).end();
  });

  // Retrieval tester: the ranked chunks and every score, as the bot would see them.
  router.get('/kb/search', async (req, res) => {
    const who = authorize(res, 'kb:read');
    const s = parse(SearchQuery, req.query, 'search');
    const started = performance.now();
    const passages = await searchKb(deps, {
      workspaceId: who.workspaceId,
      query: s.q,
      limit: s.limit,
      mode: s.mode,
      filters: { collectionIds: s.collectionId, visibility: s.visibility, languages: s.language, tags: s.tag },
    });
    res.json({ query: s.q, mode: s.mode, tookMs: Math.round((performance.now() - started) * 10) / 10, passages });
  });

  // Knowledge gaps
  router.get('/kb/gaps', async (req, res) => {
    const who = authorize(res, 'kb:read');
    const q = parse(z.object({ status: z.enum(['open', 'resolved', 'dismissed']).default('open'), sort: z.enum(['count', 'recent']).default('count'), limit: z.coerce.number().int().min(1).max(200).default(50) }), req.query, 'gap filter');
    res.json({ gaps: await listGaps(deps.db, who.workspaceId, q) });
  });
  router.patch('/kb/gaps/:id', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const { id } = parse(Id('gap'), req.params, 'gap id');
    const { status } = parse(z.object({ status: z.enum(['open', 'resolved', 'dismissed']) }), req.body, 'gap');
    const gap = await setGapStatus(deps.db, who.workspaceId, id, status);
    if (!gap) throw notFound('knowledge gap', id);
    res.json({ gap });
  });

  // Embedding models
  router.get('/kb/models', async (_req, res) => {
    const who = authorize(res, 'kb:read');
    res.json({ defaultModel: deps.embedders.defaultModel, models: await listModels(deps.db, who.workspaceId) });
  });
  router.post('/kb/models', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const { model } = parse(z.object({ model: z.string().regex(MODEL_NAME, 'letters, digits and . _ : / - only') }), req.body, 'model change');
    const { started } = await startModelChange(deps, who, model);
    res.status(started ? 202 : 200).json({ started, models: await listModels(deps.db, who.workspaceId) });
  });

  // Live events: document progress and status, model changes.
  router.get('/kb/events', async (req, res) => {
    const who = authorize(res, 'kb:read');
    const stream = openSse(req, res);
    const unsubscribe = await deps.events.subscribe(`kb:${who.workspaceId}`, (e) => stream.send(e.type, e));
    stream.onClose(unsubscribe);
    stream.send('ready', { workspaceId: who.workspaceId });
  });

  return router;
}
