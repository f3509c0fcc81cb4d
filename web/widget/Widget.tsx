// The chat widget: a launcher button and a chat panel (rendered inside a shadow root by main.tsx). It starts a
// conversation on the first message, streams answers with their citations, asks for a person, shows the queue or
// the ticket, agents' messages and typing live, and the rating once the conversation is closed. After a reload it
// picks the conversation up again from storage: its transcript and its live stream. Each time the stream is up (after
// a reload or a reconnect, which resumes after the last message seen with Last-Event-ID) the transcript is read again,
// so states the stream does not replay (queue, status) are current too. A citation opens its source: a web page in a
// new tab, any other source (an uploaded file) as the cited passage in a dialog over the panel, read from the server.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import { ApiError, newId, type Client, type Session } from './api.ts';
import { errorText, formatTime, waitMinutes, type Lang, type Strings } from './i18n.ts';
import { citationTarget, initialState, reduce, sectionPath, splitCitations, wantsRating, type ChatMessage, type State } from './state.ts';
import type { Store } from './storage.ts';
import type { Citation, Conversation, Message, Passage, QueueStanding } from './types.ts';

export type WidgetProps = { client: Client; store: Store; workspace: string; lang: Lang; t: Strings };

const TYPING_IDLE_MS = 2500; // the customer stopped typing
const TYPING_REPEAT_MS = 3000; // at most one "typing" per this long while they keep typing
const AGENT_TYPING_TTL_MS = 8000; // an agent's "typing" that never got its "stopped"

/** The cited passage shown over the panel: which citation, and the passage once the server has sent it. */
type OpenPassage = { n: number; citation: Citation; chunkId: string; passage: Passage | null; error: string | null };
/** Opens a citation's passage; `opener` gets the focus back when it closes. */
type OnOpenPassage = (c: Citation, n: number, chunkId: string, opener: HTMLElement) => void;

