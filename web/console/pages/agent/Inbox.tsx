// Inbox: the agent's presence, the waiting queue per skill (counts and list, claim one or the next), and "My
// conversations" (waiting for my reply first, unread counts), all kept current by the live stream.
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import type { PageProps } from '../../pages.ts';
import { navigate } from '../../router.ts';
import { ActionCell, ListTable } from '../../forms.tsx';
import { Badge, Empty, ErrorNote, errorText, Loading, Page, useApi } from '../../ui.tsx';
import { enableNotifications, notificationsSupported, useLive, useLiveState } from './live.ts';
import type { Agent, MyConversation, Presence, QueueEntry } from './types.ts';

const REASONS: Record<string, string> = { customer_asked: 'Asked for a person', low_confidence: 'Bot unsure', bot_error: 'Bot error', policy: 'Policy' };
export const reasonText = (r: string | null): string => (r ? (REASONS[r] ?? r) : '—');
const ago = (iso: string | null): string => {
  if (!iso) return '';
  const min = Math.round((Date.now() - new Date(iso).getTime()) / 60_000);
  return min < 1 ? 'just now' : min < 60 ? `${min} min ago` : `${Math.round(min / 60)} h ago`;
};

export function PresenceControl() {
  const me = useApi<{ agent: Agent | null }>('/api/agent/me');
  const [presence, setPresence] = useState<Presence | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = presence ?? me.data?.agent?.presence ?? 'offline';
  const change = async (status: Presence) => {
    setError(null);
    try {
      await api('/api/agent/presence', { method: 'PUT', body: { status } });
      setPresence(status);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="ag-presence">
      <div role="group" aria-label="My status" class="ag-seg">
        {(['online', 'away', 'offline'] as const).map((s) => (
          <button key={s} type="button" aria-pressed={current === s} class={`seg-${s}`} onClick={() => change(s)}>
            <span class={`ag-dot ${s}`} aria-hidden="true" /> {s[0]!.toUpperCase() + s.slice(1)}
          </button>
        ))}
      </div>
      <ErrorNote error={error} />
    </div>
  );
}

function NotifyButton() {
  const [perm, setPerm] = useState(notificationsSupported() ? Notification.permission : 'denied');
  if (!notificationsSupported() || perm === 'granted') return null;
  return (
    <button type="button" onClick={async () => setPerm(await enableNotifications())} disabled={perm === 'denied'} title={perm === 'denied' ? 'Notifications are blocked in this browser' : undefined}>
      {perm === 'denied' ? 'Notifications blocked' : 'Enable notifications'}
    </button>
  );
}

export function Inbox(_props: PageProps) {
  const [skill, setSkill] = useState<string>('');
  const queue = useApi<{ queue: QueueEntry[] }>(`/api/agent/queue${skill ? `?skill=${encodeURIComponent(skill)}` : ''}`);
  const mine = useApi<{ conversations: MyConversation[] }>('/api/agent/conversations');
  const live = useLiveState();
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  useLive((e) => {
    if (e.type === 'queue') queue.reload();
    if (e.type === 'assignment' || e.type === 'message' || e.type === 'unassigned') mine.reload();
  }, [queue.reload, mine.reload]);

  const claim = async (conversationId: string | null) => {
    setError(null);
    setNote(null);
    try {
      const r = await api<{ conversation: { id: string } } | null>(conversationId ? `/api/agent/conversations/${conversationId}/claim` : '/api/agent/claim-next', { method: 'POST' });
      if (!r) return setNote('Nobody is waiting in your skills right now.');
      navigate(`/agent/conversations/${r.conversation.id}`);
    } catch (err) {
      setError(errorText(err));
      queue.reload();
    }
  };

  const counts = live.queue.bySkill;
  const list = mine.data?.conversations ?? [];
  return (
    <Page
      title="Inbox"
      actions={
        <>
          <NotifyButton />
          <PresenceControl />
        </>
      }
    >
      <ErrorNote error={error} />
      {note ? <p class="muted" role="status">{note}</p> : null}
      <div class="ag-inbox">
        <section class="card" aria-labelledby="mine-title">
          <h2 id="mine-title">
            My conversations <span class="ag-count">{list.length}</span>
          </h2>
          <ErrorNote error={mine.error} />
          <Loading loading={mine.loading && !mine.data} />
          {mine.data && list.length === 0 ? <Empty>No conversations assigned to you. Go online to receive them, or claim one from the queue.</Empty> : null}
          <ul class="ag-convo-list" aria-label="My conversations">
            {list.map((c) => {
              const n = live.unread[c.conversationId] ?? 0;
              return (
                <li key={c.conversationId}>
                  <a href={`#/agent/conversations/${c.conversationId}`} class={c.waitingForReply ? 'waiting' : undefined}>
                    <span class="ag-who">{c.contactName ?? 'Visitor'}</span>
                    {n > 0 ? <span class="ag-unread" aria-label={`${n} unread`}>{n}</span> : null}
                    {c.waitingForReply ? <Badge tone="warn">Waiting for reply</Badge> : null}
                    {c.skill ? <Badge>{c.skill}</Badge> : null}
                    <span class="ag-last">{c.lastMessage ?? ''}</span>
                    <span class="muted ag-small">{ago(c.lastMessageAt)}</span>
                  </a>
                </li>
              );
            })}
          </ul>
        </section>
        <section class="card" aria-labelledby="queue-title">
          <div class="ag-card-head">
            <h2 id="queue-title">
              Queue <span class="ag-count">{live.queue.waiting}</span>
            </h2>
            <button type="button" class="primary" onClick={() => claim(null)}>
              Claim next
            </button>
          </div>
          <div class="ag-tabs" role="group" aria-label="Queue by skill">
            <button type="button" aria-pressed={skill === ''} onClick={() => setSkill('')}>
              All <span class="ag-count">{live.queue.waiting}</span>
            </button>
            {counts.map((c) => (
              <button key={c.skill ?? 'none'} type="button" aria-pressed={skill === (c.skill ?? 'none')} onClick={() => setSkill(c.skill ?? 'none')}>
                {c.skill ?? 'No skill'} <span class="ag-count">{c.waiting}</span>
              </button>
            ))}
          </div>
          <ErrorNote error={queue.error} />
          <ListTable
            rows={queue.data?.queue}
            empty="Nobody is waiting."
            columns={['#', 'Customer', 'Why', 'Skill', 'Waiting', <span class="ag-sr-only">Action</span>]}
            row={(q) => (
              <tr key={q.conversationId}>
                <td>{q.position}</td>
                <td>
                  <strong>{q.contactName ?? 'Visitor'}</strong>
                  {q.effectivePriority > 0 ? <> <Badge tone="warn">P{q.effectivePriority}</Badge></> : null}
                  <div class="muted ag-small ag-clip">{q.lastCustomerMessage ?? ''}</div>
                </td>
                <td>{reasonText(q.handoffReason)}</td>
                <td>{q.skill ?? '—'}</td>
                <td>{ago(q.queuedAt)}</td>
                <ActionCell onClick={() => claim(q.conversationId)} label={`Claim conversation with ${q.contactName ?? 'visitor'}`}>
                  Claim
                </ActionCell>
              </tr>
            )}
          />
        </section>
      </div>
    </Page>
  );
}
