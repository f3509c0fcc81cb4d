// The `kefu` command: migrate, seed, ingest, reindex, eval. Uses the same configuration and dependencies as the server.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import { importDatasetRow, importFile, startImport } from '../ingestion/index.ts';
import { startModelChange } from '../kb/index.ts';
import { configOrExit } from './boot.ts';
import { createDeps, type Deps } from './deps.ts';
import { DEMO_WORKSPACE, saveDemoLogins, seedDemo } from './seed.ts';

const USAGE = `Usage: kefu <command> [options]

Commands:
  migrate                       apply database migrations (also done on every start)
  seed                          create the demo workspace, logins and knowledge base (once)
  ingest <file|folder|url|x.kb.jsonl>... [--workspace slug] [--collection name] [--tags a,b]
         [--crawl] [--sitemap] [--max-pages N] [--max-depth N]
                                add documents and wait until they are indexed, with a progress bar.
                                Files: PDF, DOCX, HTML, Markdown, TXT, CSV, XLSX, JSON. Folders are read recursively.
                                A URL imports one page; --crawl follows same-site links; --sitemap reads a sitemap.
                                A .kb.jsonl file holds one {"id","title","text","url"?} document per line.
  reindex --model NAME [--workspace slug | --all]
                                embed every chunk with another model beside the current one, then switch search to it
  eval                          run the evals harness (arrives with the evals issue)
`;

const FILE_TYPES = /\.(md|markdown|txt|text|html?|pdf|docx|xlsx|csv|json)$/i;
// Declared before the top-level await below runs the command (function declarations hoist; these do not).
const DatasetRow = z.object({ id: z.union([z.string(), z.number()]).transform(String), title: z.string().default(''), text: z.string(), url: z.string().optional() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out = (s: string) => process.stdout.write(`${s}\n`);
const fail = (s: string): never => {
  process.stderr.write(`${s}\n`);
  process.exit(2);
};

const [command, ...rest] = process.argv.slice(2);
if (!command || command === 'help' || command === '--help') {
  out(USAGE);
  process.exit(command ? 0 : 2);
}
if (!['migrate', 'seed', 'ingest', 'reindex', 'eval'].includes(command)) fail(`Unknown command "${command}".\n\n${USAGE}`);
if (command === 'eval') fail('kefu eval is not built yet: it arrives with the evals harness. Nothing was run.');

const config = configOrExit();
const deps = await createDeps(config, { logger: createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }) });
try {
  if (command === 'migrate') {
    out('Database is up to date.');
  } else if (command === 'seed') {
    const seeded = await seedDemo(deps);
    if (!seeded.created) out('The demo workspace already exists; nothing changed.');
    else {
      const file = await saveDemoLogins(config.DATA_DIR, seeded.logins);
      out(`Demo workspace created. Sign-ins (also in ${file}):`);
      for (const l of seeded.logins) out(`  ${l.role.padEnd(11)} ${l.email.padEnd(28)} ${l.password}`);
    }
  } else if (command === 'ingest') {
    await ingest(deps, rest);
  } else if (command === 'reindex') {
    await reindex(deps, rest);
  }
} finally {
  await deps.close();
}

async function workspaceIdOf(d: Deps, slug: string): Promise<string> {
  const { rows } = await d.db.query<{ id: string }>('SELECT id FROM workspaces WHERE slug = $1', [slug]);
  return rows[0]?.id ?? fail(`No workspace "${slug}". Run "kefu seed" or pass --workspace.`);
}


