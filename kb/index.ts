// Knowledge base: collections, documents and their versions, chunks, embeddings per model, hybrid search and
// knowledge gaps. Knowledge managers add documents here; ingestion/ parses and indexes them; bot/ searches them.
// Public surface: routes for app/, the use cases and repository calls ingestion needs, search for the bot,
// embedders, text tools, and the job contracts (ingest, reindex).
import type { Db } from '../core/db/index.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import type { EmbedderRegistry } from './embedder.ts';
import type { Rerank } from './search.ts';

export type KbDeps = {
  db: Db;
  embedders: EmbedderRegistry;
  logger: Logger;
  /** Live events to knowledge managers' screens (document progress). */
  events: EventBus;
  /** Called after a transaction that requested jobs commits, so the outbox relay publishes them at once. */
  jobsRequested: () => void;
  rerank?: Rerank;
};

export { kbRoutes, type CreateDocument } from './kb.routes.ts';
export { addDocument, removeDocument, reindexDocument, startModelChange, publishDocument, type Actor, type AddDocumentInput, type AddDocumentResult } from './documents.ts';
export { searchKb, searchKbDetailed, toTsQuery, idfWeights, RRF_K, type Passage, type SearchInput, type SearchFilters, type SearchMode, type SearchDeps, type Rerank } from './search.ts';
export {
  localEmbedder,
  legacyLocalEmbedder,
  openAiEmbedder,
  embedderRegistry,
  localEmbed,
  localEmbedQuery,
  cosine,
  LOCAL_MODEL,
  LEGACY_LOCAL_MODEL,
  type Embedder,
  type EmbedderRegistry,
  type QueryContext,
} from './embedder.ts';
export { terms, words, sentences, tokenCount, isCjk } from './text.ts';
export { detectLanguage, tsConfigFor, searchableText } from './language.ts';
export {
  getDocument,
  getVersionForIndexing,
  listDocuments,
  listChunks,
  replaceChunks,
  setDocumentStatus,
  passageText,
  type DocumentRow,
  type NewChunk,
} from './documents.repo.ts';
export { ensureCollection, listCollections, createCollection, type CollectionRow } from './collections.repo.ts';
export { modelsToWrite, activeModel, ensureActiveModel, listModels } from './models.repo.ts';
export { recordGap, listGaps, type GapRow } from './gaps.repo.ts';
export { processReindex } from './reindex.worker.ts';
export { INGEST_QUEUE, IngestJob, ingestJobId, REINDEX_QUEUE, ReindexJob } from './jobs.ts';
