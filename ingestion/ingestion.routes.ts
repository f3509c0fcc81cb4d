// Ingestion HTTP routes: file uploads (many files per request, each accepted or refused on its own) and URL
// imports (a page, a same-site crawl, a sitemap) with their progress.
import { Router } from 'express';
import { z } from 'zod';
import { authorize } from '../core/access.ts';
import { AppError, notFound } from '../core/errors.ts';
import { parse } from '../core/validate.ts';
import { getImport, listImports, startImport } from './imports.ts';
import type { IngestionDeps } from './index.ts';
import { readMultipart } from './multipart.ts';
import { DEFAULT_LIMITS } from './parse/types.ts';
import { importFile } from './sources.ts';

const tagList = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(',').map((t) => t.trim()).filter(Boolean) : undefined))
  .pipe(z.array(z.string().max(50)).max(20).optional());

const UploadFields = z.object({
  collection: z.string().trim().min(1).max(100).optional(),
  collectionId: z.uuid().optional(),
  tags: tagList,
  language: z.string().regex(/^[a-z]{2}$/).optional(),
});

const StartImport = z.object({
  url: z.string().trim().min(1).max(2000),
  mode: z.enum(['url', 'crawl', 'sitemap']).default('url'),
  maxDepth: z.coerce.number().int().min(0).max(10).default(2),
  maxPages: z.coerce.number().int().min(1).max(10_000).default(100),
  collection: z.string().trim().min(1).max(100).optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
});

export function ingestionRoutes(deps: IngestionDeps): Router {
  const router = Router();
  const maxBytes = deps.parseLimits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;

  router.post('/kb/uploads', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const { files, fields } = await readMultipart(req, { maxFileBytes: maxBytes, maxFiles: deps.maxFilesPerUpload, maxTotalBytes: 4 * maxBytes });
    const opts = parse(UploadFields, fields, 'upload');
    if (files.length === 0) throw new AppError('invalid_request', 'The upload has no files. Attach one or more files in the "files" field.');
    const accepted: unknown[] = [];
    const rejected: { file: string; code: string; reason: string; message: string }[] = [];
    for (const f of files) {
      if (f.truncated) {
        rejected.push({ file: f.filename, code: 'payload_too_large', reason: 'file_too_large', message: `${f.filename}: the file is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB limit. Split it into smaller files and upload them separately.` });
        continue;
      }
      try {
        const r = await importFile(deps, who, { filename: f.filename, bytes: f.bytes, declaredMime: f.mime, source: 'upload', ...opts });
        accepted.push({ file: f.filename, outcome: r.outcome, warnings: r.warnings, document: r.document });
      } catch (err) {
        // An unknown collection fails the whole upload, not one file.
        if (!(err instanceof AppError) || err.code === 'not_found') throw err;
        const reason = (err.details as { reason?: string } | undefined)?.reason ?? err.code;
        rejected.push({ file: f.filename, code: err.code, reason, message: err.message });
      }
    }
    if (accepted.length === 0) {
      const first = rejected[0]!;
      throw new AppError(first.code as AppError['code'], rejected.length === 1 ? first.message : `None of the ${rejected.length} files could be imported. ${first.message}`, { details: { rejected } });
    }
    res.status(202).json({ documents: accepted, rejected });
  });

  router.post('/kb/imports', async (req, res) => {
    const who = authorize(res, 'kb:write');
    const input = parse(StartImport, req.body, 'import');
    const row = await startImport(deps, who, { kind: input.mode, url: input.url, maxDepth: input.maxDepth, maxPages: input.maxPages, collection: input.collection, tags: input.tags });
    res.status(202).location(`/api/kb/imports/${row.id}`).json({ import: row });
  });

  router.get('/kb/imports', async (_req, res) => {
    const who = authorize(res, 'kb:read');
    res.json({ imports: await listImports(deps, who.workspaceId) });
  });

  router.get('/kb/imports/:id', async (req, res) => {
    const who = authorize(res, 'kb:read');
    const { id } = parse(z.object({ id: z.uuid('import id must be a UUID') }), req.params, 'import id');
    const row = await getImport(deps, who.workspaceId, id);
    if (!row) throw notFound('import', id);
    res.json({ import: row });
  });

  return router;
}
