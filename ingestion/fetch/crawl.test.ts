import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from './crawl.ts';
import type { CrawlEvent, CrawlOptions, CrawlStart } from './crawl.ts';
import { DEFAULT_FETCH_POLICY } from './safe-fetch.ts';
import { html, page, redirect, routes, send, startSite } from './test-site.ts';
import type { Handler, TestSite } from './test-site.ts';

let site: TestSite | undefined;

afterEach(async () => {
  await site?.close();
  site = undefined;
});

async function serve(table: Record<string, Handler>): Promise<TestSite> {
  site = await startSite(routes(table));
  return site;
}

function options(s: TestSite, over: Partial<CrawlOptions> = {}): CrawlOptions {
  return {
    maxDepth: 10,
    maxPages: 50,
    policy: { ...DEFAULT_FETCH_POLICY, allowHosts: [`127.0.0.1:${s.port}`], timeoutMs: 2000 },
    maxCrawlDelayMs: 100,
    ...over,
  };
}

async function run(start: CrawlStart, opts: CrawlOptions, signal?: AbortSignal): Promise<CrawlEvent[]> {
  const events: CrawlEvent[] = [];
  for await (const ev of crawl(start, opts, signal)) events.push(ev);
  return events;
}

const pagesOf = (events: CrawlEvent[], origin: string): string[] =>
  events.flatMap((e) => (e.type === 'page' ? [e.url.replace(origin, '')] : []));
const skippedOf = (events: CrawlEvent[], origin: string): Array<[string, string]> =>
  events.flatMap((e) => (e.type === 'skipped' ? [[e.url.replace(origin, ''), e.reason] as [string, string]] : []));
const lastOf = (events: CrawlEvent[]): CrawlEvent | undefined => events[events.length - 1];

