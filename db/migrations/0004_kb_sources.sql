-- 0004 knowledge base, second step: every source format, source identity for re-imports, document metadata,
-- language-aware full text, citation locations, embedding models per workspace, term statistics for the local
-- embedder, imports (URL / crawl) with progress, and knowledge gaps.

-- Collections: what the bot may use (public) or only agents (internal), and the skill conversations route to.
ALTER TABLE kb_collections
  ADD COLUMN description text NOT NULL DEFAULT '',
  ADD COLUMN updated_at  timestamptz NOT NULL DEFAULT now();

-- Documents: source identity (source_key) makes a re-import of the same file name, URL or dataset id a new version of
-- the same document instead of a duplicate. language drives the full-text configuration; tags filter retrieval.
ALTER TABLE documents
  ADD COLUMN source_key text,
  ADD COLUMN format     text NOT NULL DEFAULT 'markdown',
  ADD COLUMN language   text,                                  -- ISO 639-1 ('en', 'zh', …); null until detected
  ADD COLUMN tags       text[] NOT NULL DEFAULT '{}',
  ADD COLUMN pages      int,
  ADD COLUMN warnings   text[] NOT NULL DEFAULT '{}',
  ADD COLUMN updated_by uuid REFERENCES users (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX documents_source_key_idx ON documents (workspace_id, source_key) WHERE source_key IS NOT NULL;
CREATE INDEX documents_collection_idx ON documents (collection_id);

-- Versions keep the original bytes of binary formats (PDF, DOCX, XLSX) so a re-index never needs the upload again.
-- Text formats keep body only. Who made each version is recorded here; deletions go to audit_log.
ALTER TABLE document_versions
  ALTER COLUMN body DROP NOT NULL,
  ADD COLUMN raw        bytea,
  ADD COLUMN format     text NOT NULL DEFAULT 'markdown',
  ADD COLUMN filename   text,
  ADD COLUMN size_bytes int NOT NULL DEFAULT 0,
  ADD COLUMN created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  ADD CONSTRAINT document_versions_content CHECK (body IS NOT NULL OR raw IS NOT NULL);

-- Chunks: full text in the document's language (ts_config), with CJK text pre-segmented by Intl.Segmenter into the
-- 'simple' configuration; the kind of block and its source location (page, anchor, sheet, row) for citations.
DROP INDEX chunks_tsv_idx;
ALTER TABLE chunks DROP COLUMN tsv;
ALTER TABLE chunks
  ADD COLUMN kind      text NOT NULL DEFAULT 'text',  -- text | list | table | faq | code
  ADD COLUMN location  jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN ts_config text NOT NULL DEFAULT 'english',
  ADD COLUMN terms     text[] NOT NULL DEFAULT '{}', -- distinct stemmed terms counted in kb_term_stats for this chunk
  ADD COLUMN tsv       tsvector;
UPDATE chunks SET tsv = to_tsvector('english'::regconfig, heading || ' ' || text);
ALTER TABLE chunks ALTER COLUMN tsv SET NOT NULL;
CREATE INDEX chunks_tsv_idx ON chunks USING gin (tsv);
CREATE INDEX chunks_document_idx ON chunks (document_id);

-- Embedding models per workspace. Exactly one is active (searched); a 'building' model gets embeddings beside the
-- active one (ingestion writes both) until `kefu reindex` finishes and switches it to active in one transaction.
CREATE TABLE kb_embedding_models (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  model        text NOT NULL,
  dimensions   int NOT NULL CHECK (dimensions BETWEEN 1 AND 2000), -- HNSW on vector supports up to 2,000
  status       text NOT NULL CHECK (status IN ('building', 'active', 'retired', 'failed')),
  progress     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz,
  PRIMARY KEY (workspace_id, model)
);
CREATE UNIQUE INDEX kb_embedding_models_one_active ON kb_embedding_models (workspace_id) WHERE status = 'active';

-- The local embedder's model changed (IDF-weighted word and character n-grams, 1,024 dimensions); its HNSW index.
-- Other models get theirs from `kefu reindex` (one partial index per model; see kb/models.repo.ts).
CREATE INDEX chunk_embeddings_lex1024_hnsw ON chunk_embeddings
  USING hnsw ((embedding::vector(1024)) vector_cosine_ops) WHERE model = 'kefu-lexical-1024';

-- Document frequencies of stemmed terms per workspace, kept in step with chunks by replaceChunks/deleteDocument
-- (which subtract exactly the terms a chunk recorded in chunks.terms). The local embedder weights query terms by IDF
-- from here, so common words ("account", "help") count for less than rare ones; full-text search drops the most
-- common words of a long question. Chunks from before this migration have no terms recorded and are not counted.
CREATE TABLE kb_term_stats (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  term         text NOT NULL,
  df           int NOT NULL CHECK (df >= 0),
  PRIMARY KEY (workspace_id, term)
);
CREATE TABLE kb_stats (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
  chunks       int NOT NULL DEFAULT 0 CHECK (chunks >= 0)
);
-- Chunks that existed before this migration count too.
INSERT INTO kb_stats (workspace_id, chunks) SELECT workspace_id, count(*) FROM chunks GROUP BY workspace_id;

-- URL imports and crawls: one row per request, progress updated by the crawl job.
CREATE TABLE kb_imports (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  collection_id uuid NOT NULL REFERENCES kb_collections (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('url', 'crawl', 'sitemap')),
  params        jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  progress      jsonb NOT NULL DEFAULT '{}'::jsonb,
  error         text,
  created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE INDEX kb_imports_workspace_idx ON kb_imports (workspace_id, created_at DESC);

-- Knowledge gaps: questions the bot could not answer, grouped by similarity (local embedding of the question).
CREATE TABLE kb_gaps (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  question     text NOT NULL,                 -- the first question of the group, shown as its title
  centroid     vector NOT NULL,               -- running mean of the group's question embeddings
  count        int NOT NULL DEFAULT 1,
  examples     jsonb NOT NULL DEFAULT '[]'::jsonb, -- the latest few: [{text, conversationId, at}]
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
  first_seen   timestamptz NOT NULL DEFAULT now(),
  last_seen    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kb_gaps_workspace_idx ON kb_gaps (workspace_id, status, last_seen DESC);
