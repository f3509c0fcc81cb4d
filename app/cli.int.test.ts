// `kefu ingest` and `kefu reindex` as a user runs them: a real process against the test PostgreSQL and Redis, a
// folder of mixed files plus a .kb.jsonl dataset, progress bars, a summary that names the problem file, and a
// re-run that only reports what changed.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testConfig, uniqueSlug } from '../test/services.ts';
import { createDeps, type Deps } from './deps.ts';
import { createTestWorkspace, type TestWorkspace } from './testing.ts';

const services = inject('services');
const ROOT = path.resolve(import.meta.dirname, '..');
const config = testConfig({ START_WORKERS: 'false' });
let deps: Deps;
let ws: TestWorkspace;
let dir: string;

function kefu(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['app/cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: config.DATABASE_URL, REDIS_URL: config.REDIS_URL, QUEUE_PREFIX: config.QUEUE_PREFIX, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  if (!services.databaseUrl || !services.redisUrl) return;
  deps = await createDeps(config);
  ws = await createTestWorkspace(deps, uniqueSlug('cli'));
  dir = await mkdtemp(path.join(tmpdir(), 'kefu-cli-'));
  await writeFile(path.join(dir, 'shipping.md'), '# Shipping\nParcels leave the warehouse within two days.');
  await writeFile(path.join(dir, 'faq.csv'), 'question,answer\nDo you ship abroad?,To 40 countries.\n');
  await writeFile(path.join(dir, 'empty.txt'), '');
  await writeFile(path.join(dir, 'intents.kb.jsonl'), `${JSON.stringify({ id: 'a1', title: 'Card arrival', text: 'Your new card arrives within a week.' })}\nnot json\n`);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await deps?.close();
});

describe.runIf(services.databaseUrl && services.redisUrl)('kefu CLI', () => {
  it('ingests a folder and a dataset, waits for indexing and names every problem', async () => {
    const r = await kefu(['ingest', dir, '--workspace', ws.slug, '--collection', 'From CLI', '--tags', 'cli']);
    expect(r.out).toMatch(/Done: 3 new, 0 updated, 0 unchanged, 2 problem\(s\)\./);
    expect(r.out).toMatch(/empty\.txt: .*(empty|no text)/i);
    expect(r.out).toMatch(/intents\.kb\.jsonl:2: not valid JSON/);
    expect(r.out).toMatch(/Indexing\s+\|/);
    expect(r.code).toBe(0);
    const { rows } = await deps.db.query<{ title: string; status: string; tags: string[] }>('SELECT title, status, tags FROM documents WHERE workspace_id = $1 ORDER BY title', [ws.id]);
    expect(rows.map((d) => `${d.title}:${d.status}`)).toEqual(['Card arrival:ready', 'Shipping:ready', 'faq:ready']);
    expect(rows.every((d) => d.tags.includes('cli'))).toBe(true);

    const again = await kefu(['ingest', dir, '--workspace', ws.slug, '--collection', 'From CLI']);
    expect(again.out).toMatch(/Done: 0 new, 0 updated, 3 unchanged/);
  });

  it('switches the workspace to another embedding model with kefu reindex', async () => {
    const r = await kefu(['reindex', '--model', 'local-hash-384', '--workspace', ws.slug]);
    expect(r.out).toMatch(/search now uses local-hash-384/);
    const { rows } = await deps.db.query<{ model: string }>(`SELECT model FROM kb_embedding_models WHERE workspace_id = $1 AND status = 'active'`, [ws.id]);
    expect(rows[0]?.model).toBe('local-hash-384');
    const unknown = await kefu(['reindex', '--model', 'no-such-model', '--workspace', ws.slug]);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toMatch(/cannot run the embedding model "no-such-model"/);
  });
});
