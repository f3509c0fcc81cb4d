// Retrieval latency at scale: a workspace filled with N synthetic chunks (sentences drawn from the shared datasets,
// embedded by the local embedder, indexed with HNSW and full text), then real questions searched in each mode.
// Runs on PostgreSQL and on the embedded database (in-memory PGlite) with the same data.
import { randomUUID } from 'node:crypto';
import { createDeps } from '../app/deps.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { answerMessage } from '../bot/index.ts';
import { createContact, createConversation, insertMessage } from '../conversations/index.ts';
import type { Deps } from '../app/deps.ts';
import { localEmbed, replaceChunks, searchKb, sentences, tokenCount, type NewChunk, type SearchMode } from '../kb/index.ts';
import { DATASETS_DIR, loadSet, percentile, readJsonl, RETRIEVAL_SETS, type KbRow } from './datasets.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../core/random.ts';

type Log = (s: string) => void;

function corpusSentences(): string[] {
  const out: string[] = [];
  for (const f of ['mtragun_govt.kb.jsonl', 'mtrag_human_eval.kb.jsonl', 'banking77.kb.jsonl', 'clinc150.kb.jsonl']) {
    const file = path.join(DATASETS_DIR, f);
    if (!existsSync(file)) continue;
    for (const row of readJsonl<KbRow>(file)) for (const s of sentences(row.text)) if (s.length > 30 && s.length < 400) out.push(s);
  }
  return out;
}

function questions(): string[] {
  const qs: string[] = [];
  for (const set of RETRIEVAL_SETS) {
    const data = loadSet(set);
    if (data) qs.push(...data.cases.filter((_, i) => i % 37 === 0).map((c) => c.question));
  }
  return qs.slice(0, 200);
}

export async function benchLatency(opts: { databaseUrl?: string; redisUrl?: string; sizes: number[]; log: Log; label: string; modes?: SearchMode[]; botTurns?: boolean }) {
  const { log } = opts;
  const pool = corpusSentences();
  const qs = questions();
  if (pool.length === 0 || qs.length === 0) {
    log(`\n## Retrieval latency (${opts.label}): skipped — datasets not found in ${DATASETS_DIR}`);
    return null;
  }
  log(`\n## Retrieval latency, ${opts.label} (${qs.length} questions per mode; end to end: query embedding, IDF lookup, SQL)`);
  log('chunks     build s   mode      p50 ms  p95 ms  mean ms');
  const results: Record<string, unknown> = {};
  for (const size of opts.sizes) {
    const config = loadConfig({ DATABASE_URL: opts.databaseUrl, REDIS_URL: opts.redisUrl, DATA_DIR: 'memory', QUEUE_PREFIX: `kefu-bench-${randomUUID().slice(0, 6)}`, LOG_LEVEL: 'warn', SEED_DEMO: 'false', START_WORKERS: 'false' });
    const deps = await createDeps(config, { logger: createLogger({ level: 'warn' }) });
    try {
      const { rows } = await deps.db.query<{ id: string }>(`INSERT INTO workspaces (slug, name) VALUES ($1, $1) RETURNING id`, [`bench-lat-${randomUUID().slice(0, 8)}`]);
      const workspaceId = rows[0]!.id;
      const coll = await deps.db.query<{ id: string }>(`INSERT INTO kb_collections (workspace_id, name) VALUES ($1, 'Bench') RETURNING id`, [workspaceId]);
      const random = seededRandom(size); // the same corpus every run
      const started = performance.now();
      const PER_DOC = 500;
      for (let d = 0; d * PER_DOC < size; d++) {
        const n = Math.min(PER_DOC, size - d * PER_DOC);
        const title = `Synthetic document ${d}`;
        const chunks: NewChunk[] = Array.from({ length: n }, (_, i) => {
          const k = 2 + Math.floor(random() * 4);
          const text = Array.from({ length: k }, () => pool[Math.floor(random() * pool.length)]!).join(' ');
          return { ordinal: i, headingPath: [], text, tokenCount: tokenCount(text), kind: 'text', location: {}, embeddings: { 'kefu-lexical-1024': localEmbed(`${title}\n${text}`) } };
        });
        await deps.db.transaction(async (tx) => {
          const doc = await tx.query<{ id: string }>(
            `INSERT INTO documents (workspace_id, collection_id, title, mime, content_hash, format) VALUES ($1, $2, $3, 'text/plain', $4, 'text') RETURNING id`,
            [workspaceId, coll.rows[0]!.id, title, randomUUID()],
          );
          await replaceChunks(tx, { documentId: doc.rows[0]!.id, version: 1, title, language: 'en', chunks });
        });
        process.stdout.write(`\r  building ${Math.min(size, (d + 1) * PER_DOC)}/${size} chunks   `);
      }
      process.stdout.write('\r');
      // As autovacuum would: dead index entries left by earlier runs' deletes otherwise slow every HNSW scan.
      for (const t of ['chunks', 'chunk_embeddings', 'documents', 'kb_term_stats']) await deps.db.query(`VACUUM ANALYZE ${t}`);
      // Write the freshly loaded pages out, so queries measure searching, not the eviction of the bulk load's dirty
      // buffers (a steady-state server's checkpointer has long done this).
      await deps.db.query('CHECKPOINT').catch(() => undefined);
      const buildSecs = (performance.now() - started) / 1000;
      const entry: Record<string, unknown> = { buildSeconds: buildSecs };
      for (const mode of opts.modes ?? (['hybrid', 'vector', 'text'] as SearchMode[])) {
        for (const q of qs) await searchKb(deps, { workspaceId, query: q, limit: 10, mode }); // warm up: one pass
        const times: number[] = [];
        for (const q of qs) {
          const t = performance.now();
          await searchKb(deps, { workspaceId, query: q, limit: 10, mode });
          times.push(performance.now() - t);
        }
        const p50 = percentile(times, 50);
        const p95 = percentile(times, 95);
        const mean = times.reduce((a, b) => a + b, 0) / times.length;
        entry[mode] = { p50ms: p50, p95ms: p95, meanMs: mean };
        log(`${String(size).padEnd(10)} ${buildSecs.toFixed(0).padStart(7)}   ${mode.padEnd(8)} ${p50.toFixed(1).padStart(7)} ${p95.toFixed(1).padStart(7)} ${mean.toFixed(1).padStart(8)}`);
      }
      if (opts.botTurns) entry.botTurn = await benchBotTurns(deps, workspaceId, qs, log, size, buildSecs);
      results[String(size)] = entry;
      // Leave nothing behind on a shared database (and no dead index entries for the next size).
      await deps.db.query('DELETE FROM workspaces WHERE id = $1', [workspaceId]);
      await deps.db.query('VACUUM chunk_embeddings');
    } finally {
      await deps.close();
    }
  }
  return results;
}

