// Use cases of the knowledge base: add (or re-import) a document, delete it, re-index it, switch embedding models.
// Each writes its rows, the audit entry and the job request in one transaction; jobs are relayed after commit.
import { createHash } from 'node:crypto';
import type { Principal } from '../core/access.ts';
import { audit } from '../core/audit.ts';
import { AppError, notFound } from '../core/errors.ts';
import { requestJob } from '../core/outbox.ts';
import { ensureCollection, getCollection } from './collections.repo.ts';
import { deleteDocument, getDocument, saveDocument, type DocumentRow, type SaveOutcome } from './documents.repo.ts';
import type { KbDeps } from './index.ts';
import { INGEST_QUEUE, REINDEX_QUEUE, ingestJobId, reindexJobId } from './jobs.ts';
import { ensureActiveModel, ensureModelIndex, startBuilding } from './models.repo.ts';
import { sanitizeStoredHtml } from './sanitize.ts';

export type Actor = Principal | { type: 'system'; workspaceId: string };
const userIdOf = (who: Actor): string | undefined => (who.type === 'user' ? who.userId : undefined);

export type AddDocumentInput = {
  title: string;
  /** Collection by id, or by name (created on first use); default "General". */
  collectionId?: string;
  collection?: string;
  source: 'api' | 'upload' | 'url' | 'crawl' | 'cli' | 'dataset';
  sourceKey?: string;
  sourceRef?: string;
  mime: string;
  format: string;
  body?: string;
  raw?: Uint8Array;
  filename?: string;
  language?: string;
  tags?: string[];
};

export type AddDocumentResult = { document: DocumentRow; outcome: SaveOutcome };

/** Live event for knowledge managers' screens: a document's status or progress changed. */
export async function publishDocument(deps: Pick<KbDeps, 'events' | 'logger'>, doc: Pick<DocumentRow, 'id' | 'workspaceId' | 'title' | 'status' | 'progress' | 'error' | 'version'>): Promise<void> {
  await deps.events
    .publish(`kb:${doc.workspaceId}`, {
      type: 'document.updated',
      document: { id: doc.id, title: doc.title, status: doc.status, progress: doc.progress, error: doc.error, version: doc.version },
    })
    .catch((err: unknown) => deps.logger.warn({ err }, 'could not publish a document event'));
}

/**
 * Stores the document (or a new version of the document with the same source key) and requests its indexing, in
 * one transaction. Content identical to the current version is skipped.
 */
export async function addDocument(deps: KbDeps, who: Actor, raw: AddDocumentInput): Promise<AddDocumentResult> {
  const input = raw.format === 'html' && raw.body !== undefined ? { ...raw, body: sanitizeStoredHtml(raw.body) } : raw;
  const content = input.raw ?? new TextEncoder().encode(input.body ?? '');
  if (content.byteLength === 0 || (input.body !== undefined && !input.body.trim())) {
    throw new AppError('invalid_request', `"${input.title}" is empty. Send the document's text, or upload a file that has some.`);
  }
  const contentHash = createHash('sha256').update(content).digest('hex');
  const result = await deps.db.transaction(async (tx) => {
    let collectionId = input.collectionId;
    if (collectionId) {
      if (!(await getCollection(tx, who.workspaceId, collectionId))) throw notFound('collection', collectionId);
    } else {
      collectionId = await ensureCollection(tx, who.workspaceId, input.collection ?? 'General');
    }
    const saved = await saveDocument(tx, {
      workspaceId: who.workspaceId,
      collectionId,
      title: input.title,
      source: input.source,
      sourceKey: input.sourceKey,
      sourceRef: input.sourceRef,
      mime: input.mime,
      format: input.format,
      language: input.language,
      tags: input.tags,
      contentHash,
      body: input.raw ? undefined : input.body,
      raw: input.raw,
      filename: input.filename,
      sizeBytes: content.byteLength,
      actor: userIdOf(who),
    });
    if (saved.outcome !== 'unchanged') {
      const payload = { documentId: saved.doc.id, version: saved.doc.version };
      await requestJob(tx, { queue: INGEST_QUEUE, name: 'index-document', payload, jobId: ingestJobId(payload) });
      await audit(tx, who, saved.outcome === 'created' ? 'document.created' : 'document.updated', {
        type: 'document',
        id: saved.doc.id,
        details: { title: saved.doc.title, version: saved.doc.version, source: input.source, sourceRef: input.sourceRef ?? null, bytes: content.byteLength },
      });
    }
    return saved;
  });
  if (result.outcome !== 'unchanged') {
    deps.jobsRequested();
    await publishDocument(deps, result.doc);
  }
  return { document: result.doc, outcome: result.outcome };
}