export function Widget({ client, store, workspace, lang, t }: WidgetProps) {
  const [open, setOpen] = useState(() => store.wasOpen());
  const [state, dispatch] = useReducer(reduce, initialState);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [unread, setUnread] = useState(0);
  const session = useRef<Session | null>(null);
  const stopLive = useRef<(() => void) | null>(null);
  const seen = useRef(new Set<string>());
  const openRef = useRef(open);
  const launcher = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const typingSentAt = useRef(0);
  const typingIdle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [passage, setPassage] = useState<OpenPassage | null>(null);
  const passageOpener = useRef<HTMLElement | null>(null);
  const passageAsked = useRef(0); // the latest open: an older answer arriving late is dropped
  const passages = useRef(new Map<string, Passage>()); // what the server sent, per chunk: opened again without a call

  openRef.current = open;
  for (const m of state.messages) seen.current.add(m.id);

  const fail = (err: unknown) => dispatch({ type: 'error', error: errorText(err, lang) });

  const closePassage = (returnFocus: boolean) => {
    passageAsked.current++;
    setPassage(null);
    if (!returnFocus) passageOpener.current = null;
  };

  const openPassage: OnOpenPassage = (citation, n, chunkId, opener) => {
    const s = session.current;
    if (!s) return;
    passageOpener.current = opener;
    const asked = ++passageAsked.current;
    const known = passages.current.get(chunkId) ?? null;
    setPassage({ n, citation, chunkId, passage: known, error: null });
    if (known) return;
    client.citation(s, chunkId).then(
      (r) => {
        passages.current.set(chunkId, r.passage);
        if (passageAsked.current === asked) setPassage((p) => p && { ...p, passage: r.passage });
      },
      (err: unknown) => {
        const error = err instanceof ApiError && err.status === 404 ? t.passageGone : errorText(err, lang).text;
        if (passageAsked.current === asked) setPassage((p) => p && { ...p, error });
      },
    );
  };

  const forget = () => {
    stopLive.current?.();
    stopLive.current = null;
    session.current = null;
    store.save(null);
    closePassage(false);
    passages.current.clear();
    dispatch({ type: 'reset' });
  };

  const loadQueue = async (s: Session) => {
    const r = await client.queue(s).catch(() => null);
    if (r?.queue) dispatch({ type: 'queue', queue: r.queue });
  };

  /** Transcript and, when waiting, the queue: after a reload and after every reconnect. */
  const resync = async (s: Session) => {
    try {
      const r = await client.transcript(s);
      if (session.current !== s) return;
      dispatch({ type: 'transcript', conversation: r.conversation, messages: r.messages });
      if (r.conversation.status === 'queued') await loadQueue(s);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 404)) forget();
    }
  };

  const onLive = (type: string, data: Record<string, unknown>) => {
    if (type === 'message') {
      const m = data.message as Message;
      if (!openRef.current && m.sender !== 'customer' && !seen.current.has(m.id)) setUnread((n) => n + 1);
      dispatch({ type: 'messages', messages: [m] });
    } else if (type === 'conversation') {
      dispatch({ type: 'conversation', conversation: data.conversation as Conversation | null });
    } else if (type === 'queue') {
      dispatch({ type: 'queue', queue: { position: data.position as number, etaSeconds: (data.etaSeconds as number | null) ?? null, agentsOnline: (data.agentsOnline as number) ?? 0 } });
    } else if (type === 'typing' && data.sender === 'agent') {
      dispatch({ type: 'typing', typing: data.typing === true });
    }
  };

  const follow = (s: Session, lastEventId: string | null) => {
    stopLive.current?.();
    stopLive.current = client.follow(s, lastEventId, {
      event: onLive,
      state: (live) => {
        dispatch({ type: 'live', live });
        if (live === 'up') void resync(s); // anything missed while away (messages are replayed; states are not)
      },
      gone: forget,
    });
  };

  // After a reload: the saved conversation's transcript at once, and its live stream (which reads it again when up,
  // so nothing said between the two is lost).
  useEffect(() => {
    const saved = store.load();
    if (saved) {
      session.current = { conversationId: saved.conversationId, visitorToken: saved.visitorToken };
      if (saved.ticket) dispatch({ type: 'ticket', ticket: saved.ticket });
      void resync(session.current);
      follow(session.current, null);
    }
    return () => stopLive.current?.();
  }, []);

  const ensureSession = async (): Promise<Session> => {
    if (session.current) return session.current;
    const started = await client.start({ workspace, language: lang, token: store.token() ?? undefined }).catch((err: unknown) => {
      // A token from an older server secret: start afresh as a new customer.
      if (err instanceof ApiError && err.status === 401) return client.start({ workspace, language: lang });
      throw err;
    });
    const s = { conversationId: started.conversation.id, visitorToken: started.visitorToken };
    session.current = s;
    store.save(s);
    store.saveToken(s.visitorToken);
    dispatch({ type: 'transcript', conversation: started.conversation, messages: [] });
    follow(s, null);
    return s;
  };

  const stopTyping = () => {
    if (typingIdle.current) clearTimeout(typingIdle.current);
    typingIdle.current = null;
    if (typingSentAt.current && session.current) void client.typing(session.current, false).catch(() => undefined);
    typingSentAt.current = 0;
  };

  // "The customer is typing" for their agent: only while someone has the conversation, debounced.
  const onType = (value: string) => {
    setText(value);
    const s = session.current;
    if (!s || state.conversation?.status !== 'assigned') return;
    if (!value.trim()) return stopTyping();
    if (Date.now() - typingSentAt.current > TYPING_REPEAT_MS) {
      typingSentAt.current = Date.now();
      void client.typing(s, true).catch(() => undefined);
    }
    if (typingIdle.current) clearTimeout(typingIdle.current);
    typingIdle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const send = async (body: string, clientMessageId = newId()) => {
    const message = body.trim();
    if (!message || busy) return;
    dispatch({ type: 'pending', clientMessageId, body: message, at: new Date().toISOString() });
    setText('');
    stopTyping();
    setBusy(true);
    try {
      const s = await ensureSession();
      await client.send(s, message, clientMessageId, {
        message: (m) => dispatch({ type: 'messages', messages: [m] }),
        token: (chunk) => dispatch({ type: 'token', text: chunk }),
        reply: (m) => dispatch({ type: 'messages', messages: [m] }),
        conversation: (c) => dispatch({ type: 'conversation', conversation: c }),
      });
      dispatch({ type: 'draft_done' });
    } catch (err) {
      dispatch({ type: 'failed', clientMessageId });
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const talkToPerson = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const s = await ensureSession();
      const r = await client.handoff(s);
      dispatch({ type: 'conversation', conversation: r.conversation });
      if (r.message) dispatch({ type: 'messages', messages: [r.message] });
      if (r.ticket) {
        dispatch({ type: 'ticket', ticket: r.ticket });
        store.save({ ...s, ticket: r.ticket });
      }
      if (r.conversation.status === 'queued') await loadQueue(s);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const endChat = async () => {
    const s = session.current;
    if (!s || busy) return;
    setBusy(true);
    try {
      dispatch({ type: 'conversation', conversation: (await client.resolve(s)).conversation });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const returnFocus = useRef(false);
  const show = (next: boolean) => {
    setOpen(next);
    store.saveOpen(next);
    if (next) setUnread(0);
    else closePassage(false); // the launcher gets the focus, not a citation in a closed panel
    returnFocus.current = !next;
  };

  // A closed passage gives the focus back to the marker or source that opened it.
  useLayoutEffect(() => {
    if (passage || !passageOpener.current) return;
    if (passageOpener.current.isConnected) passageOpener.current.focus();
    passageOpener.current = null;
  }, [passage]);

  // Opening puts the focus in the message box; closing gives it back to the launcher (hidden while open on phones).
  useLayoutEffect(() => {
    if (open) input.current?.focus();
    else if (returnFocus.current) launcher.current?.focus();
    returnFocus.current = false;
  }, [open]);

  // Newest at the bottom, in view — unless the customer scrolled up to read. The log also shrinks when the status,
  // the rating or an error appear below it: a log that was at the bottom stays there.
  const atBottom = useRef(true);
  const autoTop = useRef(-1); // where toBottom() left the log: its own scroll event is not the customer scrolling
  const toBottom = () => {
    const el = log.current;
    if (!el || !atBottom.current) return;
    el.scrollTop = el.scrollHeight;
    autoTop.current = el.scrollTop;
  };
  useEffect(() => {
    if (state.messages.at(-1)?.sender === 'customer') atBottom.current = true; // their own message: always shown
    toBottom();
  }, [open, state.messages.length, state.draft]);
  useEffect(() => {
    const el = log.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(toBottom);
    observer.observe(el);
    return () => observer.disconnect();
  }, [open]);

  useEffect(() => {
    if (!state.agentTyping) return;
    const timer = setTimeout(() => dispatch({ type: 'typing', typing: false }), AGENT_TYPING_TTL_MS);
    return () => clearTimeout(timer);
  }, [state.agentTyping, state.messages.length]);

  const status = state.conversation?.status ?? 'bot';
  const launcherLabel = open ? t.launcherClose : unread ? `${t.launcherOpen} (${t.unread(unread)})` : t.launcherOpen;

  return (
    <div class={open ? 'kefu open' : 'kefu'} lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      {open && (
        <section
          class="panel"
          id="kefu-panel"
          role="dialog"
          aria-modal="false"
          aria-labelledby="kefu-title"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              show(false);
            }
          }}
        >
          <header class="head">
            <div>
              <h2 id="kefu-title">{t.title}</h2>
              <p>{status === 'assigned' ? t.agentJoined : t.subtitle}</p>
            </div>
            <button type="button" class="icon" aria-label={t.close} onClick={() => show(false)}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
            </button>
          </header>

          <div
            class="log"
            role="log"
            aria-live="polite"
            aria-label={t.log}
            aria-busy={state.draft !== null}
            ref={log}
            tabIndex={0}
            onScroll={(e) => {
              // Scroll events arrive a frame late: by then the log may have grown or shrunk, so only a position we
              // did not set ourselves (the customer scrolling) decides whether to follow new messages.
              const el = e.currentTarget;
              if (Math.abs(el.scrollTop - autoTop.current) < 1) return;
              atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
            }}
          >
            <div class="msg bot greeting"><p class="body">{t.greeting}</p></div>
            {state.messages.map((m) => (
              <MessageView key={m.id} m={m} t={t} onOpen={openPassage} onRetry={() => void send(m.body, m.clientMessageId ?? undefined)} />
            ))}
            {state.draft !== null && (
              <div class="msg bot draft" aria-hidden="true">
                <p class="body">{state.draft || t.answering}</p>
              </div>
            )}
            {busy && state.draft === null && state.messages.at(-1)?.sender === 'customer' && (
              <div class="msg bot draft" aria-hidden="true"><p class="body dots"><span /><span /><span /></p></div>
            )}
          </div>

          <Status state={state} t={t} lang={lang} />

          {wantsRating(state) && session.current && <Rating t={t} lang={lang} onRate={async (score, comment) => {
            await client.rate(session.current!, score, comment);
            dispatch({ type: 'rated' });
          }} />}

          {state.error && (
            <p class="error" role="alert" title={state.error.detail ?? undefined}>
              {state.error.text}
            </p>
          )}

          <form
            class="composer"
            onSubmit={(e) => {
              e.preventDefault();
              void send(text);
            }}
          >
            <label class="sr-only" for="kefu-input">{t.inputLabel}</label>
            <textarea
              id="kefu-input"
              ref={input}
              rows={1}
              maxLength={10_000}
              placeholder={t.placeholder}
              value={text}
              onInput={(e) => onType(e.currentTarget.value)}
              onKeyDown={(e) => {
                // Enter sends, Shift+Enter is a new line; never while an input method is composing (Chinese, Japanese…).
                if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                  e.preventDefault();
                  void send(text);
                }
              }}
            />
            <button type="submit" class="send" disabled={busy || !text.trim()} aria-label={t.send}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12l16-8-6 16-2.5-6.5z" /></svg>
            </button>
          </form>

          <div class="actions">
            {(status === 'bot' || status === 'resolved') && (
              <button type="button" class="link" disabled={busy} onClick={() => void talkToPerson()}>
                {t.talkToPerson}
              </button>
            )}
            {session.current && status !== 'resolved' && (
              <button type="button" class="link" disabled={busy} onClick={() => void endChat()}>
                {t.endChat}
              </button>
            )}
          </div>

          {passage && <PassageDialog open={passage} t={t} onClose={() => closePassage(true)} />}
        </section>
      )}

      <button type="button" class="launcher" ref={launcher} aria-expanded={open} aria-controls="kefu-panel" aria-label={launcherLabel} onClick={() => show(!open)}>
        {open ? (
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
        ) : (
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5h16v11H9l-5 4z" /></svg>
        )}
        {!open && unread > 0 && <span class="badge" aria-hidden="true">{unread}</span>}
      </button>
    </div>
  );
}