describe('crawl: loops and limits', () => {
  it('visits each page of a cyclic site once, whatever the spelling of the links', async () => {
    let origin = '';
    const s = await serve({
      '/': (req, res) =>
        page([
          '/a', '/b', '/a/../a', '/a#frag', './a', '/b?utm_source=mail&fbclid=x', '/c//d', `${origin}/a`,
          `${origin.toUpperCase()}/b`, 'mailto:help@example.com', 'javascript:void(0)', 'tel:+15550100',
          'https://example.com/elsewhere', '/logo.png',
        ])(req, res),
      '/a': page(['/', '/b', '/a#top', 'a']),
      '/b': page(['/a', '/', '/b']),
      '/c/d': page(['/', '/a']),
    });
    origin = s.origin;
    const events = await run({ url: `${s.origin}/` }, options(s));
    expect(pagesOf(events, s.origin).sort()).toEqual(['/', '/a', '/b', '/c/d']);
    for (const path of ['/', '/a', '/b', '/c/d']) expect(s.hitsFor(path)).toBe(1);
    expect(s.hits.filter((h) => h !== '/robots.txt').length).toBe(4);
    expect(skippedOf(events, s.origin)).toEqual(
      expect.arrayContaining([
        ['https://example.com/elsewhere', 'off_site'],
        ['/logo.png', 'not_html_or_document'],
      ]),
    );
    expect(lastOf(events)).toEqual({ type: 'done', pages: 4, skipped: 2, errors: 0 });
  });

  it('stops an infinite ?n=k → ?n=k+1 chain at maxPages and reports the rest as limit', async () => {
    const s = await serve({
      '/': page(['/cal?n=0']),
      '/cal*': (req, res) => {
        const n = Number(new URL(req.url ?? '', 'http://x').searchParams.get('n'));
        page([`/cal?n=${n + 1}`, `/cal?n=${n}#same`])(req, res);
      },
    });
    const events = await run({ url: `${s.origin}/` }, options(s, { maxDepth: 1000, maxPages: 12 }));
    expect(pagesOf(events, s.origin)).toHaveLength(12);
    expect(s.hits.filter((h) => h.startsWith('/cal')).length).toBe(11);
    expect(skippedOf(events, s.origin)).toEqual([['/cal?n=11', 'limit']]);
    expect(lastOf(events)).toMatchObject({ type: 'done', pages: 12, skipped: 1 });
  });

  it('stops at maxDepth, breadth-first', async () => {
    const s = await serve({
      '/': page(['/cal?n=0', '/side']),
      '/side': page(['/side/deeper']),
      '/side/deeper': page(['/side/deepest']),
      '/cal*': (req, res) => {
        const n = Number(new URL(req.url ?? '', 'http://x').searchParams.get('n'));
        page([`/cal?n=${n + 1}`])(req, res);
      },
    });
    const events = await run({ url: `${s.origin}/` }, options(s, { maxDepth: 2 }));
    const pages = events.flatMap((e) => (e.type === 'page' ? [[e.url.replace(s.origin, ''), e.depth]] : []));
    expect(pages).toEqual([
      ['/', 0],
      ['/cal?n=0', 1],
      ['/side', 1],
      ['/cal?n=1', 2],
      ['/side/deeper', 2],
    ]);
    expect(s.hitsFor('/side/deepest')).toBe(0);
  });

  it('refuses trap-shaped URLs from pages that answer every path', async () => {
    const s = await serve({ '/': page(['/t/']), '/t/*': page(['x/']) });
    const events = await run({ url: `${s.origin}/` }, options(s));
    expect(pagesOf(events, s.origin)).toEqual(['/', '/t/', '/t/x/', '/t/x/x/']);
    expect(skippedOf(events, s.origin)).toEqual([['/t/x/x/x/', 'limit']]);
  });

  it('fetches a redirect target or a declared canonical once, and identical bodies once', async () => {
    const same = '<body><p>same words</p></body>';
    const s = await serve({
      '/': page(['/print', '/old', '/a', '/b', '/copy-1', '/copy-2']),
      '/print': html('<head><link rel="canonical" href="/a"></head><body>printable</body>'),
      '/old': redirect('/b', 301),
      '/a': page([]),
      '/b': page([]),
      '/copy-1': html(same),
      '/copy-2': html(same),
    });
    const events = await run({ url: `${s.origin}/` }, options(s));
    expect(s.hitsFor('/a')).toBe(0); // /print said it is /a
    expect(s.hitsFor('/b')).toBe(1); // once, following /old's redirect; the link to /b itself is a duplicate
    const print = events.find((e) => e.type === 'page' && e.url.endsWith('/print'));
    expect(print).toMatchObject({ canonical: `${s.origin}/a` });
    expect(pagesOf(events, s.origin)).toEqual(['/', '/print', '/b', '/copy-1']);
    expect(skippedOf(events, s.origin)).toEqual([
      ['/a', 'duplicate'],
      ['/b', 'duplicate'],
      ['/copy-2', 'duplicate'],
    ]);
  });

  it('skips a page whose redirect leaves the site', async () => {
    let port = 0;
    const s = await serve({
      '/': page(['/leave']),
      '/leave': (req, res) => redirect(`http://localhost:${port}/elsewhere`)(req, res),
      '/elsewhere': page(['/never-followed']),
    });
    port = s.port;
    const opts = options(s, { policy: { ...DEFAULT_FETCH_POLICY, allowPrivate: true, timeoutMs: 2000 } });
    const events = await run({ url: `${s.origin}/` }, opts);
    expect(pagesOf(events, s.origin)).toEqual(['/']);
    expect(skippedOf(events, s.origin)).toEqual([[`http://localhost:${s.port}/elsewhere`, 'off_site']]);
    expect(s.hitsFor('/never-followed')).toBe(0);
  });

  it('applies include and exclude to discovered links, never to the start URL', async () => {
    const s = await serve({
      '/': page(['/docs/a', '/docs/internal/b', '/blog/c']),
      '/docs/a': page([]),
      '/docs/internal/b': page([]),
      '/blog/c': page([]),
    });
    const events = await run({ url: `${s.origin}/` }, options(s, { include: ['/docs'], exclude: ['/docs/internal'] }));
    expect(pagesOf(events, s.origin)).toEqual(['/', '/docs/a']);
    expect(skippedOf(events, s.origin)).toEqual([
      ['/docs/internal/b', 'excluded'],
      ['/blog/c', 'excluded'],
    ]);
  });

  it('reports failing pages as errors and keeps going', async () => {
    const s = await serve({ '/': page(['/missing', '/ok']), '/ok': page([]) });
    const events = await run({ url: `${s.origin}/` }, options(s));
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ url: `${s.origin}/missing`, error: { code: 'http_error', status: 404 } });
    expect(lastOf(events)).toEqual({ type: 'done', pages: 2, skipped: 0, errors: 1 });
  });

  it('refuses a blocked start URL without touching it', async () => {
    const s = await serve({ '/': page([]) });
    const events = await run({ url: `http://localhost:${s.port}/` }, { ...options(s), policy: DEFAULT_FETCH_POLICY });
    expect(events[0]).toMatchObject({ type: 'error', error: { code: 'blocked_address' } });
    expect(lastOf(events)).toEqual({ type: 'done', pages: 0, skipped: 0, errors: 1 });
    expect(s.connections()).toBe(0);
  });

  it('stops with the caller’s reason when aborted', async () => {
    const s = await serve({ '/': page(['/a', '/b']), '/a': page([]), '/b': page([]) });
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const seen: string[] = [];
    const err = await (async () => {
      for await (const ev of crawl({ url: `${s.origin}/` }, options(s), controller.signal)) {
        seen.push(ev.type);
        controller.abort(reason);
      }
    })().catch((e: unknown) => e);
    expect(err).toBe(reason);
    expect(seen).toEqual(['page']);
  });
});

