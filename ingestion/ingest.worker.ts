// Indexes one document version: parse → chunk → embed (outside any transaction, for every model the workspace
// writes) → swap the chunks in one transaction. Idempotent: a version already indexed, or superseded by a newer
// one, is skipped. A file that can never be read fails at once (UnrecoverableError) with a message for the
// knowledge manager; other failures retry with backoff and the last attempt marks the document failed. A worker
// killed midway leaves the previous version's chunks untouched; the retried job starts this version again.
import { UnrecoverableError, type Job } from '../core/jobs.ts';
import {
  IngestJob,
  detectLanguage,
  getVersionForIndexing,
  modelsToWrite,
  ensureActiveModel,
  publishDocument,
  replaceChunks,
  setDocumentStatus,
  getDocument,
  passageText,
  type DocumentRow,
  type NewChunk,
} from '../kb/index.ts';
import { chunkBlocks, DEFAULT_CHUNKING } from './chunk.ts';
import type { IngestionDeps } from './index.ts';
import { parseDocument } from './parse/index.ts';
import { ParseError, type Block } from './parse/types.ts';

export type IngestOutcome = 'indexed' | 'skipped';
const EMBED_BATCH = 64;
const PROGRESS_EVERY_MS = 250;

const EXTENSION: Record<string, string> = { markdown: 'md', text: 'txt', html: 'html', json: 'json', csv: 'csv', pdf: 'pdf', docx: 'docx', xlsx: 'xlsx' };

function blockText(b: Block): string {
  switch (b.kind) {
    case 'list':
      return b.items.join(' ');
    case 'table':
      return [b.header, ...b.rows].map((r) => r.join(' ')).join(' ');
    case 'faq':
      return `${b.question} ${b.answer}`;
    default:
      return b.text;
  }
}

const baseName = (filename: string) => filename.replace(/\.[^.]+$/, '');