function MessageView({ m, t, onOpen, onRetry }: { m: ChatMessage; t: Strings; onOpen: OnOpenPassage; onRetry: () => void }) {
  const citations = uniqueCitations(m.citations ?? []);
  const who = { customer: t.you, bot: t.bot, agent: t.agent, system: t.system }[m.sender];
  return (
    <div class={`msg ${m.sender}${m.pending ? ' pending' : ''}${m.failed ? ' failed' : ''}`}>
      {m.sender === 'agent' ? <span class="who">{who}</span> : <span class="sr-only">{who}: </span>}
      <p class="body">
        {splitCitations(m.body, citations).map((part) => {
          if (typeof part === 'string') return part;
          const c = citations.find((x, i) => (x.n ?? i + 1) === part.n)!;
          const target = citationTarget(c);
          if (target?.kind === 'link') {
            return (
              <sup>
                <a href={target.href} target="_blank" rel="noopener noreferrer" aria-label={t.source(part.n, c.title)}>{part.n}</a>
              </sup>
            );
          }
          if (target?.kind === 'passage') {
            return (
              <sup>
                <button type="button" class="marker open" aria-haspopup="dialog" aria-label={t.source(part.n, c.title)} title={c.title} onClick={(e) => onOpen(c, part.n, target.chunkId, e.currentTarget)}>
                  {part.n}
                </button>
              </sup>
            );
          }
          return (
            <sup>
              <span class="marker" title={c.title}>{part.n}</span>
            </sup>
          );
        })}
      </p>
      {citations.length > 0 && (
        <div class="sources">
          <span class="sources-title">{t.sources}</span>
          <ol>
            {citations.map((c, i) => (
              <CitationView key={i} c={c} n={c.n ?? i + 1} t={t} onOpen={onOpen} />
            ))}
          </ol>
        </div>
      )}
      {m.failed && (
        <p class="not-sent">
          {t.notSent}{' '}
          <button type="button" class="link" onClick={onRetry}>{t.retry}</button>
        </p>
      )}
    </div>
  );
}

