-- 0002 knowledge base: collections, documents with versions, chunks with full-text, embeddings per model.
CREATE TABLE kb_collections (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name          text NOT NULL,
  visibility    text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
  default_skill text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);

-- A document's current state. version increases on every new content; chunks belong to indexed_version.
CREATE TABLE documents (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id    uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  collection_id   uuid NOT NULL REFERENCES kb_collections (id) ON DELETE CASCADE,
  title           text NOT NULL,
  source          text NOT NULL DEFAULT 'api', -- api | upload | url | cli
  source_ref      text,                        -- file name or URL
  mime            text NOT NULL,
  content_hash    text NOT NULL,               -- sha256 of the current version's bytes
  version         int NOT NULL DEFAULT 1,
  indexed_version int,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
  error           text,
  progress        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_workspace_idx ON documents (workspace_id, status);

-- Every version's bytes (as text for text formats), so re-indexing and diffs never need the original upload.
CREATE TABLE document_versions (
  document_id  uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  version      int NOT NULL,
  content_hash text NOT NULL,
  body         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, version)
);

-- Retrievable passages of a document version. Replaced wholesale when a new version is indexed.
CREATE TABLE chunks (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  document_id  uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  version      int NOT NULL,
  ordinal      int NOT NULL,
  heading_path text[] NOT NULL DEFAULT '{}',
  heading      text NOT NULL DEFAULT '',  -- heading_path joined with ' › ' (generated columns need immutable input)
  text         text NOT NULL,
  token_count  int NOT NULL,
  tsv          tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, heading || ' ' || text)) STORED,
  UNIQUE (document_id, version, ordinal)
);
CREATE INDEX chunks_workspace_idx ON chunks (workspace_id);
CREATE INDEX chunks_tsv_idx ON chunks USING gin (tsv);

-- One row per chunk and embedding model. The column has no fixed dimension; each model gets its own partial HNSW
-- index over a cast to its dimension, so a new model can be indexed beside the old one and switched atomically.
CREATE TABLE chunk_embeddings (
  chunk_id     uuid NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL,
  model        text NOT NULL,
  embedding    vector NOT NULL,
  PRIMARY KEY (chunk_id, model)
);
CREATE INDEX chunk_embeddings_local_hnsw ON chunk_embeddings
  USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE model = 'local-hash-384';
CREATE INDEX chunk_embeddings_te3s_hnsw ON chunk_embeddings
  USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE model = 'text-embedding-3-small';
