// Runs one URL import: fetches the page, or crawls the site / sitemap, and stores every page as a document keyed by
// its URL (re-crawling adds versions only for pages that changed). Progress and per-page errors are kept on the
// kb_imports row and sent live. A retried or restarted job crawls again; unchanged pages are skipped by hash.
import { UnrecoverableError, type Job } from '../core/jobs.ts';
import { crawl, type CrawlEvent } from './fetch/index.ts';
import { getImport } from './imports.ts';
import type { IngestionDeps } from './index.ts';
import { ImportJob } from './jobs.ts';
import { importFile } from './sources.ts';

const EXT_BY_TYPE: Record<string, string> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/csv': 'csv',
  'application/json': 'json',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/** A file name for a fetched URL, with the extension its content type implies. */
export function filenameForUrl(url: string, contentType: string): string {
  const { pathname, hostname } = new URL(url);
  const last = decodeURIComponent(pathname.split('/').filter(Boolean).pop() ?? '') || hostname;
  const ext = EXT_BY_TYPE[contentType.split(';')[0]!.trim().toLowerCase()];
  return /\.[a-z0-9]{2,5}$/i.test(last) || !ext ? last : `${last}.${ext}`;
}

const MAX_ERRORS_KEPT = 20;

export async function processImport(deps: IngestionDeps, job: Job): Promise<'done' | 'skipped'> {
  const payload = ImportJob.safeParse(job.data);
  if (!payload.success) throw new UnrecoverableError(`invalid import payload: ${payload.error.message}`);
  const row = await getImport(deps, null, payload.data.importId);
  if (!row || row.status === 'done' || row.status === 'failed') return 'skipped';
  const { workspaceId } = row;
  const imp = row; // non-null, for the closure below
  const who = { type: 'system' as const, workspaceId };
  const counts = { pages: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  const errors: { url: string; error: string }[] = [];

  const save = async (status: 'running' | 'done' | 'failed', stage: string, error: string | null = null) => {
    const percent = status === 'running' ? Math.min(99, Math.round((counts.pages / Math.max(1, row.params.maxPages)) * 100)) : 100;
    const progress = { stage, percent, ...counts, errors };
    await deps.db.query(
      `UPDATE kb_imports SET status = $2, progress = $3::jsonb, error = $4, finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() END WHERE id = $1`,
      [row.id, status, JSON.stringify(progress), error],
    );
    await job.updateProgress(progress);
    await deps.events.publish(`kb:${workspaceId}`, { type: 'import.updated', import: { id: row.id, status, progress, error } }).catch(() => undefined);
  };
  const fail = (url: string, message: string) => {
    counts.failed += 1;
    if (errors.length < MAX_ERRORS_KEPT) errors.push({ url, error: message });
  };

  try {
    return await run();
  } catch (err) {
    // An import must end as done or failed, never stay "running": record why on the last attempt.
    const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final) await save('failed', 'failed', `The import stopped: ${err instanceof Error ? err.message : String(err)}`).catch(() => undefined);
    throw err;
  }

  async function run(): Promise<'done'> {
    await save('running', 'fetching');
    const start = imp.kind === 'sitemap' ? { sitemap: imp.params.url } : { url: imp.params.url };
    const events: AsyncGenerator<CrawlEvent> = crawl(start, { maxDepth: imp.params.maxDepth, maxPages: imp.params.maxPages, policy: deps.fetchPolicy });
    for await (const ev of events) {
      if (ev.type === 'skipped') counts.skipped += 1;
      else if (ev.type === 'error') fail(ev.url, ev.error.message);
      else if (ev.type === 'page') {
        counts.pages += 1;
        try {
          const filename = filenameForUrl(ev.url, ev.contentType);
          const result = await importFile(deps, who, {
            filename,
            bytes: ev.bytes,
            declaredMime: ev.contentType,
            collectionId: imp.collectionId,
            source: imp.kind === 'url' ? 'url' : 'crawl',
            sourceKey: `url:${ev.url}`,
            sourceRef: ev.url,
            tags: imp.params.tags,
          });
          counts[result.outcome] += 1;
        } catch (err) {
          fail(ev.url, err instanceof Error ? err.message : String(err));
        }
        await save('running', 'fetching');
      }
    }
    if (counts.pages === 0 && errors.length) {
      await save('failed', 'failed', errors[0]!.error);
      return 'done';
    }
    await save('done', 'done');
    return 'done';
  }
}
