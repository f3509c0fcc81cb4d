// One GET with the SSRF guard, redirects, a deadline and a size cap. The guard sits in the undici connector, so every
// TCP connection (first request, each redirect hop, keep-alive reuse across a crawl) goes to an address that was
// checked, and to exactly that address: the checked DNS answer is what the socket connects to.
import net from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Agent, buildConnector } from 'undici';
import type { Dispatcher } from 'undici';
import { addressRange, createGuardedLookup, describeRange, firstBlocked, isAllowedHost, stripBrackets, systemResolver } from './address.ts';
import type { Resolver } from './address.ts';
import {
  blockedAddress,
  FetchError,
  httpError,
  invalidUrl,
  networkError,
  timedOut,
  tooLarge,
  tooManyRedirects,
} from './errors.ts';

export type FetchPolicy = {
  /** Connect to private, loopback and link-local addresses too. For single-tenant installs inside an intranet. */
  allowPrivate: boolean;
  /** Hostnames (any port) or host:port an administrator trusts even when they resolve to private addresses. */
  allowHosts: string[];
  /** Deadline for the whole fetch: connect, every redirect hop, headers and body. */
  timeoutMs: number;
  /** Largest body accepted, after decompression. */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
};

// Frozen all the way down: a caller pushing into the shared default's allowHosts would open the guard for everyone.
const NO_HOSTS: string[] = [];
Object.freeze(NO_HOSTS);

export const DEFAULT_FETCH_POLICY: Readonly<FetchPolicy> = Object.freeze({
  allowPrivate: false,
  allowHosts: NO_HOSTS,
  timeoutMs: 15_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'KefuBot/0.1 (+https://github.com/kefu)',
});

export type FetchResult = {
  /** The URL that answered, after redirects, without a fragment. */
  url: string;
  status: number;
  contentType: string;
  bytes: Uint8Array;
};

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * An undici Agent whose every connection passes the address check. Exported for the crawler, which reuses one agent
 * (and its keep-alive connections) for a whole crawl; `resolve` is replaceable for tests.
 */
export function createSafeAgent(policy: FetchPolicy, resolve?: Resolver): Agent {
  const base = { timeout: policy.timeoutMs };
  const open = buildConnector(base);
  const guarded = buildConnector({ ...base, lookup: createGuardedLookup(resolve) });
  const connect: buildConnector.connector = (opts, callback) => {
    if (policy.allowPrivate || isAllowedHost(policy.allowHosts, opts.hostname, opts.port, opts.protocol)) {
      open(opts, callback);
      return;
    }
    // net.connect does not call `lookup` for an IP literal, so literals are checked here. safeFetch checks them too,
    // earlier and with a friendlier message; this is the check that holds whoever calls the agent.
    const host = stripBrackets(opts.hostname);
    if (net.isIP(host) !== 0) {
      const range = addressRange(host);
      if (range !== 'unicast') {
        callback(blockedAddress(`${opts.protocol}//${opts.host ?? host}`, host, describeRange(range), true), null);
        return;
      }
      open(opts, callback);
      return;
    }
    guarded(opts, callback);
  };
  return new Agent({
    connect,
    headersTimeout: policy.timeoutMs,
    bodyTimeout: policy.timeoutMs,
    // A crawl talks to one site; a couple of connections are plenty and keep us polite.
    connections: 2,
  });
}

/**
 * Fetches `url` over HTTP(S) with the SSRF guard. Follows up to `policy.maxRedirects` redirects, checking each hop.
 * Rejects with a FetchError, or with `signal.reason` when the caller aborts.
 */
export async function safeFetch(url: string, policy: FetchPolicy, signal?: AbortSignal): Promise<FetchResult> {
  const agent = createSafeAgent(policy);
  try {
    const { refused: _refused, ...result } = await fetchWithAgent(agent, url, policy, signal);
    return result;
  } finally {
    await agent.destroy().catch(() => {});
  }
}

export type FetchHooks = {
  /**
   * Called once the final response's headers are in. Returning false skips the body download: the crawler uses it
   * to avoid pulling 10 MB of video it would throw away.
   */
  acceptContentType?: (contentType: string, url: string) => boolean;
};

