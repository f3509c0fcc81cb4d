// Pure URL rules of the crawler: one spelling per page (so a site that links the same page ten ways is fetched once),
// what counts as the same site, what looks like a crawler trap, and which content types become documents.

/** Query parameters that only track the visitor; they never change what a help page says. */
const TRACKING_PARAM = /^(utm_[a-z0-9_]*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl)$/i;

/**
 * One canonical spelling of an http(s) URL, or null for anything else (mailto:, javascript:, credentials, garbage).
 * Lowercase scheme and host and no default port come from WHATWG URL; on top: no fragment, no tracking parameters,
 * sorted query, collapsed `//` in the path, uppercase percent-escapes. Query pairs are sorted as raw text, never
 * decoded and re-encoded, so the server receives exactly the bytes a link had.
 */
export function normalizeUrl(input: string, base?: string | URL): string | null {
  let u: URL;
  try {
    u = new URL(input.trim(), base);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username !== '' || u.password !== '' || u.hostname === '') return null;
  u.hash = '';
  u.hostname = u.hostname.replace(/\.$/, '');
  u.pathname = u.pathname.replace(/\/{2,}/g, '/').replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
  if (u.search !== '') {
    const pairs = u.search
      .slice(1)
      .split('&')
      .filter((pair) => pair !== '' && !TRACKING_PARAM.test(safeDecode(pair.split('=')[0] ?? '')));
    pairs.sort();
    u.search = pairs.length > 0 ? `?${pairs.join('&')}` : '';
  }
  return u.href;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The site a hostname belongs to: `www.` is the same site as the bare name. */
export function siteOf(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '').replace(/^www\./, '');
}

export function sameSite(a: string | URL, b: string | URL): boolean {
  try {
    return siteOf(new URL(a).hostname) === siteOf(new URL(b).hostname);
  } catch {
    return false;
  }
}

export const MAX_URL_LENGTH = 2048;
const MAX_PATH_SEGMENTS = 32;
const MAX_SAME_SEGMENT = 4;

/**
 * True for URLs that a crawler trap generates: very long, very deep, or a path that repeats itself (`/a/b/a/b/a/b`,
 * from relative links on pages that answer any path). Three repeats of a run of 1–4 segments count as a loop.
 */
export function looksLikeTrap(url: string): boolean {
  if (url.length > MAX_URL_LENGTH) return true;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return true;
  }
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.length > MAX_PATH_SEGMENTS) return true;
  const counts = new Map<string, number>();
  for (const s of segments) {
    const n = (counts.get(s) ?? 0) + 1;
    if (n > MAX_SAME_SEGMENT) return true;
    counts.set(s, n);
  }
  for (let run = 1; run <= 4; run++) {
    for (let start = 0; start + 3 * run <= segments.length; start++) {
      let repeats = true;
      for (let i = 0; i < 2 * run && repeats; i++) {
        if (segments[start + i] !== segments[start + run + i]) repeats = false;
      }
      if (repeats) return true;
    }
  }
  return false;
}

/**
 * Path-prefix filters. `include` empty means everything; `exclude` wins over `include`. Prefixes match the path plus
 * query (`/search?` excludes search results but keeps `/search-tips`).
 */
export function passesFilters(url: string, include: readonly string[] = [], exclude: readonly string[] = []): boolean {
  let target: string;
  try {
    const u = new URL(url);
    target = u.pathname + u.search;
  } catch {
    return false;
  }
  if (exclude.some((p) => target.startsWith(p))) return false;
  return include.length === 0 || include.some((p) => target.startsWith(p));
}

export type ContentKind = 'html' | 'document' | 'other';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
// What the importer's parsers read. Links inside these are not followed.
const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/plain',
  'text/markdown',
  'text/x-markdown',
  'text/csv',
  'application/csv',
]);
const DOCUMENT_EXTENSIONS = new Set(['pdf', 'docx', 'xlsx', 'txt', 'md', 'markdown', 'csv']);
const HTML_EXTENSIONS = new Set(['html', 'htm', 'xhtml']);
// Links to these are skipped without a request: the answer would be thrown away.
const SKIPPED_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'svg', 'ico', 'bmp', 'tif', 'tiff', 'heic',
  'mp3', 'mp4', 'm4a', 'm4v', 'mov', 'avi', 'mkv', 'webm', 'wav', 'ogg', 'flac',
  'zip', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar', 'tar', 'exe', 'msi', 'dmg', 'pkg', 'deb', 'rpm', 'apk', 'iso', 'bin',
  'css', 'js', 'mjs', 'map', 'woff', 'woff2', 'ttf', 'otf', 'eot',
]);

function extensionOf(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').pop() ?? '';
    const dot = last.lastIndexOf('.');
    return dot > 0 ? last.slice(dot + 1).toLowerCase() : '';
  } catch {
    return '';
  }
}

export function mimeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * HTML, a document the importer parses, or something else. Servers that say application/octet-stream (or nothing)
 * are common for downloads, so then the file extension decides.
 */
export function contentKind(contentType: string, url: string): ContentKind {
  const mime = mimeOf(contentType);
  if (HTML_TYPES.has(mime)) return 'html';
  if (DOCUMENT_TYPES.has(mime)) return 'document';
  if (mime === '' || mime === 'application/octet-stream' || mime === 'binary/octet-stream') {
    const ext = extensionOf(url);
    if (DOCUMENT_EXTENSIONS.has(ext)) return 'document';
    if (mime === '' && HTML_EXTENSIONS.has(ext)) return 'html';
  }
  return 'other';
}

/** True when the URL's extension says it is media, an archive or an asset, so fetching it would be wasted. */
export function obviouslyNotADocument(url: string): boolean {
  return SKIPPED_EXTENSIONS.has(extensionOf(url));
}
