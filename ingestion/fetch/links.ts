// Reading the few things the crawler needs from a page or sitemap: links, the canonical URL, sitemap locations.
// Deliberately not the importer's parser (ingestion/parse): the crawler needs hrefs, which that parser drops.
import zlib from 'node:zlib';
import { load } from 'cheerio';
import { FetchError, tooLarge } from './errors.ts';

/** Decodes HTML bytes with the charset from Content-Type or a <meta> tag, falling back to UTF-8. */
export function decodeHtml(bytes: Uint8Array, contentType: string): string {
  const label = charsetOf(contentType) ?? sniffMetaCharset(bytes) ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function charsetOf(contentType: string): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return m?.[1];
}

function sniffMetaCharset(bytes: Uint8Array): string | undefined {
  // Browsers look at the first 1024 bytes; ASCII-compatible charsets decode the tag the same in latin1.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)/i.exec(head);
  return m?.[1];
}

export type PageLinks = {
  /** Absolute http(s) URLs from `a[href]`, resolved against `<base href>` when there is one. Not normalized. */
  links: string[];
  /** `<link rel="canonical">`, absolute, if the page declares one. */
  canonical: string | undefined;
};

export function extractLinks(html: string, pageUrl: string): PageLinks {
  const $ = load(html);
  let base = pageUrl;
  const baseHref = $('base[href]').first().attr('href');
  if (baseHref !== undefined) {
    const resolved = resolveHttp(baseHref, pageUrl);
    if (resolved) base = resolved;
  }
  const links: string[] = [];
  $('a[href]').each((_, el) => {
    const href = $(el).attr('href');
    if (href === undefined) return;
    const resolved = resolveHttp(href, base);
    if (resolved) links.push(resolved);
  });
  const canonicalHref = $('link[rel~="canonical" i][href]').first().attr('href');
  const canonical = canonicalHref === undefined ? undefined : resolveHttp(canonicalHref, base);
  return { links, canonical };
}

/** Resolves an href; only http(s) survives (mailto:, tel:, javascript:, data: and the like are not pages). */
function resolveHttp(href: string, base: string): string | undefined {
  const trimmed = href.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  try {
    const u = new URL(trimmed, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export type SitemapKind = 'urlset' | 'sitemapindex' | 'unknown';

/** `<urlset><url><loc>` or `<sitemapindex><sitemap><loc>`; anything else is `unknown` with no locations. */
export function parseSitemap(xml: string): { kind: SitemapKind; locs: string[] } {
  const $ = load(xml, { xml: { xmlMode: true } });
  const texts = (selector: string): string[] =>
    $(selector)
      .map((_, el) => $(el).text().trim())
      .get()
      .filter((s: string) => s !== '');
  if ($('sitemapindex').length > 0) return { kind: 'sitemapindex', locs: texts('sitemapindex > sitemap > loc') };
  if ($('urlset').length > 0) return { kind: 'urlset', locs: texts('urlset > url > loc') };
  return { kind: 'unknown', locs: [] };
}

/**
 * Sitemaps are often served as .xml.gz with no Content-Encoding, so the fetch hands over gzip bytes; recognized by
 * the gzip magic number. The cap applies to the inflated size.
 */
export function gunzipIfNeeded(bytes: Uint8Array, maxBytes: number, url: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(url, maxBytes);
    throw invalidSitemap(url, 'it looks gzipped but could not be unpacked');
  }
}

export function invalidSitemap(url: string, why: string): FetchError {
  return new FetchError(
    'invalid_url',
    `${url} is not a readable sitemap: ${why}. Check the address, or crawl from the site's home page instead.`,
  );
}
