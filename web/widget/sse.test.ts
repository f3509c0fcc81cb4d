import { describe, expect, it } from 'vitest';
import { sseParser, type SseFrame } from './sse.ts';

const parse = (...chunks: string[]) => {
  const frames: SseFrame[] = [];
  const feed = sseParser((f) => frames.push(f));
  for (const c of chunks) feed(c);
  return frames;
};

describe('sseParser', () => {
  it('reads events with ids, skips comments and retry lines', () => {
    expect(parse('retry: 3000\n\n: keep-alive\n\nid: m1\nevent: message\ndata: {"a":1}\n\nevent: ready\ndata: {}\n\n')).toEqual([
      { event: 'message', data: '{"a":1}', id: 'm1' },
      { event: 'ready', data: '{}', id: null },
    ]);
  });

  it('joins a frame split across chunks anywhere, CRLF included', () => {
    const text = 'event: token\r\ndata: {"text":"Hel"}\r\n\r\nevent: token\r\ndata: {"text":"lo"}\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse(text.slice(0, cut), text.slice(cut)).map((f) => f.data)).toEqual(['{"text":"Hel"}', '{"text":"lo"}']);
    }
  });

  it('joins multi-line data, defaults the event name, and ignores a frame without data', () => {
    expect(parse('data: one\ndata: two\n\nevent: empty\n\n')).toEqual([{ event: 'message', data: 'one\ntwo', id: null }]);
  });
});
