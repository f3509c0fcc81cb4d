// Embedding models per workspace: which one is searched (active), which one is being built beside it (building),
// and the HNSW index each model needs. A model change never leaves a workspace without vector search: the new model
// gets embeddings for every chunk first, then one transaction retires the old model and activates the new one.
import type { Queryable } from '../core/db/index.ts';
import { sha256 } from '../core/secrets.ts';
import { passageText } from './documents.repo.ts';

export type ModelStatus = 'building' | 'active' | 'retired' | 'failed';
export type EmbeddingModelRow = {
  model: string;
  dimensions: number;
  status: ModelStatus;
  progress: Record<string, unknown>;
  createdAt: Date;
  activatedAt: Date | null;
};

// Model names end up as SQL literals in index predicates (a partial index is only used when the query repeats its
// predicate as a constant), so they are restricted to a safe alphabet.
export const MODEL_NAME = /^[A-Za-z0-9._:@\/-]{1,100}$/;

export function modelLiteral(model: string): string {
  if (!MODEL_NAME.test(model)) throw new Error(`unsafe embedding model name: ${model}`);
  return `'${model}'`;
}

/** The searched model of the workspace; `fallback` (the configured default) when none was recorded yet. */
export async function activeModel(q: Queryable, workspaceId: string, fallback: string): Promise<string> {
  const { rows } = await q.query<{ model: string }>(
    `SELECT model FROM kb_embedding_models WHERE workspace_id = $1 AND status = 'active'`,
    [workspaceId],
  );
  return rows[0]?.model ?? fallback;
}

/** Models that new chunks must be embedded with: the active one and any being built. */
export async function modelsToWrite(q: Queryable, workspaceId: string, fallback: string): Promise<string[]> {
  const { rows } = await q.query<{ model: string }>(
    `SELECT model FROM kb_embedding_models WHERE workspace_id = $1 AND status IN ('active', 'building') ORDER BY status`,
    [workspaceId],
  );
  return rows.length ? rows.map((r) => r.model) : [fallback];
}

export async function listModels(q: Queryable, workspaceId: string): Promise<EmbeddingModelRow[]> {
  const { rows } = await q.query<EmbeddingModelRow>(
    `SELECT model, dimensions, status, progress, created_at AS "createdAt", activated_at AS "activatedAt"
       FROM kb_embedding_models WHERE workspace_id = $1 ORDER BY created_at`,
    [workspaceId],
  );
  return rows;
}

/** Records the configured default as the active model of a workspace that has none yet (idempotent). */
export async function ensureActiveModel(q: Queryable, workspaceId: string, model: string, dimensions: number): Promise<void> {
  await q.query(
    `INSERT INTO kb_embedding_models (workspace_id, model, dimensions, status, activated_at)
     SELECT $1, $2, $3, 'active', now()
      WHERE NOT EXISTS (SELECT 1 FROM kb_embedding_models WHERE workspace_id = $1 AND status = 'active')
     ON CONFLICT (workspace_id, model) DO NOTHING`,
    [workspaceId, model, dimensions],
  );
}

/** Starts building `model` beside the active one. Returns false when it is already the active model. */
export async function startBuilding(q: Queryable, workspaceId: string, model: string, dimensions: number): Promise<boolean> {
  const { rows } = await q.query<{ status: ModelStatus }>(
    `INSERT INTO kb_embedding_models (workspace_id, model, dimensions, status)
     VALUES ($1, $2, $3, 'building')
     ON CONFLICT (workspace_id, model) DO UPDATE
       SET status = CASE WHEN kb_embedding_models.status = 'active' THEN 'active' ELSE 'building' END,
           dimensions = EXCLUDED.dimensions, progress = '{}'::jsonb
     RETURNING status`,
    [workspaceId, model, dimensions],
  );
  return rows[0]?.status === 'building';
}

