-- 0006 team: skills (a.k.a. groups: pre-sales, billing, VIP…) with their own business hours, the skills and levels
-- of each agent, and each agent's capacity and presence (online / away / offline, kept fresh by heartbeats).
CREATE TABLE skills (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id   uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name           text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  label          text NOT NULL,
  description    text,
  business_hours jsonb, -- null: the workspace's hours
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);

CREATE TABLE agent_skills (
  user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  skill_id uuid NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
  level    int NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 5),
  PRIMARY KEY (user_id, skill_id)
);
CREATE INDEX agent_skills_skill_idx ON agent_skills (skill_id);

-- One row per agent who has ever been set up or sent a heartbeat. Presence is what the agent chose; an agent whose
-- last heartbeat is older than the workspace's timeout counts as offline whatever they chose.
CREATE TABLE agent_profiles (
  user_id           uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  workspace_id      uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  capacity          int NOT NULL DEFAULT 3 CHECK (capacity BETWEEN 0 AND 100),
  presence          text NOT NULL DEFAULT 'offline' CHECK (presence IN ('online', 'away', 'offline')),
  last_heartbeat_at timestamptz,
  presence_changed_at timestamptz NOT NULL DEFAULT now(),
  last_assigned_at  timestamptz -- round robin among equally loaded agents: the longest without a new conversation first
);
CREATE INDEX agent_profiles_online_idx ON agent_profiles (workspace_id) WHERE presence = 'online';

-- Routing rules, evaluated in order when a conversation goes to people: the first whose conditions all hold picks the
-- skill (and may raise the priority). Conditions (jsonb, all optional): reasons, keywords, tiers, languages, channels.
CREATE TABLE routing_rules (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  position     int NOT NULL,
  name         text NOT NULL,
  conditions   jsonb NOT NULL DEFAULT '{}'::jsonb,
  skill        text, -- null: leave the skill to the next step (collection default, workspace default)
  priority     int NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 100),
  UNIQUE (workspace_id, position)
);

-- Quick replies (canned responses): found by shortcut or words, optionally for one skill; the body may use
-- variables such as {{contact.name}}, filled in for the conversation at hand.
CREATE TABLE canned_responses (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  shortcut     text NOT NULL CHECK (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  title        text NOT NULL,
  body         text NOT NULL,
  skill        text, -- null: every agent
  created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, shortcut)
);

-- The agent a conversation last had, kept when it is resolved or requeued: "the contact's previous agent first".
ALTER TABLE conversations ADD COLUMN last_assignee_id uuid REFERENCES users (id) ON DELETE SET NULL;
UPDATE conversations SET last_assignee_id = assignee_id WHERE assignee_id IS NOT NULL;
-- Assignment looks up a contact's previous agent.
CREATE INDEX conversations_contact_assigned_idx ON conversations (contact_id, assigned_at DESC) WHERE last_assignee_id IS NOT NULL;
