import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from './address.ts';
import { FetchError } from './errors.ts';
import { createSafeAgent, DEFAULT_FETCH_POLICY, safeFetch } from './safe-fetch.ts';
import type { FetchPolicy } from './safe-fetch.ts';
import { html, redirect, routes, send, startSite } from './test-site.ts';
import type { TestSite } from './test-site.ts';

let site: TestSite;
let port: number;
let open: FetchPolicy; // trusts the test server by host:port, as an admin would trust an intranet host
const stalled: Array<() => void> = [];

beforeAll(async () => {
  site = await startSite(
    routes({
      '/': html('<p>hello</p>'),
      '/secret': html('<p>secret</p>'),
      '/to-localhost': (_req, res) => redirect(`http://localhost:${port}/secret`)(_req, res),
      '/to-metadata': redirect('http://169.254.169.254/latest/meta-data/'),
      '/to-file': redirect('file:///etc/passwd'),
      '/to-nowhere': (_req, res) => res.writeHead(302).end(),
      '/r/0': html('<p>landed</p>'),
      '/r/*': (req, res) => {
        const n = Number(req.url?.split('/').pop());
        res.writeHead(301, { location: `/r/${n - 1}` }).end();
      },
      '/loop': redirect('/loop'),
      '/missing': send('text/plain', 'nope', 404),
      '/broken': send('text/plain', 'oops', 500),
      '/never': (_req, res) => {
        stalled.push(() => res.destroy());
      },
      '/stall-body': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<p>start');
        stalled.push(() => res.destroy());
      },
      '/big-declared': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5000' }).end('x'.repeat(5000));
      },
      '/big-chunked': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed || sent >= 20) {
            clearInterval(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write('y'.repeat(500));
          sent++;
        }, 5);
      },
      '/gzip': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(zlib.gzipSync('unzipped text'));
      },
      '/gzip-bomb': (_req, res) => {
        res
          .writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' })
          .end(zlib.gzipSync(Buffer.alloc(1_000_000)));
      },
    }),
  );
  port = site.port;
  open = { ...DEFAULT_FETCH_POLICY, allowHosts: [`127.0.0.1:${port}`], timeoutMs: 2000 };
});

afterAll(async () => {
  for (const end of stalled) end();
  await site.close();
});

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const err = await promise.then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

