-- 0001 foundation: tenants, people, credentials, audit, instance secrets, and the transactional outbox.
-- Append-only: never edit this file once applied; add 0002_… instead (db/migrate.ts refuses changed files).
CREATE EXTENSION IF NOT EXISTS vector;

-- A workspace is one tenant. Every tenant table carries workspace_id and every query filters on it.
CREATE TABLE workspaces (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name       text NOT NULL,
  settings   jsonb NOT NULL DEFAULT '{}'::jsonb, -- business hours, time zone, languages, thresholds, branding
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Staff users. Email is unique across the instance so login needs only email + password.
CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  email         text NOT NULL,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'kb_manager', 'qa_lead')),
  password_hash text NOT NULL, -- scrypt$N$r$p$salt$hash (core/passwords.ts)
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_workspace_idx ON users (workspace_id, role);

-- Login sessions. Only the SHA-256 of the token is stored; the token itself is the cookie / bearer value.
CREATE TABLE sessions (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- API keys for integrations: hashed, scoped to a subset of permissions, revocable.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name         text NOT NULL,
  prefix       text NOT NULL UNIQUE, -- shown in lists so people can tell keys apart
  key_hash     text NOT NULL UNIQUE,
  scopes       text[] NOT NULL,
  created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_keys_workspace_idx ON api_keys (workspace_id);

-- Who did what: admin actions (users, keys, settings) and other changes worth answering for.
CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  actor_type   text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
  actor_id     text,
  action       text NOT NULL,
  target_type  text,
  target_id    text,
  details      jsonb NOT NULL DEFAULT '{}'::jsonb,
  request_id   text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_workspace_idx ON audit_log (workspace_id, created_at DESC);

-- Secrets generated on first start (e.g. the visitor-token signing key) so every api copy shares them.
CREATE TABLE instance_secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Transactional outbox: a job requested inside a transaction is written here in that transaction, then relayed to
-- the queue (core/outbox.ts). If the queue is down the row waits; nothing is lost. job_id makes relaying idempotent.
CREATE TABLE outbox (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue        text NOT NULL,
  name         text NOT NULL,
  payload      jsonb NOT NULL,
  job_id       text NOT NULL,
  attempts     int NOT NULL DEFAULT 0,
  last_error   text,
  available_at timestamptz NOT NULL DEFAULT now(),
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (available_at, id) WHERE published_at IS NULL;