/** Deletes a document; it stops being retrievable when this returns. */
export async function removeDocument(deps: KbDeps, who: Actor, documentId: string): Promise<DocumentRow> {
  const doc = await deps.db.transaction(async (tx) => {
    const deleted = await deleteDocument(tx, who.workspaceId, documentId);
    if (!deleted) throw notFound('document', documentId);
    await audit(tx, who, 'document.deleted', { type: 'document', id: documentId, details: { title: deleted.title, version: deleted.version } });
    return deleted;
  });
  await deps.events.publish(`kb:${who.workspaceId}`, { type: 'document.deleted', document: { id: doc.id, title: doc.title } }).catch(() => undefined);
  return doc;
}

/**
 * Indexes the document again from its stored content (after a parser or chunker improvement, or a failure): a new
 * version with the same content, swapped in when ready like any other version.
 */
export async function reindexDocument(deps: KbDeps, who: Actor, documentId: string): Promise<DocumentRow> {
  const doc = await deps.db.transaction(async (tx) => {
    const current = await getDocument(tx, who.workspaceId, documentId);
    if (!current) throw notFound('document', documentId);
    const { rows } = await tx.query<{ version: number }>(
      `UPDATE documents SET version = version + 1, status = 'pending', error = NULL, progress = '{"stage":"queued"}'::jsonb,
              updated_by = $2, updated_at = now()
        WHERE id = $1 RETURNING version`,
      [documentId, userIdOf(who) ?? null],
    );
    const version = rows[0]!.version;
    await tx.query(
      `INSERT INTO document_versions (document_id, version, content_hash, body, raw, format, filename, size_bytes, created_by)
       SELECT document_id, $2, content_hash, body, raw, format, filename, size_bytes, $3
         FROM document_versions WHERE document_id = $1 AND version = $2 - 1`,
      [documentId, version, userIdOf(who) ?? null],
    );
    const payload = { documentId, version };
    await requestJob(tx, { queue: INGEST_QUEUE, name: 'index-document', payload, jobId: ingestJobId(payload) });
    await audit(tx, who, 'document.reindexed', { type: 'document', id: documentId, details: { version } });
    return (await getDocument(tx, who.workspaceId, documentId))!;
  });
  deps.jobsRequested();
  await publishDocument(deps, doc);
  return doc;
}

/**
 * Starts building embeddings of `model` for the workspace beside the active model; the reindex job switches search
 * to it when every chunk has a vector. Returns false when the model is already active.
 */
export async function startModelChange(deps: KbDeps, who: Actor, model: string): Promise<{ started: boolean }> {
  const embedder = deps.embedders.get(model);
  if (!embedder) {
    throw new AppError('invalid_request', `Kefu cannot run the embedding model "${model}" here. Configure it (OPENAI_API_KEY and EMBEDDING_MODEL for an OpenAI-compatible model) or use ${deps.embedders.defaultModel}.`);
  }
  await ensureModelIndex(deps.db, embedder.model, embedder.dimensions); // DDL: outside the transaction below
  const started = await deps.db.transaction(async (tx) => {
    const def = deps.embedders.get(deps.embedders.defaultModel)!;
    await ensureActiveModel(tx, who.workspaceId, def.model, def.dimensions);
    const building = await startBuilding(tx, who.workspaceId, embedder.model, embedder.dimensions);
    if (building) {
      const payload = { workspaceId: who.workspaceId, model: embedder.model };
      await requestJob(tx, { queue: REINDEX_QUEUE, name: 'reindex-workspace', payload, jobId: reindexJobId(payload, String(Date.now())) });
      await audit(tx, who, 'kb.model_change_started', { type: 'embedding_model', id: embedder.model });
    }
    return building;
  });
  if (started) deps.jobsRequested();
  return { started };
}
