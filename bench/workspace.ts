// Benchmark workspaces: create one, load a dataset's knowledge base through the real ingestion path and wait until
// it is indexed, and delete what was created at the end.
import { randomUUID } from 'node:crypto';
import type { Deps } from '../app/deps.ts';
import { importDatasetRow } from '../ingestion/index.ts';
import type { KbRow } from './datasets.ts';

type Log = (s: string) => void;

const created: string[] = [];

export async function freshWorkspace(deps: Deps, label: string): Promise<string> {
  const { rows } = await deps.db.query<{ id: string }>(`INSERT INTO workspaces (slug, name) VALUES ($1, $1) RETURNING id`, [`bench-${label.replace(/_/g, '-')}-${randomUUID().slice(0, 8)}`]);
  created.push(rows[0]!.id);
  return rows[0]!.id;
}

/** Deletes every workspace this process created (their documents, chunks and conversations go with them). */
export async function dropCreatedWorkspaces(deps: Deps): Promise<void> {
  if (created.length) await deps.db.query('DELETE FROM workspaces WHERE id = ANY($1::uuid[])', [created.splice(0)]);
}

export async function waitIndexed(deps: Deps, workspaceId: string, total: number): Promise<void> {
  let last = -1;
  for (;;) {
    const { rows } = await deps.db.query<{ done: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('ready', 'failed'))::int AS done, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM documents WHERE workspace_id = $1`,
      [workspaceId],
    );
    const { done, failed } = rows[0]!;
    const pct = Math.floor((done / total) * 10);
    if (pct !== last) {
      process.stdout.write(`\r  indexing ${done}/${total}${failed ? ` (${failed} failed)` : ''}   `);
      last = pct;
    }
    if (done >= total) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stdout.write('\n');
}

/** A fresh workspace holding `kb`, indexed; and a map from document id to the dataset's own id. */
export async function loadKb(deps: Deps, name: string, kb: KbRow[], _log?: Log): Promise<{ workspaceId: string; datasetId: Map<string, string> }> {
  const workspaceId = await freshWorkspace(deps, name);
  const who = { type: 'system' as const, workspaceId };
  for (const row of kb) await importDatasetRow(deps, who, row, { dataset: name });
  await waitIndexed(deps, workspaceId, kb.length);
  return { workspaceId, datasetId: await datasetIds(deps, workspaceId, name) };
}

export async function datasetIds(deps: Deps, workspaceId: string, name: string): Promise<Map<string, string>> {
  const { rows } = await deps.db.query<{ id: string; key: string }>(`SELECT id, source_key AS key FROM documents WHERE workspace_id = $1`, [workspaceId]);
  return new Map(rows.map((d) => [d.id, d.key.slice(`dataset:${name}:`.length)]));
}
