// Network side of URL import and site crawling: safeFetch (one URL) and crawl (a site, from a start URL or a sitemap).
// Every connection passes an SSRF guard in the undici connector: only public unicast addresses unless the admin's
// FetchPolicy allows private ones or trusts a host. The bytes go to ingestion/parse; nothing here parses documents
// beyond the links, canonical URL and sitemap entries the crawler needs.
export { DEFAULT_FETCH_POLICY, precheckUrl, safeFetch } from './safe-fetch.ts';
export type { FetchPolicy, FetchResult } from './safe-fetch.ts';
export { FetchError } from './errors.ts';
export type { FetchErrorCode } from './errors.ts';
export { crawl } from './crawl.ts';
export type { CrawlEvent, CrawlOptions, CrawlStart, SkipReason } from './crawl.ts';
export { addressRange, isPublicAddress } from './address.ts';
export { normalizeUrl } from './url.ts';