describe('crawl: content types', () => {
  it('yields documents as pages without following their links, and skips other types', async () => {
    const linky = '<a href="/hidden">hidden</a> http://127.0.0.1/hidden';
    const s = await serve({
      '/': page(['/guide.pdf', '/notes.txt', '/data.csv', '/readme.md', '/manual.docx', '/video.mp4', '/blob', '/feed']),
      '/guide.pdf': send('application/pdf', `%PDF-1.4 ${linky}`),
      '/notes.txt': send('text/plain; charset=utf-8', linky),
      '/data.csv': send('text/csv', 'a,b\n1,2\n'),
      '/readme.md': send('application/octet-stream', `# Readme ${linky}`),
      '/manual.docx': send('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'PK'),
      '/blob': send('application/zip', 'PK\u0003\u0004'),
      '/feed': send('application/json', '{"href":"/hidden"}'),
      '/hidden': page([]),
    });
    const events = await run({ url: `${s.origin}/` }, options(s));
    expect(pagesOf(events, s.origin)).toEqual(['/', '/guide.pdf', '/notes.txt', '/data.csv', '/readme.md', '/manual.docx']);
    const pdf = events.find((e) => e.type === 'page' && e.url.endsWith('.pdf'));
    expect(pdf).toMatchObject({ contentType: 'application/pdf', status: 200 });
    expect(new TextDecoder().decode((pdf as { bytes: Uint8Array }).bytes)).toContain('%PDF-1.4');
    expect(skippedOf(events, s.origin)).toEqual([
      ['/video.mp4', 'not_html_or_document'],
      ['/blob', 'not_html_or_document'],
      ['/feed', 'not_html_or_document'],
    ]);
    expect(s.hitsFor('/video.mp4')).toBe(0);
    expect(s.hitsFor('/hidden')).toBe(0);
  });
});

describe('crawl: robots.txt', () => {
  const site = (robots: Handler): Record<string, Handler> => ({
    '/robots.txt': robots,
    '/': page(['/public', '/private/x', '/other']),
    '/public': page([]),
    '/private/x': page([]),
    '/other': page([]),
  });

  it('skips disallowed URLs, reads robots.txt once, and spaces requests by Crawl-delay (capped)', async () => {
    const times: number[] = [];
    const table = site(
      send('text/plain', 'User-agent: *\nDisallow: /\n\nUser-agent: KefuBot\nDisallow: /private\nCrawl-delay: 30\n'),
    );
    const s = await serve(
      Object.fromEntries(
        Object.entries(table).map(([k, h]): [string, Handler] => [
          k,
          (req, res) => {
            if (k !== '/robots.txt') times.push(Date.now());
            h(req, res);
          },
        ]),
      ),
    );
    const events = await run({ url: `${s.origin}/` }, options(s, { maxCrawlDelayMs: 80 }));
    expect(pagesOf(events, s.origin)).toEqual(['/', '/public', '/other']);
    expect(skippedOf(events, s.origin)).toEqual([['/private/x', 'robots']]);
    expect(s.hitsFor('/private/x')).toBe(0);
    expect(s.hitsFor('/robots.txt')).toBe(1);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(70);
  });

  it('treats a missing robots.txt as allowing everything', async () => {
    const s = await serve(site(send('text/plain', 'nope', 404)));
    const events = await run({ url: `${s.origin}/` }, options(s));
    expect(pagesOf(events, s.origin)).toHaveLength(4);
  });

  it('stays off a site whose robots.txt errors, and says why', async () => {
    const s = await serve(site(send('text/plain', 'down', 503)));
    const events = await run({ url: `${s.origin}/` }, options(s));
    expect(events[0]).toMatchObject({
      type: 'error',
      url: `${s.origin}/robots.txt`,
      error: { code: 'robots_disallowed', status: 503 },
    });
    expect((events[0] as { error: Error }).error.message).toMatch(/robots\.txt could not be read \(HTTP 503\)\. /);
    expect(pagesOf(events, s.origin)).toEqual([]);
    expect(s.hits).toEqual(['/robots.txt']);
  });

  it('explains a start URL the robots.txt forbids', async () => {
    const s = await serve(site(send('text/plain', 'User-agent: *\nDisallow: /\n')));
    const events = await run({ url: `${s.origin}/` }, options(s));
    expect(events[0]).toMatchObject({ type: 'error', error: { code: 'robots_disallowed' } });
    expect((events[0] as { error: Error }).error.message).toContain('does not allow KefuBot');
    expect(s.hits).toEqual(['/robots.txt']);
  });

  it('ignores robots.txt when told to', async () => {
    const s = await serve(site(send('text/plain', 'User-agent: *\nDisallow: /\n')));
    const events = await run({ url: `${s.origin}/` }, options(s, { respectRobots: false }));
    expect(pagesOf(events, s.origin)).toHaveLength(4);
    expect(s.hitsFor('/robots.txt')).toBe(0);
  });
});

describe('crawl: sitemaps', () => {
  const urlset = (locs: string[]): string =>
    `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs
      .map((l) => `<url><loc>${l}</loc></url>`)
      .join('')}</urlset>`;

  it('crawls the URLs of a sitemap', async () => {
    let origin = '';
    const s = await serve({
      '/sitemap.xml': (req, res) =>
        send('application/xml', urlset([`${origin}/s1`, `${origin}/s2#x`, `${origin}/s1`, 'https://example.com/x']))(req, res),
      '/s1': page(['/s3']),
      '/s2': page([]),
      '/s3': page([]),
    });
    origin = s.origin;
    const events = await run({ sitemap: `${s.origin}/sitemap.xml` }, options(s, { maxDepth: 0 }));
    expect(pagesOf(events, s.origin)).toEqual(['/s1', '/s2']);
    expect(skippedOf(events, s.origin)).toEqual([['https://example.com/x', 'off_site']]);
    expect(s.hitsFor('/s3')).toBe(0);
  });

  it('follows a sitemap index, including a gzipped child, and skips off-site children', async () => {
    let origin = '';
    const s = await serve({
      '/index.xml': (req, res) =>
        send(
          'application/xml',
          `<sitemapindex><sitemap><loc>${origin}/a.xml</loc></sitemap><sitemap><loc>${origin}/b.xml.gz</loc></sitemap>` +
            '<sitemap><loc>https://example.com/c.xml</loc></sitemap></sitemapindex>',
        )(req, res),
      '/a.xml': (req, res) => send('application/xml', urlset([`${origin}/p1`]))(req, res),
      '/b.xml.gz': (req, res) => send('application/gzip', zlib.gzipSync(urlset([`${origin}/p2`, `${origin}/p1`])))(req, res),
      '/p1': page([]),
      '/p2': page([]),
    });
    origin = s.origin;
    const events = await run({ sitemap: `${s.origin}/index.xml` }, options(s, { maxDepth: 0 }));
    expect(pagesOf(events, s.origin)).toEqual(['/p1', '/p2']);
    expect(skippedOf(events, s.origin)).toEqual([['https://example.com/c.xml', 'off_site']]);
    expect(s.hitsFor('/p1')).toBe(1);
  });

  it('reports a sitemap URL that is not a sitemap', async () => {
    const s = await serve({ '/sitemap.xml': html('<body>Not here</body>') });
    const events = await run({ sitemap: `${s.origin}/sitemap.xml` }, options(s));
    expect(events[0]).toMatchObject({ type: 'error', error: { code: 'invalid_url' } });
    expect(lastOf(events)).toEqual({ type: 'done', pages: 0, skipped: 0, errors: 1 });
  });
});
