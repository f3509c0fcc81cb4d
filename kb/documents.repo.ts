// Documents, their versions and chunks. Every function takes a Queryable, so the caller owns the transaction.
import type { Queryable } from '../core/db/index.ts';
import { toVectorLiteral } from './embedder.ts';

export type DocumentStatus = 'pending' | 'processing' | 'ready' | 'failed';
export type DocumentRow = {
  id: string;
  workspaceId: string;
  collectionId: string;
  title: string;
  source: string;
  sourceRef: string | null;
  mime: string;
  contentHash: string;
  version: number;
  indexedVersion: number | null;
  status: DocumentStatus;
  error: string | null;
  progress: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
};

// Column list mapped to DocumentRow; `t` is an optional table alias for joins.
const docColumns = (t = ''): string => {
  const c = (name: string) => `${t ? `${t}.` : ''}${name}`;
  return `${c('id')}, ${c('workspace_id')} AS "workspaceId", ${c('collection_id')} AS "collectionId", ${c('title')}, ${c('source')},
    ${c('source_ref')} AS "sourceRef", ${c('mime')}, ${c('content_hash')} AS "contentHash", ${c('version')},
    ${c('indexed_version')} AS "indexedVersion", ${c('status')}, ${c('error')}, ${c('progress')},
    ${c('created_at')} AS "createdAt", ${c('updated_at')} AS "updatedAt"`;
};
const DOC_COLUMNS = docColumns();

/** The workspace's collection named `name`, created on first use. */
export async function ensureCollection(q: Queryable, workspaceId: string, name = 'General'): Promise<string> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO kb_collections (workspace_id, name) VALUES ($1, $2)
     ON CONFLICT (workspace_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [workspaceId, name],
  );
  return rows[0]!.id;
}

export type NewDocument = {
  workspaceId: string;
  collectionId: string;
  title: string;
  source: string;
  sourceRef?: string;
  mime: string;
  contentHash: string;
  body: string;
  createdBy?: string;
};

/** Inserts a document at version 1 with its body. */
export async function insertDocument(q: Queryable, d: NewDocument): Promise<DocumentRow> {
  const { rows } = await q.query<DocumentRow>(
    `INSERT INTO documents (workspace_id, collection_id, title, source, source_ref, mime, content_hash, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${DOC_COLUMNS}`,
    [d.workspaceId, d.collectionId, d.title, d.source, d.sourceRef ?? null, d.mime, d.contentHash, d.createdBy ?? null],
  );
  const doc = rows[0]!;
  await q.query('INSERT INTO document_versions (document_id, version, content_hash, body) VALUES ($1, 1, $2, $3)', [doc.id, d.contentHash, d.body]);
  return doc;
}

export async function getDocument(q: Queryable, workspaceId: string, id: string): Promise<DocumentRow | null> {
  const { rows } = await q.query<DocumentRow>(`SELECT ${DOC_COLUMNS} FROM documents WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
  return rows[0] ?? null;
}

export async function listDocuments(q: Queryable, workspaceId: string, limit = 100): Promise<DocumentRow[]> {
  const { rows } = await q.query<DocumentRow>(
    `SELECT ${DOC_COLUMNS} FROM documents WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT $2`,
    [workspaceId, limit],
  );
  return rows;
}

/** For the ingestion worker: the document and the body of `version`, whatever the workspace. */
export async function getVersionForIndexing(q: Queryable, documentId: string, version: number): Promise<{ doc: DocumentRow; body: string } | null> {
  const { rows } = await q.query<DocumentRow & { body: string }>(
    `SELECT ${docColumns('d')}, v.body
       FROM documents d JOIN document_versions v ON v.document_id = d.id AND v.version = $2
      WHERE d.id = $1`,
    [documentId, version],
  );
  const row = rows[0];
  if (!row) return null;
  const { body, ...doc } = row;
  return { doc, body };
}

export async function setDocumentStatus(
  q: Queryable,
  documentId: string,
  version: number,
  status: DocumentStatus,
  extra: { error?: string | null; progress?: Record<string, unknown> } = {},
): Promise<void> {
  await q.query(
    `UPDATE documents SET status = $3, error = $4, progress = COALESCE($5::jsonb, progress), updated_at = now()
      WHERE id = $1 AND version = $2`,
    [documentId, version, status, extra.error ?? null, extra.progress ? JSON.stringify(extra.progress) : null],
  );
}

export type NewChunk = { ordinal: number; headingPath: string[]; text: string; tokenCount: number; embedding: number[] };

/**
 * Swaps the document's chunks for `version` and marks it ready. Returns false (and changes nothing) when the document
 * has moved on to a newer version or this version is already indexed. Call inside a transaction.
 */
export async function replaceChunks(tx: Queryable, documentId: string, version: number, model: string, chunks: NewChunk[]): Promise<boolean> {
  const stamped = await tx.query<{ workspace_id: string }>(
    `UPDATE documents SET indexed_version = $2, status = 'ready', error = NULL, updated_at = now(),
            progress = jsonb_build_object('stage', 'ready', 'chunks', $3::int)
      WHERE id = $1 AND version = $2 AND indexed_version IS DISTINCT FROM $2
      RETURNING workspace_id`, // row lock until commit
    [documentId, version, chunks.length],
  );
  const workspaceId = stamped.rows[0]?.workspace_id;
  if (!workspaceId) return false;
  await tx.query('DELETE FROM chunks WHERE document_id = $1', [documentId]);
  if (chunks.length === 0) return true;
  const inserted = await tx.query<{ id: string; ordinal: number }>(
    `INSERT INTO chunks (workspace_id, document_id, version, ordinal, heading_path, heading, text, token_count)
     SELECT $1, $2, $3, c.ordinal, ARRAY(SELECT jsonb_array_elements_text(c.heading_path)), c.heading, c.text, c.token_count
       FROM jsonb_to_recordset($4::jsonb) AS c(ordinal int, heading_path jsonb, heading text, text text, token_count int)
     RETURNING id, ordinal`,
    [workspaceId, documentId, version, JSON.stringify(chunks.map((c) => ({ ordinal: c.ordinal, heading_path: c.headingPath, heading: c.headingPath.join(' › '), text: c.text, token_count: c.tokenCount })))],
  );
  const idByOrdinal = new Map(inserted.rows.map((r) => [r.ordinal, r.id]));
  await tx.query(
    `INSERT INTO chunk_embeddings (chunk_id, workspace_id, model, embedding)
     SELECT e.chunk_id, $1, $2, e.embedding::vector FROM unnest($3::uuid[], $4::text[]) AS e(chunk_id, embedding)`,
    [workspaceId, model, chunks.map((c) => idByOrdinal.get(c.ordinal)), chunks.map((c) => toVectorLiteral(c.embedding))],
  );
  return true;
}
