// Hybrid retrieval: pgvector cosine search (HNSW) and PostgreSQL full-text search, fused by weighted reciprocal rank,
// with an optional rerank hook. Only the indexed version of a document is searched, so a replaced or deleted
// document stops answering the moment its transaction commits. Each passage keeps every signal (cosine similarity,
// text rank, rank in each list, fused and rerank scores) so the bot can judge its confidence.
import type { Db, Queryable } from '../core/db/index.ts';
import type { EmbedderRegistry } from './embedder.ts';
import { toVectorLiteral } from './embedder.ts';
import { termStats } from './documents.repo.ts';
import { detectLanguage, searchableText, tsConfigFor } from './language.ts';
import { activeModel, modelLiteral } from './models.repo.ts';
import { terms, words } from './text.ts';

export type Passage = {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  documentVersion: number;
  collectionId: string;
  sourceRef: string | null;
  language: string | null;
  headingPath: string[];
  text: string;
  kind: string;
  /** Where in the source: page, anchor, sheet, row. */
  location: Record<string, unknown>;
  /** Fused RRF score: higher is better; comparable only within one result list. */
  score: number;
  /** Cosine similarity of query and chunk embeddings (-1..1, in practice 0..1), when the vector search found it. */
  similarity: number | null;
  /** Full-text rank normalised to 0..1 (ts_rank_cd / (1 + ts_rank_cd)), when the text search found it. */
  textRank: number | null;
  /** 1-based positions in the vector and text result lists (null when absent from one). */
  ranks: { vector: number | null; text: number | null };
  /** Score from the rerank hook, when one ran. */
  rerankScore: number | null;
};

export type SearchFilters = {
  collectionIds?: string[];
  /** 'public' for the bot; both for agents and knowledge managers. */
  visibility?: ('public' | 'internal')[];
  languages?: string[];
  /** Any of these tags. */
  tags?: string[];
};

export type SearchMode = 'hybrid' | 'vector' | 'text';

export type SearchInput = {
  workspaceId: string;
  query: string;
  limit?: number;
  filters?: SearchFilters;
  /** Benchmarks and the retrieval tester compare the parts; the bot always uses hybrid. */
  mode?: SearchMode;
};

/** Reorders candidates (e.g. a cross-encoder); returns a score per chunk id, higher is better. */
export type Rerank = (query: string, passages: Passage[]) => Promise<Map<string, number>>;

export type SearchDeps = {
  db: Db;
  /** Embedders by model name; the workspace's active model picks one. */
  embedders: EmbedderRegistry;
  rerank?: Rerank;
};

// Weighted reciprocal-rank fusion. k = 10 (not the textbook 60) lets the first few ranks of each list decide, and
// full text counts 0.3 of the vector list: on the dev sets plain RRF (60, 1:1) scored below vector search alone,
// because the weaker list pulled good vector hits down; these settings put hybrid at or above both parts on
// banking77, clinc150 and mtragun_govt (bench/README.md has the numbers).
export const RRF_K = 10;
export const RRF_WEIGHTS = { vector: 1, text: 0.3 };
const CANDIDATES = 50;
/**
 * Up to this many chunks a workspace is searched exactly (every vector compared), past it through the HNSW index.
 * The index is shared by every workspace of a model and filtered after the scan: for a small workspace in a large
 * index the graph walk can miss its few rows (recall, not just order), while comparing a few thousand vectors found
 * through the workspace's own index takes milliseconds — and gives the same answer every time.
 */
const EXACT_SEARCH_MAX_CHUNKS = 2000;

/** The message's distinct words as to_tsquery accepts them (PostgreSQL stems and drops stop words itself). */
export function queryWords(query: string): string[] {
  const ws = words(searchableText(query))
    .map((w) => w.replace(/[^\p{L}\p{M}\p{N}]/gu, ''))
    .filter((w) => w.length > 1 || /[\u3400-\u9fff]/u.test(w));
  return [...new Set(ws)];
}

