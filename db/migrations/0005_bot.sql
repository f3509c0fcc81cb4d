-- 0005 bot: the full answer trace, the handoff context for agents, conversation ratings, and bot replies that may
-- stream (a reply is stored once, when complete).

-- What the agent reads first when a conversation reaches them: why the bot handed over, and a short summary.
ALTER TABLE conversations ADD COLUMN handoff_summary text;
ALTER TABLE conversations ADD COLUMN handoff_at timestamptz;

-- CSAT: 1–5 and a comment, for whoever had the conversation at the end (an agent, or the bot when no one joined).
ALTER TABLE conversations ADD COLUMN csat_comment text;
ALTER TABLE conversations ADD COLUMN csat_at timestamptz;
ALTER TABLE conversations ADD COLUMN csat_agent_id uuid REFERENCES users (id) ON DELETE SET NULL;

-- The trace: every step of the pipeline with its timing and outcome, the language answered in, and how.
ALTER TABLE bot_turns ADD COLUMN language text;
ALTER TABLE bot_turns ADD COLUMN steps jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE bot_turns ADD COLUMN answer_mode text CHECK (answer_mode IN ('extractive', 'llm'));
CREATE INDEX bot_turns_conversation_idx ON bot_turns (conversation_id, created_at);
CREATE INDEX bot_turns_decision_idx ON bot_turns (workspace_id, decision, created_at);

-- Harmful requests and jailbreaks get a refusal: neither an answer from the knowledge base nor an agent's time.
ALTER TABLE bot_turns DROP CONSTRAINT bot_turns_decision_check;
ALTER TABLE bot_turns ADD CONSTRAINT bot_turns_decision_check CHECK (decision IN ('answer', 'clarify', 'escalate', 'refuse'));

-- Messages in the order they were written: created_at is the transaction's start (a bot reply and a system message
-- written together share it), so transcripts and live-event replays order by this sequence instead.
ALTER TABLE messages ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX messages_conversation_seq_idx ON messages (conversation_id, seq);