async function ingest(d: Deps, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', default: DEMO_WORKSPACE },
      collection: { type: 'string', default: 'General' },
      tags: { type: 'string' },
      crawl: { type: 'boolean', default: false },
      sitemap: { type: 'boolean', default: false },
      'max-pages': { type: 'string', default: '100' },
      'max-depth': { type: 'string', default: '2' },
    },
  });
  if (positionals.length === 0) fail(`Say what to ingest: kefu ingest <file|folder|url|x.kb.jsonl>...\n\n${USAGE}`);
  const workspaceId = await workspaceIdOf(d, values.workspace);
  const who = { type: 'system' as const, workspaceId };
  const tags = values.tags?.split(',').map((t) => t.trim()).filter(Boolean);
  d.startWorkers();

  const docIds = new Set<string>();
  const importIds: string[] = [];
  const problems: string[] = [];
  const outcomes = { created: 0, updated: 0, unchanged: 0 };
  const note = (r: { document: { id: string }; outcome: keyof typeof outcomes }) => {
    docIds.add(r.document.id);
    outcomes[r.outcome] += 1;
  };
  const reading = new cliProgress.SingleBar({ format: 'Reading   |{bar}| {value}/{total} sources {name}', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);

  const sources: string[] = [];
  for (const p of positionals) {
    if (/^https?:\/\//i.test(p)) sources.push(p);
    else sources.push(...(await expand(p)));
  }
  if (sources.length === 0) fail('No supported files found there (PDF, DOCX, HTML, Markdown, TXT, CSV, XLSX, JSON, .kb.jsonl).');
  reading.start(sources.length, 0, { name: '' });
  for (const src of sources) {
    reading.increment(0, { name: path.basename(src).slice(0, 40) });
    try {
      if (/^https?:\/\//i.test(src)) {
        const mode = values.sitemap ? 'sitemap' : values.crawl ? 'crawl' : 'url';
        const row = await startImport(d, who, { kind: mode, url: src, maxPages: Number(values['max-pages']), maxDepth: Number(values['max-depth']), collection: values.collection, tags });
        importIds.push(row.id);
      } else if (/\.kb\.jsonl$/i.test(src)) {
        const lines = (await readFile(src, 'utf8')).split('\n');
        const dataset = path.basename(src).replace(/\.kb\.jsonl$/i, '');
        for (const [i, line] of lines.entries()) {
          if (!line.trim()) continue;
          let parsed: unknown;
          try {
            parsed = JSON.parse(line);
          } catch {
            problems.push(`${src}:${i + 1}: not valid JSON; line skipped`);
            continue;
          }
          const row = DatasetRow.safeParse(parsed);
          if (!row.success) {
            problems.push(`${src}:${i + 1}: needs "id" and "text" (${row.error.issues[0]?.message}); line skipped`);
            continue;
          }
          note(await importDatasetRow(d, who, row.data, { collection: values.collection, tags, dataset }));
        }
      } else {
        const bytes = new Uint8Array(await readFile(src));
        note(await importFile(d, who, { filename: path.basename(src), bytes, source: 'cli', collection: values.collection, tags, sourceKey: `file:${path.resolve(src)}`, sourceRef: src }));
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems.push(`${src}: ${err.message}`);
    }
    reading.increment(1);
  }
  reading.stop();

  // Wait for URL imports to finish fetching, then for every document to be indexed.
  if (importIds.length) {
    out(`Fetching ${importIds.length} URL import(s)…`);
    for (;;) {
      const { rows } = await d.db.query<{ status: string; error: string | null; progress: { errors?: { url: string; error: string }[] } }>(
        'SELECT status, error, progress FROM kb_imports WHERE id = ANY($1::uuid[])',
        [importIds],
      );
      if (rows.every((r) => r.status === 'done' || r.status === 'failed')) {
        for (const r of rows) {
          if (r.error) problems.push(`import failed: ${r.error}`);
          for (const e of r.progress.errors ?? []) problems.push(`${e.url}: ${e.error}`);
        }
        const { rows: docs } = await d.db.query<{ id: string }>(
          `SELECT d.id FROM documents d JOIN kb_imports i ON d.source_key LIKE 'url:%' AND d.workspace_id = i.workspace_id AND d.updated_at >= i.created_at WHERE i.id = ANY($1::uuid[])`,
          [importIds],
        );
        for (const doc of docs) docIds.add(doc.id);
        break;
      }
      await sleep(300);
    }
  }

  const ids = [...docIds];
  if (ids.length) {
    const bar = new cliProgress.SingleBar({ format: 'Indexing  |{bar}| {percentage}% | {value}/{total} documents | {chunks} chunks | {failed} failed', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
    bar.start(ids.length, 0, { chunks: 0, failed: 0 });
    for (;;) {
      const { rows } = await d.db.query<{ ready: number; failed: number; chunks: number }>(
        `SELECT count(*) FILTER (WHERE status = 'ready')::int AS ready, count(*) FILTER (WHERE status = 'failed')::int AS failed,
                (SELECT count(*)::int FROM chunks WHERE document_id = ANY($1::uuid[])) AS chunks
           FROM documents WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const s = rows[0]!;
      bar.update(s.ready + s.failed, { chunks: s.chunks, failed: s.failed });
      if (s.ready + s.failed >= ids.length) break;
      await sleep(250);
    }
    bar.stop();
    const { rows: failed } = await d.db.query<{ title: string; error: string }>(`SELECT title, error FROM documents WHERE id = ANY($1::uuid[]) AND status = 'failed'`, [ids]);
    for (const f of failed) problems.push(`${f.title}: ${f.error}`);
  }
  out(`Done: ${outcomes.created} new, ${outcomes.updated} updated, ${outcomes.unchanged} unchanged, ${problems.length} problem(s).`);
  for (const p of problems) out(`  ! ${p}`);
  if (problems.length && docIds.size === 0) process.exitCode = 1;
}

async function reindex(d: Deps, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, workspace: { type: 'string' }, all: { type: 'boolean', default: false } } });
  if (!values.model) fail(`Say which model: kefu reindex --model ${d.embedders.defaultModel}\n\n${USAGE}`);
  const model = values.model!;
  const workspaces = values.all
    ? (await d.db.query<{ id: string; slug: string }>('SELECT id, slug FROM workspaces ORDER BY slug')).rows
    : [{ id: await workspaceIdOf(d, values.workspace ?? DEMO_WORKSPACE), slug: values.workspace ?? DEMO_WORKSPACE }];
  d.startWorkers();
  for (const ws of workspaces) {
    let started: boolean;
    try {
      ({ started } = await startModelChange(d, { type: 'system', workspaceId: ws.id }, model));
    } catch (err) {
      if (err instanceof AppError) fail(err.message);
      throw err;
    }
    if (!started) {
      out(`${ws.slug}: already searching with ${model}; nothing to do.`);
      continue;
    }
    const bar = new cliProgress.SingleBar({ format: `${ws.slug.padEnd(12)} |{bar}| {percentage}% | {value}/{total} chunks embedded with ${model}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
    bar.start(1, 0);
    for (;;) {
      const { rows } = await d.db.query<{ status: string; progress: { done?: number; total?: number; error?: string } }>(
        'SELECT status, progress FROM kb_embedding_models WHERE workspace_id = $1 AND model = $2',
        [ws.id, model],
      );
      const r = rows[0];
      if (r?.progress.total) bar.setTotal(r.progress.total);
      bar.update(r?.progress.done ?? 0);
      if (!r || r.status !== 'building') {
        bar.update(r?.progress.total ?? 1);
        bar.stop();
        if (r?.status === 'active') out(`${ws.slug}: search now uses ${model}.`);
        else {
          out(`${ws.slug}: the change did not finish (${r?.status ?? 'removed'}). ${r?.progress.error ?? ''} Search still uses the previous model.`);
          process.exitCode = 1;
        }
        break;
      }
      await sleep(300);
    }
  }
}


async function expand(p: string): Promise<string[]> {
  const s = await stat(p).catch(() => fail(`Cannot read ${p}: no such file or folder.`));
  if (s.isFile()) return [p];
  const entries = await readdir(p, { recursive: true });
  return entries.filter((e) => FILE_TYPES.test(e) || /\.kb\.jsonl$/i.test(e)).sort().map((e) => path.join(p, e));
}
