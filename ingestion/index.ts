// Ingestion: turns stored documents into indexed chunks (normalize → chunk → embed → swap) as background jobs.
// kb/ requests the job through the outbox; app/ starts the worker. Upload parsers for more formats arrive here.
// Public surface: the processor, its deps slice, and the queue name it serves.
import type { Db } from '../core/db/index.ts';
import type { Logger } from '../core/logger.ts';
import type { Embedder } from '../kb/index.ts';

export type IngestionDeps = { db: Db; embedder: Embedder; logger: Logger };

export { processIngest, type IngestOutcome } from './ingest.worker.ts';
export { normalizeText } from './normalize.ts';
export { INGEST_QUEUE } from '../kb/index.ts';
