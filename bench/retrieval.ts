// Ingestion throughput and retrieval quality on the shared datasets, through the real path: each .kb.jsonl row is
// imported as a document, the ingestion worker parses, chunks, embeds and indexes it; then every in-scope case is
// searched in three modes and ranked at document level.
import { randomUUID } from 'node:crypto';
import { createDeps, type Deps } from '../app/deps.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { chunkBlocks, DEFAULT_CHUNKING, importDatasetRow, parseDocument } from '../ingestion/index.ts';
import { cosine, idfWeights, legacyLocalEmbedder, localEmbed, localEmbedQuery, passageText, searchKb, type SearchMode } from '../kb/index.ts';
import { loadSet, percentile, rankMetrics, RETRIEVAL_SETS, type CaseRow } from './datasets.ts';
import { datasetIds, dropCreatedWorkspaces, freshWorkspace, waitIndexed } from './workspace.ts';

type Log = (s: string) => void;
const fmt = (x: number) => (x * 100).toFixed(1).padStart(5);

/** The question as retrieval sees it: multi-turn cases add the previous user turn (the bot's rewriting comes later). */
const queryOf = (c: CaseRow) => {
  const lastUser = [...(c.history ?? [])].reverse().find((h) => h.role === 'user')?.text;
  return lastUser ? `${lastUser}\n${c.question}` : c.question;
};

