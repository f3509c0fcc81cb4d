// Ingestion throughput and retrieval quality on the shared datasets, through the real path: each .kb.jsonl row is
// imported as a document, the ingestion worker parses, chunks, embeds and indexes it; then every in-scope case is
// searched in three modes and ranked at document level.
import { randomUUID } from 'node:crypto';
import { createDeps, type Deps } from '../app/deps.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { importDatasetRow } from '../ingestion/index.ts';
import { searchKb, type SearchMode } from '../kb/index.ts';
import { loadSet, rankMetrics, RETRIEVAL_SETS, type CaseRow } from './datasets.ts';

type Log = (s: string) => void;
const fmt = (x: number) => (x * 100).toFixed(1).padStart(5);

const created: string[] = [];
async function freshWorkspace(deps: Deps, label: string): Promise<string> {
  const { rows } = await deps.db.query<{ id: string }>(`INSERT INTO workspaces (slug, name) VALUES ($1, $1) RETURNING id`, [`bench-${label}-${randomUUID().slice(0, 8)}`]);
  created.push(rows[0]!.id);
  return rows[0]!.id;
}

async function waitIndexed(deps: Deps, workspaceId: string, total: number, log: Log): Promise<void> {
  let last = -1;
  for (;;) {
    const { rows } = await deps.db.query<{ done: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('ready', 'failed'))::int AS done, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM documents WHERE workspace_id = $1`,
      [workspaceId],
    );
    const { done, failed } = rows[0]!;
    const pct = Math.floor((done / total) * 10);
    if (pct !== last) {
      process.stdout.write(`\r  indexing ${done}/${total}${failed ? ` (${failed} failed)` : ''}   `);
      last = pct;
    }
    if (done >= total) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stdout.write('\n');
}

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
      await waitIndexed(deps, workspaceId, data.kb.length, log);
      const secs = (performance.now() - started) / 1000;
      const chunks = (await deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks WHERE workspace_id = $1', [workspaceId])).rows[0]!.n;
      const mb = bytes / 1024 / 1024;
      log(`${set.name.padEnd(13)} ${String(data.kb.length).padStart(5)} ${mb.toFixed(2).padStart(5)} ${String(chunks).padStart(8)} ${secs.toFixed(1).padStart(9)} ${(data.kb.length / secs).toFixed(1).padStart(8)} ${(mb / secs).toFixed(3).padStart(6)}`);
      const entry: Record<string, unknown> = { docs: data.kb.length, mb, chunks, seconds: secs, docsPerSecond: data.kb.length / secs, mbPerSecond: mb / secs };
      out[set.name] = entry;
      if (!opts.quality) continue;

      // Document ids: the dataset id is the document's source key (dataset:<set>:<id>).
      const { rows: docs } = await deps.db.query<{ id: string; key: string }>(`SELECT id, source_key AS key FROM documents WHERE workspace_id = $1`, [workspaceId]);
      const datasetId = new Map(docs.map((d) => [d.id, d.key.slice(`dataset:${set.name}:`.length)]));
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
        times.sort((a, b) => a - b);
        const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
        log(`  ${''.padEnd(set.name.length)}  ${''.padEnd(cases.length.toString().length)}                   ${m.name.padEnd(9)} ${fmt(r.hit1)}  ${fmt(r.hit5)}  ${fmt(r.hit10)}  ${fmt(r.mrr)}  ${p(0.5).toFixed(1).padStart(6)}  ${p(0.95).toFixed(1).padStart(6)}`);
        quality[m.mode] = { ...r, p50ms: p(0.5), p95ms: p(0.95) };
      }
      entry.quality = quality;
    }
  } finally {
    await deps.db.query('DELETE FROM workspaces WHERE id = ANY($1::uuid[])', [created]); // leave nothing behind
    await deps.close();
  }
  return out;
}
