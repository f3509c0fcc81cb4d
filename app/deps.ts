// The composition root: the one place that knows every concrete implementation and wires modules together.
import path from 'node:path';
import { answerMessage, handToPeople, openAiChat, type AnswerOptions, type BotDeps, type ChatLlm } from '../bot/index.ts';
import type { Config } from '../core/config.ts';
import { openDb, type Db } from '../core/db/index.ts';
import { createJobs, type Jobs } from '../core/jobs.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { startOutboxRelay, type OutboxRelay } from '../core/outbox.ts';
import { migrate } from '../db/migrate.ts';
import { assignAndAnnounce, HANDOFF_QUEUE, hasTicket, noteConversationActivity, solveConversationTickets, SLA_SWEEP_JOB, sweepTickets, type HandoffResult, type SweepResult } from '../handoff/index.ts';
import { getConversation, type CustomerMessage, type HandoffRequest, type MessageRow } from '../conversations/index.ts';
import { createMemoryEventBus, createRedisEventBus, type EventBus } from '../core/events.ts';
import { DEFAULT_FETCH_POLICY, IMPORT_QUEUE, INGEST_QUEUE, processImport, processIngest, type FetchPolicy, type IngestionDeps } from '../ingestion/index.ts';
import {
  LEGACY_LOCAL_MODEL,
  REINDEX_QUEUE,
  embedderRegistry,
  legacyLocalEmbedder,
  localEmbedder,
  openAiEmbedder,
  processReindex,
  startModelChange,
  type Embedder,
  type EmbedderRegistry,
} from '../kb/index.ts';
import { llmJudge, QA_QUEUE, QA_SWEEP_JOB, sweepQa, type EvalRunsDeps, type QaDeps } from '../evals/index.ts';
import { createAuth, loadSigningSecret, type Auth } from './http/auth.ts';

export type DbHealth = { ok: boolean; kind: Db['kind']; latencyMs?: number; error?: string };