describe('safeFetch: SSRF guard', () => {
  it.each([
    ['127.0.0.1 literal', () => `http://127.0.0.1:${port}/`],
    ['localhost (resolved)', () => `http://localhost:${port}/`],
    ['[::1]', () => `http://[::1]:${port}/`],
    ['IPv4-mapped [::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${port}/`],
    ['decimal 2130706433', () => `http://2130706433:${port}/`],
    ['hex 0x7f.1', () => `http://0x7f.1:${port}/`],
    ['octal 017700000001', () => `http://017700000001:${port}/`],
    ['0.0.0.0', () => `http://0.0.0.0:${port}/`],
    ['cloud metadata 169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
    ['10.x', () => 'http://10.0.0.5/'],
    ['192.168.x', () => 'https://192.168.1.1/'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/'],
    ['unique-local IPv6', () => 'http://[fd00::1]/'],
    ['link-local IPv6', () => 'http://[fe80::1]/'],
  ])('refuses %s before any connection', async (_name, url) => {
    const before = site.connections();
    const err = await fetchError(safeFetch(url(), DEFAULT_FETCH_POLICY));
    expect(err.code).toBe('blocked_address');
    expect(err.message).toContain('KB_FETCH_ALLOW_PRIVATE or KB_FETCH_ALLOW_HOSTS');
    expect(site.connections()).toBe(before);
    expect(site.hits).not.toContain('/secret');
  });

  it('names the address a literal points to', async () => {
    const err = await fetchError(safeFetch(`http://2130706433:${port}/secret`, DEFAULT_FETCH_POLICY));
    expect(err.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/secret points to 127\.0\.0\.1, a loopback address/);
  });

  it('follows an allowed host but refuses its redirect to a blocked one', async () => {
    const hitsBefore = site.hits.length;
    const err = await fetchError(safeFetch(`${site.origin}/to-localhost`, open));
    expect(err.code).toBe('blocked_address');
    expect(err.message).toContain('localhost resolves to');
    expect(site.hits.slice(hitsBefore)).toEqual(['/to-localhost']);

    const meta = await fetchError(safeFetch(`${site.origin}/to-metadata`, open));
    expect(meta.code).toBe('blocked_address');
    expect(meta.message).toContain('169.254.169.254');
  });

  it('checks IP literals in the agent itself, not only in safeFetch', async () => {
    const agent = createSafeAgent(DEFAULT_FETCH_POLICY);
    const before = site.connections();
    try {
      const err = await agent.request({ origin: site.origin, path: '/secret', method: 'GET' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchError);
      expect((err as FetchError).code).toBe('blocked_address');
    } finally {
      await agent.destroy();
    }
    expect(site.connections()).toBe(before);
  });

  it('checks DNS answers at connect time, with the resolver the agent was built with', async () => {
    const resolve: Resolver = async () => [{ address: '10.0.0.5', family: 4 }];
    const agent = createSafeAgent(DEFAULT_FETCH_POLICY, resolve);
    try {
      const err = await agent
        .request({ origin: 'http://intranet.local', path: '/', method: 'GET' })
        .catch((e: unknown) => e);
      expect((err as FetchError).code).toBe('blocked_address');
      expect((err as Error).message).toMatch(/^intranet\.local resolves to 10\.0\.0\.5, a private address\. /);
    } finally {
      await agent.destroy();
    }
  });

  it('lets an administrator trust a host by host:port or hostname, or allow private addresses', async () => {
    const byPort = await safeFetch(`${site.origin}/`, open);
    expect(new TextDecoder().decode(byPort.bytes)).toContain('hello');
    const byName = await safeFetch(`${site.origin}/`, { ...DEFAULT_FETCH_POLICY, allowHosts: ['127.0.0.1'] });
    expect(byName.status).toBe(200);
    const wrongPort = await fetchError(safeFetch(`${site.origin}/`, { ...DEFAULT_FETCH_POLICY, allowHosts: ['127.0.0.1:1'] }));
    expect(wrongPort.code).toBe('blocked_address');
    const priv = await safeFetch(`http://localhost:${port}/`, { ...DEFAULT_FETCH_POLICY, allowPrivate: true });
    expect(priv.status).toBe(200);
  });
});

describe('DEFAULT_FETCH_POLICY', () => {
  it('is closed to private addresses, with the documented limits', () => {
    expect(DEFAULT_FETCH_POLICY).toEqual({
      allowPrivate: false,
      allowHosts: [],
      timeoutMs: 15_000,
      maxBytes: 10 * 1024 * 1024,
      maxRedirects: 5,
      userAgent: 'KefuBot/0.1 (+https://github.com/kefu)',
    });
    expect(Object.isFrozen(DEFAULT_FETCH_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_FETCH_POLICY.allowHosts)).toBe(true);
  });
});

describe('safeFetch: URLs', () => {
  it.each([
    ['ftp://example.com/file', 'only http and https'],
    ['file:///etc/passwd', 'only http and https'],
    ['not a url', 'not a valid web address'],
    ['/relative/path', 'not a valid web address'],
  ])('refuses %s', async (url, text) => {
    const err = await fetchError(safeFetch(url, open));
    expect(err.code).toBe('invalid_url');
    expect(err.message).toContain(text);
  });

  it('refuses credentials in the URL without repeating them', async () => {
    const err = await fetchError(safeFetch(`http://admin:hunter2@127.0.0.1:${port}/`, open));
    expect(err.code).toBe('invalid_url');
    expect(err.message).not.toContain('hunter2');
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const err = await fetchError(safeFetch(`${site.origin}/to-file`, open));
    expect(err.code).toBe('invalid_url');
  });
});

describe('safeFetch: redirects, errors, limits', () => {
  it('follows redirects up to maxRedirects and reports the final URL', async () => {
    const res = await safeFetch(`${site.origin}/r/3#frag`, { ...open, maxRedirects: 3 });
    expect(res.url).toBe(`${site.origin}/r/0`);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/html; charset=utf-8');
  });

  it('stops after maxRedirects', async () => {
    const err = await fetchError(safeFetch(`${site.origin}/r/3`, { ...open, maxRedirects: 2 }));
    expect(err.code).toBe('too_many_redirects');
    const before = site.hitsFor('/loop');
    const loop = await fetchError(safeFetch(`${site.origin}/loop`, { ...open, maxRedirects: 4 }));
    expect(loop.code).toBe('too_many_redirects');
    expect(site.hitsFor('/loop') - before).toBe(5);
  });

  it('reports non-2xx as http_error with the status', async () => {
    const missing = await fetchError(safeFetch(`${site.origin}/missing`, open));
    expect(missing).toMatchObject({ code: 'http_error', status: 404 });
    expect(missing.message).toContain('does not exist');
    expect(await fetchError(safeFetch(`${site.origin}/broken`, open))).toMatchObject({ code: 'http_error', status: 500 });
    expect(await fetchError(safeFetch(`${site.origin}/to-nowhere`, open))).toMatchObject({ code: 'http_error', status: 302 });
  });

  it('times out on a server that never answers', async () => {
    const started = Date.now();
    const err = await fetchError(safeFetch(`${site.origin}/never`, { ...open, timeoutMs: 300 }));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out on a body that stops arriving', async () => {
    const err = await fetchError(safeFetch(`${site.origin}/stall-body`, { ...open, timeoutMs: 300 }));
    expect(err.code).toBe('timeout');
  });

  it('rejects a declared Content-Length over maxBytes', async () => {
    const err = await fetchError(safeFetch(`${site.origin}/big-declared`, { ...open, maxBytes: 1000 }));
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('4.9 KB');
  });

  it('stops a chunked body without a length once it passes maxBytes', async () => {
    const err = await fetchError(safeFetch(`${site.origin}/big-chunked`, { ...open, maxBytes: 1000 }));
    expect(err.code).toBe('too_large');
    const ok = await safeFetch(`${site.origin}/big-chunked`, { ...open, maxBytes: 20_000 });
    expect(ok.bytes.length).toBe(10_000);
  });

  it('decompresses gzip and caps the decompressed size', async () => {
    const res = await safeFetch(`${site.origin}/gzip`, open);
    expect(new TextDecoder().decode(res.bytes)).toBe('unzipped text');
    const err = await fetchError(safeFetch(`${site.origin}/gzip-bomb`, { ...open, maxBytes: 100_000 }));
    expect(err.code).toBe('too_large');
  });

  it('rejects with the caller’s reason when the caller aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('import cancelled');
    setTimeout(() => controller.abort(reason), 50);
    const err = await safeFetch(`${site.origin}/never`, open, controller.signal).catch((e: unknown) => e);
    expect(err).toBe(reason);
  });

  it('reports a refused connection as network_error', async () => {
    const err = await fetchError(safeFetch('http://127.0.0.1:1/', { ...open, allowHosts: ['127.0.0.1:1'] }));
    expect(err.code).toBe('network_error');
    expect(err.message).toContain('refused');
  });
});
