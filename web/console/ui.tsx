// Small shared pieces of the console: data loading with errors shown in words, page frame, tables, buttons.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';

export type Loaded<T> = { data: T | null; error: string | null; loading: boolean; reload: () => void };

/** GETs `path` (null: nothing yet) and reloads when it changes. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: !!path });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(path, { signal: controller.signal })
      .then((data) => setState({ data, error: null, loading: false }))
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setState({ data: null, error: errorText(err), loading: false });
      });
    return () => controller.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return 'The server could not be reached. Check your connection; the page retries when you act again.';
  return (err as Error)?.message ?? String(err);
}

export function Page(props: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-head">
        <h1 id="page-title">{props.title}</h1>
        {props.actions ? <div class="page-actions">{props.actions}</div> : null}
      </header>
      {props.children}
    </section>
  );
}

export function ErrorNote(props: { error: string | null }) {
  return props.error ? (
    <p class="error" role="alert">
      {props.error}
    </p>
  ) : null;
}

export function Loading(props: { loading: boolean }) {
  return props.loading ? (
    <p class="muted" aria-live="polite">
      Loading…
    </p>
  ) : null;
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

export function Badge(props: { tone?: 'ok' | 'warn' | 'bad' | 'info'; children: ComponentChildren }) {
  return <span class={`badge ${props.tone ?? 'info'}`}>{props.children}</span>;
}

export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

/** A labelled progress bar (0–100); `value` null shows an indeterminate bar. */
export function ProgressBar(props: { value: number | null; label: string; tone?: 'ok' | 'bad' }) {
  const v = props.value === null ? null : Math.max(0, Math.min(100, Math.round(props.value)));
  return (
    <div class={`progress ${props.tone ?? ''}`} role="progressbar" aria-label={props.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={v ?? undefined}>
      <div class={v === null ? 'bar indeterminate' : 'bar'} style={v === null ? undefined : { width: `${v}%` }} />
    </div>
  );
}

/** The tabs of one area (its pages), as links; the current one is marked for screen readers. */
export function SubNav(props: { label: string; items: { path: string; label: string }[]; current: string }) {
  return (
    <nav class="subnav" aria-label={props.label}>
      {props.items.map((i) => (
        <a key={i.path} href={`#${i.path}`} aria-current={props.current === i.path ? 'page' : undefined}>
          {i.label}
        </a>
      ))}
    </nav>
  );
}

/** An API error next to a form: the message, and each field's problems when the API listed them. */
export function FormError(props: { error: unknown }) {
  if (!props.error) return null;
  const details = props.error instanceof ApiError ? (props.error.details as { fieldErrors?: Record<string, string[] | undefined> } | undefined) : undefined;
  const message = errorText(props.error);
  // The API's message already names up to five problems; list fields only when it left some out.
  const fields = Object.entries(details?.fieldErrors ?? {}).filter(([, v]) => v && v.some((m) => !message.includes(m)));
  return (
    <div class="error form-error" role="alert">
      <p>{message}</p>
      {fields.length ? (
        <ul>
          {fields.map(([k, v]) => (
            <li key={k}>
              <strong>{k}</strong>: {v!.join('; ')}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Runs an action with a busy flag and keeps its error (unknown, for FormError) until the next run. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}

/** A score 1–5 (or none) as a coloured badge. */
export function ScoreBadge(props: { score: number | null | undefined }) {
  const s = props.score;
  if (s === null || s === undefined) return <span class="muted">—</span>;
  return <Badge tone={s >= 4 ? 'ok' : s >= 3 ? 'warn' : 'bad'}>{s.toFixed(1)}</Badge>;
}
