// `npm run bench`: ingestion throughput, retrieval quality (full text vs vector vs hybrid, and the previous local
// embedder as a baseline) and retrieval latency at scale, on PostgreSQL and on the embedded database; human-handoff
// assignment under load (agents and customers through the API, with two assignment worker processes beside it).
// Results print as tables and are written to bench/results/latest.json. Options (environment):
//   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_REDIS_URL (default redis://127.0.0.1:6379)
//   BENCH_PARTS=ingest,quality,latency,bot,botlatency,handoff (default all)   BENCH_SIZES=10000,100000 (PostgreSQL)
//   BENCH_EMBEDDED_SIZES=10000,100000 (the embedded database; empty to skip)   BENCH_POSTGRES=0 to skip PostgreSQL latency
//   BENCH_HANDOFF_CONVERSATIONS=5000 (API + 2 assignment workers)   BENCH_HANDOFF_BASELINE (the API alone; default the same)
//   BENCH_HANDOFF_BUSY=2500 (busy agents: capacity nearly always full)   each 0 to skip
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchIngestAndQuality } from './retrieval.ts';
import { benchLatency } from './latency.ts';
import { benchBot } from './bot.ts';
import { benchHandoff } from './handoff.ts';

const parts = new Set((process.env.BENCH_PARTS ?? 'ingest,quality,latency,bot,botlatency,handoff').split(','));
const sizes = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const embeddedSizes = (process.env.BENCH_EMBEDDED_SIZES ?? '10000,100000').split(',').filter(Boolean).map(Number);
const postgres = process.env.BENCH_POSTGRES !== '0';
const log = (s: string) => process.stdout.write(`${s}\n`);

const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length };
if (parts.has('ingest') || parts.has('quality')) results.retrieval = await benchIngestAndQuality({ databaseUrl: pgUrl, redisUrl, log, quality: parts.has('quality') });
if (parts.has('latency')) {
  if (postgres) results.latencyPostgres = await benchLatency({ databaseUrl: pgUrl, redisUrl, sizes, log, label: 'PostgreSQL 15 + pgvector (HNSW)' });
  if (embeddedSizes.length) results.latencyEmbedded = await benchLatency({ sizes: embeddedSizes, log, label: 'embedded PGlite' });
}
if (parts.has('bot')) results.bot = await benchBot({ databaseUrl: pgUrl, redisUrl, log });
if (parts.has('botlatency') && postgres) {
  results.botLatencyPostgres = await benchLatency({ databaseUrl: pgUrl, redisUrl, sizes: (process.env.BENCH_BOT_SIZES ?? '100000').split(',').map(Number), log, label: 'bot turns on PostgreSQL', modes: ['hybrid'], botTurns: true });
}
if (parts.has('handoff')) {
  const conversations = Number(process.env.BENCH_HANDOFF_CONVERSATIONS ?? 5000);
  results.handoff = await benchHandoff({
    databaseUrl: pgUrl,
    redisUrl,
    log,
    conversations,
    baselineConversations: Number(process.env.BENCH_HANDOFF_BASELINE ?? conversations),
    busyConversations: Number(process.env.BENCH_HANDOFF_BUSY ?? 2500),
  });
}
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
await mkdir(dir, { recursive: true });
// Parts run separately (BENCH_PARTS) update their own keys and keep the others' last results.
const file = path.join(dir, 'latest.json');
const previous = await readFile(file, 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>, () => ({}));
await writeFile(file, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
log(`\nwrote ${file}`);
process.exit(0);
