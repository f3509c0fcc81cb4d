-- 0009: the estimated wait reads each skill's last resolved conversations on every queue change; without this index
-- that read scans the workspace's whole history (found by the handoff benchmark, bench/README.md).
CREATE INDEX conversations_resolved_idx ON conversations (workspace_id, skill, resolved_at DESC) WHERE resolved_at IS NOT NULL AND assigned_at IS NOT NULL;
