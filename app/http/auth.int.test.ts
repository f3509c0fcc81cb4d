import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, uniqueSlug } from '../../test/services.ts';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../testing.ts';

let api: TestApi;
let ws: TestWorkspace;
let adminToken: string;

beforeAll(async () => {
  api = await startTestApi(testConfig());
  ws = await createTestWorkspace(api.deps, uniqueSlug('auth'));
  adminToken = await login(api.url, ws.users.admin.email, ws.users.admin.password);
});
afterAll(() => api?.close());

describe('sign-in', () => {
  it('sets an httpOnly session cookie that authenticates later requests, and logout ends it', async () => {
    const res = await fetch(`${api.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ws.users.agent.email, password: ws.users.agent.password }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/kefu_session=[^;]+;.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const jar = cookie.split(';')[0]!;
    const me = await call(api.url, '/api/auth/me', { headers: { cookie: jar } });
    expect(me.body.user).toMatchObject({ email: ws.users.agent.email, role: 'agent' });
    expect((await call(api.url, '/api/auth/logout', { method: 'POST', headers: { cookie: jar } })).status).toBe(204);
    expect((await call(api.url, '/api/auth/me', { headers: { cookie: jar } })).status).toBe(401);
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const wrong = await call(api.url, '/api/auth/login', { body: { email: ws.users.agent.email, password: 'nope-nope-nope' } });
    const unknown = await call(api.url, '/api/auth/login', { body: { email: `nobody@${ws.slug}.test`, password: 'nope-nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('rejects a mistyped bearer token with 401 and a way forward', async () => {
    const r = await call(api.url, '/api/kb/documents', { token: 'not-a-real-token' });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/Sign in again/);
  });
});

describe('API keys', () => {
  it('works only within its scopes, is stored hashed, is audited, and stops working when revoked', async () => {
    const created = await call(api.url, '/api/admin/api-keys', { token: adminToken, body: { name: 'search bot', scopes: ['kb:read'] } });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^kefu_/);
    const stored = await api.deps.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.apiKey.id]);
    expect(stored.rows[0]!.key_hash).not.toContain(key.slice(6));

    expect((await call(api.url, '/api/kb/documents', { token: key })).status).toBe(200);
    const denied = await call(api.url, '/api/kb/documents', { token: key, body: { title: 't', body: 'b' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/API key .* kb:write/);

    expect((await call(api.url, `/api/admin/api-keys/${created.body.apiKey.id}`, { method: 'DELETE', token: adminToken })).status).toBe(204);
    expect((await call(api.url, '/api/kb/documents', { token: key })).status).toBe(401);

    const audit = await call(api.url, '/api/admin/audit-log', { token: adminToken });
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['api_key.created', 'api_key.revoked']));
    expect(audit.body.entries[0]).toMatchObject({ actorType: 'user', actorId: ws.users.admin.id, requestId: expect.any(String) });
  });

  it('refuses unknown scopes with a 400 naming the field', async () => {
    const r = await call(api.url, '/api/admin/api-keys', { token: adminToken, body: { name: 'x', scopes: ['everything'] } });
    expect(r.status).toBe(400);
    expect(r.body.error.details.fieldErrors.scopes).toBeDefined();
  });
});

describe('admin users', () => {
  it('creates a user (audited), refuses a duplicate email, and a disabled user cannot sign in', async () => {
    const email = `new-agent@${ws.slug}.test`;
    const created = await call(api.url, '/api/admin/users', { token: adminToken, body: { email, name: 'New Agent', role: 'agent', password: 'a long enough password' } });
    expect(created.status).toBe(201);
    const dup = await call(api.url, '/api/admin/users', { token: adminToken, body: { email, name: 'Again', role: 'agent', password: 'a long enough password' } });
    expect(dup.status).toBe(409);
    const token = await login(api.url, email, 'a long enough password');
    expect((await call(api.url, `/api/admin/users/${created.body.user.id}/disable`, { method: 'POST', token: adminToken })).status).toBe(204);
    expect((await call(api.url, '/api/auth/me', { token })).status).toBe(401);
    expect((await call(api.url, '/api/auth/login', { body: { email, password: 'a long enough password' } })).status).toBe(401);
  });
});

describe('visitor tokens', () => {
  it('reach only their own conversations', async () => {
    const a = await call(api.url, '/api/conversations', { body: { workspace: ws.slug } });
    const b = await call(api.url, '/api/conversations', { body: { workspace: ws.slug } });
    expect((await call(api.url, `/api/conversations/${a.body.conversation.id}`, { token: a.body.visitorToken })).status).toBe(200);
    const other = await call(api.url, `/api/conversations/${a.body.conversation.id}`, { token: b.body.visitorToken });
    expect(other.status).toBe(404);
    const write = await call(api.url, `/api/conversations/${a.body.conversation.id}/messages`, { token: b.body.visitorToken, body: { text: 'hi' } });
    expect(write.status).toBe(404);
    expect((await call(api.url, '/api/agent/queue', { token: a.body.visitorToken })).status).toBe(401);
    const forged = a.body.visitorToken.slice(0, -4) + 'AAAA';
    expect((await call(api.url, `/api/conversations/${a.body.conversation.id}`, { token: forged })).status).toBe(401);
  });
});
