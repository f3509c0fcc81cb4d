// The one error type of the fetcher. Each code is an outcome the importer reports differently; messages are read by
// the knowledge manager who typed the URL, so they say what happened and what to do about it, in their words.
export type FetchErrorCode =
  | 'invalid_url'
  | 'blocked_address'
  | 'timeout'
  | 'too_large'
  | 'http_error'
  | 'network_error'
  | 'robots_disallowed'
  | 'too_many_redirects';

export class FetchError extends Error {
  override name = 'FetchError';
  readonly code: FetchErrorCode;
  /** The HTTP status, for `http_error` (and a robots.txt that answered with one). */
  readonly status: number | undefined;

  constructor(code: FetchErrorCode, message: string, opts: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.status = opts.status;
  }
}

const ALLOW_HINT =
  'Kefu does not fetch private, loopback or link-local addresses unless an administrator allows it ' +
  '(KB_FETCH_ALLOW_PRIVATE or KB_FETCH_ALLOW_HOSTS).';

/**
 * `what` is the URL (for an IP literal) or the host name (for a name that resolved to `address`); `range` is a phrase
 * from describeRange().
 */
export const blockedAddress = (what: string, address: string, range: string, literal: boolean): FetchError =>
  new FetchError(
    'blocked_address',
    `${truncate(what)} ${literal ? 'points to' : 'resolves to'} ${address}, ${range}. ${ALLOW_HINT}`,
  );

export const invalidUrl = (url: string, why: string): FetchError =>
  new FetchError('invalid_url', `"${truncate(url)}" cannot be fetched: ${why}`);

export const timedOut = (url: string, ms: number, cause?: unknown): FetchError =>
  new FetchError(
    'timeout',
    `${truncate(url)} did not answer within ${formatMs(ms)}. The site may be down or very slow; try again later.`,
    { cause },
  );

export const tooLarge = (url: string, maxBytes: number, declared?: number): FetchError =>
  new FetchError(
    'too_large',
    declared === undefined
      ? `${truncate(url)} sent more than ${formatBytes(maxBytes)}, the import limit, so Kefu stopped downloading it. ` +
        'Import a smaller page or file, or split the document.'
      : `${truncate(url)} is ${formatBytes(declared)}, over the ${formatBytes(maxBytes)} import limit. ` +
        'Import a smaller page or file, or split the document.',
  );

export const tooManyRedirects = (url: string, max: number): FetchError =>
  new FetchError(
    'too_many_redirects',
    `${truncate(url)} redirected more than ${max} times, so Kefu gave up. ` +
      'Open it in a browser, and import the address it finally lands on.',
  );

export function httpError(url: string, status: number): FetchError {
  const advice =
    status === 401 || status === 403
      ? 'The page needs a sign-in or is not public; Kefu can only import pages anyone can open.'
      : status === 404 || status === 410
        ? 'The page does not exist (any more); check the address.'
        : status === 429
          ? 'The site is rate limiting Kefu; try again later.'
          : status >= 500
            ? 'The site had an error; try again later.'
            : status >= 300 && status < 400
              ? 'It redirected without saying where to; open it in a browser and import the final address.'
              : 'Check the address in a browser.';
  return new FetchError('http_error', `${truncate(url)} answered with HTTP ${status}. ${advice}`, { status });
}

export function networkError(url: string, cause: unknown): FetchError {
  const code = (cause as { code?: unknown } | null)?.code;
  let what: string;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') {
    what = 'its host name could not be found. Check the spelling of the address.';
  } else if (code === 'ECONNREFUSED') {
    what = 'the server refused the connection. Check the address and port, or try again later.';
  } else if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    what = 'the connection was cut off. Try again later.';
  } else if (typeof code === 'string' && /^ERR_(TLS|SSL)|CERT/.test(code)) {
    what = `its HTTPS certificate could not be verified (${code}). Ask the site owner to fix the certificate.`;
  } else {
    const detail = cause instanceof Error ? cause.message : String(cause);
    what = `the connection failed (${truncate(detail, 120)}). Check the address, or try again later.`;
  }
  return new FetchError('network_error', `Kefu could not fetch ${truncate(url)}: ${what}`, { cause });
}

function truncate(s: string, max = 200): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${n} bytes`;
}
