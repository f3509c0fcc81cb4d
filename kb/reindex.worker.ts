// Builds a workspace's vectors for another embedding model beside the active one, then switches search to it in one
// transaction. Resumable: each batch embeds only chunks still missing a vector for the model, so a retry or a
// restarted worker continues where the last one stopped.
import { UnrecoverableError, type Job } from '../core/jobs.ts';
import { addEmbeddings } from './documents.repo.ts';
import type { Embedder } from './embedder.ts';
import type { KbDeps } from './index.ts';
import { ReindexJob } from './jobs.ts';
import { activateModel, chunksMissingModel, countChunks, setBuildProgress } from './models.repo.ts';

const BATCH = 128;

export async function processReindex(deps: KbDeps, job: Job): Promise<'activated' | 'skipped'> {
  const payload = ReindexJob.safeParse(job.data);
  if (!payload.success) throw new UnrecoverableError(`invalid reindex payload: ${payload.error.message}`);
  const { workspaceId, model } = payload.data;
  const { rows } = await deps.db.query<{ status: string }>('SELECT status FROM kb_embedding_models WHERE workspace_id = $1 AND model = $2', [workspaceId, model]);
  if (rows[0]?.status !== 'building') return 'skipped';

  try {
    const embedder = deps.embedders.get(model);
    if (!embedder) throw new UnrecoverableError(`This worker cannot run the embedding model ${model}; configure it and start the change again.`);
    return await build(deps, job, workspaceId, model, embedder);
  } catch (err) {
    // A build that can never finish must not stay 'building': ingestion would keep trying to embed with it.
    const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final) {
      const message = err instanceof Error ? err.message : String(err);
      await deps.db.query(
        `UPDATE kb_embedding_models SET status = 'failed', progress = progress || jsonb_build_object('stage', 'failed', 'error', $3::text)
          WHERE workspace_id = $1 AND model = $2 AND status = 'building'`,
        [workspaceId, model, `Building ${model} failed: ${message}`],
      );
      await deps.events.publish(`kb:${workspaceId}`, { type: 'model.updated', model, status: 'failed', error: message }).catch(() => undefined);
    }
    throw err;
  }
}

async function build(deps: KbDeps, job: Job, workspaceId: string, model: string, embedder: Embedder): Promise<'activated' | 'skipped'> {
  const total = await countChunks(deps.db, workspaceId);
  let done = await countChunks(deps.db, workspaceId, model); // a resumed build starts from what is there
  for (;;) {
    const batch = await chunksMissingModel(deps.db, workspaceId, model, BATCH);
    if (batch.length === 0) {
      const switched = await deps.db.transaction(async (tx) => {
        // Chunks indexed while we worked may have missed the new model; finish them before switching.
        if ((await chunksMissingModel(tx, workspaceId, model, 1)).length) return null;
        return activateModel(tx, workspaceId, model);
      });
      if (switched === null) continue;
      deps.logger.info({ workspaceId, model, chunks: total }, switched ? 'search switched to the new embedding model' : 'model change was cancelled meanwhile');
      await deps.events.publish(`kb:${workspaceId}`, { type: 'model.updated', model, status: switched ? 'active' : 'cancelled' }).catch(() => undefined);
      return switched ? 'activated' : 'skipped';
    }
    const vectors = await embedder.embed(batch.map((c) => c.text));
    done += await addEmbeddings(deps.db, workspaceId, model, batch.map((c, i) => ({ chunkId: c.id, embedding: vectors[i] ?? [] })));
    const progress = { stage: 'embedding', done, total, percent: total ? Math.min(99, Math.round((done / total) * 100)) : 99 };
    await setBuildProgress(deps.db, workspaceId, model, progress);
    await job.updateProgress(progress);
    await deps.events.publish(`kb:${workspaceId}`, { type: 'model.progress', model, ...progress }).catch(() => undefined);
  }
}

