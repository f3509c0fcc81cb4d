-- 0008 QA: automated grades of every bot and agent reply and of each resolved conversation, per rubric category,
-- with the scorer and its version; QA leads' overrides with a comment; agents' disputes.
CREATE TABLE qa_evaluations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id    uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  message_id      uuid REFERENCES messages (id) ON DELETE CASCADE, -- null: the conversation as a whole
  subject         text NOT NULL CHECK (subject IN ('bot', 'agent', 'conversation')),
  agent_id        uuid REFERENCES users (id) ON DELETE SET NULL, -- the agent graded (agent replies; the conversation's agent)
  skill           text,
  scorer          text NOT NULL CHECK (scorer IN ('deterministic', 'llm')),
  scorer_version  text NOT NULL,
  overall         real, -- weighted share 0–1 of the applicable categories; null when none applied
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- One grade per unit and scorer version: a re-run of the job is a no-op, a new scorer version grades again.
CREATE UNIQUE INDEX qa_evaluations_unit_key ON qa_evaluations (conversation_id, COALESCE(message_id, '00000000-0000-0000-0000-000000000000'::uuid), scorer, scorer_version);
CREATE INDEX qa_evaluations_workspace_idx ON qa_evaluations (workspace_id, created_at DESC);
CREATE INDEX qa_evaluations_agent_idx ON qa_evaluations (agent_id, created_at DESC) WHERE agent_id IS NOT NULL;

CREATE TABLE qa_scores (
  evaluation_id uuid NOT NULL REFERENCES qa_evaluations (id) ON DELETE CASCADE,
  category      text NOT NULL,
  score         real CHECK (score BETWEEN 1 AND 5), -- null: the category did not apply
  rationale     text NOT NULL DEFAULT '',
  PRIMARY KEY (evaluation_id, category)
);
CREATE INDEX qa_scores_category_idx ON qa_scores (category, score);

-- A person's grade of one category, replacing the automated one in reports; the latest per category counts.
CREATE TABLE qa_reviews (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  evaluation_id uuid NOT NULL REFERENCES qa_evaluations (id) ON DELETE CASCADE,
  category      text NOT NULL,
  score         real NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment       text NOT NULL,
  reviewer_id   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX qa_reviews_evaluation_idx ON qa_reviews (evaluation_id, category, created_at DESC);

-- An agent disputing a grade of their own work; a QA lead accepts (usually with an override) or rejects it.
CREATE TABLE qa_disputes (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  evaluation_id uuid NOT NULL REFERENCES qa_evaluations (id) ON DELETE CASCADE,
  category      text NOT NULL,
  agent_id      uuid REFERENCES users (id) ON DELETE SET NULL,
  reason        text NOT NULL,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  resolution    text,
  resolved_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz
);
CREATE UNIQUE INDEX qa_disputes_open_key ON qa_disputes (evaluation_id, category) WHERE status = 'open';

-- Resolved conversations waiting for the QA job: graded once qa_scored_at is after resolved_at (a reopened and
-- resolved-again conversation is graded again: its new replies, and the conversation as a whole).
ALTER TABLE conversations ADD COLUMN qa_scored_at timestamptz;
CREATE INDEX conversations_qa_pending_idx ON conversations (resolved_at) WHERE status = 'resolved';
