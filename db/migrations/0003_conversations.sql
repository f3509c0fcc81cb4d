-- 0003 conversations: contacts, conversations (status machine in conversations/transitions.ts), messages, bot traces.
CREATE TABLE contacts (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  external_id  text,
  name         text,
  email        text,
  language     text,
  tier         text,
  attributes   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contacts_external_key ON contacts (workspace_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE conversations (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id       uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  contact_id         uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  channel            text NOT NULL DEFAULT 'api' CHECK (channel IN ('widget', 'api', 'email')),
  status             text NOT NULL DEFAULT 'bot' CHECK (status IN ('bot', 'queued', 'assigned', 'resolved')),
  skill              text,
  priority           int NOT NULL DEFAULT 0,
  assignee_id        uuid REFERENCES users (id) ON DELETE SET NULL,
  handoff_reason     text,
  language           text,
  queued_at          timestamptz,
  assigned_at        timestamptz,
  first_response_at  timestamptz,
  resolved_at        timestamptz,
  csat               int CHECK (csat BETWEEN 1 AND 5),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_queue_idx ON conversations (workspace_id, priority DESC, queued_at) WHERE status = 'queued';
CREATE INDEX conversations_assignee_idx ON conversations (assignee_id) WHERE status = 'assigned';
CREATE INDEX conversations_contact_idx ON conversations (contact_id);

CREATE TABLE messages (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id        uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  conversation_id     uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  sender              text NOT NULL CHECK (sender IN ('customer', 'bot', 'agent', 'system')),
  sender_id           text,
  body                text NOT NULL,
  private             boolean NOT NULL DEFAULT false,
  citations           jsonb NOT NULL DEFAULT '[]'::jsonb,
  confidence          real,
  client_message_id   text,
  reply_to_message_id uuid UNIQUE REFERENCES messages (id) ON DELETE SET NULL, -- one bot reply per customer message
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX messages_client_id_key ON messages (conversation_id, client_message_id) WHERE client_message_id IS NOT NULL;
CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at);

-- The trace of every bot decision: what was asked, what was found, how sure, what was decided and why.
CREATE TABLE bot_turns (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id     uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  message_id       uuid NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
  query            text NOT NULL,
  rewritten_query  text,
  candidates       jsonb NOT NULL DEFAULT '[]'::jsonb,
  signals          jsonb NOT NULL DEFAULT '{}'::jsonb,
  confidence       real,
  decision         text NOT NULL CHECK (decision IN ('answer', 'clarify', 'escalate')),
  reason           text NOT NULL,
  model            text,
  tokens           int,
  latency_ms       int,
  created_at       timestamptz NOT NULL DEFAULT now()
);
