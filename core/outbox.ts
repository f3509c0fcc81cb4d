// Transactional outbox: code that changes state and needs a job writes an outbox row in the same transaction
// (requestJob). The relay publishes pending rows to the queue and marks them; if the queue is down the rows wait and
// are retried with backoff, so a committed change never loses its job, and a rolled-back one never starts one.
// Delivery is at-least-once (a crash between publish and mark re-publishes); job processors are idempotent.
import type { Db, Queryable } from './db/index.ts';
import type { Jobs } from './jobs.ts';
import type { Logger } from './logger.ts';

export type JobRequest = { queue: string; name: string; payload: unknown; jobId: string };

/** Records a job to run after the surrounding transaction commits. Call with the transaction's Queryable. */
export async function requestJob(tx: Queryable, job: JobRequest): Promise<void> {
  await tx.query('INSERT INTO outbox (queue, name, payload, job_id) VALUES ($1, $2, $3, $4)', [
    job.queue,
    job.name,
    JSON.stringify(job.payload),
    job.jobId,
  ]);
}

export type OutboxRelay = {
  /** Publish what is pending now (after a commit, or from tests); resolves with the number published. */
  flush(): Promise<number>;
  /** Ask for a flush soon without waiting for it. */
  poke(): void;
  stop(): Promise<void>;
};

type Row = { id: number; queue: string; name: string; payload: unknown; job_id: string; attempts: number };

const LEASE_SECONDS = 30; // a claimed row is hidden this long; a relay that dies mid-publish is retried after it

export function startOutboxRelay(deps: { db: Db; jobs: Jobs; logger: Logger }, opts: { intervalMs?: number; batch?: number } = {}): OutboxRelay {
  const intervalMs = opts.intervalMs ?? 1000;
  const batch = opts.batch ?? 100;
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = false;

  async function publishBatch(): Promise<number> {
    // Claim with a lease, outside any long transaction: the queue call below is slow I/O.
    const { rows } = await deps.db.query<Row>(
      `UPDATE outbox SET available_at = now() + make_interval(secs => $2), attempts = attempts + 1
        WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL AND available_at <= now()
                      ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, queue, name, payload, job_id, attempts`,
      [batch, LEASE_SECONDS],
    );
    let published = 0;
    for (const row of rows.sort((a, b) => a.id - b.id)) {
      try {
        await deps.jobs.enqueue(row.queue, row.name, row.payload, { jobId: row.job_id });
        await deps.db.query('UPDATE outbox SET published_at = now(), last_error = NULL WHERE id = $1', [row.id]);
        published++;
      } catch (err) {
        const backoff = Math.min(300, 2 ** Math.min(row.attempts, 8)); // seconds: 2, 4, 8 … 5 min
        await deps.db
          .query('UPDATE outbox SET last_error = $2, available_at = now() + make_interval(secs => $3) WHERE id = $1', [row.id, String((err as Error).message), backoff])
          .catch(() => undefined);
        deps.logger.warn({ err: (err as Error).message, outboxId: row.id, queue: row.queue, retryInSeconds: backoff }, 'could not hand a job to the queue; it stays in the outbox');
      }
    }
    return published;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await publishBatch();
      total += n;
      if (n < batch) return total;
    }
  }

  function flush(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = drain()
      .catch((err: Error) => {
        if (!stopped) deps.logger.warn({ err: err.message }, 'outbox relay could not read pending jobs');
        return 0;
      })
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void flush();
        }
      });
    return running;
  }

  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  void flush();

  return {
    flush,
    poke: () => void flush(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