/** safeFetch on a caller-owned agent (from createSafeAgent with the same policy). `refused` is the hook's verdict. */
export async function fetchWithAgent(
  agent: Dispatcher,
  url: string,
  policy: FetchPolicy,
  signal?: AbortSignal,
  hooks: FetchHooks = {},
): Promise<FetchResult & { refused: boolean }> {
  signal?.throwIfAborted();
  let current = checkTarget(url, policy);
  const deadline = AbortSignal.timeout(policy.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  try {
    for (let hop = 0; ; hop++) {
      const res = await agent.request({
        origin: current.origin,
        path: current.pathname + current.search,
        method: 'GET',
        headers: {
          'user-agent': policy.userAgent,
          accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
          'accept-encoding': 'gzip, br',
        },
        signal: combined,
        headersTimeout: policy.timeoutMs,
        bodyTimeout: policy.timeoutMs,
      });

      if (REDIRECT_STATUSES.has(res.statusCode)) {
        const location = header(res.headers, 'location');
        discard(res.body);
        if (!location) throw httpError(current.href, res.statusCode);
        if (hop >= policy.maxRedirects) throw tooManyRedirects(url, policy.maxRedirects);
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw invalidUrl(location, `${redact(current)} redirected to it, and it is not a valid web address.`);
        }
        current = checkTarget(next.href, policy);
        continue;
      }
      if (res.statusCode < 200 || res.statusCode > 299) {
        discard(res.body);
        throw httpError(current.href, res.statusCode);
      }

      const contentType = header(res.headers, 'content-type') ?? '';
      const done = { url: current.href, status: res.statusCode, contentType };
      if (hooks.acceptContentType && !hooks.acceptContentType(contentType, current.href)) {
        discard(res.body);
        return { ...done, bytes: new Uint8Array(0), refused: true };
      }
      const declared = Number(header(res.headers, 'content-length'));
      if (Number.isFinite(declared) && declared > policy.maxBytes) {
        discard(res.body);
        throw tooLarge(current.href, policy.maxBytes, declared);
      }
      const encoding = (header(res.headers, 'content-encoding') ?? '').trim().toLowerCase();
      const bytes = await readCapped(res.body, encoding, policy.maxBytes, current.href);
      return { ...done, bytes, refused: false };
    }
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (err instanceof FetchError) throw err;
    const code = (err as { code?: unknown } | null)?.code;
    if (deadline.aborted || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
      throw timedOut(redact(current), policy.timeoutMs, err);
    }
    throw networkError(redact(current), err);
  }
}

/**
 * Scheme, credentials and IP literals, checked before any connection (the connector re-checks literals; DNS names are
 * checked only there, at connect time, so that the address checked is the address used). Returns the URL without its
 * fragment; throws FetchError `invalid_url` or `blocked_address`.
 */
export function checkTarget(raw: string, policy: FetchPolicy): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw invalidUrl(raw, 'it is not a valid web address. Use the full address, starting with https://.');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw invalidUrl(redact(u), `only http and https addresses can be imported, not ${u.protocol.slice(0, -1)}.`);
  }
  if (u.username !== '' || u.password !== '') {
    throw invalidUrl(
      redact(u),
      'it contains a user name or password. Kefu imports public pages only; remove the credentials from the address.',
    );
  }
  u.hash = '';
  if (policy.allowPrivate || isAllowedHost(policy.allowHosts, u.hostname, u.port, u.protocol)) return u;
  // WHATWG URL has already turned 2130706433, 0x7f.1 and 017700000001 into 127.0.0.1, so one check covers them.
  const host = stripBrackets(u.hostname);
  if (net.isIP(host) !== 0) {
    const range = addressRange(host);
    if (range !== 'unicast') throw blockedAddress(u.href, host, describeRange(range), true);
  }
  return u;
}

/**
 * checkTarget plus a DNS resolution of the host, for a quick refusal before anything is queued (an import request).
 * Not the guard itself: the connector checks again at connect time, and on every redirect.
 */
export async function precheckUrl(raw: string, policy: FetchPolicy, resolve: Resolver = systemResolver): Promise<URL> {
  const u = checkTarget(raw, policy);
  const host = stripBrackets(u.hostname);
  if (policy.allowPrivate || isAllowedHost(policy.allowHosts, u.hostname, u.port, u.protocol) || net.isIP(host) !== 0) return u;
  const all = await resolve(host).catch(() => []); // an unknown host fails later, at fetch time, with its own message
  const blocked = firstBlocked(all);
  if (blocked) throw blockedAddress(host, blocked.address, describeRange(blocked.range), false);
  return u;
}

/** The URL without user:password, for messages: credentials must not end up in logs or the admin UI. */
function redact(u: URL): string {
  if (u.username === '' && u.password === '') return u.href;
  const copy = new URL(u.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Drops a body we won't read. dump() reads a little so the connection can be reused, and destroys it otherwise. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.dump({ limit: 64 * 1024 }).catch(() => {});
}

async function readCapped(body: Readable, encoding: string, maxBytes: number, url: string): Promise<Uint8Array> {
  let decoder: zlib.Gunzip | zlib.BrotliDecompress | zlib.Inflate | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = zlib.createGunzip();
  else if (encoding === 'br') decoder = zlib.createBrotliDecompress();
  else if (encoding === 'deflate') decoder = zlib.createInflate();
  else if (encoding !== '' && encoding !== 'identity') {
    body.destroy();
    throw networkError(url, new Error(`the server used an unsupported Content-Encoding, "${encoding}"`));
  }
  let source: AsyncIterable<Buffer> = body;
  if (decoder) {
    const d = decoder;
    body.on('error', (err) => d.destroy(err));
    source = body.pipe(d);
  }
  // The cap counts decompressed bytes: a 10 KB gzip bomb must not become 10 GB in memory.
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(url, maxBytes);
      chunks.push(chunk);
    }
  } catch (err) {
    body.destroy();
    decoder?.destroy();
    throw err; // a corrupt gzip stream becomes a network_error in fetchWithAgent
  }
  const all = Buffer.concat(chunks, total);
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
}
