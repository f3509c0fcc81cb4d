// Eval runs over HTTP: the reports under DATA_DIR/eval are listed with their headline metrics, a run's report.html is
// served, and run ids that try to leave the directory (encoded slashes, dots, absolute paths) are refused.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../../app/testing.ts';
import { testConfig, uniqueSlug } from '../../test/services.ts';

let api: TestApi;
let ws: TestWorkspace;
let qa: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'kefu-evalruns-'));
  const run = path.join(dataDir, 'eval', 'faq-2026-11-25T10-00-00');
  await mkdir(run, { recursive: true });
  await writeFile(path.join(run, 'report.json'), JSON.stringify({ version: 1, label: 'faq', createdAt: '2026-11-25T10:00:00.000Z', durationMs: 1234, cases: [{}, {}], bot: { answerMode: 'extractive' } }));
  await writeFile(path.join(run, 'report.html'), '<!doctype html><title>faq report</title><h1>faq</h1>');
  await writeFile(path.join(dataDir, 'secret.html'), 'do not serve');
  await mkdir(path.join(dataDir, 'eval', 'broken'), { recursive: true }); // no report.json: not listed
  api = await startTestApi(testConfig({ DATA_DIR: dataDir }));
  ws = await createTestWorkspace(api.deps, uniqueSlug('evalruns'));
  qa = await login(api.url, ws.users.qa_lead.email, ws.users.qa_lead.password);
});
afterAll(async () => {
  await api?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('eval runs', () => {
  it('lists runs with their summaries and serves a run report', async () => {
    const list = await call(api.url, '/api/evals/runs', { token: qa });
    expect(list.status).toBe(200);
    expect(list.body.runs).toEqual([
      expect.objectContaining({ id: 'faq-2026-11-25T10-00-00', label: 'faq', createdAt: '2026-11-25T10:00:00.000Z', cases: 2, durationMs: 1234, answerMode: 'extractive', hasHtml: true, metrics: {} }),
    ]);
    const res = await fetch(`${api.url}/api/evals/runs/faq-2026-11-25T10-00-00/report.html`, { headers: { authorization: `Bearer ${qa}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(await res.text()).toContain('faq report');
  });

  it('refuses run ids that would leave the eval directory', async () => {
    for (const id of ['..', '.hidden', '..%2Fsecret.html', '%2E%2E', '..%2F..%2Fetc', 'a%2Fb', '%2Ftmp']) {
      const res = await fetch(`${api.url}/api/evals/runs/${id}/report.html`, { headers: { authorization: `Bearer ${qa}` } });
      expect([400, 404], id).toContain(res.status);
      expect(await res.text()).not.toContain('do not serve');
    }
    const bad = await call(api.url, '/api/evals/runs/..%2Fsecret.html/report.html', { token: qa });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect((await call(api.url, '/api/evals/runs/nope/report.html', { token: qa })).status).toBe(404);
  });

  it('is for qa:review only', async () => {
    const agent = await login(api.url, ws.users.agent.email, ws.users.agent.password);
    expect((await call(api.url, '/api/evals/runs', { token: agent })).status).toBe(403);
  });
});
