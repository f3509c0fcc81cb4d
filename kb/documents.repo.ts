// Documents, their versions and chunks. Every function takes a Queryable, so the caller owns the transaction.
// Invariants: a document's chunks all belong to one version (indexed_version); chunks are replaced in one
// transaction; kb_term_stats/kb_stats move in step with chunks, so the local embedder's IDF is always current.
import type { Queryable } from '../core/db/index.ts';
import { toVectorLiteral } from './embedder.ts';
import { searchableText, tsConfigFor } from './language.ts';
import { terms } from './text.ts';

export type DocumentStatus = 'pending' | 'processing' | 'ready' | 'failed';
export type DocumentRow = {
  id: string;
  workspaceId: string;
  collectionId: string;
  title: string;
  source: string;
  sourceRef: string | null;
  sourceKey: string | null;
  mime: string;
  format: string;
  language: string | null;
  tags: string[];
  contentHash: string;
  version: number;
  indexedVersion: number | null;
  status: DocumentStatus;
  error: string | null;
  warnings: string[];
  pages: number | null;
  progress: Record<string, unknown>;
  createdBy: string | null;
  updatedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
};

// Column list mapped to DocumentRow; `t` is an optional table alias for joins.
const docColumns = (t = ''): string => {
  const c = (name: string) => `${t ? `${t}.` : ''}${name}`;
  return `${c('id')}, ${c('workspace_id')} AS "workspaceId", ${c('collection_id')} AS "collectionId", ${c('title')}, ${c('source')},
    ${c('source_ref')} AS "sourceRef", ${c('source_key')} AS "sourceKey", ${c('mime')}, ${c('format')}, ${c('language')}, ${c('tags')},
    ${c('content_hash')} AS "contentHash", ${c('version')}, ${c('indexed_version')} AS "indexedVersion", ${c('status')},
    ${c('error')}, ${c('warnings')}, ${c('pages')}, ${c('progress')}, ${c('created_by')} AS "createdBy", ${c('updated_by')} AS "updatedBy",
    ${c('created_at')} AS "createdAt", ${c('updated_at')} AS "updatedAt"`;
};
const DOC_COLUMNS = docColumns();

export type SaveDocument = {
  workspaceId: string;
  collectionId: string;
  title: string;
  source: string;
  /** Identity of the source (file name in a collection, URL, dataset id): a re-import with the same key is a new version. */
  sourceKey?: string;
  sourceRef?: string;
  mime: string;
  format: string;
  language?: string | null;
  tags?: string[];
  contentHash: string;
  /** Text formats. */
  body?: string;
  /** Binary formats (PDF, DOCX, XLSX): the original bytes. */
  raw?: Uint8Array;
  filename?: string;
  sizeBytes: number;
  actor?: string;
};

export type SaveOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates the document, or — when a document with the same source key exists — adds a new version of it. Content
 * with the same hash as the current version is skipped ('unchanged'). The current chunks stay searchable until the
 * new version is indexed (replaceChunks swaps them atomically).
 */