export async function setBuildProgress(q: Queryable, workspaceId: string, model: string, progress: Record<string, unknown>): Promise<void> {
  await q.query(
    `UPDATE kb_embedding_models SET progress = $3::jsonb WHERE workspace_id = $1 AND model = $2`,
    [workspaceId, model, JSON.stringify(progress)],
  );
}

/**
 * Switches the workspace to `model` in one statement sequence (call in a transaction): the old active model is
 * retired and its vectors deleted, the new one becomes active. Returns false if `model` is not being built.
 */
export async function activateModel(tx: Queryable, workspaceId: string, model: string): Promise<boolean> {
  const { rows } = await tx.query<{ model: string }>(
    `SELECT model FROM kb_embedding_models WHERE workspace_id = $1 AND model = $2 AND status = 'building' FOR UPDATE`,
    [workspaceId, model],
  );
  if (!rows[0]) return false;
  const retired = await tx.query<{ model: string }>(
    `UPDATE kb_embedding_models SET status = 'retired' WHERE workspace_id = $1 AND status = 'active' RETURNING model`,
    [workspaceId],
  );
  await tx.query(
    `UPDATE kb_embedding_models SET status = 'active', activated_at = now(), progress = progress || '{"stage":"active"}'::jsonb
      WHERE workspace_id = $1 AND model = $2`,
    [workspaceId, model],
  );
  const old = retired.rows.map((r) => r.model).filter((m) => m !== model);
  if (old.length) await tx.query('DELETE FROM chunk_embeddings WHERE workspace_id = $1 AND model = ANY($2::text[])', [workspaceId, old]);
  return true;
}

/**
 * Creates the model's partial HNSW index when missing. This is the one piece of runtime DDL (STYLE.md rule 6 says
 * none): a model chosen by an administrator at run time, with its own dimension, cannot be known to a migration.
 * The name is derived from the model, so every API and worker copy creates the same index at most once.
 */
export async function ensureModelIndex(q: Queryable, model: string, dimensions: number): Promise<string> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2000) {
    throw new Error(`HNSW indexes support 1 to 2,000 dimensions; ${model} has ${dimensions}`);
  }
  const name = `chunk_embeddings_${sha256(model).slice(0, 12)}_hnsw`;
  // Models known at release time have their index from a migration; don't build a second one.
  const existing = await q.query<{ indexname: string }>(
    `SELECT indexname FROM pg_indexes WHERE tablename = 'chunk_embeddings' AND indexdef LIKE '%USING hnsw%' AND indexdef LIKE $1`,
    [`%model = ${modelLiteral(model)}::text%`],
  );
  if (existing.rows[0]) return existing.rows[0].indexname;
  await q.query(
    `CREATE INDEX IF NOT EXISTS ${name} ON chunk_embeddings
       USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops) WHERE model = ${modelLiteral(model)}`,
  );
  return name;
}

/** Chunks of the workspace that have no vector for `model` yet (the reindex job's next batch). */
export async function chunksMissingModel(q: Queryable, workspaceId: string, model: string, limit: number): Promise<{ id: string; text: string }[]> {
  const { rows } = await q.query<{ id: string; title: string; headingPath: string[]; text: string }>(
    `SELECT c.id, d.title, c.heading_path AS "headingPath", c.text
       FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.workspace_id = $1
        AND NOT EXISTS (SELECT 1 FROM chunk_embeddings e WHERE e.chunk_id = c.id AND e.model = $2)
      ORDER BY c.id
      LIMIT $3`,
    [workspaceId, model, limit],
  );
  // The same passage text ingestion embeds, so both paths give a chunk the same vector.
  return rows.map((r) => ({ id: r.id, text: passageText(r.title, r.headingPath, r.text) }));
}

export async function countChunks(q: Queryable, workspaceId: string, model?: string): Promise<number> {
  const { rows } = model
    ? await q.query<{ n: number }>('SELECT count(*)::int AS n FROM chunk_embeddings WHERE workspace_id = $1 AND model = $2', [workspaceId, model])
    : await q.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks WHERE workspace_id = $1', [workspaceId]);
  return rows[0]?.n ?? 0;
}