export async function processIngest(deps: IngestionDeps, job: Job): Promise<IngestOutcome> {
  const payload = IngestJob.safeParse(job.data);
  if (!payload.success) throw new UnrecoverableError(`invalid ingest payload: ${payload.error.message}`);
  const { documentId, version } = payload.data;

  const found = await getVersionForIndexing(deps.db, documentId, version);
  if (!found) return 'skipped'; // deleted, or a version that never existed
  const { doc } = found;
  if (doc.version !== version || doc.indexedVersion === version) return 'skipped'; // superseded, or a retry after success

  // Progress is written and sent at most every PROGRESS_EVERY_MS (the first call always: it marks the document
  // processing), so small documents cost one write, not five, and big ones still move visibly.
  let lastProgress = 0;
  const progress = async (p: Record<string, unknown>) => {
    if (lastProgress && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = Date.now();
    await setDocumentStatus(deps.db, documentId, version, 'processing', { progress: p });
    await job.updateProgress(p);
    await publishDocument(deps, { ...doc, status: 'processing', progress: p, error: null });
  };

  try {
    await progress({ stage: 'parsing', percent: 5 });
    const bytes = found.raw ?? new TextEncoder().encode(found.body ?? '');
    const filename = found.filename ?? `document.${EXTENSION[doc.format] ?? 'txt'}`;
    const parsed = await parseDocument(bytes, { filename, declaredMime: doc.mime, limits: deps.parseLimits });
    const title = parsed.title && found.filename && doc.title === baseName(found.filename) ? parsed.title.slice(0, 300) : doc.title;
    const language = doc.language ?? detectLanguage(parsed.blocks.slice(0, 200).map(blockText).join('\n'), null);
    const pieces = chunkBlocks(parsed.blocks, DEFAULT_CHUNKING);
    if (pieces.length === 0) {
      throw new UnrecoverableError(
        parsed.format === 'pdf'
          ? 'This PDF has no text layer (it is probably scanned images). Export it with text, or paste the text as a document.'
          : 'The file has no readable text after cleaning. Check that it is the document you meant to upload.',
      );
    }
    const base = { pages: parsed.pages ?? null, chunks: pieces.length };
    await progress({ stage: 'embedding', percent: 15, ...base, done: 0, total: pieces.length });

    // A workspace's first document fixes its model, so a later change of the configured default never silently
    // switches what it searches with (that goes through kefu reindex).
    const fallback = deps.embedders.get(deps.embedders.defaultModel)!;
    await ensureActiveModel(deps.db, doc.workspaceId, fallback.model, fallback.dimensions);
    const models = await modelsToWrite(deps.db, doc.workspaceId, fallback.model);
    const active = models[0]!; // 'active' sorts before 'building'
    let embedders = models.flatMap((m) => {
      const e = deps.embedders.get(m);
      if (e) return [e];
      if (m === active) throw new UnrecoverableError(`This worker cannot run the embedding model ${m} that the workspace searches with; configure it on every worker and re-index.`);
      deps.logger.warn({ model: m, documentId }, 'this worker cannot run a model being built; its reindex job will fill the gap');
      return [];
    });
    const chunks: NewChunk[] = pieces.map((p) => ({ ...p, location: { ...p.location }, embeddings: {} }));
    for (let i = 0; i < chunks.length; i += EMBED_BATCH) {
      const batch = chunks.slice(i, i + EMBED_BATCH);
      const texts = batch.map((c) => passageText(title, c.headingPath, c.text));
      for (const e of embedders) {
        try {
          const vectors = await e.embed(texts);
          if (vectors.length !== batch.length) throw new Error(`the embedder ${e.model} returned ${vectors.length} vectors for ${batch.length} texts`);
          batch.forEach((c, j) => (c.embeddings[e.model] = vectors[j]!));
        } catch (err) {
          if (e.model === active) throw err;
          // A model still being built must not block indexing: drop it here; its reindex job embeds these chunks.
          deps.logger.warn({ err, model: e.model, documentId }, 'embedding with the model being built failed; its reindex job will fill the gap');
          embedders = embedders.filter((x) => x !== e);
          for (const c of chunks) delete c.embeddings[e.model];
        }
      }
      const done = Math.min(i + EMBED_BATCH, chunks.length);
      await progress({ stage: 'embedding', percent: 15 + Math.round((done / chunks.length) * 80), ...base, done, total: chunks.length });
    }
    const applied = await deps.db.transaction((tx) =>
      replaceChunks(tx, { documentId, version, title, language, chunks, warnings: parsed.warnings, pages: parsed.pages ?? null }),
    );
    deps.logger.info({ documentId, version, chunks: chunks.length, pages: parsed.pages, models }, applied ? 'document indexed' : 'document changed meanwhile; skipped');
    if (applied) {
      const ready = await getDocument(deps.db, doc.workspaceId, documentId);
      if (ready) await publishDocument(deps, ready);
    }
    return applied ? 'indexed' : 'skipped';
  } catch (err) {
    const unrecoverable = err instanceof UnrecoverableError || err instanceof ParseError;
    const final = unrecoverable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const message = err instanceof Error ? err.message : String(err);
    const failed: Pick<DocumentRow, 'status' | 'error' | 'progress'> = {
      status: final ? 'failed' : 'pending',
      error: final ? (unrecoverable ? message : `Indexing failed: ${message}`) : `Attempt ${job.attemptsMade + 1} failed (${message}); retrying.`,
      progress: { stage: final ? 'failed' : 'retrying', ...(err instanceof ParseError ? { code: err.code } : {}) },
    };
    if (await setDocumentStatus(deps.db, documentId, version, failed.status, { error: failed.error, progress: failed.progress })) {
      await publishDocument(deps, { ...doc, ...failed });
    }
    if (err instanceof ParseError) throw new UnrecoverableError(message);
    throw err;
  }
}
