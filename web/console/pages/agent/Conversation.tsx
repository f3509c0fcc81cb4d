// One conversation as the agent works it: the transcript (private notes apart, the bot's turns and citations), the
// handoff reason and summary, the customer's profile, the reply box (public reply or internal note, "/" for quick
// replies, typing sent to the customer), knowledge suggestions to insert, and transfer / resolve / hand back.
import { useEffect, useRef, useState } from 'preact/hooks';
import { citationHref, sectionPath, splitCitations } from '../../../widget/state.ts';
import { api } from '../../api.ts';
import type { PageProps } from '../../pages.ts';
import { navigate } from '../../router.ts';
import { Badge, Empty, ErrorNote, errorText, Loading, Page, useApi, when } from '../../ui.tsx';
import { reasonText } from './Inbox.tsx';
import { setViewing, useLive } from './live.ts';
import type { Agent, BotTurn, Citation, ConversationDetail, Message, QuickReply, Skill, Suggestion } from './types.ts';

const SENDER: Record<Message['sender'], string> = { customer: 'Customer', bot: 'Bot', agent: 'Agent', system: 'System' };
const STATUS_TONE = { bot: 'info', queued: 'warn', assigned: 'ok', resolved: 'info' } as const;

function Turn(props: { turn: BotTurn }) {
  const t = props.turn;
  return (
    <details class="ag-turn">
      <summary>
        Bot turn: <strong>{t.decision}</strong>
        {t.confidence !== null ? ` · confidence ${t.confidence.toFixed(2)}` : ''}
      </summary>
      <dl>
        <dt>Query</dt>
        <dd>{t.query}</dd>
        {t.rewrittenQuery ? (
          <>
            <dt>Searched as</dt>
            <dd>{t.rewrittenQuery}</dd>
          </>
        ) : null}
        <dt>Reason</dt>
        <dd>{t.reason}</dd>
      </dl>
    </details>
  );
}

/** Citations by their number ([n] in the text), the first of each number only. */
const numbered = (citations: readonly Citation[]): { n: number; c: Citation }[] => {
  const seen = new Set<number>();
  return citations.map((c, i) => ({ n: c.n ?? i + 1, c })).filter(({ n }) => !seen.has(n) && (seen.add(n), true));
};
const citeId = (messageId: string, n: number) => `cite-${messageId}-${n}`;

/**
 * A message's text with its "[n]" markers as links to the cited source, like the widget: a web page opens in a new
 * tab (http(s) only); any other source (an uploaded file) moves the focus to its entry in the sources below.
 */
function Body(props: { m: Message }) {
  const cites = numbered(props.m.citations ?? []);
  if (!cites.length) return <div class="ag-body">{props.m.body}</div>;
  return (
    <div class="ag-body">
      {splitCitations(props.m.body, cites.map(({ n, c }) => ({ ...c, n }))).map((part) => {
        if (typeof part === 'string') return part;
        const c = cites.find((x) => x.n === part.n)!.c;
        const href = citationHref(c);
        const label = `Source ${part.n}: ${c.title}`;
        return (
          <sup key={`n${part.n}`}>
            {href ? (
              <a class="ag-marker" href={href} target="_blank" rel="noopener noreferrer" aria-label={`${label} (opens in a new tab)`}>
                {part.n}
              </a>
            ) : (
              <button type="button" class="ag-marker" aria-label={label} title={c.title} onClick={() => document.getElementById(citeId(props.m.id, part.n))?.focus()}>
                {part.n}
              </button>
            )}
          </sup>
        );
      })}
    </div>
  );
}

function Transcript(props: { messages: Message[]; turns: BotTurn[]; typing: boolean }) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: 'end' }), [props.messages.length, props.typing]);
  const turnsByMessage = new Map(props.turns.map((t) => [t.messageId, t]));
  return (
    <div class="ag-transcript" role="log" aria-live="polite" aria-label="Transcript" tabIndex={0}>
      <ol class="ag-msgs">
      {props.messages.map((m) => {
        const turn = turnsByMessage.get(m.id);
        return (
          <li key={m.id} class={`ag-msg ${m.sender}${m.private ? ' note' : ''}`}>
            <div class="ag-meta">
              <span>{m.private ? 'Internal note' : SENDER[m.sender]}</span>
              <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString()}</time>
              {m.confidence !== null && m.sender === 'bot' ? <span class="muted">confidence {m.confidence.toFixed(2)}</span> : null}
            </div>
            {m.sender === 'bot' ? <Body m={m} /> : <div class="ag-body">{m.body}</div>}
            {m.citations?.length ? (
              <ol class="ag-cites" aria-label="Sources">
                {numbered(m.citations).map(({ n, c }) => {
                  const url = citationHref(c); // only web links, never other schemes
                  const where = sectionPath(c.title, c.headingPath);
                  return (
                    <li key={n} value={n} id={citeId(m.id, n)} tabIndex={-1}>
                      {url ? (
                        <a href={url} target="_blank" rel="noopener noreferrer">
                          {c.title}
                        </a>
                      ) : (
                        c.title
                      )}
                      {where ? <span class="muted"> › {where}</span> : null}
                    </li>
                  );
                })}
              </ol>
            ) : null}
            {turn ? <Turn turn={turn} /> : null}
          </li>
        );
      })}
      {props.typing ? <li class="ag-msg typing muted">The customer is typing…</li> : null}
      <li ref={end} aria-hidden="true" class="end" />
      </ol>
    </div>
  );
}

