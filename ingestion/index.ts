// Ingestion: everything that turns a source into indexed chunks — file uploads, URL imports and crawls, datasets
// and the CLI — then parse → chunk → embed → swap as background jobs. kb/ stores documents and requests the index
// job; app/ starts the workers. Public surface: routes, the job processors, source use cases and the parsers.
import type { KbDeps } from '../kb/index.ts';
import type { FetchPolicy } from './fetch/index.ts';
import type { ParseLimits } from './parse/types.ts';

export type IngestionDeps = KbDeps & {
  parseLimits?: Partial<ParseLimits>;
  fetchPolicy: FetchPolicy;
  /** Upper bound on pages for any one crawl. */
  maxCrawlPages: number;
  maxFilesPerUpload: number;
};

export { ingestionRoutes } from './ingestion.routes.ts';
export { processIngest, type IngestOutcome } from './ingest.worker.ts';
export { processImport } from './import.worker.ts';
export { importFile, importDatasetRow, prepareFile, type DatasetRow, type FileSource } from './sources.ts';
export { startImport, type ImportRow } from './imports.ts';
export { chunkBlocks, DEFAULT_CHUNKING, type Chunk, type ChunkOptions } from './chunk.ts';
export { parseDocument, sniffFormat, decodeText } from './parse/index.ts';
export { ParseError, DEFAULT_LIMITS, type Block, type ParsedDocument, type ParseLimits } from './parse/types.ts';
export { DEFAULT_FETCH_POLICY, FetchError, type FetchPolicy } from './fetch/index.ts';
export { IMPORT_QUEUE } from './jobs.ts';
export { INGEST_QUEUE } from '../kb/index.ts';
