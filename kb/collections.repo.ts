// Collections group documents: public ones feed the bot, internal ones only agents; each names the skill that
// conversations about it route to.
import type { Queryable } from '../core/db/index.ts';

export type Visibility = 'public' | 'internal';
export type CollectionRow = {
  id: string;
  name: string;
  description: string;
  visibility: Visibility;
  defaultSkill: string | null;
  documents: number;
  createdAt: Date;
  updatedAt: Date;
};

const COLUMNS = `k.id, k.name, k.description, k.visibility, k.default_skill AS "defaultSkill", k.created_at AS "createdAt",
  k.updated_at AS "updatedAt", (SELECT count(*)::int FROM documents d WHERE d.collection_id = k.id) AS documents`;

/** The workspace's collection named `name`, created (public) on first use. */
export async function ensureCollection(q: Queryable, workspaceId: string, name = 'General'): Promise<string> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO kb_collections (workspace_id, name) VALUES ($1, $2)
     ON CONFLICT (workspace_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [workspaceId, name],
  );
  return rows[0]!.id;
}

export async function listCollections(q: Queryable, workspaceId: string): Promise<CollectionRow[]> {
  const { rows } = await q.query<CollectionRow>(`SELECT ${COLUMNS} FROM kb_collections k WHERE k.workspace_id = $1 ORDER BY k.name`, [workspaceId]);
  return rows;
}

export async function getCollection(q: Queryable, workspaceId: string, id: string): Promise<CollectionRow | null> {
  const { rows } = await q.query<CollectionRow>(`SELECT ${COLUMNS} FROM kb_collections k WHERE k.workspace_id = $1 AND k.id = $2`, [workspaceId, id]);
  return rows[0] ?? null;
}

export type CollectionInput = { name: string; description?: string; visibility?: Visibility; defaultSkill?: string | null };

/** Returns null when the name is taken in this workspace. */
export async function createCollection(q: Queryable, workspaceId: string, c: CollectionInput): Promise<CollectionRow | null> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO kb_collections (workspace_id, name, description, visibility, default_skill) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workspace_id, name) DO NOTHING RETURNING id`,
    [workspaceId, c.name, c.description ?? '', c.visibility ?? 'public', c.defaultSkill ?? null],
  );
  return rows[0] ? getCollection(q, workspaceId, rows[0].id) : null;
}

export async function updateCollection(q: Queryable, workspaceId: string, id: string, c: Partial<CollectionInput>): Promise<CollectionRow | null> {
  const { rowCount } = await q.query(
    `UPDATE kb_collections SET name = COALESCE($3, name), description = COALESCE($4, description),
            visibility = COALESCE($5, visibility),
            default_skill = CASE WHEN $6::boolean THEN $7 ELSE default_skill END, updated_at = now()
      WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id, c.name ?? null, c.description ?? null, c.visibility ?? null, c.defaultSkill !== undefined, c.defaultSkill ?? null],
  );
  return rowCount ? getCollection(q, workspaceId, id) : null;
}

/** Deletes an empty collection; returns 'not_empty' when documents remain (delete or move them first). */
export async function deleteCollection(q: Queryable, workspaceId: string, id: string): Promise<'deleted' | 'not_found' | 'not_empty'> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT (SELECT count(*)::int FROM documents WHERE collection_id = $2) AS n FROM kb_collections WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
    [workspaceId, id],
  );
  if (!rows[0]) return 'not_found';
  if (rows[0].n > 0) return 'not_empty';
  await q.query('DELETE FROM kb_collections WHERE id = $1', [id]);
  return 'deleted';
}
