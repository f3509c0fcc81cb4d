// The permission matrix, checked over HTTP: each role × each route family → allowed or denied (403), and no
// credentials → 401. The expected table is written out here, independently of ROLE_PERMISSIONS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../core/access.ts';
import { testConfig, uniqueSlug } from '../../test/services.ts';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../testing.ts';

type Family = { name: string; method: string; path: (ws: TestWorkspace) => string; body?: unknown };
const FAMILIES: Family[] = [
  { name: 'kb read', method: 'GET', path: () => '/api/kb/documents' },
  { name: 'kb write', method: 'POST', path: () => '/api/kb/documents', body: {} }, // invalid body: allowed roles get 400, not 403
  { name: 'agent queue', method: 'GET', path: () => '/api/agent/queue' },
  { name: 'any transcript', method: 'GET', path: () => '/api/conversations/00000000-0000-4000-8000-000000000000' },
  { name: 'users', method: 'GET', path: () => '/api/admin/users' },
  { name: 'api keys', method: 'GET', path: () => '/api/admin/api-keys' },
  { name: 'audit log', method: 'GET', path: () => '/api/admin/audit-log' },
  { name: 'settings', method: 'GET', path: () => '/api/admin/settings' },
  { name: 'reports', method: 'GET', path: () => '/api/reports/csat' },
  { name: 'qa review', method: 'GET', path: () => '/api/qa/evaluations' },
];

const ALLOWED: Record<Role, string[]> = {
  admin: ['kb read', 'kb write', 'agent queue', 'any transcript', 'users', 'api keys', 'audit log', 'settings', 'reports', 'qa review'],
  supervisor: ['kb read', 'agent queue', 'any transcript', 'reports', 'qa review'],
  agent: ['kb read', 'agent queue'],
  kb_manager: ['kb read', 'kb write'],
  qa_lead: ['kb read', 'any transcript', 'reports', 'qa review'],
};

let api: TestApi;
let ws: TestWorkspace;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('perm'));
  for (const role of Object.keys(ALLOWED) as Role[]) tokens[role] = await login(api.url, ws.users[role].email, ws.users[role].password);
});
afterAll(() => api?.close());

describe('permission matrix', () => {
  for (const role of Object.keys(ALLOWED) as Role[]) {
    for (const f of FAMILIES) {
      const allowed = ALLOWED[role].includes(f.name);
      it(`${role} ${allowed ? 'may' : 'may not'} use ${f.name}`, async () => {
        const r = await call(api.url, f.path(ws), { method: f.method, token: tokens[role], body: f.body });
        if (allowed) expect(r.status, JSON.stringify(r.body)).not.toBe(403);
        else {
          expect(r.status).toBe(403);
          expect(r.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining(role) });
        }
        if (allowed) expect([200, 400, 404]).toContain(r.status);
      });
    }
  }

  it('asks for sign-in (401) on every family when no credentials are sent', async () => {
    for (const f of FAMILIES) {
      const r = await call(api.url, f.path(ws), { method: f.method, body: f.body });
      expect(r.status, f.name).toBe(401);
      expect(r.body.error.code).toBe('unauthenticated');
    }
  });
});
