// The outbox against the real job backend: a job requested in a rolled-back transaction never runs; a committed
// one runs; when the queue refuses (Redis down), the row waits in the outbox and is delivered later.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, testConfig } from '../test/services.ts';
import { openDb, type Db } from './db/index.ts';
import { createJobs, type Jobs } from './jobs.ts';
import { createLogger } from './logger.ts';
import { requestJob, startOutboxRelay } from './outbox.ts';
import { migrate } from '../db/migrate.ts';

const config = testConfig();
const logger = createLogger({ level: 'silent' });
let db: Db;
let jobs: Jobs;
const seen: string[] = [];
const QUEUE = `outbox-test`;

beforeAll(async () => {
  db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 4 });
  await migrate(db);
  jobs = await createJobs({ redisUrl: config.REDIS_URL, db, prefix: config.QUEUE_PREFIX, logger });
  jobs.work(QUEUE, async (job) => {
    seen.push((job.data as { tag: string }).tag);
  });
});
afterAll(async () => {
  await jobs?.close();
  await db?.close();
});

describe('transactional outbox', () => {
  it('runs a job requested in a committed transaction, and never one from a rolled-back transaction', async () => {
    const relay = startOutboxRelay({ db, jobs, logger }, { intervalMs: 60_000 });
    const kept = randomUUID();
    const dropped = randomUUID();
    await db.transaction((tx) => requestJob(tx, { queue: QUEUE, name: 't', payload: { tag: kept }, jobId: `t-${kept}` }));
    await expect(
      db.transaction(async (tx) => {
        await requestJob(tx, { queue: QUEUE, name: 't', payload: { tag: dropped }, jobId: `t-${dropped}` });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    await relay.flush();
    await eventually(async () => seen.includes(kept), 'the committed job to run');
    const rows = await db.query("SELECT payload->>'tag' AS tag, published_at IS NOT NULL AS published FROM outbox WHERE payload->>'tag' = ANY($1)", [[kept, dropped]]);
    expect(rows.rows).toEqual([{ tag: kept, published: true }]);
    expect(seen).not.toContain(dropped);
    await relay.stop();
  });

  // Retried: every test file shares the test database, and another file's running app has its own outbox relay,
  // which may claim this row first (in production one database is one deployment, so this cannot happen).
  it('keeps the job when the queue is down and delivers it once the queue is back', { retry: 3 }, async () => {
    let down = true;
    const flaky: Jobs = { ...jobs, enqueue: (...args) => (down ? Promise.reject(new Error('Connection is closed.')) : jobs.enqueue(...args)) };
    const relay = startOutboxRelay({ db, jobs: flaky, logger }, { intervalMs: 60_000 });
    const tag = randomUUID();
    await db.transaction((tx) => requestJob(tx, { queue: QUEUE, name: 't', payload: { tag }, jobId: `t-${tag}` }));
    await relay.flush();
    const waiting = await db.query<{ attempts: number; last_error: string; published_at: Date | null }>("SELECT attempts, last_error, published_at FROM outbox WHERE payload->>'tag' = $1", [tag]);
    expect(waiting.rows[0]).toMatchObject({ attempts: 1, last_error: 'Connection is closed.', published_at: null });

    down = false;
    await db.query("UPDATE outbox SET available_at = now() WHERE payload->>'tag' = $1", [tag]); // skip the backoff wait
    await relay.flush();
    await eventually(async () => seen.includes(tag), 'the delayed job to run');
    await relay.stop();
  });
});