export type Deps = {
  config: Config;
  logger: Logger;
  db: Db;
  jobs: Jobs;
  relay: OutboxRelay;
  /** The default embedder (new workspaces); `embedders` has every model this process can run. */
  embedder: Embedder;
  embedders: EmbedderRegistry;
  events: EventBus;
  fetchPolicy: FetchPolicy;
  parseLimits: IngestionDeps['parseLimits'];
  maxCrawlPages: number;
  maxFilesPerUpload: number;
  auth: Auth;
  /** The chat model for generated answers; null: extractive answers (offline). */
  llm: ChatLlm | null;
  botDeps: BotDeps;
  /** QA grading: the deterministic scorer always, an LLM judge when configured. */
  qaDeps: QaDeps;
  /** Where `kefu eval` writes its reports (DATA_DIR/eval), listed by GET /api/evals/runs. */
  evalRunsDeps: EvalRunsDeps;
  presenceTimeoutS: number;
  jobsRequested: () => void;
  dbHealth: () => Promise<DbHealth>;
  afterCustomerMessage: (m: CustomerMessage, opts?: AnswerOptions) => Promise<MessageRow[]>;
  requestHuman: (r: HandoffRequest) => Promise<HandoffResult>;
  afterResolved: (r: { workspaceId: string; conversationId: string }) => Promise<void>;
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
  const jobs = await createJobs({ redisUrl: config.REDIS_URL, db, prefix: config.QUEUE_PREFIX, logger, lockMs: config.JOB_LOCK_MS });
  const relay = startOutboxRelay({ db, jobs, logger });
  const local = localEmbedder();
  const embedder = config.OPENAI_API_KEY
    ? openAiEmbedder({
        apiKey: config.OPENAI_API_KEY,
        baseUrl: config.OPENAI_BASE_URL,
        model: config.EMBEDDING_MODEL,
        dimensions: config.EMBEDDING_DIMENSIONS,
        requestsPerMinute: config.EMBEDDING_REQUESTS_PER_MINUTE,
      })
    : local;
  // The local embedders are always available, so a workspace can switch back, and old vectors stay searchable.
  const embedders = embedderRegistry(embedder, [local, legacyLocalEmbedder()]);
  const events = config.REDIS_URL ? createRedisEventBus({ url: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger }) : createMemoryEventBus();
  const auth = createAuth({ db, config, secret: await loadSigningSecret(db, config) });
  const llm =
    config.OPENAI_API_KEY && config.BOT_ANSWER_MODE === 'auto'
      ? openAiChat({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.CHAT_MODEL, timeoutMs: config.LLM_TIMEOUT_MS })
      : null;
  const fetchPolicy: FetchPolicy = {
    ...DEFAULT_FETCH_POLICY,
    allowPrivate: config.KB_FETCH_ALLOW_PRIVATE,
    allowHosts: config.KB_FETCH_ALLOW_HOSTS.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    timeoutMs: config.KB_FETCH_TIMEOUT_MS,
  };
  const parseLimits = { maxBytes: Math.round(config.KB_MAX_UPLOAD_MB * 1024 * 1024) };
  const jobsRequested = () => relay.poke();

  const botDeps: BotDeps = { db, embedders, logger, llm, defaults: { answerThreshold: config.BOT_ANSWER_THRESHOLD, clarifyThreshold: config.BOT_CLARIFY_THRESHOLD }, presenceTimeoutS: config.PRESENCE_TIMEOUT_S };
  const ingestionDeps: IngestionDeps = {
    db,
    embedders,
    logger,
    events,
    jobsRequested,
    fetchPolicy,
    parseLimits,
    maxCrawlPages: config.KB_CRAWL_MAX_PAGES,
    maxFilesPerUpload: config.KB_MAX_FILES_PER_UPLOAD,
  };
  const judge =
    config.OPENAI_API_KEY && config.QA_JUDGE === 'auto'
      ? llmJudge({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.QA_JUDGE_MODEL ?? config.CHAT_MODEL, timeoutMs: config.LLM_TIMEOUT_MS })
      : null;
  const qaDeps: QaDeps = { db, embedders, logger, judge, botIdleMinutes: config.BOT_IDLE_RESOLVE_MINUTES, events };
  await upgradeLegacyEmbeddings(ingestionDeps).catch((err: unknown) => logger.warn({ err }, 'could not start re-indexing older embeddings'));
  let workersStarted = false;
  /** After a handoff: an agent with room takes it now. Returns the conversation as it is after that. */
  const assignAfterHandoff = async (workspaceId: string, conversationId: string) => {
    const { rows } = await db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [conversationId]);
    if (rows[0]?.status !== 'queued') return null;
    await assignAndAnnounce({ db, events, logger, presenceTimeoutS: config.PRESENCE_TIMEOUT_S }, workspaceId);
    return getConversation(db, workspaceId, conversationId);
  };

  return {
    config,
    logger,
    db,
    jobs,
    relay,
    embedder,
    embedders,
    events,
    fetchPolicy,
    parseLimits,
    maxCrawlPages: config.KB_CRAWL_MAX_PAGES,
    maxFilesPerUpload: config.KB_MAX_FILES_PER_UPLOAD,
    auth,
    llm,
    botDeps,
    qaDeps,
    evalRunsDeps: { evalDir: path.resolve(config.DATA_DIR, 'eval') },
    presenceTimeoutS: config.PRESENCE_TIMEOUT_S,
    jobsRequested,
    async dbHealth() {
      const started = Date.now();
      try {
        await db.query('SELECT 1');
        return { ok: true, kind: db.kind, latencyMs: Date.now() - started };
      } catch (err) {
        return { ok: false, kind: db.kind, error: (err as Error).message };
      }
    },
    // After a handoff, an online agent with the skill and room takes the conversation at once.
    async afterCustomerMessage(m, opts) {
      // A customer writing again in a conversation with a ticket starts the ticket's next-response clock. Ticket
      // bookkeeping never keeps the customer from an answer: a failure is logged.
      // One read first: only a conversation with a ticket takes a transaction (this runs before every bot turn).
      await hasTicket(db, m.workspaceId, m.conversationId)
        .then((has) => (has ? db.transaction((tx) => noteConversationActivity(tx, m.workspaceId, m.conversationId, 'customer')) : undefined))
        .catch((err: unknown) => logger.error({ err, conversationId: m.conversationId }, "could not update the conversation's ticket after a customer message"));
      const replies = await answerMessage(botDeps, m, opts);
      await assignAfterHandoff(m.workspaceId, m.conversationId);
      return replies;
    },
    async requestHuman(r) {
      const result = await handToPeople(botDeps, r);
      // The answer says where the conversation is now: assigned already, when an agent had room.
      const after = await assignAfterHandoff(r.workspaceId, r.conversationId);
      return after ? { ...result, conversation: after } : result;
    },
    async afterResolved(r) {
      await db.transaction((tx) => solveConversationTickets(tx, r.workspaceId, r.conversationId, { type: 'customer', id: null }));
    },
    issueVisitorToken: (v) => auth.issueVisitorToken(v),
    startWorkers() {
      if (workersStarted) return;
      workersStarted = true;
      jobs.work(INGEST_QUEUE, (job) => processIngest(ingestionDeps, job), { concurrency: config.INGEST_CONCURRENCY });
      jobs.work(IMPORT_QUEUE, (job) => processImport(ingestionDeps, job), { concurrency: 1 });
      jobs.work(REINDEX_QUEUE, (job) => processReindex(ingestionDeps, job), { concurrency: 1 });
      // The ticket sweep (SLA breaches, auto-close, assigning what waits): a job scheduler kept in the queue's backend,
      // so it survives restarts and one copy at a time runs each tick.
      const handoffDeps = { db, events, logger, presenceTimeoutS: config.PRESENCE_TIMEOUT_S };
      jobs.work(HANDOFF_QUEUE, async (job) => (job.name === SLA_SWEEP_JOB ? summarizeSweep(await sweepTickets(handoffDeps)) : undefined), { concurrency: 1 });
      jobs
        .schedule(HANDOFF_QUEUE, SLA_SWEEP_JOB, config.SLA_SWEEP_S * 1000, { name: SLA_SWEEP_JOB })
        .catch((err: unknown) => logger.error({ err }, 'could not schedule the ticket SLA sweep; breaches are not being checked'));
      // QA: resolved conversations graded by a scheduled sweep, like the SLA check.
      jobs.work(QA_QUEUE, async (job) => (job.name === QA_SWEEP_JOB ? sweepQa(qaDeps) : undefined), { concurrency: 1 });
      jobs
        .schedule(QA_QUEUE, QA_SWEEP_JOB, config.QA_SWEEP_S * 1000, { name: QA_SWEEP_JOB })
        .catch((err: unknown) => logger.error({ err }, 'could not schedule QA grading; resolved conversations are not being graded'));
      logger.info({ queues: [INGEST_QUEUE, IMPORT_QUEUE, REINDEX_QUEUE, HANDOFF_QUEUE, QA_QUEUE], backend: jobs.backend, ingestConcurrency: config.INGEST_CONCURRENCY }, 'workers started');
    },
    async close() {
      await relay.stop();
      await jobs.close();
      await events.close();
      await db.close();
    },
  };
}

