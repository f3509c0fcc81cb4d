// The widget's client for the customer API (README, "API at a glance"): every call carries the visitor token in the
// x-visitor-token header and no cookies, so it works from any site (the server answers these routes with CORS).
// Both streams — a streamed answer and the conversation's live events — are read with fetch and parsed as SSE.
import { sseParser, type SseFrame } from './sse.ts';
import type { Conversation, Message, Passage, QueueStanding, Ticket } from './types.ts';

export type Session = { conversationId: string; visitorToken: string };

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type SendHandlers = {
  message: (m: Message) => void;
  token: (text: string) => void;
  reply: (m: Message) => void;
  conversation: (c: Conversation | null) => void;
};

export type LiveHandlers = {
  event: (type: string, data: Record<string, unknown>) => void;
  state: (state: 'up' | 'retrying') => void;
  /** The token or the conversation is no longer valid (401/404): stop and forget it. */
  gone: () => void;
};

export type Client = ReturnType<typeof createClient>;

export function createClient(base: string) {
  const url = (path: string) => `${base}/api${path}`;
  const conv = (s: Session, rest = '') => url(`/conversations/${encodeURIComponent(s.conversationId)}${rest}`);

  async function call<T>(target: string, opts: { method?: string; token?: string; body?: unknown } = {}): Promise<T> {
    const res = await fetch(target, {
      method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
      credentials: 'omit',
      headers: { accept: 'application/json', ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...(opts.token ? { 'x-visitor-token': opts.token } : {}) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    if (!res.ok) throw await errorOf(res);
    return (res.status === 204 ? null : await res.json()) as T;
  }

  return {
    /** Starts a conversation. With the token of an earlier one, the same customer (contact) continues. */
    start: (input: { workspace: string; language: string; token?: string }) =>
      call<{ conversation: Conversation; visitorToken: string }>(url('/conversations'), { token: input.token, body: { workspace: input.workspace, channel: 'widget', language: input.language } }),

    transcript: (s: Session) => call<{ conversation: Conversation; messages: Message[] }>(conv(s), { token: s.visitorToken }),

    /** Sends a message and streams the answer. Safe to repeat with the same clientMessageId (the server dedupes). */
    async send(s: Session, text: string, clientMessageId: string, on: SendHandlers, signal?: AbortSignal): Promise<void> {
      const res = await fetch(conv(s, '/messages'), {
        method: 'POST',
        credentials: 'omit',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'x-visitor-token': s.visitorToken },
        body: JSON.stringify({ text, clientMessageId }),
        signal,
      });
      if (!res.ok) throw await errorOf(res);
      let done = false;
      let failure: ApiError | null = null;
      await readSse(res, (f) => {
        const data = f.data ? JSON.parse(f.data) : null;
        if (f.event === 'message') on.message(data as Message);
        else if (f.event === 'token') on.token((data as { text: string }).text);
        else if (f.event === 'reply') on.reply(data as Message);
        else if (f.event === 'conversation') on.conversation(data as Conversation | null);
        else if (f.event === 'error') failure = new ApiError(500, (data as { code: string }).code, (data as { message: string }).message);
        else if (f.event === 'done') done = true;
      });
      if (failure) throw failure;
      if (!done) throw new ApiError(0, 'interrupted', 'The answer was cut off.');
    },

    handoff: (s: Session) =>
      call<{ conversation: Conversation; message: Message | null; position: number | null; ticket: Ticket | null }>(conv(s, '/handoff'), { method: 'POST', token: s.visitorToken }),
    queue: (s: Session) => call<{ status: string; queue: QueueStanding | null }>(conv(s, '/queue'), { token: s.visitorToken }),
    typing: (s: Session, typing: boolean) => call<null>(conv(s, '/typing'), { token: s.visitorToken, body: { typing } }),
    rate: (s: Session, score: number, comment: string | undefined) => call<unknown>(conv(s, '/rating'), { token: s.visitorToken, body: { score, comment } }),
    /** The passage a bot answer in this conversation cited (404 for anything else). */
    citation: (s: Session, chunkId: string) => call<{ passage: Passage }>(conv(s, `/citations/${encodeURIComponent(chunkId)}`), { token: s.visitorToken }),
    resolve: (s: Session) => call<{ conversation: Conversation }>(conv(s, '/resolve'), { method: 'POST', token: s.visitorToken }),

    /**
     * Follows the conversation live until the returned function is called. Reconnects with backoff and sends
     * Last-Event-ID (the last message seen), so the server replays what was missed.
     */
    follow(s: Session, lastEventId: string | null, on: LiveHandlers): () => void {
      let stopped = false;
      let controller: AbortController | null = null;
      let lastId = lastEventId;
      (async () => {
        for (let attempt = 0; !stopped; ) {
          controller = new AbortController();
          try {
            const res = await fetch(conv(s, '/events'), {
              credentials: 'omit',
              cache: 'no-store',
              headers: { accept: 'text/event-stream', 'x-visitor-token': s.visitorToken, ...(lastId ? { 'last-event-id': lastId } : {}) },
              signal: controller.signal,
            });
            if (res.status === 401 || res.status === 404) return on.gone();
            if (!res.ok) throw await errorOf(res);
            await readSse(res, (f) => {
              if (f.id) lastId = f.id;
              if (f.event === 'ready') {
                attempt = 0;
                on.state('up');
              } else if (f.data) on.event(f.event, JSON.parse(f.data) as Record<string, unknown>);
            });
          } catch {
            // network error or a dropped stream: retried below
          }
          if (stopped) return;
          on.state('retrying');
          const wait = Math.min(15_000, 1000 * 2 ** attempt++) * (0.75 + Math.random() / 2);
          await new Promise((r) => setTimeout(r, wait));
        }
      })();
      return () => {
        stopped = true;
        controller?.abort();
      };
    },
  };
}

async function readSse(res: Response, onFrame: (f: SseFrame) => void): Promise<void> {
  if (!res.body) return;
  const feed = sseParser(onFrame);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    feed(decoder.decode(value, { stream: true }));
  }
  feed(decoder.decode() + '\n\n');
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(res.status, body.error?.code ?? 'error', body.error?.message ?? `HTTP ${res.status}`);
  } catch {
    return new ApiError(res.status, 'error', `HTTP ${res.status}`);
  }
}

/** A random id for clientMessageId; crypto.randomUUID exists only on https and localhost pages. */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
