// The console's API client: same-origin fetch with the session cookie (set by POST /api/auth/login, httpOnly), JSON
// in and out, and the API's errors ({error: {code, message}}) as ApiError with the message people can act on.
export type Role = 'admin' | 'supervisor' | 'agent' | 'kb_manager' | 'qa_lead';
export type Me = { id: string; email: string; name: string; role: Role; workspaceId: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type Options = { method?: string; body?: unknown; form?: FormData; signal?: AbortSignal };

export async function api<T = unknown>(path: string, opts: Options = {}): Promise<T> {
  const res = await fetch(path, {
    method: opts.method ?? (opts.body !== undefined || opts.form ? 'POST' : 'GET'),
    credentials: 'same-origin',
    headers: opts.body !== undefined ? { 'content-type': 'application/json' } : undefined,
    body: opts.form ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
    signal: opts.signal,
  });
  const text = await res.text();
  const data = text ? safeJson(text) : null;
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `The server answered ${res.status}. Try again, or reload the page.`, e?.details);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The signed-in user, or null when nobody is signed in. */
export async function currentUser(): Promise<Me | null> {
  try {
    const r = await api<{ user?: Me }>('/api/auth/me');
    return r.user ?? null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/** A live stream (SSE, cookie-authenticated); returns a function that closes it. */
export function liveEvents(path: string, onEvent: (type: string, data: unknown) => void, types: string[]): () => void {
  const source = new EventSource(path, { withCredentials: true });
  for (const type of types) source.addEventListener(type, (e) => onEvent(type, safeJson((e as MessageEvent<string>).data)));
  return () => source.close();
}
