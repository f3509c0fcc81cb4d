// Background jobs on BullMQ, with one of two backends behind the same Queue/Worker API:
//   - Redis (REDIS_URL set): the default for servers; many worker copies.
//   - PostgreSQL (no REDIS_URL): BullMQ 6's PostgreSQL backend, on the server database or on embedded PGlite
//     (through its socket; see core/db/pglite.ts). No second, home-made queue anywhere.
// Processors are plain async functions; they must be idempotent (state is re-checked in Postgres) and throw
// UnrecoverableError for payloads that can never succeed.
import { Queue, UnrecoverableError, Worker, createPostgresBackend, runMigrations, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Db } from './db/index.ts';
import { withLogContext, type Logger } from './logger.ts';

export { UnrecoverableError };
export type { Job };

export type JobsBackend = 'redis' | 'postgres';
export type Processor = (job: Job) => Promise<unknown>;
export type EnqueueOptions = { jobId?: string; attempts?: number; delayMs?: number; priority?: number };
export type QueueHealth = { ok: boolean; backend: JobsBackend; latencyMs?: number; error?: string };

export type Jobs = {
  readonly backend: JobsBackend;
  enqueue(queue: string, name: string, data: unknown, opts?: EnqueueOptions): Promise<void>;
  work(queue: string, processor: Processor, opts?: { concurrency?: number }): Worker;
  /**
   * A recurring job (BullMQ job scheduler): one job every `everyMs`, stored in the queue's backend, so it survives
   * restarts and runs on one worker at a time however many copies run. Upserting the same id updates it.
   */
  schedule(queue: string, schedulerId: string, everyMs: number, job: { name: string; data?: unknown }): Promise<void>;
  health(): Promise<QueueHealth>;
  /** Counts by state for one queue (admin pages, tests). */
  counts(queue: string): Promise<Record<string, number>>;
  close(): Promise<void>;
};

export type JobsOptionsInput = {
  redisUrl?: string;
  db: Db; // used for the PostgreSQL backend when there is no Redis
  prefix: string;
  logger: Logger;
  defaultAttempts?: number;
  /** How long a worker holds a job's lock between renewals; a job whose worker died is retried after about this long. */
  lockMs?: number;
};

const DEFAULT_JOB: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

type Connection =
  | { backend: 'redis'; producer: Redis; workerConnection: () => Redis; extra: Redis[] }
  | { backend: 'postgres'; pool: pg.Pool };

export async function createJobs(opts: JobsOptionsInput): Promise<Jobs> {
  const conn = await connect(opts);
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  // Queue names carry the prefix on both backends (BullMQ names may not contain ':').
  const fullName = (queue: string) => `${opts.prefix}-${queue}`;

  function queueFor(queue: string): Queue {
    let q = queues.get(queue);
    if (!q) {
      const qopts = { defaultJobOptions: DEFAULT_JOB };
      q =
        conn.backend === 'redis'
          ? new Queue(fullName(queue), { ...qopts, connection: conn.producer })
          : (new Queue(fullName(queue), { ...qopts, connection: conn.pool }, createPostgresBackend) as unknown as Queue);
      q.on('error', (err) => opts.logger.warn({ err, queue }, 'queue connection problem'));
      queues.set(queue, q);
    }
    return q;
  }

  const healthQueue = '_health';

  return {
    backend: conn.backend,
    async enqueue(queue, name, data, o = {}) {
      await queueFor(queue).add(name, data, {
        jobId: o.jobId,
        attempts: o.attempts ?? opts.defaultAttempts ?? DEFAULT_JOB.attempts,
        delay: o.delayMs,
        priority: o.priority,
      });
    },
    work(queue, processor, o = {}) {
      const run = (job: Job) =>
        withLogContext({ jobId: String(job.id), queue }, async () => {
          const started = Date.now();
          try {
            const result = await processor(job);
            opts.logger.debug({ ms: Date.now() - started, attempt: job.attemptsMade + 1 }, 'job done');
            return result;
          } catch (err) {
            const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
            opts.logger[final ? 'error' : 'warn']({ err, attempt: job.attemptsMade + 1, final }, final ? 'job failed for good' : 'job failed, will retry');
            throw err;
          }
        });
      const concurrency = o.concurrency ?? 1;
      // A killed worker's jobs come back (as "stalled") once their lock expires: lockMs bounds the wait.
      const lock = opts.lockMs ? { lockDuration: opts.lockMs, stalledInterval: opts.lockMs } : {};
      const worker =
        conn.backend === 'redis'
          ? new Worker(fullName(queue), run, { connection: conn.workerConnection(), concurrency, ...lock })
          : (new Worker(fullName(queue), run, { connection: conn.pool, concurrency, ...lock }, createPostgresBackend) as unknown as Worker);
      worker.on('error', (err) => opts.logger.warn({ err, queue }, 'worker connection problem'));
      workers.push(worker);
      return worker;
    },
    async schedule(queue, schedulerId, everyMs, job) {
      await queueFor(queue).upsertJobScheduler(schedulerId, { every: everyMs }, { name: job.name, data: job.data ?? {}, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
    },
    async health() {
      const started = Date.now();
      try {
        await withTimeout(queueFor(healthQueue).getJobCounts('waiting'), 2000, 'queue did not answer within 2 s');
        return { ok: true, backend: conn.backend, latencyMs: Date.now() - started };
      } catch (err) {
        return { ok: false, backend: conn.backend, error: (err as Error).message };
      }
    },
    async counts(queue) {
      return queueFor(queue).getJobCounts();
    },
    async close() {
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      if (conn.backend === 'redis') {
        await Promise.allSettled([conn.producer, ...conn.extra].map((r) => r.quit()));
      } else {
        await conn.pool.end().catch(() => undefined);
      }
    },
  };
}

async function connect(opts: JobsOptionsInput): Promise<Connection> {
  if (opts.redisUrl) {
    const url = opts.redisUrl;
    // Producers fail fast when Redis is down (the outbox keeps the job); workers wait and reconnect.
    const producer = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    producer.on('error', () => undefined); // reported through health(); ioredis retries on its own
    await producer.connect().catch((err: Error) => opts.logger.warn({ err: err.message }, 'Redis is not reachable yet; jobs wait in the outbox'));
    const extra: Redis[] = [];
    const workerConnection = () => {
      const r = new Redis(url, { maxRetriesPerRequest: null });
      r.on('error', () => undefined);
      extra.push(r);
      return r;
    };
    return { backend: 'redis', producer, workerConnection, extra };
  }
  const server = opts.db.kind === 'postgres';
  const pool = new pg.Pool({
    ...opts.db.connection,
    max: 6,
    // On a server each connection gets BullMQ's schema first; embedded PGlite is one session whose search path is
    // set once at start (core/db/pglite.ts), so no per-connection option is sent there.
    ...(server ? { options: '-c search_path=bullmq,public' } : {}),
  });
  pool.on('error', (err) => opts.logger.warn({ err }, 'job database connection problem'));
  const client = await pool.connect();
  try {
    await runMigrations(client, 'bullmq');
  } finally {
    client.release();
  }
  return { backend: 'postgres', pool };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
