// Configuration for integration tests: the real services global-setup found, or the embedded fallback (an
// in-memory PGlite per test file). Each call gets its own queue prefix, so test files never share jobs.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../core/config.ts';

export function testConfig(overrides: Record<string, string> = {}): Config {
  const services = inject('services');
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: services.databaseUrl ?? undefined,
    REDIS_URL: services.redisUrl ?? undefined,
    DATA_DIR: 'memory',
    QUEUE_PREFIX: `kefu-test-${randomUUID().slice(0, 8)}`,
    ...overrides,
  });
}

/** A unique, valid workspace slug for one test. */
export const uniqueSlug = (label = 'ws'): string => `${label}-${randomUUID().slice(0, 12)}`;

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