function CitationView({ c, n, t, onOpen }: { c: Citation; n: number; t: Strings; onOpen: OnOpenPassage }) {
  const target = citationTarget(c);
  const path = sectionPath(c.title, c.headingPath);
  return (
    <li value={n}>
      {target?.kind === 'link' ? (
        <a href={target.href} target="_blank" rel="noopener noreferrer" title={path || undefined}>
          {c.title}
          <span class="sr-only"> {t.opensInNewTab}</span>
        </a>
      ) : target?.kind === 'passage' ? (
        <button type="button" class="src" aria-haspopup="dialog" onClick={(e) => onOpen(c, n, target.chunkId, e.currentTarget)}>
          {c.title}
        </button>
      ) : (
        <span class="src plain" title={[c.title, path].filter(Boolean).join(' › ')}>{c.title}</span>
      )}
      {path && <span class="path"> — {path}</span>}
    </li>
  );
}

function uniqueCitations(citations: readonly Citation[]): Citation[] {
  const seen = new Set<number>();
  return citations.filter((c, i) => {
    const n = c.n ?? i + 1;
    if (seen.has(n)) return false;
    seen.add(n);
    return true;
  });
}

function Status({ state, t, lang }: { state: State; t: Strings; lang: Lang }) {
  const lines: JSX.Element[] = [];
  const status = state.conversation?.status;
  // With nobody online and a ticket open, the ticket says when to expect a reply; a place in the queue would not.
  const ticketSays = state.ticket && state.queue?.agentsOnline === 0;
  if (status === 'queued' && state.queue && !ticketSays) lines.push(<p key="queue" class="queue">{queueLine(state.queue, t)}</p>);
  if (state.ticket && status !== 'assigned' && status !== 'resolved') {
    const when = state.ticket.replyBy ? formatTime(state.ticket.replyBy, lang) : null;
    lines.push(
      <p key="ticket" class="ticket">
        <strong>{t.ticket(state.ticket.number)}</strong>
        {when ? ` — ${t.replyBy(when)}` : ''}
      </p>,
    );
  }
  if (state.agentTyping) lines.push(<p key="typing" class="typing">{t.agentTyping}</p>);
  if (status === 'resolved' && !wantsRating(state)) lines.push(<p key="resolved">{state.rated ? t.thanks : t.resolved}</p>);
  if (state.live === 'retrying') lines.push(<p key="live" class="muted">{t.reconnecting}</p>);
  return (
    <div class="status" role="status">
      {lines}
    </div>
  );
}

