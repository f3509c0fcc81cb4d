// The front end as the API serves it (web/dist: widget.js, the demo page, the console) and CORS for the widget's
// customer routes, which other sites call: any origin, the visitor token header, never cookies; staff routes stay
// same-origin.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../test/browser.ts';
import { testConfig, uniqueSlug } from '../../test/services.ts';
import { createTestWorkspace, startTestApi, type TestApi } from '../testing.ts';
import { buildApp } from './app.ts';

let api: TestApi;
let slug: string;
const SITE = 'https://shop.example';

beforeAll(async () => {
  await ensureWebBuild();
  api = await startTestApi(testConfig());
  slug = (await createTestWorkspace(api.deps, uniqueSlug('web'))).slug;
}, 120_000);
afterAll(() => api?.close());

describe('the built front end', () => {
  it('sends / to the console and serves the pages, revalidated', async () => {
    const root = await fetch(`${api.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    for (const page of ['/console/', '/demo/']) {
      const res = await fetch(`${api.url}${page}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    const demo = await fetch(`${api.url}/demo/`);
    expect(await demo.text()).toContain('<script src="/widget.js" data-workspace="demo" defer></script>');
    // Served over plain HTTP (not production): scripts must not be "upgraded" to an https:// that is not there.
    expect(demo.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(demo.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
  });

  it('serves widget.js to any site (briefly cached) and hashed assets for a year', async () => {
    const widget = await fetch(`${api.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    expect(widget.headers.get('cache-control')).toBe('public, max-age=300');
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const html = await (await fetch(`${api.url}/console/`)).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const res = await fetch(`${api.url}${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('says how to build the front end when there is none', async () => {
    const bare: Server = await new Promise((resolve) => {
      const s = buildApp(api.deps, { webDist: '/nonexistent/kefu-web-dist' }).listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
      const root = await fetch(`${url}/`, { redirect: 'manual' });
      expect(root.status).toBe(200);
      expect(await root.text()).toContain('npm run build:web');
      expect((await fetch(`${url}/widget.js`)).status).toBe(404);
    } finally {
      bare.closeAllConnections();
      await new Promise((r) => bare.close(r));
    }
  });
});

describe('CORS for the widget', () => {
  it('answers the preflight of the customer routes for any origin, without credentials', async () => {
    const res = await fetch(`${api.url}/api/conversations/00000000-0000-4000-8000-000000000000/messages`, {
      method: 'OPTIONS',
      headers: { origin: SITE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-visitor-token,accept' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/x-visitor-token/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/last-event-id/);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets another site start a conversation and read the answer, errors included', async () => {
    const started = await fetch(`${api.url}/api/conversations`, { method: 'POST', headers: { origin: SITE, 'content-type': 'application/json' }, body: JSON.stringify({ workspace: slug, channel: 'widget' }) });
    expect(started.status).toBe(201);
    expect(started.headers.get('access-control-allow-origin')).toBe('*');
    expect(started.headers.get('access-control-expose-headers')).toBe('x-request-id');
    const bad = await fetch(`${api.url}/api/conversations/not-a-uuid`, { headers: { origin: SITE, 'x-visitor-token': 'nonsense' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('access-control-allow-origin')).toBe('*'); // the widget can read why
  });

  it('keeps staff routes same-origin', async () => {
    const preflight = await fetch(`${api.url}/api/kb/documents`, { method: 'OPTIONS', headers: { origin: SITE, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const login = await fetch(`${api.url}/api/auth/login`, { method: 'POST', headers: { origin: SITE, 'content-type': 'application/json' }, body: '{}' });
    expect(login.headers.get('access-control-allow-origin')).toBeNull();
  });
});
