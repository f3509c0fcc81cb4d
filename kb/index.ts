// Knowledge base: collections, documents and their versions, chunks, embeddings, and hybrid search.
// Knowledge managers add documents here; ingestion/ turns them into indexed chunks; bot/ searches them.
// Public surface: routes for app/, the repository calls ingestion needs, the search the bot uses, and embedders.
import type { Db } from '../core/db/index.ts';
import type { Logger } from '../core/logger.ts';
import type { Embedder } from './embedder.ts';

export type KbDeps = {
  db: Db;
  embedder: Embedder;
  logger: Logger;
  /** Called after a transaction that requested jobs commits, so the outbox relay publishes them at once. */
  jobsRequested: () => void;
};

export { kbRoutes, addDocument, type AddDocumentInput, type CreateDocument } from './kb.routes.ts';
export { searchKb, toTsQuery, type Passage, type SearchInput } from './search.ts';
export { chunkText, type Chunk, type ChunkOptions } from './chunk-text.ts';
export { localEmbedder, openAiEmbedder, localEmbed, cosine, LOCAL_MODEL, type Embedder } from './embedder.ts';
export { terms, words, sentences, tokenCount, isCjk } from './text.ts';
export { getDocument, getVersionForIndexing, listDocuments, replaceChunks, setDocumentStatus, type DocumentRow, type NewChunk } from './documents.repo.ts';
export { INGEST_QUEUE, IngestJob, ingestJobId } from './jobs.ts';
