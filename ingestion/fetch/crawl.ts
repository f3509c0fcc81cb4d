// Same-site crawl, breadth-first, as a stream of events the importer turns into documents and a progress report.
// Every request goes through the SSRF-guarded fetch. What keeps a crawl finite: one fetch per normalized URL
// (redirect targets and same-site canonicals count as fetched), trap-shaped URLs refused, maxDepth, and maxPages
// bounding the number of page requests whatever the site does.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FetchError } from './errors.ts';
import { decodeHtml, extractLinks, gunzipIfNeeded, invalidSitemap, parseSitemap } from './links.ts';
import { ALLOW_ALL, loadRobots, robotsDisallowed } from './robots.ts';
import type { RobotsRules } from './robots.ts';
import { checkTarget, createSafeAgent, fetchWithAgent } from './safe-fetch.ts';
import type { FetchPolicy, FetchResult } from './safe-fetch.ts';
import { contentKind, looksLikeTrap, normalizeUrl, obviouslyNotADocument, passesFilters, siteOf } from './url.ts';

export type CrawlOptions = {
  /** 0 fetches only the start URL (or the sitemap's URLs); each level follows links one step further. */
  maxDepth: number;
  /** Most page requests made (successful or not); robots.txt and sitemap requests are not counted. */
  maxPages: number;
  policy: FetchPolicy;
  /** Default true. */
  respectRobots?: boolean;
  /** Path prefixes (matched against path + query) a discovered URL must start with; empty means any. */
  include?: string[];
  /** Path prefixes to leave out; wins over include. */
  exclude?: string[];
  /** Longest robots.txt Crawl-delay honoured, in ms. Default 5000: a site asking for more still gets crawled. */
  maxCrawlDelayMs?: number;
};

export type CrawlStart = { url: string } | { sitemap: string };

export type SkipReason = 'robots' | 'not_html_or_document' | 'duplicate' | 'off_site' | 'limit' | 'excluded';

export type CrawlEvent =
  | {
      type: 'page';
      /** The URL that answered (after redirects). */
      url: string;
      depth: number;
      status: number;
      contentType: string;
      bytes: Uint8Array;
      /** The page's same-site `<link rel=canonical>`, normalized, when it differs from `url`. */
      canonical?: string;
    }
  | { type: 'skipped'; url: string; reason: SkipReason }
  | { type: 'error'; url: string; error: FetchError }
  | { type: 'done'; pages: number; skipped: number; errors: number };

const DEFAULT_MAX_CRAWL_DELAY_MS = 5_000;
/** URLs waiting to be fetched; beyond this, discoveries are reported as skipped (limit) instead of queued. */
const FRONTIER_CAP = 10_000;
const SITEMAP_MAX_DEPTH = 3; // index → index → urlset is the deepest anyone nests
const MAX_SITEMAPS = 50;
const MAX_SITEMAP_URLS = 50_000; // the protocol's own per-file limit
const ROBOTS_MAX_BYTES = 512 * 1024; // RFC 9309: parse at least 500 KiB

type Item = { url: string; depth: number };

/**
 * Crawls one site from a start URL or a sitemap. Yields `page` for every HTML page and every document (PDF, DOCX,
 * text, Markdown, CSV, XLSX), `skipped` and `error` as they happen, and `done` last. Links are followed only from
 * HTML pages. Aborting `signal` stops the crawl and rejects with its reason. The start URL itself is exempt from
 * include/exclude (the manager chose it), sitemap entries are not.
 */
export async function* crawl(start: CrawlStart, opts: CrawlOptions, signal?: AbortSignal): AsyncGenerator<CrawlEvent> {
  const agent = createSafeAgent(opts.policy);
  try {
    yield* crawlWith(start, opts, (url, policy, hooks) => fetchWithAgent(agent, url, policy, signal, hooks), signal);
  } finally {
    await agent.destroy().catch(() => {});
  }
}

type Fetcher = (
  url: string,
  policy: FetchPolicy,
  hooks?: Parameters<typeof fetchWithAgent>[4],
) => Promise<FetchResult & { refused: boolean }>;

