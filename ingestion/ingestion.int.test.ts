// Ingestion through the HTTP API over real PostgreSQL and Redis: a multi-file upload of every supported format,
// each bad input refused or failed on its own document with a clear message while the rest import, re-uploads as
// versions, and URL imports / crawls from a local site behind the SSRF guard.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';
import { docxFixture, docxZipBomb, PNG_BYTES, pdfFixture, xlsxFixture } from './fixtures.ts';

let api: TestApi;
let ws: TestWorkspace;
let kb: string;
let site: Server;
let siteUrl: string;
const hits = new Map<string, number>();

// A small help site: pages in a cycle, an endless ?n= chain, a robots.txt rule and a sitemap.
function startSite(): Promise<Server> {
  const page = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
  const s = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.set(url.pathname + url.search, (hits.get(url.pathname + url.search) ?? 0) + 1);
    const html = (b: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(b);
    switch (url.pathname) {
      case '/robots.txt':
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private\n');
      case '/':
        return html(page('Help home', '<p>Welcome to the help center.</p><a href="/shipping">Shipping</a> <a href="/returns#top">Returns</a> <a href="/private/secret">Secret</a> <a href="/calendar?n=1">Calendar</a> <a href="https://elsewhere.example/">Elsewhere</a>'));
      case '/shipping':
        return html(page('Shipping', '<p>Parcels leave our warehouse within two days.</p><a href="/returns">Returns</a> <a href="/">Home</a> <a href="/shipping/../shipping">Again</a>'));
      case '/returns':
        return html(page('Returns', '<p>Return any item within 30 days for a full refund.</p><script>alert("x")</script><a href="/shipping">Shipping</a> <a href="/">Home</a>'));
      case '/calendar': {
        const n = Number(url.searchParams.get('n') ?? 1);
        return html(page(`Calendar ${n}`, `<p>Events for month ${n}.</p><a href="/calendar?n=${n + 1}">Next</a>`));
      }
      case '/private/secret':
        return html(page('Secret', '<p>Not for crawlers.</p>'));
      default:
        return res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

beforeAll(async () => {
  site = await startSite();
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  api = await startTestApi(testConfig({ KB_FETCH_ALLOW_HOSTS: new URL(siteUrl).host, KB_MAX_UPLOAD_MB: '1' }));
  ws = await createTestWorkspace(api.deps, uniqueSlug('ingest'));
  kb = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
});
afterAll(async () => {
  await api?.close();
  site?.close();
});

type Part = { name: string; bytes: Uint8Array | string; type?: string };
async function upload(parts: Part[], fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const p of parts) form.append('files', new Blob([typeof p.bytes === 'string' ? p.bytes : Buffer.from(p.bytes)], { type: p.type ?? 'application/octet-stream' }), p.name);
  const res = await fetch(`${api.url}/api/kb/uploads`, { method: 'POST', headers: { authorization: `Bearer ${kb}` }, body: form });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body: any = await res.json();
  return { status: res.status, body };
}

async function settled(id: string) {
  return eventually(async () => {
    const d = await call(api.url, `/api/kb/documents/${id}`, { token: kb });
    return ['ready', 'failed'].includes(d.body.document.status) ? d.body.document : null;
  }, `document ${id} to finish`);
}
const chunksOf = async (id: string) => (await call(api.url, `/api/kb/documents/${id}/chunks`, { token: kb })).body.chunks as { kind: string; text: string; headingPath: string[]; location: Record<string, unknown> }[];

describe('uploads', () => {
  it('imports many files of every format in one upload, keeping structure and citation locations', async () => {
    const files: Part[] = [
      { name: 'faq.md', bytes: '# Help\n\n## Orders\n\nOrders ship in two days.\n\n- Track it online\n- Or call us\n' },
      { name: 'notes.txt', bytes: 'Q: Can I pay by invoice?\nA: Yes, for business accounts.\n\nOur office is closed on Sundays.' },
      { name: 'page.html', bytes: '<html><head><title>Warranty</title></head><body><h1 id="warranty">Warranty</h1><p onclick="steal()">Two years on all blenders.</p><script>document.cookie</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a></body></html>', type: 'text/html' },
      { name: 'faq.csv', bytes: 'question,answer\nDo you ship abroad?,To 40 countries.\nCan I return a gift?,Yes with the gift receipt.\n', type: 'text/csv' },
      { name: 'prices.xlsx', bytes: await xlsxFixture({ FAQ: [['Question', 'Answer'], ['Is there a student discount?', 'Ten percent with a student card.']] }) },
      { name: 'manual.docx', bytes: await docxFixture([{ heading: 'Cleaning', paragraphs: ['Rinse the jug with warm water after each use.'] }]) },
      { name: 'guide.pdf', bytes: await pdfFixture([['Setting up the blender.', 'Place it on a dry surface.'], ['Troubleshooting.', 'If the motor stops, let it cool for ten minutes.']], 'Blender guide') },
      { name: 'hours.json', bytes: JSON.stringify([{ question: 'When are you open?', answer: 'Nine to five on weekdays.' }]), type: 'application/json' },
    ];
    const r = await upload(files, { collection: 'Uploads', tags: 'manuals,v1' });
    expect(r.status).toBe(202);
    expect(r.body.rejected).toEqual([]);
    expect(r.body.documents).toHaveLength(files.length);
    const byName = new Map<string, string>(r.body.documents.map((d: { file: string; document: { id: string } }) => [d.file, d.document.id]));
    const docs = await Promise.all([...byName.values()].map(settled));
    expect(docs.map((d) => `${d.title}:${d.status}:${d.error ?? ''}`)).toEqual(docs.map((d) => `${d.title}:ready:`));
    expect(docs.every((d) => d.tags.includes('manuals'))).toBe(true);

    const pdf = await chunksOf(byName.get('guide.pdf')!);
    expect(pdf.map((c) => c.location.page)).toContain(2);
    expect(pdf.find((c) => c.text.includes('motor stops'))?.location.page).toBe(2);
    expect(docs.find((d) => d.format === 'pdf')).toMatchObject({ title: 'Blender guide', pages: 2 });

    const csv = await chunksOf(byName.get('faq.csv')!);
    expect(csv).toHaveLength(2);
    expect(csv[0]).toMatchObject({ kind: 'faq', location: { row: 2 } });
    const xlsx = await chunksOf(byName.get('prices.xlsx')!);
    expect(xlsx[0]).toMatchObject({ kind: 'faq', location: { sheet: 'FAQ', row: 2 } });
    const docx = await chunksOf(byName.get('manual.docx')!);
    expect(docx[0]!.headingPath).toEqual(['Cleaning']);
    const md = await chunksOf(byName.get('faq.md')!);
    expect(md.map((c) => c.kind)).toEqual(expect.arrayContaining(['text', 'list']));
    expect(md[0]!.headingPath).toEqual(['Help', 'Orders']);
    const txt = await chunksOf(byName.get('notes.txt')!);
    expect(txt.some((c) => c.kind === 'faq' && c.text.includes('invoice'))).toBe(true);

    // HTML: nothing executable is stored or comes back.
    const html = await chunksOf(byName.get('page.html')!);
    const all = JSON.stringify(html);
    expect(all).toContain('Two years on all blenders');
    for (const bad of ['script', 'cookie', 'onclick', 'onerror', 'alert', 'javascript:']) expect(all).not.toContain(bad);
    const stored = await api.deps.db.query<{ body: string }>('SELECT body FROM document_versions WHERE document_id = $1', [byName.get('page.html')]);
    for (const bad of ['<script', 'onclick', 'onerror', 'javascript:']) expect(stored.rows[0]!.body).not.toContain(bad);
  });

  it('refuses or fails each bad file on its own, with a clear message, and imports the rest', async () => {
    const encrypted = await readFile(new URL('./parse/fixtures/encrypted.pdf', import.meta.url)).catch(() => null);
    const realPdf = await pdfFixture([['A PDF that was saved with the wrong extension.']]);
    const files: Part[] = [
      { name: 'good.md', bytes: '# Good\nThis one is fine and should be imported.' },
      { name: 'empty.txt', bytes: '' },
      { name: 'huge.txt', bytes: 'a'.repeat(1024 * 1024 + 10) },
      { name: 'picture.pdf', bytes: PNG_BYTES },
      { name: 'misnamed.docx', bytes: realPdf },
      { name: 'latin1.txt', bytes: Uint8Array.from(Buffer.from('Caf\xe9 cr\xe8me br\xfbl\xe9e is on the menu every Friday.', 'latin1')) },
      { name: 'garbage.txt', bytes: Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256) },
      { name: 'corrupt.pdf', bytes: '%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage garbage\n%%EOF' },
      { name: 'bomb.docx', bytes: docxZipBomb(300) },
      ...(encrypted ? [{ name: 'locked.pdf', bytes: new Uint8Array(encrypted) }] : []),
    ];
    const before = await api.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents WHERE workspace_id = $1', [ws.id]);
    const r = await upload(files);
    expect(r.status).toBe(202);
    const rejected = new Map<string, { code: string; reason: string; message: string }>(r.body.rejected.map((x: { file: string }) => [x.file, x]));
    expect(rejected.get('empty.txt')).toMatchObject({ reason: 'empty_file', message: expect.stringMatching(/empty|no text/i) });
    expect(rejected.get('huge.txt')).toMatchObject({ code: 'payload_too_large', message: expect.stringMatching(/1 MB/) });
    expect(rejected.get('picture.pdf')).toMatchObject({ code: 'unsupported_media_type', message: expect.stringMatching(/PNG/i) });
    expect(rejected.get('garbage.txt')?.message).toMatch(/.+/);

    const accepted = new Map<string, { document: { id: string }; warnings: string[] }>(r.body.documents.map((x: { file: string }) => [x.file, x]));
    expect(accepted.get('misnamed.docx')!.warnings.join(' ')).toMatch(/PDF/i);
    expect(accepted.get('latin1.txt')!.warnings.join(' ')).toMatch(/UTF-8|windows-1252|ISO-8859/i);

    const outcome = async (name: string) => settled(accepted.get(name)!.document.id);
    expect((await outcome('good.md')).status).toBe('ready');
    expect((await outcome('misnamed.docx')).status).toBe('ready');
    expect((await outcome('latin1.txt')).status).toBe('ready');
    const latin = await chunksOf(accepted.get('latin1.txt')!.document.id);
    expect(latin[0]!.text).toContain('Café crème brûlée');
    const corrupt = await outcome('corrupt.pdf');
    expect(corrupt).toMatchObject({ status: 'failed', error: expect.stringMatching(/damaged|corrupt|cannot be read/i) });
    const bomb = accepted.get('bomb.docx') ? await outcome('bomb.docx') : null;
    if (bomb) expect(bomb).toMatchObject({ status: 'failed', error: expect.stringMatching(/unpack|compress|zip/i) });
    else expect(rejected.get('bomb.docx')).toMatchObject({ reason: 'zip_bomb' });
    if (encrypted) expect(await outcome('locked.pdf')).toMatchObject({ status: 'failed', error: expect.stringMatching(/password/i) });

    // Refused files left no rows; accepted ones are exactly the new documents.
    const after = await api.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents WHERE workspace_id = $1', [ws.id]);
    expect(after.rows[0]!.n - before.rows[0]!.n).toBe(accepted.size);
  });

  it('answers 4xx when nothing in the upload can be imported', async () => {
    const r = await upload([{ name: 'empty.md', bytes: '' }]);
    expect(r.status).toBe(400);
    expect(r.body.error.details.rejected[0].reason).toBe('empty_file');
    const notMultipart = await call(api.url, '/api/kb/uploads', { token: kb, body: { files: [] } });
    expect(notMultipart.status).toBe(415);
  });

  it('makes a changed re-upload of the same file a new version and skips an identical one', async () => {
    const first = await upload([{ name: 'policy.md', bytes: '# Policy\nDeliveries on weekdays only.' }], { collection: 'Versions' });
    const id = first.body.documents[0].document.id;
    await settled(id);
    const same = await upload([{ name: 'policy.md', bytes: '# Policy\nDeliveries on weekdays only.' }], { collection: 'Versions' });
    expect(same.body.documents[0]).toMatchObject({ outcome: 'unchanged', document: { id, version: 1 } });
    const changed = await upload([{ name: 'policy.md', bytes: '# Policy\nDeliveries every day, weekends included.' }], { collection: 'Versions' });
    expect(changed.body.documents[0]).toMatchObject({ outcome: 'updated', document: { id, version: 2 } });
    await eventually(async () => (await call(api.url, `/api/kb/documents/${id}`, { token: kb })).body.document.indexedVersion === 2, 'version 2');
    const chunks = await chunksOf(id);
    expect(chunks.map((c) => c.text).join(' ')).toContain('weekends included');
  });
});

describe('URL imports', () => {
  async function finished(id: string) {
    return eventually(async () => {
      const r = await call(api.url, `/api/kb/imports/${id}`, { token: kb });
      return ['done', 'failed'].includes(r.body.import.status) ? r.body.import : null;
    }, `import ${id}`);
  }

  it('imports one page as a document keyed by its URL', async () => {
    const r = await call(api.url, '/api/kb/imports', { token: kb, body: { url: `${siteUrl}/returns`, mode: 'url' } });
    expect(r.status).toBe(202);
    const done = await finished(r.body.import.id);
    expect(done).toMatchObject({ status: 'done', progress: { pages: 1, created: 1 } });
    const docs = await call(api.url, `/api/kb/documents?q=${encodeURIComponent('/returns')}`, { token: kb });
    const doc = await settled(docs.body.documents[0].id);
    expect(doc).toMatchObject({ title: 'Returns', sourceRef: `${siteUrl}/returns`, status: 'ready' });
    expect(JSON.stringify(await chunksOf(doc.id))).not.toContain('alert');
  });

  it('crawls the same site once per page: cycles, fragments and endless chains stop, robots.txt is respected', async () => {
    hits.clear();
    const r = await call(api.url, '/api/kb/imports', { token: kb, body: { url: `${siteUrl}/`, mode: 'crawl', maxDepth: 5, maxPages: 8, collection: 'Site' } });
    const done = await finished(r.body.import.id);
    expect(done.status, `the crawl ended ${done.status}: ${done.error ?? ''} ${JSON.stringify(done.progress?.errors ?? [])}`).toBe('done');
    expect(done.progress.pages).toBeLessThanOrEqual(8);
    expect(hits.get('/private/secret')).toBeUndefined();
    for (const [pathname, n] of hits) if (pathname !== '/robots.txt') expect(n, pathname).toBe(1);
    expect(hits.get('/shipping')).toBe(1);
    expect([...hits.keys()].filter((k) => k.startsWith('/calendar')).length).toBeLessThanOrEqual(8);
  });

  it('refuses a URL that resolves to a private address, before anything is stored', async () => {
    for (const url of ['http://localhost:9/', 'http://10.0.0.7/help', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/']) {
      const r = await call(api.url, '/api/kb/imports', { token: kb, body: { url, mode: 'url' } });
      expect(r.status, url).toBe(400);
      expect(r.body.error.message, url).toMatch(/private|loopback|link-local|not allowed/i);
    }
    const bad = await call(api.url, '/api/kb/imports', { token: kb, body: { url: 'ftp://example.com/file', mode: 'url' } });
    expect(bad.status).toBe(400);
  });
});
