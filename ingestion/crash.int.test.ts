// A worker killed in the middle of indexing: the previous version keeps answering, no half-written version is ever
// visible, and the work completes once another worker picks the job up again. Needs real Redis and PostgreSQL
// shared between processes, so it runs only against the services (not the in-memory fallback).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDeps, type Deps } from '../app/deps.ts';
import { createTestWorkspace } from '../app/testing.ts';
import { addDocument } from '../kb/index.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';

const services = inject('services');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = testConfig({ START_WORKERS: 'false', JOB_LOCK_MS: '2000' });
let deps: Deps;
let child: ChildProcess | null = null;

function startChildWorker(): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, 'app', 'worker.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: config.DATABASE_URL, REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: config.QUEUE_PREFIX, JOB_LOCK_MS: '2000', LOG_LEVEL: 'silent', NODE_ENV: 'test' },
    stdio: 'ignore',
  });
}

beforeAll(async () => {
  if (!services.databaseUrl || !services.redisUrl) return;
  deps = await createDeps(config);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await deps?.close();
});

describe.runIf(services.databaseUrl && services.redisUrl)('a worker killed mid-indexing', () => {
  it('leaves the previous version intact and completes after another worker takes over', async () => {
    const ws = await createTestWorkspace(deps, uniqueSlug('crash'));
    const who = { type: 'system' as const, workspaceId: ws.id };
    child = startChildWorker();
    const v1 = await addDocument(deps, who, { title: 'Manual', body: '# Manual\nVersion one of the manual.', mime: 'text/markdown', format: 'markdown', source: 'api', sourceKey: 'api:manual' });
    const id = v1.document.id;
    const status = async () =>
      (await deps.db.query<{ status: string; indexed: number | null; progress: { stage?: string; done?: number } }>(
        'SELECT status, indexed_version AS indexed, progress FROM documents WHERE id = $1',
        [id],
      )).rows[0]!;
    await eventually(async () => (await status()).indexed === 1, 'version 1 indexed by the child worker', 30_000);

    const big = ['# Manual', ...Array.from({ length: 20000 }, (_, i) => `Paragraph ${i} of version two explains step ${i} in detail.\n`)].join('\n\n');
    await addDocument(deps, who, { title: 'Manual', body: big, mime: 'text/markdown', format: 'markdown', source: 'api', sourceKey: 'api:manual' });
    await eventually(async () => {
      const s = await status();
      return s.progress.stage === 'embedding' && (s.progress.done ?? 0) > 0;
    }, 'the child worker to be embedding version 2', 30_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = null;

    // Killed mid-way: version 1 still answers, untouched; nothing of version 2 is visible.
    const mid = await deps.db.query<{ version: number; n: number }>('SELECT version, count(*)::int AS n FROM chunks WHERE document_id = $1 GROUP BY version', [id]);
    expect(mid.rows).toEqual([{ version: 1, n: 1 }]);
    expect((await status()).indexed).toBe(1);

    // Another worker (this process) picks the stalled job up once its lock expires, and finishes version 2.
    deps.startWorkers();
    await eventually(async () => (await status()).indexed === 2, 'version 2 indexed after the restart', 45_000);
    const after = await deps.db.query<{ version: number; n: number }>('SELECT version, count(*)::int AS n FROM chunks WHERE document_id = $1 GROUP BY version', [id]);
    expect(after.rows).toHaveLength(1);
    expect(after.rows[0]!.version).toBe(2);
    expect(after.rows[0]!.n).toBeGreaterThan(100);
    expect((await status()).status).toBe('ready');
  });
});
