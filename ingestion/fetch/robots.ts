// robots.txt for the crawler, read once per origin. Outcomes follow RFC 9309: a 4xx (no robots.txt) allows
// everything; a server error or an unreachable server means "assume everything is disallowed" until it can be read.
import robotsParserModule from 'robots-parser';
import { FetchError } from './errors.ts';
import type { FetchResult } from './safe-fetch.ts';

// robots-parser is CommonJS (`module.exports = fn`) but its typings say `export default fn`; under nodenext TypeScript
// types the default import as the module object. At runtime Node hands ESM the function itself.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

export type RobotsRules = {
  isAllowed: (url: string) => boolean;
  /** The site's Crawl-delay for our agent, capped; 0 when it sets none. */
  crawlDelayMs: number;
};

export const ALLOW_ALL: RobotsRules = { isAllowed: () => true, crawlDelayMs: 0 };
const DISALLOW_ALL: RobotsRules = { isAllowed: () => false, crawlDelayMs: 0 };

/**
 * Parses robots.txt text. `robotsUrl` is `<origin>/robots.txt` (even after a redirect: the rules belong to the origin
 * that was asked), and rules are matched for `userAgent`'s product token ("KefuBot/0.1 (…)" → "kefubot").
 */
export function parseRobots(robotsUrl: string, text: string, userAgent: string, maxDelayMs: number): RobotsRules {
  const robots = robotsParser(robotsUrl, text);
  const seconds = Number(robots.getCrawlDelay(userAgent) ?? 0);
  const crawlDelayMs = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, maxDelayMs) : 0;
  return {
    // undefined means "this URL is not on the robots.txt's origin"; the crawler only asks about its own origin.
    isAllowed: (url) => robots.isAllowed(url, userAgent) ?? true,
    crawlDelayMs,
  };
}

/**
 * Fetches and parses `<origin>/robots.txt` with `get` (the crawler's safe fetch). `error` is set when the file could
 * not be read and the whole origin is therefore treated as disallowed. A caller abort propagates.
 */
export async function loadRobots(
  origin: string,
  get: (url: string) => Promise<FetchResult>,
  userAgent: string,
  maxDelayMs: number,
): Promise<{ rules: RobotsRules; error?: FetchError }> {
  const robotsUrl = `${origin}/robots.txt`;
  try {
    const res = await get(robotsUrl);
    return { rules: parseRobots(robotsUrl, new TextDecoder().decode(res.bytes), userAgent, maxDelayMs) };
  } catch (err) {
    if (!(err instanceof FetchError)) throw err;
    const unavailable =
      err.code === 'timeout' || err.code === 'network_error' || (err.code === 'http_error' && (err.status ?? 0) >= 500);
    // Anything else (404, a file too large or redirecting forever, a blocked address) counts as "no robots.txt":
    // a blocked address is reported by the page fetch itself, with its own message.
    if (!unavailable) return { rules: ALLOW_ALL };
    const reason =
      err.status !== undefined ? `HTTP ${err.status}` : err.code === 'timeout' ? 'it timed out' : 'the connection failed';
    return {
      rules: DISALLOW_ALL,
      error: new FetchError(
        'robots_disallowed',
        `${robotsUrl} could not be read (${reason}). The robots.txt standard asks crawlers to stay off a site ` +
          'until its robots.txt can be read, so Kefu skipped this site. Try again later, or, for a site you run, ' +
          'crawl with robots.txt ignored.',
        { status: err.status, cause: err },
      ),
    };
  }
}

export function robotsDisallowed(url: string, userAgent: string): FetchError {
  const token = userAgent.split('/')[0] ?? userAgent;
  return new FetchError(
    'robots_disallowed',
    `The site's robots.txt does not allow ${token} to fetch ${url}, so nothing was imported. Ask the site owner to ` +
      `allow "${token}", or, for a site you run, crawl with robots.txt ignored.`,
  );
}