/** OR-query of the message's words for to_tsquery. */
export function toTsQuery(query: string): string | null {
  const ws = queryWords(query);
  return ws.length ? ws.join(' | ') : null;
}

// A long question ORs many words; the most common ones match a large share of the knowledge base and make
// PostgreSQL rank thousands of rows for almost no signal. Rarest first, words are kept while they are in at most
// COMMON_SHARE of the chunks (BM25 gives common words near-zero weight anyway) and their chunks add up to at most
// MATCH_BUDGET, which bounds the ranking work however large the knowledge base grows (ranking costs ~10 µs a row).
// A question whose rarest word is already over the budget has nothing selective for full text to find: only the
// vector search answers it.
const COMMON_SHARE = 0.1;
const MATCH_BUDGET = 1000;
const MIN_COMMON = 50;
const MAX_TEXT_WORDS = 10;

type TermStats = Awaited<ReturnType<typeof termStats>>;

/** The stemmed terms whose statistics a search needs: those of the question and of its full-text words. */
const statTerms = (query: string): string[] => [...new Set([...terms(query), ...queryWords(query).flatMap((w) => terms(w).slice(0, 1))])];

function selectiveTsQuery(query: string, stats: TermStats): string | null {
  const ws = queryWords(query);
  if (ws.length === 0) return null;
  const stemOf = new Map(ws.map((w) => [w, terms(w)[0] ?? w]));
  const n = Math.max(stats.chunks, 1);
  const ranked = ws
    .filter((w) => terms(w).length > 0) // stop words never help
    .map((w) => ({ w, df: stats.df.get(stemOf.get(w)!) ?? 0 }))
    .sort((a, b) => a.df - b.df);
  const kept: typeof ranked = [];
  let matched = 0;
  for (const r of ranked) {
    if (kept.length >= MAX_TEXT_WORDS) break;
    // (In a small knowledge base every word is "common"; a word in at most MIN_COMMON chunks always counts.)
    if (matched + r.df > MATCH_BUDGET || (kept.length > 0 && r.df > Math.max(n * COMMON_SHARE, MIN_COMMON))) break;
    kept.push(r);
    matched += r.df;
  }
  return kept.length ? kept.map((r) => r.w).join(' | ') : null;
}

/**
 * Weight of each query term: its IDF in the workspace (BM25's form, floored so no term counts for nothing), damped
 * by a power of 0.75 — full IDF let one rare word outweigh the rest of the question (tuned on the dev sets).
 */
export async function idfWeights(q: Queryable, workspaceId: string, query: string): Promise<(term: string) => number> {
  return idfFrom(await termStats(q, workspaceId, statTerms(query)));
}

function idfFrom(stats: TermStats): (term: string) => number {
  const n = Math.max(stats.chunks, 1);
  return (term) => {
    const df = stats.df.get(term) ?? 0;
    return Math.max(Math.log(1 + (n - df + 0.5) / (df + 0.5)), 0.05) ** 0.75;
  };
}

/** The filters with `visibility` replaced by the ids of the collections that have it (intersected with any given). */
async function withCollectionIds(q: Queryable, workspaceId: string, filters: SearchFilters | undefined): Promise<SearchFilters | undefined> {
  if (!filters?.visibility?.length) return filters;
  const { rows } = await q.query<{ id: string }>('SELECT id FROM kb_collections WHERE workspace_id = $1 AND visibility = ANY($2::text[])', [workspaceId, filters.visibility]);
  const visible = rows.map((r) => r.id);
  const { visibility: _v, ...rest } = filters;
  const collectionIds = filters.collectionIds?.length ? filters.collectionIds.filter((id) => visible.includes(id)) : visible;
  // No collection qualifies: a filter no document passes (an empty list would mean "no filter").
  return { ...rest, collectionIds: collectionIds.length ? collectionIds : ['00000000-0000-0000-0000-000000000000'] };
}

