// Integration-test setup: find real PostgreSQL (with pgvector) and Redis, migrate the database once, and tell the
// tests what they got. Without them, tests fall back to the embedded database and BullMQ's PostgreSQL backend and
// say so; with KEFU_REQUIRE_SERVICES=1 (CI) a missing service fails the run instead.
import type { TestProject } from 'vitest/node';
import { Redis } from 'ioredis';
import { createPgDb } from '../core/db/index.ts';
import { migrate } from '../db/migrate.ts';
import { ensureWebBuild } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    services: { databaseUrl: string | null; redisUrl: string | null };
  }
}

const DEFAULT_DB = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

async function probePostgres(url: string): Promise<string | null> {
  const db = createPgDb({ kind: 'postgres', connection: { connectionString: url, connectionTimeoutMillis: 3000 } as never, max: 1 });
  try {
    await db.query('SELECT 1');
    await migrate(db); // also proves pgvector is installed (0001 creates the extension)
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await db.close().catch(() => undefined);
  }
}

async function probeRedis(url: string): Promise<string | null> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    redis.disconnect();
  }
}

export default async function setup(project: TestProject): Promise<void> {
  // The browser tests load the built front end: build it once here, before any test file runs, so no file ever
  // rebuilds web/dist (emptying it) while another file's pages are loading from it.
  await ensureWebBuild();
  const required = process.env.KEFU_REQUIRE_SERVICES === '1';
  const dbUrl = process.env.TEST_DATABASE_URL || DEFAULT_DB;
  const redisUrl = process.env.TEST_REDIS_URL || DEFAULT_REDIS;
  const [dbProblem, redisProblem] = await Promise.all([probePostgres(dbUrl), probeRedis(redisUrl)]);
  const missing = [dbProblem && `PostgreSQL+pgvector at ${dbUrl} (${dbProblem})`, redisProblem && `Redis at ${redisUrl} (${redisProblem})`].filter(Boolean);
  if (missing.length && required) {
    throw new Error(`KEFU_REQUIRE_SERVICES=1 but these are not usable: ${missing.join('; ')}. Start them (see .ci/run) — CI never falls back.`);
  }
  if (missing.length) {
    process.stdout.write(
      `\n[kefu tests] Not found: ${missing.join('; ')}.\n[kefu tests] Falling back to ${dbProblem ? 'the embedded PGlite database' : 'PostgreSQL'} with ${redisProblem ? "BullMQ's PostgreSQL backend" : 'Redis'} for jobs. CI forbids this fallback.\n\n`,
    );
  } else {
    process.stdout.write(`\n[kefu tests] Using PostgreSQL at ${dbUrl} and Redis at ${redisUrl}.\n\n`);
  }
  project.provide('services', { databaseUrl: dbProblem ? null : dbUrl, redisUrl: redisProblem ? null : redisUrl });
}
