// Job contracts of the knowledge base. The ingestion job is defined here (not in ingestion/) because kb requests it
// and ingestion runs it, and imports only go ingestion → kb.
import { z } from 'zod';

export const INGEST_QUEUE = 'ingest';
export const IngestJob = z.object({ documentId: z.uuid(), version: z.number().int().min(1) });
export type IngestJob = z.infer<typeof IngestJob>;
// Same document version → same job id: a duplicate request is dropped while the first is stored. Correctness comes
// from the version check in the worker, not from this. (BullMQ ids: no ':' and not all digits.)
export const ingestJobId = (job: IngestJob): string => `ingest-${job.documentId}-v${job.version}`;

/** Embeds every chunk of a workspace with another model, then switches search to it (kefu reindex). */
export const REINDEX_QUEUE = 'reindex';
export const ReindexJob = z.object({ workspaceId: z.uuid(), model: z.string().min(1).max(100) });
export type ReindexJob = z.infer<typeof ReindexJob>;
export const reindexJobId = (job: ReindexJob, nonce: string): string => `reindex-${job.workspaceId}-${nonce}`;
