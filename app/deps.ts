// The composition root: the one place that knows every concrete implementation and wires modules together.
import { answerMessage } from '../bot/index.ts';
import type { Config } from '../core/config.ts';
import { openDb, type Db } from '../core/db/index.ts';
import { createJobs, type Jobs } from '../core/jobs.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { startOutboxRelay, type OutboxRelay } from '../core/outbox.ts';
import { migrate } from '../db/migrate.ts';
import { requestHandoff, type HandoffResult } from '../handoff/index.ts';
import type { CustomerMessage, HandoffRequest, MessageRow } from '../conversations/index.ts';
import { processIngest, INGEST_QUEUE } from '../ingestion/index.ts';
import { localEmbedder, openAiEmbedder, type Embedder } from '../kb/index.ts';
import { createAuth, loadSigningSecret, type Auth } from './http/auth.ts';

export type DbHealth = { ok: boolean; kind: Db['kind']; latencyMs?: number; error?: string };

export type Deps = {
  config: Config;
  logger: Logger;
  db: Db;
  jobs: Jobs;
  relay: OutboxRelay;
  embedder: Embedder;
  auth: Auth;
  answerThreshold: number;
  jobsRequested: () => void;
  dbHealth: () => Promise<DbHealth>;
  afterCustomerMessage: (m: CustomerMessage) => Promise<MessageRow[]>;
  requestHuman: (r: HandoffRequest) => Promise<HandoffResult>;
  issueVisitorToken: Auth['issueVisitorToken'];
  startWorkers: () => void;
  close: () => Promise<void>;
};

export async function createDeps(config: Config, opts: { logger?: Logger } = {}): Promise<Deps> {
  const logger = opts.logger ?? createLogger({ level: config.LOG_LEVEL });
  const db = await openDb({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: config.DATABASE_POOL_MAX,
    onError: (err) => logger.warn({ err: err.message }, 'database connection problem; reconnecting'),
  });
  try {
    const applied = await migrate(db);
    if (applied.length) logger.info({ applied }, `applied ${applied.length} database migration(s)`);
  } catch (err) {
    await db.close();
    throw err;
  }
  const jobs = await createJobs({ redisUrl: config.REDIS_URL, db, prefix: config.QUEUE_PREFIX, logger });
  const relay = startOutboxRelay({ db, jobs, logger });
  const embedder = config.OPENAI_API_KEY
    ? openAiEmbedder({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.EMBEDDING_MODEL })
    : localEmbedder();
  const auth = createAuth({ db, config, secret: await loadSigningSecret(db, config) });
  const answerThreshold = config.BOT_ANSWER_THRESHOLD;

  const botDeps = { db, embedder, logger, answerThreshold };
  let workersStarted = false;

  return {
    config,
    logger,
    db,
    jobs,
    relay,
    embedder,
    auth,
    answerThreshold,
    jobsRequested: () => relay.poke(),
    async dbHealth() {
      const started = Date.now();
      try {
        await db.query('SELECT 1');
        return { ok: true, kind: db.kind, latencyMs: Date.now() - started };
      } catch (err) {
        return { ok: false, kind: db.kind, error: (err as Error).message };
      }
    },
    afterCustomerMessage: (m) => answerMessage(botDeps, m),
    requestHuman: (r) => requestHandoff(db, r),
    issueVisitorToken: (v) => auth.issueVisitorToken(v),
    startWorkers() {
      if (workersStarted) return;
      workersStarted = true;
      jobs.work(INGEST_QUEUE, (job) => processIngest({ db, embedder, logger }, job), { concurrency: config.WORKER_CONCURRENCY });
      logger.info({ queues: [INGEST_QUEUE], backend: jobs.backend, concurrency: config.WORKER_CONCURRENCY }, 'workers started');
    },
    async close() {
      await relay.stop();
      await jobs.close();
      await db.close();
    },
  };
}
