// Demo data for a first start: a "demo" workspace, one login per role (random passwords, printed once and saved to
// DATA_DIR/demo-logins.txt), and a small help-center knowledge base that the ingestion worker indexes.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../core/access.ts';
import { hashPassword, randomPassword } from '../core/secrets.ts';
import { addDocument } from '../kb/index.ts';
import type { Deps } from './deps.ts';

export const DEMO_WORKSPACE = 'demo';
const DEMO_KB = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'db', 'seed', 'demo-kb.md');

export const DEMO_USERS: { role: Role; email: string; name: string }[] = [
  { role: 'admin', email: 'admin@demo.kefu.local', name: 'Ada Admin' },
  { role: 'supervisor', email: 'supervisor@demo.kefu.local', name: 'Sam Supervisor' },
  { role: 'agent', email: 'agent@demo.kefu.local', name: 'Alex Agent' },
  { role: 'kb_manager', email: 'kb@demo.kefu.local', name: 'Kim Knowledge' },
  { role: 'qa_lead', email: 'qa@demo.kefu.local', name: 'Quinn QA' },
];

export type SeedResult = { created: boolean; workspaceId: string; logins: { role: Role; email: string; password: string }[] };

/** Creates the demo workspace once. Returns created=false (and no passwords) when it already exists. */
export async function seedDemo(deps: Deps): Promise<SeedResult> {
  const logins = await Promise.all(DEMO_USERS.map(async (u) => ({ ...u, password: randomPassword() })));
  const hashes = await Promise.all(logins.map((l) => hashPassword(l.password)));
  const seeded = await deps.db.transaction(async (tx) => {
    const ws = await tx.query<{ id: string }>(
      `INSERT INTO workspaces (slug, name, settings) VALUES ($1, 'Demo Shop', $2) ON CONFLICT (slug) DO NOTHING RETURNING id`,
      [DEMO_WORKSPACE, JSON.stringify({ timeZone: 'UTC', languages: ['en', 'zh'] })],
    );
    if (!ws.rows[0]) return null;
    const workspaceId = ws.rows[0].id;
    for (const [i, l] of logins.entries()) {
      await tx.query('INSERT INTO users (workspace_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)', [workspaceId, l.email, l.name, l.role, hashes[i]]);
    }
    return workspaceId;
  });
  if (!seeded) {
    const { rows } = await deps.db.query<{ id: string }>('SELECT id FROM workspaces WHERE slug = $1', [DEMO_WORKSPACE]);
    return { created: false, workspaceId: rows[0]!.id, logins: [] };
  }
  const body = await readFile(DEMO_KB, 'utf8');
  // One document per top-level section, so citations name a topic ("Returns and refunds"), not one big file.
  for (const section of body.split(/^(?=# )/m).filter((s) => s.trim())) {
    const title = /^# (.+)$/m.exec(section)?.[1]?.trim() ?? 'Help';
    await addDocument(deps, { type: 'system', workspaceId: seeded }, {
      title,
      body: section,
      mime: 'text/markdown',
      format: 'markdown',
      filename: 'demo-kb.md',
      language: 'en',
      collection: 'Help center',
      source: 'dataset',
      sourceKey: `seed:${title}`,
      sourceRef: 'db/seed/demo-kb.md',
    });
  }
  return { created: true, workspaceId: seeded, logins: logins.map(({ role, email, password }) => ({ role, email, password })) };
}

/** Saves the demo logins next to the embedded database (owner-only), so they can be found after the log scrolls. */
export async function saveDemoLogins(dataDir: string, logins: SeedResult['logins']): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'demo-logins.txt');
  const lines = ['Kefu demo sign-ins (workspace "demo"). Change or disable them before real use.', '', ...logins.map((l) => `${l.role.padEnd(11)} ${l.email.padEnd(28)} ${l.password}`), ''];
  await writeFile(file, lines.join('\n'), { mode: 0o600 });
  return file;
}
