// `npm start`'s path on a machine with no services: the server in embedded mode (PGlite + BullMQ's PostgreSQL
// backend) in a temporary DATA_DIR, driven over HTTP through the demo: answer a demo question, escalate an
// unanswerable one, an agent claims it. Also: bad configuration stops the start with one message naming every
// bad variable.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './services.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
// Only what the product needs from the environment: no DATABASE_URL, no REDIS_URL, whatever the developer has set.
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'development' };

let child: ChildProcess;
let dataDir: string;
let url: string;

async function post(p: string, body: unknown, token?: string) {
  const r = await fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: r.status, body: (await r.json()) as any };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'kefu-smoke-'));
  child = spawn(process.execPath, ['app/server.ts'], { cwd: ROOT, env: { ...baseEnv, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const port = await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    const line = output.split('\n').find((l) => l.includes('Kefu is running'));
    return line ? (JSON.parse(line) as { port: number }).port : null;
  }, 'the server to start', 90_000);
  url = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('embedded mode (npm start)', () => {
  it('starts with no services, seeds the demo, answers, escalates, and lets an agent claim', async () => {
    const ready: unknown = await (await fetch(`${url}/readyz`)).json();
    expect(ready).toMatchObject({ status: 'ready', database: { ok: true, kind: 'pglite' }, queue: { ok: true, backend: 'postgres' } });

    const logins = await readFile(path.join(dataDir, 'demo-logins.txt'), 'utf8');
    const creds = (role: string) => {
      const [, email, password] = logins.split('\n').find((l) => l.startsWith(`${role} `))!.trim().split(/\s+/);
      return { email: email!, password: password! };
    };
    const kb = (await post('/api/auth/login', creds('kb_manager'))).body.token as string;
    await eventually(async () => {
      const r = (await (await fetch(`${url}/api/kb/documents`, { headers: { authorization: `Bearer ${kb}` } })).json()) as { documents: { status: string }[] };
      return r.documents.length > 0 && r.documents.every((d: { status: string }) => d.status === 'ready');
    }, 'the demo knowledge base to be indexed', 60_000);

    const start = await post('/api/conversations', { workspace: 'demo', channel: 'widget' });
    const { id } = start.body.conversation;
    const visitor = start.body.visitorToken;
    const answered = await post(`/api/conversations/${id}/messages`, { text: 'How do I reset my password?' }, visitor);
    expect(answered.body.replies[0]).toMatchObject({ sender: 'bot', citations: [expect.objectContaining({ title: 'Your account' })] });
    expect(answered.body.replies[0].body).toMatch(/Forgot password/);

    const escalated = await post(`/api/conversations/${id}/messages`, { text: 'Will it rain in Oslo on Saturday?' }, visitor);
    expect(escalated.body.conversation.status).toBe('queued');

    const agent = (await post('/api/auth/login', creds('agent'))).body.token as string;
    const claim = await post(`/api/agent/conversations/${id}/claim`, {}, agent);
    expect(claim.status).toBe(200);
    expect(claim.body.conversation.status).toBe('assigned');
  });
});

describe('bad configuration', () => {
  it('names every bad variable in one message and exits non-zero', async () => {
    const run = spawn(process.execPath, ['app/server.ts'], { cwd: ROOT, env: { ...baseEnv, PORT: 'eighty', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    run.stderr!.on('data', (d) => (err += d));
    const code = await new Promise((r) => run.once('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/3 setting\(s\) need fixing/);
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(err).toContain(`${name}=`);
  });
});