/** SQL conditions on documents `d` (visibility must already be collection ids: withCollectionIds). */
function filterSql(filters: SearchFilters | undefined, params: unknown[]): string {
  const out: string[] = [];
  const push = (sql: string, value: unknown) => {
    params.push(value);
    out.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (filters?.collectionIds?.length) push('d.collection_id = ANY(?::uuid[])', filters.collectionIds);
  if (filters?.languages?.length) push('d.language = ANY(?::text[])', filters.languages);
  if (filters?.tags?.length) push('d.tags && ?::text[]', filters.tags);
  return out.length ? ` AND ${out.join(' AND ')}` : '';
}

type Hit = { id: string; value: number };

async function vectorHits(deps: SearchDeps, tx: Queryable, input: SearchInput, stats: TermStats): Promise<Hit[]> {
  const model = await activeModel(tx, input.workspaceId, deps.embedders.defaultModel);
  const embedder = deps.embedders.get(model);
  if (!embedder) throw new Error(`No embedder is configured for the workspace's model ${model}; configure it or run kefu reindex.`);
  const ctx = embedder.model === model ? { termWeight: idfFrom(stats) } : {};
  const vector = await embedder.embedQuery(input.query, ctx);
  if (!vector.some((v) => v !== 0)) return [];
  const dims = Math.trunc(embedder.dimensions); // integer and model literals: the partial HNSW index matches on them
  const params: unknown[] = [input.workspaceId, toVectorLiteral(vector), CANDIDATES];
  const filters = filterSql(input.filters, params);
  const distance = `e.embedding::vector(${dims}) <=> $2::vector(${dims})`;
  const exact = stats.chunks <= EXACT_SEARCH_MAX_CHUNKS;
  // Index: filters run after the scan; iterative scanning keeps reading the index until enough rows pass them.
  // Exact: ordering by `distance + 0` keeps the planner off the HNSW index, so it reads the workspace's chunks.
  if (!exact) await tx.query(`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true)`);
  const { rows } = await tx.query<{ id: string; similarity: number }>(
    `SELECT id, similarity FROM (
       SELECT e.chunk_id AS id, 1 - (${distance}) AS similarity
         FROM chunk_embeddings e
         JOIN chunks c ON c.id = e.chunk_id AND c.workspace_id = $1
         JOIN documents d ON d.id = c.document_id AND d.indexed_version = c.version
        WHERE e.model = ${modelLiteral(model)} AND e.workspace_id = $1${filters}
        ORDER BY ${exact ? `(${distance}) + 0` : distance}
        LIMIT $3) hits
     ORDER BY similarity DESC, id`,
    params,
  );
  return rows.map((r) => ({ id: r.id, value: Number(r.similarity) }));
}

async function textHits(tx: Queryable, input: SearchInput, stats: TermStats): Promise<Hit[]> {
  const tsq = selectiveTsQuery(input.query, stats);
  if (!tsq) return [];
  // The query's own language (when it can be told) stems its words; 'simple' matches exact words in any language.
  const config = tsConfigFor(detectLanguage(input.query, 'en'));
  const params: unknown[] = [input.workspaceId, tsq, config, CANDIDATES];
  const filters = filterSql(input.filters, params);
  // Chunks only ever hold their document's indexed version (replaceChunks swaps them whole), so the ranking scans
  // chunks alone; documents and collections are consulted once, as a semi-join, only when a filter needs them.
  const scope = filters ? ` AND c.document_id IN (SELECT d.id FROM documents d WHERE d.workspace_id = $1${filters})` : '';
  const { rows } = await tx.query<{ id: string; rank: number }>(
    `SELECT c.id, ts_rank_cd(c.tsv, q.query, 32) AS rank
       FROM (SELECT to_tsquery($3::regconfig, $2) || to_tsquery('simple', $2) AS query) q, chunks c
      WHERE c.workspace_id = $1 AND c.tsv @@ q.query${scope}
      ORDER BY rank DESC, c.id
      LIMIT $4`,
    params,
  );
  return rows.map((r) => ({ id: r.id, value: Number(r.rank) }));
}

export async function searchKb(deps: SearchDeps, input: SearchInput): Promise<Passage[]> {
  return (await searchKbDetailed(deps, input)).passages;
}

/** searchKb, plus each query term's IDF weight and document frequency (from the same statistics read), for confidence. */
export async function searchKbDetailed(deps: SearchDeps, input: SearchInput): Promise<{ passages: Passage[]; idf: (term: string) => number; df: (term: string) => number }> {
  const limit = input.limit ?? 5;
  const mode = input.mode ?? 'hybrid';
  // One read of the term statistics serves both: IDF weights for the query vector, selectivity for full text.
  // A join to kb_collections in the vector scan made PostgreSQL give up the HNSW index (6 s at 100k chunks): visibility
  // is turned into the list of collection ids once, beside that read, a filter on documents both scans can use.
  const [stats, filters] = await Promise.all([termStats(deps.db, input.workspaceId, statTerms(input.query)), withCollectionIds(deps.db, input.workspaceId, input.filters)]);
  const scoped = { ...input, filters };
  // The two searches run at once on separate connections (the vector one in a transaction for its SET LOCALs).
  const [byVector, byText] = await Promise.all([
    mode === 'text' ? [] : deps.db.transaction((tx) => vectorHits(deps, tx, scoped, stats)),
    mode === 'vector' ? [] : textHits(deps.db, scoped, stats),
  ]);

  type Fused = { score: number; similarity: number | null; textRank: number | null; ranks: Passage['ranks'] };
  const fused = new Map<string, Fused>();
  const entry = (id: string): Fused => {
    let f = fused.get(id);
    if (!f) fused.set(id, (f = { score: 0, similarity: null, textRank: null, ranks: { vector: null, text: null } }));
    return f;
  };
  byVector.forEach((h, i) => {
    const f = entry(h.id);
    f.score += RRF_WEIGHTS.vector / (RRF_K + i + 1);
    f.similarity = h.value;
    f.ranks.vector = i + 1;
  });
  byText.forEach((h, i) => {
    const f = entry(h.id);
    f.score += RRF_WEIGHTS.text / (RRF_K + i + 1);
    f.textRank = h.value;
    f.ranks.text = i + 1;
  });
  const pool = deps.rerank ? Math.max(limit * 4, 20) : limit;
  const top = [...fused.entries()].sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1)).slice(0, pool);
  const idf = idfFrom(stats);
  const df = (term: string) => stats.df.get(term) ?? 0;
  if (top.length === 0) return { passages: [], idf, df };

  const { rows } = await deps.db.query<Omit<Passage, keyof Fused | 'chunkId' | 'rerankScore'> & { id: string }>(
    `SELECT c.id, c.document_id AS "documentId", d.title AS "documentTitle", c.version AS "documentVersion",
            d.collection_id AS "collectionId", d.source_ref AS "sourceRef", d.language, c.heading_path AS "headingPath",
            c.text, c.kind, c.location
       FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[])`,
    [input.workspaceId, top.map(([id]) => id)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  let passages: Passage[] = top.flatMap(([id, s]) => {
    const r = byId.get(id);
    if (!r) return [];
    const { id: _id, ...rest } = r;
    return [{ chunkId: id, ...rest, ...s, rerankScore: null }];
  });
  if (deps.rerank) {
    const scores = await deps.rerank(input.query, passages);
    passages = passages
      .map((p) => ({ ...p, rerankScore: scores.get(p.chunkId) ?? null }))
      .sort((a, b) => (b.rerankScore ?? -Infinity) - (a.rerankScore ?? -Infinity) || b.score - a.score);
  }
  return { passages: passages.slice(0, limit), idf, df };
}
