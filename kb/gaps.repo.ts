// Knowledge gaps: questions the bot could not answer, grouped by similarity so a knowledge manager sees "23 people
// asked about changing the delivery address" instead of 23 rows. Grouping uses the local embedder (whatever model
// the workspace searches with), so groups stay comparable when the search model changes.
import type { Queryable } from '../core/db/index.ts';
import { localEmbed, toVectorLiteral } from './embedder.ts';

export type GapStatus = 'open' | 'resolved' | 'dismissed';
export type GapRow = {
  id: string;
  question: string;
  count: number;
  examples: { text: string; conversationId: string | null; at: string }[];
  status: GapStatus;
  firstSeen: Date;
  lastSeen: Date;
};

/** Cosine similarity above which a question joins an existing group. */
export const GAP_SIMILARITY = 0.5;
const EXAMPLES_KEPT = 5;
const GAP_COLUMNS = `id, question, count, examples, status, first_seen AS "firstSeen", last_seen AS "lastSeen"`;

/**
 * Adds an unanswered question to the closest open group, or starts a new group. The group's centroid moves toward
 * the question (running mean). Concurrent calls for one workspace are serialised by an advisory lock so two similar
 * questions arriving together don't start two groups.
 */
export async function recordGap(tx: Queryable, input: { workspaceId: string; question: string; conversationId?: string }): Promise<GapRow> {
  const text = input.question.trim().slice(0, 1000);
  const vector = localEmbed(text);
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('kb_gaps:' || $1))`, [input.workspaceId]);
  const example = JSON.stringify([{ text, conversationId: input.conversationId ?? null, at: new Date().toISOString() }]);
  const nearest = vector.some((v) => v !== 0)
    ? await tx.query<{ id: string; similarity: number; count: number; centroid: string }>(
        `SELECT id, count, centroid::text, 1 - (centroid <=> $2::vector) AS similarity
           FROM kb_gaps WHERE workspace_id = $1 AND status = 'open' AND vector_dims(centroid) = $3
          ORDER BY centroid <=> $2::vector LIMIT 1`,
        [input.workspaceId, toVectorLiteral(vector), vector.length],
      )
    : { rows: [] };
  const hit = nearest.rows[0];
  if (hit && Number(hit.similarity) >= GAP_SIMILARITY) {
    const old = JSON.parse(hit.centroid) as number[];
    const n = hit.count;
    const centroid = old.map((v, i) => (v * n + (vector[i] ?? 0)) / (n + 1));
    const { rows } = await tx.query<GapRow>(
      `UPDATE kb_gaps SET count = count + 1, last_seen = now(), centroid = $2::vector,
              examples = (SELECT COALESCE(jsonb_agg(e), '[]'::jsonb) FROM (
                           SELECT e FROM jsonb_array_elements($3::jsonb || examples) WITH ORDINALITY AS x(e, i) ORDER BY i LIMIT ${EXAMPLES_KEPT}) s)
        WHERE id = $1 RETURNING ${GAP_COLUMNS}`,
      [hit.id, toVectorLiteral(centroid), example],
    );
    return rows[0]!;
  }
  const { rows } = await tx.query<GapRow>(
    `INSERT INTO kb_gaps (workspace_id, question, centroid, examples) VALUES ($1, $2, $3::vector, $4::jsonb) RETURNING ${GAP_COLUMNS}`,
    [input.workspaceId, text, toVectorLiteral(vector.some((v) => v !== 0) ? vector : vector.map((_, i) => (i === 0 ? 1 : 0))), example],
  );
  return rows[0]!;
}

export async function listGaps(q: Queryable, workspaceId: string, opts: { status?: GapStatus; limit?: number; sort?: 'count' | 'recent' } = {}): Promise<GapRow[]> {
  const order = opts.sort === 'recent' ? 'last_seen DESC' : 'count DESC, last_seen DESC';
  const { rows } = await q.query<GapRow>(
    `SELECT ${GAP_COLUMNS} FROM kb_gaps WHERE workspace_id = $1 AND status = $2 ORDER BY ${order}, id LIMIT $3`,
    [workspaceId, opts.status ?? 'open', opts.limit ?? 50],
  );
  return rows;
}

export async function setGapStatus(q: Queryable, workspaceId: string, id: string, status: GapStatus): Promise<GapRow | null> {
  const { rows } = await q.query<GapRow>(
    `UPDATE kb_gaps SET status = $3 WHERE workspace_id = $1 AND id = $2 RETURNING ${GAP_COLUMNS}`,
    [workspaceId, id, status],
  );
  return rows[0] ?? null;
}