export async function saveDocument(tx: Queryable, d: SaveDocument): Promise<{ doc: DocumentRow; outcome: SaveOutcome }> {
  const lockExisting = async () =>
    d.sourceKey
      ? (await tx.query<DocumentRow>(`SELECT ${DOC_COLUMNS} FROM documents WHERE workspace_id = $1 AND source_key = $2 FOR UPDATE`, [d.workspaceId, d.sourceKey])).rows[0]
      : undefined;
  let existing = await lockExisting();
  if (!existing) {
    // ON CONFLICT: two imports of the same new source at once (a double-submitted upload, overlapping crawls) must
    // not fail; the loser waits for the winner's row and becomes a new version of it (or is skipped as unchanged).
    const { rows } = await tx.query<DocumentRow>(
      `INSERT INTO documents (workspace_id, collection_id, title, source, source_key, source_ref, mime, format, language, tags,
                              content_hash, progress, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '{"stage":"queued"}'::jsonb, $12, $12)
       ON CONFLICT (workspace_id, source_key) WHERE source_key IS NOT NULL DO NOTHING
       RETURNING ${DOC_COLUMNS}`,
      [d.workspaceId, d.collectionId, d.title, d.source, d.sourceKey ?? null, d.sourceRef ?? null, d.mime, d.format, d.language ?? null, d.tags ?? [], d.contentHash, d.actor ?? null],
    );
    if (rows[0]) {
      await insertVersion(tx, rows[0], d);
      return { doc: rows[0], outcome: 'created' };
    }
    existing = await lockExisting();
    if (!existing) throw new Error(`document with source ${d.sourceKey} vanished while it was being imported`);
  }
  if (existing.contentHash === d.contentHash && existing.status !== 'failed') return { doc: existing, outcome: 'unchanged' };
  // A new version's language is what the caller says or detects, else unknown (the worker detects it from the
  // parsed text): a PDF replaced by its German edition must not keep English stemming.
  const { rows } = await tx.query<DocumentRow>(
    `UPDATE documents SET title = $2, collection_id = $3, mime = $4, format = $5, content_hash = $6, version = version + 1,
            status = 'pending', error = NULL, warnings = '{}', progress = '{"stage":"queued"}'::jsonb,
            language = $7, tags = COALESCE($8, tags), source_ref = COALESCE($9, source_ref),
            updated_by = $10, updated_at = now()
      WHERE id = $1 RETURNING ${DOC_COLUMNS}`,
    [existing.id, d.title, d.collectionId, d.mime, d.format, d.contentHash, d.language ?? null, d.tags ?? null, d.sourceRef ?? null, d.actor ?? null],
  );
  const doc = rows[0]!;
  await insertVersion(tx, doc, d);
  return { doc, outcome: 'updated' };
}