/** What a sweep did, small enough for the job's stored result. */
const summarizeSweep = (r: SweepResult) => ({ breaches: r.breaches.length, closed: r.closed, assigned: r.assigned });

/**
 * Workspaces indexed by the first local model (384-dimension hashing) before models were tracked: record that model
 * as their active one, so search keeps working, and start building the current default beside it.
 */
async function upgradeLegacyEmbeddings(deps: IngestionDeps): Promise<void> {
  // Runs at every start, so it must stay cheap: only workspaces without any model row are looked at (all of them get
  // one with their first indexed document), and for each one chunk answers whether it has legacy vectors.
  const { rows } = await deps.db.query<{ workspace_id: string }>(
    `SELECT w.id AS workspace_id FROM workspaces w
      WHERE NOT EXISTS (SELECT 1 FROM kb_embedding_models m WHERE m.workspace_id = w.id)
        AND EXISTS (SELECT 1 FROM chunks c JOIN chunk_embeddings e ON e.chunk_id = c.id AND e.model = $1 WHERE c.workspace_id = w.id)`,
    [LEGACY_LOCAL_MODEL],
  );
  for (const { workspace_id: workspaceId } of rows) {
    await deps.db.query(
      `INSERT INTO kb_embedding_models (workspace_id, model, dimensions, status, activated_at) VALUES ($1, $2, 384, 'active', now()) ON CONFLICT DO NOTHING`,
      [workspaceId, LEGACY_LOCAL_MODEL],
    );
    await startModelChange(deps, { type: 'system', workspaceId }, deps.embedders.defaultModel);
    deps.logger.info({ workspaceId, from: LEGACY_LOCAL_MODEL, to: deps.embedders.defaultModel }, 're-indexing the knowledge base with the current embedding model');
  }
}
