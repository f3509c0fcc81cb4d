// Knowledge-base HTTP routes: add a document (queued for indexing), list and read documents, search.
import { createHash } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { authorize } from '../core/access.ts';
import { AppError, notFound } from '../core/errors.ts';
import { requestJob } from '../core/outbox.ts';
import { parse } from '../core/validate.ts';
import { ensureCollection, getDocument, insertDocument, listDocuments } from './documents.repo.ts';
import type { KbDeps } from './index.ts';
import { INGEST_QUEUE, ingestJobId } from './jobs.ts';
import { searchKb } from './search.ts';

const CreateDocument = z.object({
  title: z.string().trim().min(1).max(300),
  body: z.string().min(1, 'the document is empty').max(2_000_000, 'at most 2,000,000 characters; split the document'),
  mime: z.enum(['text/markdown', 'text/plain']).default('text/markdown'),
  collection: z.string().trim().min(1).max(100).default('General'),
  sourceRef: z.string().max(2000).optional(),
});
export type CreateDocument = z.infer<typeof CreateDocument>;

const SearchQuery = z.object({
  q: z.string().trim().min(2, 'at least 2 characters').max(500),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});
const DocumentParams = z.object({ documentId: z.uuid('documentId must be a UUID') });

export function kbRoutes(deps: KbDeps): Router {
  const router = Router();

  router.post('/kb/documents', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const input = parse(CreateDocument, req.body, 'document');
    const doc = await addDocument(deps, {
      workspaceId: who.workspaceId,
      createdBy: who.type === 'user' ? who.userId : undefined,
      source: 'api',
      ...input,
    });
    res.status(202).location(`/api/kb/documents/${doc.id}`).json({ document: doc });
  });

  router.get('/kb/documents', async (_req, res) => {
    const who = authorize(res, 'kb:read');
    res.json({ documents: await listDocuments(deps.db, who.workspaceId) });
  });

  router.get('/kb/documents/:documentId', async (req, res) => {
    const who = authorize(res, 'kb:read');
    const { documentId } = parse(DocumentParams, req.params, 'document id');
    const doc = await getDocument(deps.db, who.workspaceId, documentId);
    if (!doc) throw notFound('document', documentId);
    res.json({ document: doc });
  });

  router.get('/kb/search', async (req, res) => {
    const who = authorize(res, 'kb:read');
    const { q, limit } = parse(SearchQuery, req.query, 'search');
    res.json({ passages: await searchKb(deps, { workspaceId: who.workspaceId, query: q, limit }) });
  });

  return router;
}

export type AddDocumentInput = CreateDocument & { workspaceId: string; source: string; createdBy?: string };

/** Stores the document and requests its indexing in one transaction; the job is relayed after commit. */
export async function addDocument(deps: KbDeps, input: AddDocumentInput) {
  const body = input.body.replace(/\u0000/g, '');
  if (!body.trim()) throw new AppError('invalid_request', 'The document has no text. Send the Markdown or plain text in "body".');
  const contentHash = createHash('sha256').update(body).digest('hex');
  const doc = await deps.db.transaction(async (tx) => {
    const collectionId = await ensureCollection(tx, input.workspaceId, input.collection);
    const created = await insertDocument(tx, {
      workspaceId: input.workspaceId,
      collectionId,
      title: input.title,
      source: input.source,
      sourceRef: input.sourceRef,
      mime: input.mime,
      contentHash,
      body,
      createdBy: input.createdBy,
    });
    const payload = { documentId: created.id, version: created.version };
    await requestJob(tx, { queue: INGEST_QUEUE, name: 'index-document', payload, jobId: ingestJobId(payload) });
    return created;
  });
  deps.jobsRequested();
  return doc;
}
