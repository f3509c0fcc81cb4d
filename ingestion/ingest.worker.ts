// Indexes one document version: normalize → chunk → embed (outside any transaction) → swap the chunks in one
// transaction. Idempotent: a version already indexed, or superseded by a newer one, is skipped. A payload that can
// never succeed fails at once (UnrecoverableError); the last failed attempt marks the document failed with a
// readable error, touching nothing else.
import { UnrecoverableError, type Job } from '../core/jobs.ts';
import { IngestJob, chunkText, getVersionForIndexing, replaceChunks, setDocumentStatus, type NewChunk } from '../kb/index.ts';
import type { IngestionDeps } from './index.ts';
import { normalizeText } from './normalize.ts';

export type IngestOutcome = 'indexed' | 'skipped';
const EMBED_BATCH = 64;

export async function processIngest(deps: IngestionDeps, job: Job): Promise<IngestOutcome> {
  const payload = IngestJob.safeParse(job.data);
  if (!payload.success) throw new UnrecoverableError(`invalid ingest payload: ${payload.error.message}`);
  const { documentId, version } = payload.data;

  const found = await getVersionForIndexing(deps.db, documentId, version);
  if (!found) return 'skipped'; // deleted, or a version that never existed
  const { doc, body } = found;
  if (doc.version !== version || doc.indexedVersion === version) return 'skipped'; // superseded, or a retry after success

  try {
    await setDocumentStatus(deps.db, documentId, version, 'processing', { progress: { stage: 'chunking' } });
    const pieces = chunkText(normalizeText(body, doc.mime), { maxTokens: 200, overlapTokens: 30 });
    if (pieces.length === 0) throw new UnrecoverableError('The document has no readable text after cleaning.');

    const chunks: NewChunk[] = [];
    for (let i = 0; i < pieces.length; i += EMBED_BATCH) {
      const batch = pieces.slice(i, i + EMBED_BATCH);
      // The heading path is embedded with the text: "Returns › Refund time" disambiguates short passages.
      const vectors = await deps.embedder.embed(batch.map((p) => [...p.headingPath, p.text].join('\n')));
      batch.forEach((p, j) => {
        const embedding = vectors[j];
        if (!embedding) throw new Error(`the embedder returned ${vectors.length} vectors for ${batch.length} texts`);
        chunks.push({ ...p, embedding });
      });
      await job.updateProgress({ embedded: chunks.length, total: pieces.length });
      await setDocumentStatus(deps.db, documentId, version, 'processing', { progress: { stage: 'embedding', done: chunks.length, total: pieces.length } });
    }
    const applied = await deps.db.transaction((tx) => replaceChunks(tx, documentId, version, deps.embedder.model, chunks));
    deps.logger.info({ documentId, version, chunks: chunks.length, applied }, applied ? 'document indexed' : 'document changed meanwhile; skipped');
    return applied ? 'indexed' : 'skipped';
  } catch (err) {
    const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const message = err instanceof Error ? err.message : String(err);
    await setDocumentStatus(deps.db, documentId, version, final ? 'failed' : 'pending', {
      error: final ? `Indexing failed: ${message}` : `Attempt ${job.attemptsMade + 1} failed (${message}); retrying.`,
      progress: { stage: final ? 'failed' : 'retrying' },
    });
    throw err;
  }
}
