// Pure: a parser for server-sent events (the WHATWG format) fed with text as it arrives. Used for both streams the
// widget reads with fetch — a streamed answer and the conversation's live events — because EventSource can send
// neither a body nor headers.
export type SseFrame = { event: string; data: string; id: string | null };

/** Returns a function to feed text chunks to; it calls onFrame for each complete event. */
export function sseParser(onFrame: (frame: SseFrame) => void): (chunk: string) => void {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | null = null;
  const dispatch = () => {
    if (data.length) onFrame({ event: event || 'message', data: data.join('\n'), id });
    event = '';
    data = [];
    id = null;
  };
  return (chunk) => {
    buffer += chunk;
    for (;;) {
      const nl = buffer.search(/\r\n|\r|\n/);
      if (nl < 0 || (buffer[nl] === '\r' && nl === buffer.length - 1)) return; // a CR may be half of a CRLF: wait
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? nl + 2 : nl + 1);
      if (line === '') {
        dispatch();
        continue;
      }
      if (line.startsWith(':')) continue; // a comment: the server's keep-alive
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
  };
}