function queueLine(q: QueueStanding, t: Strings): string {
  const wait = q.agentsOnline === 0 || q.etaSeconds === null ? t.queueNoAgents : q.etaSeconds === 0 ? t.queueNoWait : t.queueWait(waitMinutes(q.etaSeconds));
  return `${t.queuePosition(q.position)} · ${wait}`;
}

/**
 * The cited passage over the panel (a modal dialog within it): the source's number, title and section, then the
 * passage's text as the server sent it (rendered as text, never as HTML). Focus starts on Close and stays inside;
 * Escape or Close returns it to whatever opened the passage.
 */
function PassageDialog({ open, t, onClose }: { open: OpenPassage; t: Strings; onClose: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => close.current?.focus(), [open.chunkId]);
  const title = open.passage?.title ?? open.citation.title;
  const path = sectionPath(title, open.passage?.headingPath ?? open.citation.headingPath);
  return (
    <div
      class="passage"
      ref={dialog}
      role="dialog"
      aria-modal="true"
      aria-labelledby="kefu-passage-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation(); // closes the passage, not the whole panel
          onClose();
        } else if (e.key === 'Tab') {
          // Keep the focus in the dialog: the conversation behind it is covered.
          const stops = [...(dialog.current?.querySelectorAll<HTMLElement>('button, [tabindex="0"]') ?? [])];
          const at = stops.indexOf(e.target as HTMLElement);
          const next = stops[(at + (e.shiftKey ? stops.length - 1 : 1)) % stops.length];
          if (next) {
            e.preventDefault();
            next.focus();
          }
        }
      }}
    >
      <header class="head">
        <div>
          <p class="passage-n">{t.passageLabel(open.n)}</p>
          <h3 id="kefu-passage-title">{title}</h3>
          {path && <p class="passage-path">{path}</p>}
        </div>
        <button type="button" class="icon" ref={close} aria-label={t.closePassage} onClick={onClose}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
        </button>
      </header>
      <div class="passage-body" role="region" tabIndex={0} aria-busy={!open.passage && !open.error} aria-labelledby="kefu-passage-title">
        {open.passage ? (
          <blockquote class="passage-text">{open.passage.text}</blockquote>
        ) : open.error ? (
          <p class="passage-error" role="alert">{open.error}</p>
        ) : (
          <p class="passage-loading">{t.passageLoading}</p>
        )}
      </div>
    </div>
  );
}

function Rating({ t, lang, onRate }: { t: Strings; lang: Lang; onRate: (score: number, comment: string | undefined) => Promise<void> }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<State['error']>(null);
  return (
    <form
      class="rating"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!score || sending) return;
        setSending(true);
        setError(null);
        try {
          await onRate(score, comment.trim() || undefined);
        } catch (err) {
          setError(errorText(err, lang));
          setSending(false);
        }
      }}
    >
      <fieldset>
        <legend>{t.rateLegend}</legend>
        <div class="stars">
          {[1, 2, 3, 4, 5].map((n) => (
            <button key={n} type="button" class={n <= score ? 'star on' : 'star'} aria-pressed={n === score} aria-label={t.rateScore(n)} onClick={() => setScore(n)}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z" /></svg>
            </button>
          ))}
        </div>
      </fieldset>
      <label for="kefu-comment">{t.commentLabel}</label>
      <textarea id="kefu-comment" rows={2} maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      {error && <p class="error" role="alert" title={error.detail ?? undefined}>{error.text}</p>}
      <button type="submit" class="primary" disabled={!score || sending}>{t.submitRating}</button>
    </form>
  );
}
