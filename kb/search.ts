// Hybrid retrieval: pgvector cosine search and PostgreSQL full-text search, fused by reciprocal rank (RRF).
// Each passage keeps its separate signals (cosine similarity, text rank) so the bot can judge confidence.
import type { Queryable } from '../core/db/index.ts';
import { toVectorLiteral, type Embedder } from './embedder.ts';
import { isCjk, words } from './text.ts';

export type Passage = {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  headingPath: string[];
  text: string;
  /** Fused RRF score: higher is better; comparable only within one result list. */
  score: number;
  /** Cosine similarity of query and chunk embeddings (0..1), when the vector search found it. */
  similarity: number | null;
  /** Full-text rank (ts_rank_cd), when the text search found it. */
  textRank: number | null;
};

export type SearchDeps = { db: Queryable; embedder: Embedder };
export type SearchInput = { workspaceId: string; query: string; limit?: number };

const RRF_K = 60;
const CANDIDATES = 40;

/** OR-query of the message's words for to_tsquery; PostgreSQL stems and drops stop words itself. */
export function toTsQuery(query: string): string | null {
  const ws = words(query)
    .filter((w) => !isCjk(w))
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((w) => w.length > 1);
  return ws.length ? [...new Set(ws)].join(' | ') : null;
}

export async function searchKb(deps: SearchDeps, input: SearchInput): Promise<Passage[]> {
  const limit = input.limit ?? 5;
  const [vector] = await deps.embedder.embed([input.query]);
  const dims = Math.trunc(deps.embedder.dimensions); // an integer literal: the partial HNSW index matches on it
  const byVector = vector
    ? await deps.db.query<{ id: string; similarity: number }>(
        `SELECT e.chunk_id AS id, 1 - (e.embedding::vector(${dims}) <=> $2::vector(${dims})) AS similarity
           FROM chunk_embeddings e
          WHERE e.model = $3 AND e.workspace_id = $1
          ORDER BY e.embedding::vector(${dims}) <=> $2::vector(${dims})
          LIMIT $4`,
        [input.workspaceId, toVectorLiteral(vector), deps.embedder.model, CANDIDATES],
      )
    : { rows: [] };
  const tsq = toTsQuery(input.query);
  const byText = tsq
    ? await deps.db.query<{ id: string; rank: number }>(
        `SELECT c.id, ts_rank_cd(c.tsv, q) AS rank
           FROM chunks c, to_tsquery('english', $2) q
          WHERE c.workspace_id = $1 AND c.tsv @@ q
          ORDER BY rank DESC, c.id
          LIMIT $3`,
        [input.workspaceId, tsq, CANDIDATES],
      )
    : { rows: [] };

  const fused = new Map<string, { score: number; similarity: number | null; textRank: number | null }>();
  byVector.rows.forEach((r, i) => {
    fused.set(r.id, { score: 1 / (RRF_K + i + 1), similarity: Number(r.similarity), textRank: null });
  });
  byText.rows.forEach((r, i) => {
    const prev = fused.get(r.id) ?? { score: 0, similarity: null, textRank: null };
    fused.set(r.id, { ...prev, score: prev.score + 1 / (RRF_K + i + 1), textRank: Number(r.rank) });
  });
  const top = [...fused.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, limit);
  if (top.length === 0) return [];

  const { rows } = await deps.db.query<{ id: string; documentId: string; title: string; headingPath: string[]; text: string }>(
    `SELECT c.id, c.document_id AS "documentId", d.title, c.heading_path AS "headingPath", c.text
       FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[])`,
    [input.workspaceId, top.map(([id]) => id)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return top.flatMap(([id, s]) => {
    const r = byId.get(id);
    return r ? [{ chunkId: id, documentId: r.documentId, documentTitle: r.title, headingPath: r.headingPath, text: r.text, ...s }] : [];
  });
}
