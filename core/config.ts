// Configuration: parsed once at boot from the environment into a frozen object that is passed down.
// Nothing reads process.env after boot. Every bad variable is reported at once (see formatConfigError).
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(), // how users reach this server; shown in logs and used for links
  DATA_DIR: z.string().min(1).default('./data'), // embedded database and demo logins live here
  DATABASE_URL: z.url().optional(), // unset: embedded PGlite under DATA_DIR
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url().optional(), // unset: jobs run on BullMQ's PostgreSQL backend
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i, 'letters, digits, - and _ only').default('kefu'),
  START_WORKERS: z.enum(['auto', 'true', 'false']).default('auto'), // auto: in-process workers when embedded
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(), // unset: generated once, stored in the database
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  COOKIE_SECURE: bool.optional(), // unset: secure cookies when NODE_ENV=production
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'like 1mb or 512kb').default('1mb'),
  SEED_DEMO: z.enum(['auto', 'true', 'false']).default('auto'), // auto: demo data on first start of an empty database
  OPENAI_API_KEY: z.string().min(1).optional(), // unset: local embedder + extractive answers
  OPENAI_BASE_URL: z.url().optional(),
  CHAT_MODEL: z.string().min(1).default('gpt-4.1-mini'),
  EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  EMBEDDING_DIMENSIONS: z.coerce.number().int().min(1).max(2000).optional(), // unset: the model's own (1536 for text-embedding-3-small)
  EMBEDDING_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(3000),
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000), // a dead worker's job is retried after about this long
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2), // documents indexed at once per worker process
  KB_MAX_UPLOAD_MB: z.coerce.number().min(1).max(500).default(25),
  KB_MAX_FILES_PER_UPLOAD: z.coerce.number().int().min(1).max(500).default(50),
  KB_FETCH_ALLOW_PRIVATE: bool.default(false), // true: URL imports may reach private, loopback and link-local addresses
  KB_FETCH_ALLOW_HOSTS: z.string().default(''), // comma-separated host or host:port trusted even on private addresses
  KB_FETCH_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
  KB_CRAWL_MAX_PAGES: z.coerce.number().int().min(1).max(10_000).default(500), // upper bound for any one crawl
  BOT_ANSWER_THRESHOLD: z.coerce.number().min(0).max(1).default(0.45), // from the dev data (bench/README.md); workspace settings override both
  BOT_CLARIFY_THRESHOLD: z.coerce.number().min(0).max(1).default(0.3),
  BOT_ANSWER_MODE: z.enum(['auto', 'extractive']).default('auto'), // auto: generated answers when OPENAI_API_KEY is set
  LLM_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(20_000), // one try, no hidden retries
  PRESENCE_TIMEOUT_S: z.coerce.number().int().min(10).max(3600).default(60), // an agent without a heartbeat this long is offline
  SLA_SWEEP_S: z.coerce.number().int().min(1).max(3600).default(60), // how often the worker checks tickets for SLA breaches and assigns what waits
  QA_SWEEP_S: z.coerce.number().int().min(1).max(3600).default(30), // how often the worker grades newly resolved conversations
  BOT_IDLE_RESOLVE_MINUTES: z.coerce.number().int().min(0).max(525_600).default(1440), // a bot conversation quiet this long is resolved (and graded); 0: never
  QA_JUDGE: z.enum(['auto', 'off']).default('auto'), // auto: an LLM judge grades beside the deterministic scorer when OPENAI_API_KEY is set
  QA_JUDGE_MODEL: z.string().optional(), // default: CHAT_MODEL
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type Config = Readonly<z.infer<typeof Env>>;
export type ConfigInput = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Kefu cannot start: ${problems.length} setting(s) need fixing.\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable and its meaning.`);
    this.problems = problems;
  }
}

/** Parse once at boot and pass the result down. Empty strings count as unset. Throws ConfigError listing every bad variable. */
export function loadConfig(env: ConfigInput = process.env): Config {
  const cleaned: ConfigInput = {};
  for (const key of Object.keys(Env.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const parsed = Env.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      return `${name}=${JSON.stringify(cleaned[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  return Object.freeze(parsed.data);
}

/** Embedded mode: no DATABASE_URL, so PGlite under DATA_DIR and in-process workers. */
export const isEmbedded = (config: Config): boolean => !config.DATABASE_URL;

export function shouldStartWorkers(config: Config): boolean {
  if (config.START_WORKERS === 'auto') return isEmbedded(config);
  return config.START_WORKERS === 'true';
}