/**
 * A whole bot turn without an LLM (extractive answers), as a customer message meets it: read the conversation,
 * signals, retrieval, confidence, the reply or the handoff, and the trace written to bot_turns. Sequential turns give
 * the latency; four conversations at once give turns per second on this 2-core machine.
 */
async function benchBotTurns(deps: Deps, workspaceId: string, qs: string[], log: Log, size: number, buildSecs: number) {
  const turn = async (q: string) => {
    const contactId = await createContact(deps.db, { workspaceId, name: 'Bench' });
    const conversation = await createConversation(deps.db, { workspaceId, contactId, channel: 'api' });
    const { message } = await insertMessage(deps.db, { workspaceId, conversationId: conversation.id, sender: 'customer', body: q });
    const t = performance.now();
    await answerMessage(deps.botDeps, { workspaceId, conversationId: conversation.id, messageId: message.id, text: q });
    return performance.now() - t;
  };
  for (const q of qs.slice(0, 20)) await turn(q); // warm up
  const times: number[] = [];
  for (const q of qs) times.push(await turn(q));
  const p50 = percentile(times, 50);
  const p95 = percentile(times, 95);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const started = performance.now();
  const queue = [...qs];
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let q = queue.shift(); q !== undefined; q = queue.shift()) await turn(q);
  }));
  const perSecond = qs.length / ((performance.now() - started) / 1000);
  log(`${String(size).padEnd(10)} ${buildSecs.toFixed(0).padStart(7)}   bot turn ${p50.toFixed(1).padStart(7)} ${p95.toFixed(1).padStart(7)} ${mean.toFixed(1).padStart(8)}   ${perSecond.toFixed(1)} turns/s with 4 at once`);
  return { p50ms: p50, p95ms: p95, meanMs: mean, turnsPerSecond: perSecond };
}
