// A real HTTP server on 127.0.0.1 for the fetch and crawl tests. It records every request and every TCP connection,
// so tests can assert that a blocked URL never reached it. Test-only; nothing in the app imports it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export type TestSite = {
  origin: string;
  port: number;
  /** req.url of every request, in arrival order. */
  hits: string[];
  /** TCP connections accepted. */
  connections: () => number;
  hitsFor: (path: string) => number;
  close: () => Promise<void>;
};

export async function startSite(handler: Handler): Promise<TestSite> {
  const hits: string[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    hits,
    connections: () => connections,
    hitsFor: (path) => hits.filter((h) => h === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A routing table: exact req.url first, then the longest matching prefix ending in `*`, else 404. */
export function routes(table: Record<string, Handler>): Handler {
  return (req, res) => {
    const url = req.url ?? '/';
    const exact = table[url];
    if (exact) return exact(req, res);
    let best: Handler | undefined;
    let bestLen = -1;
    for (const [key, h] of Object.entries(table)) {
      if (key.endsWith('*') && url.startsWith(key.slice(0, -1)) && key.length > bestLen) {
        best = h;
        bestLen = key.length;
      }
    }
    if (best) return best(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  };
}

export const html =
  (body: string, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(`<!doctype html><html>${body}</html>`);
  };

/** An HTML page with these links. Its title is the request URL, so no two pages have the same bytes. */
export const page =
  (links: string[], extra = ''): Handler =>
  (req, res) =>
    html(
      `<head><title>${req.url ?? ''}</title></head><body>${extra}${links.map((l) => `<a href="${l}">${l}</a>`).join(' ')}</body>`,
    )(req, res);

export const send =
  (contentType: string, body: string | Uint8Array, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': contentType }).end(body);
  };

export const redirect =
  (location: string, status = 302): Handler =>
  (_req, res) => {
    res.writeHead(status, { location }).end();
  };