async function* crawlWith(
  start: CrawlStart,
  opts: CrawlOptions,
  fetch: Fetcher,
  signal: AbortSignal | undefined,
): AsyncGenerator<CrawlEvent> {
  const { policy, maxDepth, maxPages } = opts;
  const respectRobots = opts.respectRobots ?? true;
  const maxDelayMs = opts.maxCrawlDelayMs ?? DEFAULT_MAX_CRAWL_DELAY_MS;
  const counts = { pages: 0, skipped: 0, errors: 0 };
  const skip = (url: string, reason: SkipReason): CrawlEvent => {
    counts.skipped++;
    return { type: 'skipped', url, reason };
  };
  const fail = (url: string, error: FetchError): CrawlEvent => {
    counts.errors++;
    return { type: 'error', url, error };
  };

  const startRaw = 'url' in start ? start.url : start.sitemap;
  let startUrl: string;
  try {
    startUrl = checkTarget(startRaw, policy).href;
  } catch (err) {
    if (!(err instanceof FetchError)) throw err;
    yield fail(startRaw, err);
    yield { type: 'done', ...counts };
    return;
  }
  const startKey = normalizeUrl(startUrl) ?? startUrl;
  const site = siteOf(new URL(startKey).hostname);
  const onSite = (url: string): boolean => siteOf(new URL(url).hostname) === site;

  const queue: Item[] = [];
  let head = 0;
  /** Normalized URLs already queued, skipped or fetched: each is considered once. */
  const seen = new Set<string>();
  /** Normalized URLs whose content we have: fetched, landed on by a redirect, or named canonical by a fetched page. */
  const fetched = new Set<string>();
  const bodies = new Set<string>();

  // A discovered URL: queued, reported as skipped, or (already seen / not http) ignored without an event, so a nav
  // bar linking every page from every page does not flood the report.
  const consider = (raw: string, depth: number): CrawlEvent | undefined => {
    const key = normalizeUrl(raw);
    if (key === null || seen.has(key)) return undefined;
    seen.add(key);
    if (!onSite(key)) return skip(key, 'off_site');
    if (looksLikeTrap(key)) return skip(key, 'limit');
    if (!passesFilters(key, opts.include, opts.exclude)) return skip(key, 'excluded');
    if (obviouslyNotADocument(key)) return skip(key, 'not_html_or_document');
    if (queue.length - head >= FRONTIER_CAP) return skip(key, 'limit');
    queue.push({ url: key, depth });
    return undefined;
  };

  if ('url' in start) {
    seen.add(startKey);
    queue.push({ url: startKey, depth: 0 });
  } else {
    for await (const ev of readSitemaps(startKey, policy, fetch, onSite, skip, fail)) {
      if (ev.type === 'loc') {
        const skipped = consider(ev.url, 0);
        if (skipped) yield skipped;
      } else {
        yield ev;
      }
    }
  }

  const robotsByOrigin = new Map<string, RobotsRules>();
  const lastRequestAt = new Map<string, number>();
  let requests = 0;

  while (head < queue.length) {
    signal?.throwIfAborted();
    const item = queue[head++];
    if (!item) break;
    if (requests >= maxPages) {
      // Everything still queued is reported, so the manager sees what a larger maxPages would have imported.
      yield skip(item.url, 'limit');
      continue;
    }
    if (fetched.has(item.url)) {
      yield skip(item.url, 'duplicate');
      continue;
    }

    const origin = new URL(item.url).origin;
    let rules = ALLOW_ALL;
    if (respectRobots) {
      let known = robotsByOrigin.get(origin);
      if (!known) {
        const robotsPolicy = { ...policy, maxBytes: Math.min(policy.maxBytes, ROBOTS_MAX_BYTES) };
        const loaded = await loadRobots(origin, (u) => fetch(u, robotsPolicy), policy.userAgent, maxDelayMs);
        if (loaded.error) yield fail(`${origin}/robots.txt`, loaded.error);
        known = loaded.rules;
        robotsByOrigin.set(origin, known);
      }
      rules = known;
      if (!rules.isAllowed(item.url)) {
        // For the start URL a skip would read as "nothing happened"; an error says why the import is empty.
        yield item.url === startKey && 'url' in start
          ? fail(item.url, robotsDisallowed(item.url, policy.userAgent))
          : skip(item.url, 'robots');
        continue;
      }
    }

    const last = lastRequestAt.get(origin);
    if (last !== undefined && rules.crawlDelayMs > 0) {
      const wait = last + rules.crawlDelayMs - Date.now();
      if (wait > 0) await pause(wait, signal);
    }

    requests++;
    let res: FetchResult & { refused: boolean };
    try {
      res = await fetch(item.url, policy, { acceptContentType: (ct, url) => contentKind(ct, url) !== 'other' });
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      yield fail(item.url, err);
      continue;
    } finally {
      lastRequestAt.set(origin, Date.now());
    }

    const finalKey = normalizeUrl(res.url) ?? res.url;
    if (!onSite(finalKey)) {
      yield skip(res.url, 'off_site');
      continue;
    }
    if (finalKey !== item.url && fetched.has(finalKey)) {
      yield skip(item.url, 'duplicate');
      continue;
    }
    fetched.add(item.url);
    fetched.add(finalKey);
    seen.add(finalKey);
    if (res.refused) {
      yield skip(res.url, 'not_html_or_document');
      continue;
    }
    // The same bytes under another URL (session ids, print views, mirrored paths) are one document.
    const digest = createHash('sha256').update(res.bytes).digest('base64');
    if (bodies.has(digest)) {
      yield skip(res.url, 'duplicate');
      continue;
    }
    bodies.add(digest);

    const kind = contentKind(res.contentType, res.url);
    let links: string[] = [];
    let canonical: string | undefined;
    if (kind === 'html') {
      const page = extractLinks(decodeHtml(res.bytes, res.contentType), res.url);
      links = page.links;
      const c = page.canonical === undefined ? null : normalizeUrl(page.canonical);
      if (c !== null && onSite(c)) {
        // The canonical URL is this content: no need to fetch it again. (Not the other way round: sites that put
        // their home page as every page's canonical would otherwise lose all but one page.)
        fetched.add(c);
        seen.add(c);
        if (c !== finalKey) canonical = c;
      }
    }
    counts.pages++;
    yield {
      type: 'page',
      url: res.url,
      depth: item.depth,
      status: res.status,
      contentType: res.contentType,
      bytes: res.bytes,
      ...(canonical === undefined ? {} : { canonical }),
    };
    if (kind === 'html' && item.depth < maxDepth) {
      for (const link of links) {
        const skipped = consider(link, item.depth + 1);
        if (skipped) yield skipped;
      }
    }
  }
  yield { type: 'done', ...counts };
}

