// URL imports: a single page, a same-site crawl or a sitemap, recorded in kb_imports and run by the import job.
// Each fetched page becomes a document keyed by its URL, so importing the site again adds versions only for pages
// that changed. Fetching goes through the SSRF guard in fetch/ (no private, loopback or link-local addresses).
import type { Actor } from '../kb/index.ts';
import { audit } from '../core/audit.ts';
import { AppError } from '../core/errors.ts';
import { requestJob } from '../core/outbox.ts';
import { ensureCollection } from '../kb/index.ts';
import { FetchError, precheckUrl, type FetchPolicy } from './fetch/index.ts';
import type { IngestionDeps } from './index.ts';
import { IMPORT_QUEUE, importJobId } from './jobs.ts';

export type ImportKind = 'url' | 'crawl' | 'sitemap';
export type ImportParams = { url: string; maxDepth: number; maxPages: number; tags?: string[]; collection?: string };
export type ImportRow = {
  id: string;
  kind: ImportKind;
  params: ImportParams;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: Record<string, unknown>;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};
const COLUMNS = `id, kind, params, status, progress, error, created_at AS "createdAt", finished_at AS "finishedAt"`;

export async function startImport(
  deps: IngestionDeps,
  who: Actor,
  input: { kind: ImportKind; url: string; maxDepth: number; maxPages: number; collection?: string; tags?: string[] },
): Promise<ImportRow> {
  let url: URL;
  try {
    url = await precheckUrl(input.url, deps.fetchPolicy);
  } catch (err) {
    if (err instanceof FetchError) throw new AppError('invalid_request', err.message, { details: { reason: err.code } });
    throw err;
  }
  const params: ImportParams = { url: url.toString(), maxDepth: input.kind === 'url' ? 0 : input.maxDepth, maxPages: input.kind === 'url' ? 1 : Math.min(input.maxPages, deps.maxCrawlPages), tags: input.tags, collection: input.collection };
  const row = await deps.db.transaction(async (tx) => {
    const collectionId = await ensureCollection(tx, who.workspaceId, input.collection ?? 'General');
    const { rows } = await tx.query<ImportRow>(
      `INSERT INTO kb_imports (workspace_id, collection_id, kind, params, created_by, progress)
       VALUES ($1, $2, $3, $4::jsonb, $5, '{"stage":"queued"}'::jsonb) RETURNING ${COLUMNS}`,
      [who.workspaceId, collectionId, input.kind, JSON.stringify(params), who.type === 'user' ? who.userId : null],
    );
    const created = rows[0]!;
    const payload = { importId: created.id };
    await requestJob(tx, { queue: IMPORT_QUEUE, name: 'import-url', payload, jobId: importJobId(payload) });
    await audit(tx, who, 'import.started', { type: 'import', id: created.id, details: { kind: input.kind, url: params.url } });
    return created;
  });
  deps.jobsRequested();
  return row;
}

export async function listImports(deps: IngestionDeps, workspaceId: string, limit = 50): Promise<ImportRow[]> {
  const { rows } = await deps.db.query<ImportRow>(`SELECT ${COLUMNS} FROM kb_imports WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT $2`, [workspaceId, limit]);
  return rows;
}

export async function getImport(deps: Pick<IngestionDeps, 'db'>, workspaceId: string | null, id: string): Promise<(ImportRow & { workspaceId: string; collectionId: string; createdBy: string | null }) | null> {
  const { rows } = await deps.db.query<ImportRow & { workspaceId: string; collectionId: string; createdBy: string | null }>(
    `SELECT ${COLUMNS}, workspace_id AS "workspaceId", collection_id AS "collectionId", created_by AS "createdBy"
       FROM kb_imports WHERE id = $1 AND ($2::uuid IS NULL OR workspace_id = $2)`,
    [id, workspaceId],
  );
  return rows[0] ?? null;
}

export type { FetchPolicy };
