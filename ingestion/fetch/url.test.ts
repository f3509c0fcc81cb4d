import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FetchError } from './errors.ts';
import { decodeHtml, extractLinks, gunzipIfNeeded, parseSitemap } from './links.ts';
import { parseRobots } from './robots.ts';
import { contentKind, looksLikeTrap, normalizeUrl, obviouslyNotADocument, passesFilters, sameSite } from './url.ts';

describe('normalizeUrl', () => {
  it.each([
    ['HTTP://Example.COM:80/a', 'http://example.com/a'],
    ['https://example.com:443/', 'https://example.com/'],
    ['https://example.com:8443/', 'https://example.com:8443/'],
    ['https://example.com', 'https://example.com/'],
    ['https://example.com/a#section', 'https://example.com/a'],
    ['https://example.com/a/../a/./b', 'https://example.com/a/b'],
    ['https://example.com//a///b', 'https://example.com/a/b'],
    ['https://example.com/a%2fb', 'https://example.com/a%2Fb'],
    ['https://example.com/?b=2&a=1', 'https://example.com/?a=1&b=2'],
    ['https://example.com/?utm_source=x&id=3&fbclid=y&gclid=z&UTM_Medium=m', 'https://example.com/?id=3'],
    ['https://example.com/?utm_source=x', 'https://example.com/'],
    ['https://example.com/?q=a+b&q=a%20b', 'https://example.com/?q=a%20b&q=a+b'],
    ['https://example.com./x', 'https://example.com/x'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it('resolves against a base and refuses what is not an http(s) page', () => {
    expect(normalizeUrl('../b?x=1#f', 'https://example.com/docs/a/')).toBe('https://example.com/docs/b?x=1');
    expect(normalizeUrl('mailto:help@example.com')).toBeNull();
    expect(normalizeUrl('javascript:alert(1)')).toBeNull();
    expect(normalizeUrl('tel:+123')).toBeNull();
    expect(normalizeUrl('ftp://example.com/')).toBeNull();
    expect(normalizeUrl('https://user:pw@example.com/')).toBeNull();
    expect(normalizeUrl('not a url')).toBeNull();
  });
});

describe('sameSite', () => {
  it('treats www. as the same site and other hosts as off-site', () => {
    expect(sameSite('https://www.example.com/a', 'http://example.com/')).toBe(true);
    expect(sameSite('https://example.com:8080/a', 'http://example.com/')).toBe(true);
    expect(sameSite('https://docs.example.com/', 'https://example.com/')).toBe(false);
    expect(sameSite('https://example.com.evil.test/', 'https://example.com/')).toBe(false);
  });
});

describe('looksLikeTrap', () => {
  it.each([
    'https://example.com/a/b/a/b/a/b',
    'https://example.com/x/x/x',
    'https://example.com/p/a/b/c/a/b/c/a/b/c/',
    'https://example.com/s/a/t/a/u/a/v/a/w/a',
    `https://example.com/${Array.from({ length: 40 }, (_, i) => `s${i}`).join('/')}`,
    `https://example.com/?q=${'x'.repeat(2100)}`,
  ])('%s is a trap', (url) => {
    expect(looksLikeTrap(url)).toBe(true);
  });

  it.each(['https://example.com/docs/a/b/c', 'https://example.com/2024/01/01/post', 'https://example.com/a/b/a/b'])(
    '%s is fine',
    (url) => {
      expect(looksLikeTrap(url)).toBe(false);
    },
  );
});

describe('passesFilters', () => {
  it('applies include and exclude prefixes to path + query', () => {
    expect(passesFilters('https://e.com/docs/a', ['/docs'])).toBe(true);
    expect(passesFilters('https://e.com/blog/a', ['/docs'])).toBe(false);
    expect(passesFilters('https://e.com/docs/internal/x', ['/docs'], ['/docs/internal'])).toBe(false);
    expect(passesFilters('https://e.com/search?q=1', [], ['/search?'])).toBe(false);
    expect(passesFilters('https://e.com/search-tips', [], ['/search?'])).toBe(true);
  });
});

describe('contentKind', () => {
  it.each([
    ['text/html; charset=utf-8', 'https://e.com/', 'html'],
    ['application/xhtml+xml', 'https://e.com/', 'html'],
    ['application/pdf', 'https://e.com/x', 'document'],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'https://e.com/x', 'document'],
    ['text/plain', 'https://e.com/x', 'document'],
    ['text/markdown', 'https://e.com/x', 'document'],
    ['text/csv', 'https://e.com/x', 'document'],
    ['application/octet-stream', 'https://e.com/guide.PDF', 'document'],
    ['', 'https://e.com/readme.md', 'document'],
    ['', 'https://e.com/index.html', 'html'],
    ['application/octet-stream', 'https://e.com/index.html', 'other'],
    ['image/png', 'https://e.com/x.png', 'other'],
    ['application/zip', 'https://e.com/x', 'other'],
    ['application/json', 'https://e.com/x', 'other'],
  ])('%s at %s is %s', (ct, url, kind) => {
    expect(contentKind(ct, url)).toBe(kind);
  });

  it('knows which links are not worth a request', () => {
    expect(obviouslyNotADocument('https://e.com/a/b.MP4')).toBe(true);
    expect(obviouslyNotADocument('https://e.com/logo.svg?v=2')).toBe(true);
    expect(obviouslyNotADocument('https://e.com/guide.pdf')).toBe(false);
    expect(obviouslyNotADocument('https://e.com/v1.2/docs')).toBe(false);
  });
});

describe('extractLinks', () => {
  it('takes a[href] against <base href>, keeps only http(s), and reads the canonical', () => {
    const html = `<html><head><base href="https://e.com/docs/"><link rel="Canonical" href="/docs/start"></head><body>
      <a href="intro">rel</a> <a href="/abs">abs</a> <a href="https://other.test/x">off</a>
      <a href="mailto:a@b.c">m</a> <a href="javascript:void(0)">j</a> <a href="tel:123">t</a> <a href="#top">frag</a>
      <a>no href</a> <link href="/not-a-link"> <img src="/img.png"></body></html>`;
    const { links, canonical } = extractLinks(html, 'https://e.com/page');
    expect(links).toEqual(['https://e.com/docs/intro', 'https://e.com/abs', 'https://other.test/x']);
    expect(canonical).toBe('https://e.com/docs/start');
  });

  it('resolves against the page URL without a base', () => {
    expect(extractLinks('<a href="b">b</a>', 'https://e.com/a/').links).toEqual(['https://e.com/a/b']);
    expect(extractLinks('<p>none</p>', 'https://e.com/').canonical).toBeUndefined();
  });
});

describe('decodeHtml', () => {
  it('uses the Content-Type charset, then <meta charset>, then UTF-8', () => {
    const latin1 = new Uint8Array([0x3c, 0x70, 0x3e, 0xe9, 0x3c, 0x2f, 0x70, 0x3e]); // <p>é</p>
    expect(decodeHtml(latin1, 'text/html; charset=ISO-8859-1')).toBe('<p>é</p>');
    const meta = new Uint8Array([...new TextEncoder().encode('<meta charset="windows-1252">'), 0xe9]);
    expect(decodeHtml(meta, 'text/html')).toBe('<meta charset="windows-1252">é');
    expect(decodeHtml(new TextEncoder().encode('<p>é</p>'), 'text/html; charset=bogus')).toBe('<p>é</p>');
  });
});

describe('parseSitemap', () => {
  it('reads a urlset', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc> https://e.com/a </loc><lastmod>2024-01-01</lastmod></url>
        <url><loc>https://e.com/b?x=1&amp;y=2</loc></url>
        <url><loc></loc></url>
      </urlset>`;
    expect(parseSitemap(xml)).toEqual({ kind: 'urlset', locs: ['https://e.com/a', 'https://e.com/b?x=1&y=2'] });
  });

  it('reads a sitemap index and rejects anything else', () => {
    const xml = `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://e.com/s1.xml</loc></sitemap><sitemap><loc>https://e.com/s2.xml.gz</loc></sitemap>
    </sitemapindex>`;
    expect(parseSitemap(xml)).toEqual({ kind: 'sitemapindex', locs: ['https://e.com/s1.xml', 'https://e.com/s2.xml.gz'] });
    expect(parseSitemap('<html><body>Not found</body></html>')).toEqual({ kind: 'unknown', locs: [] });
  });

  it('unpacks gzip sitemaps, capped', () => {
    const gz = zlib.gzipSync('<urlset/>');
    expect(new TextDecoder().decode(gunzipIfNeeded(gz, 1000, 'https://e.com/s.xml.gz'))).toBe('<urlset/>');
    const plain = new TextEncoder().encode('<urlset/>');
    expect(gunzipIfNeeded(plain, 1000, 'u')).toBe(plain);
    const bomb = zlib.gzipSync(Buffer.alloc(100_000));
    expect(() => gunzipIfNeeded(bomb, 1000, 'https://e.com/s.xml.gz')).toThrow(FetchError);
  });
});

describe('parseRobots', () => {
  const ua = 'KefuBot/0.1 (+https://github.com/kefu)';
  const txt = 'User-agent: *\nDisallow: /\n\nUser-agent: KefuBot\nDisallow: /private\nAllow: /private/ok\nCrawl-delay: 30\n';

  it('applies the group for our product token, not *', () => {
    const rules = parseRobots('https://e.com/robots.txt', txt, ua, 5000);
    expect(rules.isAllowed('https://e.com/docs')).toBe(true);
    expect(rules.isAllowed('https://e.com/private/x')).toBe(false);
    expect(rules.isAllowed('https://e.com/private/ok')).toBe(true);
    expect(rules.crawlDelayMs).toBe(5000); // 30 s asked, capped
  });

  it('falls back to * and has no delay unless asked', () => {
    const rules = parseRobots('https://e.com/robots.txt', 'User-agent: *\nDisallow: /tmp\n', ua, 5000);
    expect(rules.isAllowed('https://e.com/tmp/a')).toBe(false);
    expect(rules.isAllowed('https://e.com/a')).toBe(true);
    expect(rules.crawlDelayMs).toBe(0);
  });
});