type SitemapEvent = CrawlEvent | { type: 'loc'; url: string };

/**
 * Reads a sitemap or sitemap index, breadth-first through nested indexes (bounded depth and count), yielding every
 * page location found. Child sitemaps must be on the same site; gzip (.xml.gz) is accepted.
 */
async function* readSitemaps(
  root: string,
  policy: FetchPolicy,
  fetch: Fetcher,
  onSite: (url: string) => boolean,
  skip: (url: string, reason: SkipReason) => CrawlEvent,
  fail: (url: string, error: FetchError) => CrawlEvent,
): AsyncGenerator<SitemapEvent> {
  const queue: Item[] = [{ url: root, depth: 0 }];
  const seen = new Set([root]);
  let read = 0;
  let locs = 0;
  for (let head = 0; head < queue.length; head++) {
    const item = queue[head];
    if (!item) break;
    if (read >= MAX_SITEMAPS) {
      yield skip(item.url, 'limit');
      continue;
    }
    read++;
    let xml: string;
    try {
      const res = await fetch(item.url, policy);
      xml = new TextDecoder().decode(gunzipIfNeeded(res.bytes, policy.maxBytes, res.url));
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      yield fail(item.url, err);
      continue;
    }
    const sitemap = parseSitemap(xml);
    if (sitemap.kind === 'unknown') {
      yield fail(item.url, invalidSitemap(item.url, 'it has no <urlset> or <sitemapindex>'));
      continue;
    }
    for (const loc of sitemap.locs) {
      const key = normalizeUrl(loc);
      if (key === null) continue;
      if (sitemap.kind === 'urlset') {
        if (locs >= MAX_SITEMAP_URLS) {
          yield skip(key, 'limit');
          continue;
        }
        locs++;
        yield { type: 'loc', url: key };
        continue;
      }
      if (seen.has(key)) continue;
      seen.add(key);
      if (!onSite(key)) yield skip(key, 'off_site');
      else if (item.depth + 1 > SITEMAP_MAX_DEPTH) yield skip(key, 'limit');
      else queue.push({ url: key, depth: item.depth + 1 });
    }
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
}
