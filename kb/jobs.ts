// The ingestion job contract. Defined here (not in ingestion/) because kb requests the job and ingestion runs it,
// and imports only go ingestion → kb.
import { z } from 'zod';

export const INGEST_QUEUE = 'ingest';
export const IngestJob = z.object({ documentId: z.uuid(), version: z.number().int().min(1) });
export type IngestJob = z.infer<typeof IngestJob>;
// Same document version → same job id: a duplicate request is dropped while the first is stored. Correctness comes
// from the version check in the worker, not from this. (BullMQ ids: no ':' and not all digits.)
export const ingestJobId = (job: IngestJob): string => `ingest-${job.documentId}-v${job.version}`;
