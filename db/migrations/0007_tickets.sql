-- 0007 tickets: work that is not a live chat — created from a conversation (by an agent, or when nobody can take it
-- now: off hours, no agent online), or through the API. Public replies and internal comments, every change in the
-- history, an optimistic version for concurrent editors, and SLA targets by priority whose due times live here so a
-- periodic job can find breaches with one indexed query.
CREATE TABLE sla_policies (
  workspace_id            uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  priority                text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  first_response_minutes  int CHECK (first_response_minutes > 0),
  next_response_minutes   int CHECK (next_response_minutes > 0),
  resolution_minutes      int CHECK (resolution_minutes > 0),
  business_hours          boolean NOT NULL DEFAULT true, -- count only open hours (the skill's, else the workspace's)
  PRIMARY KEY (workspace_id, priority)
);

CREATE TABLE tickets (
  id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id                uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  number                      bigint GENERATED ALWAYS AS IDENTITY, -- what people say ("ticket #1042")
  subject                     text NOT NULL,
  type                        text NOT NULL DEFAULT 'question' CHECK (type IN ('question', 'incident', 'problem', 'task')),
  status                      text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
  priority                    text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  skill                       text,
  assignee_id                 uuid REFERENCES users (id) ON DELETE SET NULL,
  contact_id                  uuid REFERENCES contacts (id) ON DELETE SET NULL,
  conversation_id             uuid REFERENCES conversations (id) ON DELETE SET NULL,
  source                      text NOT NULL CHECK (source IN ('conversation', 'off_hours', 'no_agent', 'api')),
  tags                        text[] NOT NULL DEFAULT '{}',
  version                     int NOT NULL DEFAULT 1,
  first_response_due_at       timestamptz,
  next_response_due_at        timestamptz,
  resolution_due_at           timestamptz,
  first_responded_at          timestamptz,
  first_response_breached_at  timestamptz,
  next_response_breached_at   timestamptz,
  resolution_breached_at      timestamptz,
  assigned_at                 timestamptz,
  solved_at                   timestamptz,
  closed_at                   timestamptz,
  created_by                  uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (number)
);
CREATE INDEX tickets_workspace_status_idx ON tickets (workspace_id, status, updated_at DESC);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id) WHERE status IN ('new', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_contact_idx ON tickets (contact_id);
CREATE INDEX tickets_conversation_idx ON tickets (conversation_id) WHERE conversation_id IS NOT NULL;
-- Unassigned tickets waiting for the engine, oldest and most urgent first.
CREATE INDEX tickets_unassigned_idx ON tickets (workspace_id, created_at) WHERE assignee_id IS NULL AND status IN ('new', 'open');
-- The breach job's scans: due and not yet marked.
CREATE INDEX tickets_first_due_idx ON tickets (first_response_due_at) WHERE first_responded_at IS NULL AND first_response_breached_at IS NULL;
CREATE INDEX tickets_next_due_idx ON tickets (next_response_due_at) WHERE next_response_breached_at IS NULL;
CREATE INDEX tickets_resolution_due_idx ON tickets (resolution_due_at) WHERE solved_at IS NULL AND resolution_breached_at IS NULL;

-- Public replies (the customer sees them) and internal comments (staff only).
CREATE TABLE ticket_comments (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ticket_id   uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  author_type text NOT NULL CHECK (author_type IN ('agent', 'customer', 'system', 'api')),
  author_id   text,
  body        text NOT NULL,
  public      boolean NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_comments_ticket_idx ON ticket_comments (ticket_id, created_at);

-- The full history: who changed what, when (field changes as {"field": [before, after]}), SLA breaches, assignments.
CREATE TABLE ticket_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id   uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  actor_type  text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'customer')),
  actor_id    text,
  kind        text NOT NULL,
  changes     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

-- Agents' capacity for tickets, beside their chat capacity: open tickets the engine may give them at once.
ALTER TABLE agent_profiles ADD COLUMN ticket_capacity int NOT NULL DEFAULT 10 CHECK (ticket_capacity BETWEEN 0 AND 1000);