function Profile(props: { detail: ConversationDetail }) {
  const c = props.detail.contact;
  if (!c) return <Empty>No customer profile.</Empty>;
  const attrs = Object.entries(c.attributes ?? {});
  return (
    <section class="card ag-profile" aria-labelledby="profile-title">
      <h2 id="profile-title">{c.name ?? 'Visitor'}</h2>
      <dl class="ag-kv">
        <dt>Email</dt>
        <dd>{c.email ?? '—'}</dd>
        <dt>Language</dt>
        <dd>{c.language ?? '—'}</dd>
        <dt>Tier</dt>
        <dd>{c.tier ?? '—'}</dd>
        {attrs.map(([k, v]) => (
          <>
            <dt key={`k-${k}`}>{k}</dt>
            <dd key={`v-${k}`}>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
          </>
        ))}
      </dl>
      <h3>Past conversations</h3>
      {c.conversations.length === 0 ? <p class="muted ag-small">None.</p> : null}
      <ul class="ag-plain">
        {c.conversations.map((p) => (
          <li key={p.id}>
            <a href={`#/agent/conversations/${p.id}`}>{when(p.createdAt)}</a> <Badge>{p.status}</Badge> {p.csat ? <span class="muted ag-small">CSAT {p.csat}/5</span> : null}
          </li>
        ))}
      </ul>
      <h3>Tickets</h3>
      {c.tickets.length === 0 ? <p class="muted ag-small">None.</p> : null}
      <ul class="ag-plain">
        {c.tickets.map((t) => (
          <li key={t.id}>
            <a href={`#/tickets/${t.id}`}>
              #{t.number} {t.subject}
            </a>{' '}
            <Badge>{t.status}</Badge>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Suggestions(props: { conversationId: string; onInsert: (text: string) => void }) {
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const s = useApi<{ suggestions: Suggestion[]; query: string | null }>(`/api/agent/conversations/${props.conversationId}/suggestions${asked ? `?q=${encodeURIComponent(asked)}` : ''}`);
  return (
    <section class="card" aria-labelledby="kb-title">
      <h2 id="kb-title">Knowledge suggestions</h2>
      <form
        class="ag-row"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(q.trim());
        }}
      >
        <label class="ag-sr-only" for="kb-q">
          Search the knowledge base
        </label>
        <input id="kb-q" type="search" placeholder="Search articles" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={s.error} />
      <Loading loading={s.loading} />
      {s.data && s.data.suggestions.length === 0 ? <p class="muted ag-small">No passages match{s.data.query ? ` “${s.data.query}”` : ''}.</p> : null}
      <ul class="ag-plain ag-suggestions">
        {s.data?.suggestions.map((x) => (
          <li key={x.chunkId}>
            <div>
              <strong>{x.documentTitle}</strong> {x.collection.visibility === 'internal' ? <Badge tone="warn">internal</Badge> : null}
            </div>
            <p class="ag-small">{x.snippet}</p>
            <button type="button" onClick={() => props.onInsert(x.text)} aria-label={`Insert passage from ${x.documentTitle}`}>
              Insert
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Composer(props: { conversationId: string; canReply: boolean; onSent: (m: Message) => void; insert: { text: string; n: number } | null }) {
  const [text, setText] = useState('');
  const [isNote, setIsNote] = useState(!props.canReply);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [replies, setReplies] = useState<QuickReply[]>([]);
  const [active, setActive] = useState(0);
  const typingSent = useRef(false);
  const typingTimer = useRef<number | undefined>(undefined);
  const area = useRef<HTMLTextAreaElement>(null);
  // Each change of the text is a new "/" lookup: an answer to an older one (the agent typed on meanwhile) is dropped,
  // or a late answer would reopen the list and Enter would replace what they wrote.
  const lookup = useRef(0);
  const closeReplies = () => {
    lookup.current++;
    setReplies([]);
  };

  useEffect(() => {
    if (!props.insert) return;
    closeReplies();
    setText((t) => (t ? `${t}\n\n${props.insert!.text}` : props.insert!.text));
    area.current?.focus();
  }, [props.insert?.n]);
  useEffect(() => {
    if (!props.canReply) setIsNote(true);
  }, [props.canReply]);

  const sendTyping = (typing: boolean) => {
    if (isNote || !props.canReply || typingSent.current === typing) return;
    typingSent.current = typing;
    void api(`/api/agent/conversations/${props.conversationId}/typing`, { body: { typing } }).catch(() => undefined);
  };
  const onInput = async (value: string) => {
    setText(value);
    window.clearTimeout(typingTimer.current);
    if (value.trim()) {
      sendTyping(true);
      typingTimer.current = window.setTimeout(() => sendTyping(false), 4000);
    } else sendTyping(false);
    if (!/^\/\S*$/.test(value)) return closeReplies(); // not (or no longer) a "/word"
    const asked = ++lookup.current;
    try {
      const r = await api<{ quickReplies: QuickReply[] }>(`/api/agent/quick-replies?q=${encodeURIComponent(value)}&conversationId=${props.conversationId}`);
      if (asked !== lookup.current) return;
      setReplies(r.quickReplies);
      setActive(0);
    } catch {
      if (asked === lookup.current) setReplies([]);
    }
  };
  const pick = (r: QuickReply) => {
    setText(r.rendered ?? r.body);
    closeReplies();
    area.current?.focus();
  };
  const send = async () => {
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ message: Message }>(`/api/agent/conversations/${props.conversationId}/messages`, { body: { text, private: isNote } });
      props.onSent(r.message);
      setText('');
      closeReplies();
      window.clearTimeout(typingTimer.current);
      typingSent.current = false; // the stored reply ends "typing" on the customer's side
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (replies.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : replies.length - 1)) % replies.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pick(replies[active] ?? replies[0]!);
        return;
      }
      if (e.key === 'Escape') return closeReplies();
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void send();
    }
  };
  return (
    <form
      class={`ag-composer${isNote ? ' note' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div class="ag-seg" role="group" aria-label="Reply type">
        <button type="button" aria-pressed={!isNote} disabled={!props.canReply} onClick={() => setIsNote(false)}>
          Reply to customer
        </button>
        <button type="button" aria-pressed={isNote} onClick={() => setIsNote(true)}>
          Internal note
        </button>
      </div>
      <label for="reply" class="ag-sr-only">
        {isNote ? 'Internal note' : 'Reply'}
      </label>
      <textarea
        id="reply"
        ref={area}
        rows={3}
        value={text}
        placeholder={isNote ? 'Only agents see notes' : 'Type a reply — “/” for quick replies; Enter sends, Shift+Enter for a new line'}
        aria-autocomplete="list"
        aria-controls={replies.length ? 'quick-replies' : undefined}
        aria-activedescendant={replies.length ? `qr-${active}` : undefined}
        onInput={(e) => void onInput(e.currentTarget.value)}
        onKeyDown={onKey}
        onBlur={() => sendTyping(false)}
      />
      {replies.length ? (
        <ul id="quick-replies" role="listbox" aria-label="Quick replies" class="ag-quick">
          {replies.map((r, i) => (
            <li key={r.id} id={`qr-${i}`} role="option" aria-selected={i === active} onMouseDown={(e) => (e.preventDefault(), pick(r))}>
              <strong>/{r.shortcut}</strong> {r.title}
              <div class="muted ag-small ag-clip">{r.rendered ?? r.body}</div>
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorNote error={error} />
      <div class="ag-row end">
        <button type="submit" class="primary" disabled={busy || !text.trim()}>
          {isNote ? 'Add note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}

function Transfer(props: { conversationId: string; onDone: () => void }) {
  const skills = useApi<{ skills: Skill[] }>('/api/team/skills');
  const agents = useApi<{ agents: Agent[] }>('/api/team/agents');
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!target) return setError('Choose a skill queue or an agent.');
    const [kind, value] = target.split(':', 2) as [string, string];
    try {
      await api(`/api/agent/conversations/${props.conversationId}/transfer`, { body: { ...(kind === 'skill' ? { skill: value } : { agentId: value }), ...(note.trim() ? { note: note.trim() } : {}) } });
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const online = (agents.data?.agents ?? []).filter((a) => a.presence === 'online');
  return (
    <form class="card ag-transfer" onSubmit={submit} aria-label="Transfer">
      <label>
        Transfer to
        <select value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
          <option value="">Choose…</option>
          <optgroup label="Skill queue">
            {skills.data?.skills.map((s) => (
              <option key={s.id} value={`skill:${s.name}`}>
                {s.label || s.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="Online agent">
            {online.map((a) => (
              <option key={a.id} value={`agent:${a.id}`}>
                {a.name} ({a.load}/{a.capacity})
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <label>
        Note for the next agent (private)
        <textarea rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <ErrorNote error={error} />
      <button type="submit" class="primary">
        Transfer
      </button>
    </form>
  );
}

export function ConversationPage(props: PageProps) {
  const id = props.params.id!;
  const d = useApi<ConversationDetail>(`/api/agent/conversations/${id}`);
  const [extra, setExtra] = useState<Message[]>([]);
  const [typing, setTyping] = useState(false);
  const [insert, setInsert] = useState<{ text: string; n: number } | null>(null);
  const [showTransfer, setShowTransfer] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const typingTimer = useRef<number | undefined>(undefined);

  useEffect(() => {
    setViewing(id);
    setExtra([]);
    return () => setViewing(null);
  }, [id]);
  useEffect(() => setExtra([]), [d.data]);
  useLive(
    (e) => {
      if (e.type === 'message' && e.data?.conversationId === id && e.data.message) {
        setTyping(false);
        setExtra((x) => [...x, e.data.message as Message]);
      } else if (e.type === 'typing' && e.data?.conversationId === id) {
        setTyping(!!e.data.typing);
        window.clearTimeout(typingTimer.current);
        if (e.data.typing) typingTimer.current = window.setTimeout(() => setTyping(false), 8000);
      } else if ((e.type === 'assignment' && e.data?.conversation?.id === id) || e.type === 'unassigned') d.reload();
    },
    [id, d.reload],
  );

  const act = async (path: string, after: 'stay' | 'inbox') => {
    setError(null);
    try {
      await api(`/api/agent/conversations/${id}/${path}`, { method: 'POST' });
      if (after === 'inbox') navigate('/agent');
      else d.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  if (!d.data) {
    return (
      <Page title="Conversation">
        <ErrorNote error={d.error} />
        <Loading loading={d.loading} />
      </Page>
    );
  }
  const { conversation: c, botTurns } = d.data;
  const seen = new Set(d.data.messages.map((m) => m.id));
  const messages = [...d.data.messages, ...extra.filter((m) => !seen.has(m.id) && (seen.add(m.id), true))];
  const mine = c.status === 'assigned' && c.assigneeId === props.me.id;
  return (
    <Page
      title={d.data.contact?.name ?? 'Visitor'}
      actions={
        <>
          <a href="#/agent" class="ag-button-link">
            ← Inbox
          </a>
          {c.status === 'queued' || (c.status === 'assigned' && !mine) ? (
            <button type="button" class="primary" onClick={() => act('claim', 'stay')}>
              Claim
            </button>
          ) : null}
          {c.status !== 'resolved' ? (
            <>
              <button type="button" aria-expanded={showTransfer} onClick={() => setShowTransfer((s) => !s)}>
                Transfer…
              </button>
              {c.status !== 'bot' ? (
                <button type="button" onClick={() => act('hand-back', 'inbox')}>
                  Hand back to bot
                </button>
              ) : null}
              <button type="button" class="primary" onClick={() => act('resolve', 'inbox')}>
                Resolve
              </button>
            </>
          ) : (
            <button type="button" onClick={() => act('reopen', 'stay')}>
              Reopen
            </button>
          )}
        </>
      }
    >
      <ErrorNote error={error} />
      <div class="ag-convo">
        <div class="ag-convo-main">
          <div class="card ag-handoff">
            <Badge tone={STATUS_TONE[c.status]}>{c.status}</Badge> {c.skill ? <Badge>{c.skill}</Badge> : null} <span class="muted ag-small">via {c.channel} · started {when(c.createdAt)}</span>
            {c.handoffReason ? (
              <p>
                <strong>Handed over:</strong> {reasonText(c.handoffReason)}
              </p>
            ) : null}
            {c.handoffSummary ? (
              <div class="ag-summary">
                <strong id="summary-title">Summary</strong>
                <ul aria-labelledby="summary-title">
                  {c.handoffSummary
                    .split('\n')
                    .filter((line) => line.trim())
                    .map((line, i) => (
                      <li key={i}>{line}</li>
                    ))}
                </ul>
              </div>
            ) : null}
          </div>
          {showTransfer ? (
            <Transfer
              conversationId={id}
              onDone={() => {
                setShowTransfer(false);
                navigate('/agent');
              }}
            />
          ) : null}
          <Transcript messages={messages} turns={botTurns} typing={typing} />
          {c.status !== 'resolved' ? (
            <Composer conversationId={id} canReply={mine} insert={insert} onSent={(m) => setExtra((x) => [...x, m])} />
          ) : (
            <p class="muted">This conversation is resolved. Reopen it to write again.</p>
          )}
        </div>
        <aside class="ag-convo-side" aria-label="Customer and knowledge">
          <Profile detail={d.data} />
          <Suggestions conversationId={id} onInsert={(text) => setInsert((p) => ({ text, n: (p?.n ?? 0) + 1 }))} />
        </aside>
      </div>
    </Page>
  );
}