async function insertVersion(tx: Queryable, doc: DocumentRow, d: SaveDocument): Promise<void> {
  await tx.query(
    `INSERT INTO document_versions (document_id, version, content_hash, body, raw, format, filename, size_bytes, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [doc.id, doc.version, d.contentHash, d.body ?? null, d.raw ? Buffer.from(d.raw) : null, d.format, d.filename ?? null, d.sizeBytes, d.actor ?? null],
  );
}

export async function getDocument(q: Queryable, workspaceId: string, id: string): Promise<DocumentRow | null> {
  const { rows } = await q.query<DocumentRow>(`SELECT ${DOC_COLUMNS} FROM documents WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
  return rows[0] ?? null;
}

export type DocumentFilter = {
  collectionId?: string;
  status?: DocumentStatus;
  tag?: string;
  /** Words in the title or source. */
  q?: string;
  limit?: number;
  offset?: number;
};

export async function listDocuments(q: Queryable, workspaceId: string, f: DocumentFilter = {}): Promise<{ documents: DocumentRow[]; total: number }> {
  const where = ['workspace_id = $1'];
  const params: unknown[] = [workspaceId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.collectionId) add('collection_id = ?', f.collectionId);
  if (f.status) add('status = ?', f.status);
  if (f.tag) add('? = ANY(tags)', f.tag);
  if (f.q) {
    params.push(`%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
    where.push(`(title ILIKE $${params.length} OR coalesce(source_ref, '') ILIKE $${params.length})`);
  }
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE ${where.join(' AND ')}`, params);
  params.push(f.limit ?? 50, f.offset ?? 0);
  const { rows } = await q.query<DocumentRow>(
    `SELECT ${DOC_COLUMNS} FROM documents WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { documents: rows, total: total.rows[0]?.n ?? 0 };
}

export type VersionRow = { version: number; contentHash: string; format: string; filename: string | null; sizeBytes: number; createdBy: string | null; createdByEmail: string | null; createdAt: Date };

export async function listVersions(q: Queryable, documentId: string): Promise<VersionRow[]> {
  const { rows } = await q.query<VersionRow>(
    `SELECT v.version, v.content_hash AS "contentHash", v.format, v.filename, v.size_bytes AS "sizeBytes",
            v.created_by AS "createdBy", u.email AS "createdByEmail", v.created_at AS "createdAt"
       FROM document_versions v LEFT JOIN users u ON u.id = v.created_by
      WHERE v.document_id = $1 ORDER BY v.version DESC`,
    [documentId],
  );
  return rows;
}

export type ChunkRow = { id: string; ordinal: number; version: number; kind: string; headingPath: string[]; text: string; tokenCount: number; location: Record<string, unknown> };

export async function listChunks(q: Queryable, documentId: string): Promise<ChunkRow[]> {
  const { rows } = await q.query<ChunkRow>(
    `SELECT id, ordinal, version, kind, heading_path AS "headingPath", text, token_count AS "tokenCount", location
       FROM chunks WHERE document_id = $1 ORDER BY ordinal`,
    [documentId],
  );
  return rows;
}

/** For the ingestion worker: the document and the content of `version`, whatever the workspace. */
export async function getVersionForIndexing(
  q: Queryable,
  documentId: string,
  version: number,
): Promise<{ doc: DocumentRow; body: string | null; raw: Uint8Array | null; filename: string | null } | null> {
  const { rows } = await q.query<DocumentRow & { body: string | null; raw: Buffer | null; filename: string | null }>(
    `SELECT ${docColumns('d')}, v.body, v.raw, v.filename
       FROM documents d JOIN document_versions v ON v.document_id = d.id AND v.version = $2
      WHERE d.id = $1`,
    [documentId, version],
  );
  const row = rows[0];
  if (!row) return null;
  const { body, raw, filename, ...doc } = row;
  return { doc, body, raw: raw ? new Uint8Array(raw) : null, filename };
}

export async function setDocumentStatus(
  q: Queryable,
  documentId: string,
  version: number,
  status: DocumentStatus,
  extra: { error?: string | null; progress?: Record<string, unknown>; warnings?: string[]; pages?: number | null; language?: string | null; title?: string } = {},
): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE documents SET status = $3, error = $4, progress = COALESCE($5::jsonb, progress), warnings = COALESCE($6, warnings),
            pages = COALESCE($7, pages), language = COALESCE($8, language), title = COALESCE($9, title), updated_at = now()
      WHERE id = $1 AND version = $2`,
    [documentId, version, status, extra.error ?? null, extra.progress ? JSON.stringify(extra.progress) : null, extra.warnings ?? null, extra.pages ?? null, extra.language ?? null, extra.title ?? null],
  );
  return (rowCount ?? 0) > 0;
}

export type NewChunk = {
  ordinal: number;
  headingPath: string[];
  text: string;
  tokenCount: number;
  kind: string;
  location: Record<string, unknown>;
  /** Vector per embedding model. */
  embeddings: Record<string, number[]>;
};

/** The text a chunk is embedded and counted as: document title, heading path and body. */
export const passageText = (title: string, headingPath: string[], text: string): string =>
  [title, headingPath.join(' › '), text].filter(Boolean).join('\n');

/** Distinct stemmed terms of a passage: what kb_term_stats counts for one chunk. */
export const passageTerms = (passage: string): string[] => [...new Set(terms(passage))].sort();

/**
 * Moves the workspace's document frequencies: minus the terms the removed chunks recorded, plus the added chunks'
 * terms. Serialised per workspace by an advisory lock, so concurrent swaps never deadlock on term rows and counts
 * never go below zero.
 */
async function updateTermStats(tx: Queryable, workspaceId: string, removed: string[][], added: string[][]): Promise<void> {
  const delta = new Map<string, number>();
  for (const ts of added) for (const t of ts) delta.set(t, (delta.get(t) ?? 0) + 1);
  for (const ts of removed) for (const t of ts) delta.set(t, (delta.get(t) ?? 0) - 1);
  const entries = [...delta].filter(([, n]) => n !== 0);
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('kb_term_stats:' || $1::text))`, [workspaceId]);
  if (entries.length) {
    const termsArr = entries.map(([t]) => t);
    const deltas = entries.map(([, n]) => n);
    await tx.query(
      `UPDATE kb_term_stats s SET df = GREATEST(s.df + d.delta, 0)
         FROM unnest($2::text[], $3::int[]) AS d(term, delta)
        WHERE s.workspace_id = $1 AND s.term = d.term`,
      [workspaceId, termsArr, deltas],
    );
    await tx.query(
      `INSERT INTO kb_term_stats (workspace_id, term, df)
       SELECT $1, d.term, d.delta FROM unnest($2::text[], $3::int[]) AS d(term, delta) WHERE d.delta > 0
       ON CONFLICT (workspace_id, term) DO NOTHING`,
      [workspaceId, termsArr, deltas],
    );
  }
  await tx.query(
    `INSERT INTO kb_stats (workspace_id, chunks) VALUES ($1, GREATEST($2::int, 0))
     ON CONFLICT (workspace_id) DO UPDATE SET chunks = GREATEST(kb_stats.chunks + $2::int, 0)`,
    [workspaceId, added.length - removed.length],
  );
}

async function recordedTerms(tx: Queryable, documentId: string): Promise<string[][]> {
  const { rows } = await tx.query<{ terms: string[] }>('SELECT terms FROM chunks WHERE document_id = $1', [documentId]);
  return rows.map((r) => r.terms);
}

/**
 * Swaps the document's chunks for `version` and marks it ready. Returns false (and changes nothing) when the document
 * has moved on to a newer version or this version is already indexed. Call inside a transaction.
 */
export async function replaceChunks(
  tx: Queryable,
  input: { documentId: string; version: number; title: string; language: string | null; chunks: NewChunk[]; warnings?: string[]; pages?: number | null },
): Promise<boolean> {
  const { documentId, version, chunks } = input;
  const stamped = await tx.query<{ workspace_id: string }>(
    `UPDATE documents SET indexed_version = $2, status = 'ready', error = NULL, updated_at = now(), title = $4,
            language = $5, warnings = COALESCE($6, warnings), pages = $7,
            progress = jsonb_build_object('stage', 'ready', 'percent', 100, 'chunks', $3::int, 'pages', $7::int)
      WHERE id = $1 AND version = $2 AND indexed_version IS DISTINCT FROM $2
      RETURNING workspace_id`, // row lock until commit
    [documentId, version, chunks.length, input.title, input.language, input.warnings ?? null, input.pages ?? null],
  );
  const workspaceId = stamped.rows[0]?.workspace_id;
  if (!workspaceId) return false;
  const removed = await recordedTerms(tx, documentId);
  await tx.query('DELETE FROM chunks WHERE document_id = $1', [documentId]);
  const chunkTerms = chunks.map((c) => passageTerms(passageText(input.title, c.headingPath, c.text)));
  await updateTermStats(tx, workspaceId, removed, chunkTerms);
  if (chunks.length === 0) return true;
  const inserted = await tx.query<{ id: string; ordinal: number }>(
    `INSERT INTO chunks (workspace_id, document_id, version, ordinal, heading_path, heading, text, token_count, kind, location, ts_config, terms, tsv)
     SELECT $1, $2, $3, c.ordinal, ARRAY(SELECT jsonb_array_elements_text(c.heading_path)), c.heading, c.text, c.token_count,
            c.kind, c.location, cfg.name, ARRAY(SELECT jsonb_array_elements_text(c.terms)),
            setweight(to_tsvector(cfg.name::regconfig, c.search_head), 'A') || to_tsvector(cfg.name::regconfig, c.search_text)
       FROM jsonb_to_recordset($4::jsonb) AS c(ordinal int, heading_path jsonb, heading text, text text, token_count int,
                                                kind text, location jsonb, terms jsonb, search_head text, search_text text),
            (SELECT COALESCE((SELECT cfgname::text FROM pg_ts_config WHERE cfgname = $5), 'simple') AS name) cfg
     RETURNING id, ordinal`,
    [
      workspaceId,
      documentId,
      version,
      JSON.stringify(
        chunks.map((c, i) => ({
          ordinal: c.ordinal,
          terms: chunkTerms[i],
          heading_path: c.headingPath,
          heading: c.headingPath.join(' › '),
          text: c.text,
          token_count: c.tokenCount,
          kind: c.kind,
          location: c.location,
          search_head: searchableText([input.title, ...c.headingPath].join(' ')),
          search_text: searchableText(c.text),
        })),
      ),
      tsConfigFor(input.language),
    ],
  );
  const idByOrdinal = new Map(inserted.rows.map((r) => [r.ordinal, r.id]));
  // The models may have changed while this document was embedded (a reindex finished and switched): vectors of the
  // active model are required, a building model's are optional (its reindex job fills gaps before switching), and a
  // retired model's are dropped. FOR SHARE orders this against activateModel's FOR UPDATE.
  const { rows: current } = await tx.query<{ model: string; status: string }>(
    `SELECT model, status FROM kb_embedding_models WHERE workspace_id = $1 AND status IN ('active', 'building') FOR SHARE`,
    [workspaceId],
  );
  const provided = Object.keys(chunks[0]?.embeddings ?? {});
  const active = current.find((m) => m.status === 'active')?.model;
  if (active && !provided.includes(active)) {
    throw new Error(`the workspace switched its embedding model to ${active} while this document was being indexed; indexing it again`);
  }
  const models = current.length ? provided.filter((m) => current.some((c) => c.model === m)) : provided;
  for (const model of models) {
    await tx.query(
      `INSERT INTO chunk_embeddings (chunk_id, workspace_id, model, embedding)
       SELECT e.chunk_id, $1, $2, e.embedding::vector FROM unnest($3::uuid[], $4::text[]) AS e(chunk_id, embedding)`,
      [workspaceId, model, chunks.map((c) => idByOrdinal.get(c.ordinal)), chunks.map((c) => toVectorLiteral(c.embeddings[model] ?? []))],
    );
  }
  return true;
}

/** Adds vectors of another model to existing chunks (kefu reindex). Chunks deleted meanwhile are skipped. */
export async function addEmbeddings(tx: Queryable, workspaceId: string, model: string, rows: { chunkId: string; embedding: number[] }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await tx.query(
    `INSERT INTO chunk_embeddings (chunk_id, workspace_id, model, embedding)
     SELECT e.chunk_id, $1, $2, e.embedding::vector FROM unnest($3::uuid[], $4::text[]) AS e(chunk_id, embedding)
      WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.id = e.chunk_id)
     ON CONFLICT (chunk_id, model) DO NOTHING`,
    [workspaceId, model, rows.map((r) => r.chunkId), rows.map((r) => toVectorLiteral(r.embedding))],
  );
  return rowCount ?? 0;
}

/** Deletes the document with its versions, chunks and vectors: it is unsearchable once this commits. */
export async function deleteDocument(tx: Queryable, workspaceId: string, id: string): Promise<DocumentRow | null> {
  const { rows } = await tx.query<DocumentRow>(`SELECT ${DOC_COLUMNS} FROM documents WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [workspaceId, id]);
  const doc = rows[0];
  if (!doc) return null;
  const removed = await recordedTerms(tx, id);
  await tx.query('DELETE FROM documents WHERE id = $1', [id]);
  await updateTermStats(tx, workspaceId, removed, []);
  return doc;
}

/** Term document frequencies and the chunk count of a workspace, for IDF weights of a query's terms. */
export async function termStats(q: Queryable, workspaceId: string, queryTerms: string[]): Promise<{ chunks: number; df: Map<string, number> }> {
  const { rows } = await q.query<{ term: string | null; df: number }>(
    `SELECT NULL AS term, chunks AS df FROM kb_stats WHERE workspace_id = $1
     UNION ALL
     SELECT term, df FROM kb_term_stats WHERE workspace_id = $1 AND term = ANY($2::text[])`,
    [workspaceId, queryTerms],
  );
  const df = new Map<string, number>();
  let chunks = 0;
  for (const r of rows) {
    if (r.term === null) chunks = Number(r.df);
    else df.set(r.term, Number(r.df));
  }
  return { chunks, df };
}
