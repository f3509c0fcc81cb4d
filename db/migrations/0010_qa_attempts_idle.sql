-- 0010: QA grading keeps count of failed tries, so a conversation that cannot be graded stops holding up the batch
-- (given up after a few, with the error kept for whoever looks); idle bot conversations are found by their last
-- activity (the QA sweep resolves them, so bot-only conversations are graded too).
ALTER TABLE conversations ADD COLUMN qa_attempts int NOT NULL DEFAULT 0, ADD COLUMN qa_error text;
CREATE INDEX conversations_bot_idle_idx ON conversations (updated_at) WHERE status = 'bot';