export async function benchIngestAndQuality(opts: { databaseUrl: string; redisUrl: string; log: Log; quality: boolean }) {
  const { log } = opts;
  const config = loadConfig({ DATABASE_URL: opts.databaseUrl, REDIS_URL: opts.redisUrl, QUEUE_PREFIX: `kefu-bench-${randomUUID().slice(0, 6)}`, LOG_LEVEL: 'warn', SEED_DEMO: 'false', INGEST_CONCURRENCY: '2', START_WORKERS: 'true' });
  const deps = await createDeps(config, { logger: createLogger({ level: 'warn' }) });
  deps.startWorkers();
  const out: Record<string, unknown> = {};
  try {
    log('\n## Ingestion throughput (local embedder, real ingestion path: outbox → BullMQ on Redis → parse → chunk → embed → swap)');
    log('set            docs    MB   chunks   seconds   docs/s   MB/s');
    for (const set of RETRIEVAL_SETS) {
      const data = loadSet(set);
      if (!data) {
        log(`${set.name}: skipped — dataset files not found`);
        continue;
      }
      const workspaceId = await freshWorkspace(deps, set.name);
      const who = { type: 'system' as const, workspaceId };
      const bytes = data.kb.reduce((s, r) => s + Buffer.byteLength(r.text), 0);
      const started = performance.now();
      for (const row of data.kb) await importDatasetRow(deps, who, row, { dataset: set.name });
      await waitIndexed(deps, workspaceId, data.kb.length);
      const secs = (performance.now() - started) / 1000;
      const chunks = (await deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks WHERE workspace_id = $1', [workspaceId])).rows[0]!.n;
      const mb = bytes / 1024 / 1024;
      log(`${set.name.padEnd(13)} ${String(data.kb.length).padStart(5)} ${mb.toFixed(2).padStart(5)} ${String(chunks).padStart(8)} ${secs.toFixed(1).padStart(9)} ${(data.kb.length / secs).toFixed(1).padStart(8)} ${(mb / secs).toFixed(3).padStart(6)}`);
      const entry: Record<string, unknown> = { docs: data.kb.length, mb, chunks, seconds: secs, docsPerSecond: data.kb.length / secs, mbPerSecond: mb / secs };
      out[set.name] = entry;

      // The same documents through parse → chunk → embed in this process, without queue or database: what the
      // pipeline itself costs, against which the end-to-end number above shows the queue and storage overhead.
      const t0 = performance.now();
      let pipelineChunks = 0;
      for (const row of data.kb) {
        const parsed = await parseDocument(new TextEncoder().encode(row.text), { filename: 'row.txt' });
        const pieces = chunkBlocks(parsed.blocks, DEFAULT_CHUNKING);
        for (const p of pieces) localEmbed(passageText(row.title, p.headingPath, p.text));
        pipelineChunks += pieces.length;
      }
      const pipeSecs = (performance.now() - t0) / 1000;
      log(`${'  pipeline only'.padEnd(13)} ${String(data.kb.length).padStart(5)} ${mb.toFixed(2).padStart(5)} ${String(pipelineChunks).padStart(8)} ${pipeSecs.toFixed(1).padStart(9)} ${(data.kb.length / pipeSecs).toFixed(1).padStart(8)} ${(mb / pipeSecs).toFixed(3).padStart(6)}`);
      entry.pipelineOnly = { seconds: pipeSecs, docsPerSecond: data.kb.length / pipeSecs, mbPerSecond: mb / pipeSecs };
      if (!opts.quality) continue;

      // Document ids: the dataset id is the document's source key (dataset:<set>:<id>).
      const datasetId = await datasetIds(deps, workspaceId, set.name);
      const cases = data.cases.filter((c) => c.in_scope && c.gold_doc_ids.length);
      const quality: Record<string, unknown> = {};
      const modes: { name: string; mode: SearchMode }[] = [
        { name: 'full text', mode: 'text' },
        { name: 'vector', mode: 'vector' },
        { name: 'hybrid', mode: 'hybrid' },
      ];
      log(`  ${set.name}: ${cases.length} in-scope cases — mode      hit@1  hit@5 hit@10    MRR   p50 ms  p95 ms`);
      for (const m of modes) {
        const results: { ranked: string[]; gold: string[] }[] = [];
        const times: number[] = [];
        for (const c of cases) {
          const t = performance.now();
          const passages = await searchKb(deps, { workspaceId, query: queryOf(c), limit: 40, mode: m.mode });
          times.push(performance.now() - t);
          const ranked = [...new Set(passages.map((p) => datasetId.get(p.documentId) ?? p.documentId))];
          results.push({ ranked, gold: c.gold_doc_ids });
        }
        const r = rankMetrics(results);
        const p = (q: number) => percentile(times, q * 100);
        log(`  ${''.padEnd(set.name.length)}  ${''.padEnd(cases.length.toString().length)}                   ${m.name.padEnd(9)} ${fmt(r.hit1)}  ${fmt(r.hit5)}  ${fmt(r.hit10)}  ${fmt(r.mrr)}  ${p(0.5).toFixed(1).padStart(6)}  ${p(0.95).toFixed(1).padStart(6)}`);
        quality[m.mode] = { ...r, p50ms: p(0.5), p95ms: p(0.95) };
      }
      // Baselines in the same run, exact cosine over every chunk in memory: the previous local embedder
      // (local-hash-384), and this one without the IDF weighting of query terms.
      const { rows: chunkRows } = await deps.db.query<{ documentId: string; title: string; headingPath: string[]; text: string }>(
        `SELECT c.document_id AS "documentId", d.title, c.heading_path AS "headingPath", c.text FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.workspace_id = $1`,
        [workspaceId],
      );
      const legacy = legacyLocalEmbedder();
      const texts = chunkRows.map((c) => passageText(c.title, c.headingPath, c.text));
      const legacyVecs = await legacy.embed(texts);
      const lexVecs = texts.map(localEmbed);
      const baselines: { name: string; key: string; query: (q: string) => Promise<number[]>; vecs: number[][] }[] = [
        { name: 'previous embedder (local-hash-384), exact', key: 'vectorLegacy', query: (q) => legacy.embedQuery(q), vecs: legacyVecs },
        { name: 'kefu-lexical-1024 without IDF, exact', key: 'vectorNoIdf', query: async (q) => localEmbedQuery(q), vecs: lexVecs },
        { name: 'kefu-lexical-1024 with IDF, exact', key: 'vectorExact', query: async (q) => localEmbedQuery(q, { termWeight: await idfWeights(deps.db, workspaceId, q) }), vecs: lexVecs },
      ];
      for (const b of baselines) {
        const results: { ranked: string[]; gold: string[] }[] = [];
        for (const c of cases) {
          const qv = await b.query(queryOf(c));
          const scored = b.vecs.map((v, i) => ({ i, s: cosine(qv, v) })).sort((x, y) => y.s - x.s).slice(0, 40);
          results.push({ ranked: [...new Set(scored.map((x) => datasetId.get(chunkRows[x.i]!.documentId)!))], gold: c.gold_doc_ids });
        }
        const r = rankMetrics(results);
        log(`  ${''.padEnd(set.name.length + cases.length.toString().length + 19)} ${b.name.padEnd(9)} ${fmt(r.hit1)}  ${fmt(r.hit5)}  ${fmt(r.hit10)}  ${fmt(r.mrr)}`);
        quality[b.key] = r;
      }
      entry.quality = quality;
    }
  } finally {
    await dropCreatedWorkspaces(deps); // leave nothing behind
    await deps.close();
  }
  return out;
}
