// Server-sent events for one HTTP response: headers, a comment heartbeat so proxies keep the stream open, and
// cleanup when the browser goes away.
import type { Request, Response } from 'express';

export type SseStream = { send(event: string, data: unknown, id?: string): void; close(): void; onClose(fn: () => void): void };

export function openSse(req: Request, res: Response, opts: { heartbeatMs?: number } = {}): SseStream {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
  });
  res.flushHeaders();
  res.write('retry: 3000\n\n');
  const closers: (() => void)[] = [];
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), opts.heartbeatMs ?? 25_000);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of closers) fn();
    res.end();
  };
  req.on('close', close);
  return {
    send(event, data, id) {
      if (closed) return;
      res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close,
    // Registered after the browser already left (e.g. during an awaited subscribe): run it at once, or it leaks.
    onClose: (fn) => (closed ? fn() : void closers.push(fn)),
  };
}
