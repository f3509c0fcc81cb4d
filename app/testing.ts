// Helpers for app integration tests: a running API on a random port over real deps, and a fresh workspace with one
// user per role (known passwords) so each test works on its own rows.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ROLES, type Role } from '../core/access.ts';
import type { Config } from '../core/config.ts';
import { hashPassword } from '../core/secrets.ts';
import { createDeps, type Deps } from './deps.ts';
import { buildApp } from './http/app.ts';

export type TestApi = { deps: Deps; url: string; close: () => Promise<void> };

export async function startTestApi(config: Config): Promise<TestApi> {
  const deps = await createDeps(config);
  deps.startWorkers();
  const server: Server = await new Promise((resolve) => {
    const s = buildApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    deps,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await deps.close();
    },
  };
}

export type TestWorkspace = { id: string; slug: string; users: Record<Role, { id: string; email: string; password: string }> };

let hashed: Promise<string> | null = null;
const PASSWORD = 'correct horse battery staple';

export async function createTestWorkspace(deps: Deps, slug: string): Promise<TestWorkspace> {
  hashed ??= hashPassword(PASSWORD);
  const hash = await hashed;
  return deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>('INSERT INTO workspaces (slug, name) VALUES ($1, $1) RETURNING id', [slug]);
    const id = rows[0]!.id;
    const users = {} as TestWorkspace['users'];
    for (const role of ROLES) {
      const email = `${role}@${slug}.test`;
      const u = await tx.query<{ id: string }>('INSERT INTO users (workspace_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id', [id, email, role, role, hash]);
      users[role] = { id: u.rows[0]!.id, email, password: PASSWORD };
    }
    return { id, slug, users };
  });
}

/** fetch + JSON with a bearer token; returns status and parsed body. */
export async function call(url: string, path: string, opts: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}${path}`, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body: any = text ? JSON.parse(text) : null;
  return { status: res.status, body, headers: res.headers };
}

export async function login(url: string, email: string, password: string): Promise<string> {
  const r = await call(url, '/api/auth/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login failed for ${email}: ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}

/** One more agent in `ws` with a profile (capacity, presence with a fresh heartbeat) and skills by name. */
export async function createAgent(deps: Deps, ws: TestWorkspace, name: string, opts: { capacity: number; skills: string[]; online: boolean }): Promise<{ id: string; email: string; password: string }> {
  hashed ??= hashPassword(PASSWORD);
  const email = `${name}@${ws.slug}.test`;
  const { rows } = await deps.db.query<{ id: string }>(`INSERT INTO users (workspace_id, email, name, role, password_hash) VALUES ($1, $2, $3, 'agent', $4) RETURNING id`, [ws.id, email, name, await hashed]);
  const id = rows[0]!.id;
  await deps.db.query(`INSERT INTO agent_profiles (user_id, workspace_id, capacity, presence, last_heartbeat_at) VALUES ($1, $2, $3, $4, now())`, [id, ws.id, opts.capacity, opts.online ? 'online' : 'offline']);
  for (const s of opts.skills) await deps.db.query(`INSERT INTO agent_skills (user_id, skill_id) SELECT $1, id FROM skills WHERE workspace_id = $2 AND name = $3`, [id, ws.id, s]);
  return { id, email, password: PASSWORD };
}

/** An open server-sent-events stream: read until the text so far matches, then close. */
export async function openEventStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const reader = res.body!.getReader();
  let text = '';
  return {
    status: res.status,
    headers: res.headers,
    text: () => text,
    async readUntil(pattern: RegExp): Promise<string> {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return text;
    },
    close: () => controller.abort(),
  };
}
