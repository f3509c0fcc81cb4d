// Tickets: a filtered list (status, assignee, priority, breached) and a detail page with public replies and internal
// comments, the history, SLA due times with breach badges, and status / priority / assignee changes that send the
// version read (a 409 says someone else changed it: reload and decide again).
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api.ts';
import type { PageProps } from '../../pages.ts';
import { ListTable, SelectField } from '../../forms.tsx';
import { Badge, ErrorNote, errorText, Loading, Page, useApi, when } from '../../ui.tsx';
import { useLive } from './live.ts';
import { breached, TICKET_PRIORITIES, TICKET_STATUSES, type Agent, type Ticket, type TicketDetail } from './types.ts';

const STATUS_LABEL: Record<Ticket['status'], string> = { new: 'New', open: 'Open', pending: 'Pending', on_hold: 'On hold', solved: 'Solved', closed: 'Closed' };
const PRIORITY_TONE: Record<Ticket['priority'], 'ok' | 'info' | 'warn' | 'bad'> = { low: 'ok', normal: 'info', high: 'warn', urgent: 'bad' };

function Due(props: { label: string; due: string | null; breachedAt: string | null; done?: string | null }) {
  if (!props.due && !props.breachedAt) return null;
  return (
    <>
      <dt>{props.label}</dt>
      <dd>
        {when(props.due)} {props.breachedAt ? <Badge tone="bad">Breached</Badge> : props.done ? <Badge tone="ok">Met</Badge> : null}
      </dd>
    </>
  );
}

/** A history change in words: [before, after] pairs as "a → b", agent ids as names when known. */
function changeText(key: string, value: unknown, names: Map<string, string>): string {
  const one = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'string' ? (key === 'assigneeId' ? (names.get(v) ?? 'another agent') : v) : JSON.stringify(v));
  return Array.isArray(value) && value.length === 2 ? `${one(value[0])} → ${one(value[1])}` : one(value);
}

export function TicketList(_props: PageProps) {
  const [status, setStatus] = useState('new,open,pending,on_hold');
  const [assignee, setAssignee] = useState('');
  const [priority, setPriority] = useState('');
  const [onlyBreached, setOnlyBreached] = useState(false);
  const qs = new URLSearchParams();
  if (status) qs.set('status', status);
  if (assignee) qs.set('assignee', assignee);
  if (priority) qs.set('priority', priority);
  if (onlyBreached) qs.set('breached', 'true');
  const list = useApi<{ tickets: Ticket[] }>(`/api/tickets?${qs}`);
  useLive((e) => {
    if (e.type === 'sla_breach' || e.type === 'ticket_reply' || e.type === 'unassigned' || (e.type === 'assignment' && e.data?.ticket)) list.reload();
  }, [list.reload]);
  return (
    <Page title="Tickets">
      <form class="ag-filters" aria-label="Filter tickets" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="Status" value={status} onValue={setStatus} options={TICKET_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))}>
          <option value="new,open,pending,on_hold">Unsolved</option>
          <option value="">Any</option>
        </SelectField>
        <SelectField label="Assignee" value={assignee} onValue={setAssignee}>
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Unassigned</option>
        </SelectField>
        <SelectField label="Priority" value={priority} onValue={setPriority} options={TICKET_PRIORITIES.map((p) => ({ value: p, label: p }))}>
          <option value="">Any</option>
        </SelectField>
        <label class="check">
          <input type="checkbox" checked={onlyBreached} onChange={(e) => setOnlyBreached(e.currentTarget.checked)} /> SLA breached only
        </label>
      </form>
      <ErrorNote error={list.error} />
      <Loading loading={list.loading && !list.data} />
      <ListTable
        rows={list.data?.tickets}
        empty="No tickets match these filters."
        columns={['#', 'Subject', 'Status', 'Priority', 'Assignee', 'Next due']}
        row={(t) => (
          <tr key={t.id}>
            <td>{t.number}</td>
            <td>
              <a href={`#/tickets/${t.id}`}>{t.subject}</a>
              <div class="muted ag-small">{t.contactName ?? ''}</div>
            </td>
            <td>
              <Badge>{STATUS_LABEL[t.status]}</Badge>
            </td>
            <td>
              <Badge tone={PRIORITY_TONE[t.priority]}>{t.priority}</Badge>
            </td>
            <td>{t.assigneeName ?? <span class="muted">Unassigned</span>}</td>
            <td>
              {when(t.firstRespondedAt ? (t.nextResponseDueAt ?? t.resolutionDueAt) : t.firstResponseDueAt)} {breached(t) ? <Badge tone="bad">Breached</Badge> : null}
            </td>
          </tr>
        )}
      />
    </Page>
  );
}

export function TicketPage(props: PageProps) {
  const id = props.params.id!;
  const d = useApi<TicketDetail>(`/api/tickets/${id}`);
  const agents = useApi<{ agents: Agent[] }>('/api/team/agents');
  const [conflict, setConflict] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [body, setBody] = useState('');
  const [isPublic, setIsPublic] = useState(true);
  const [busy, setBusy] = useState(false);
  useLive((e) => {
    if ((e.type === 'ticket_reply' || e.type === 'sla_breach') && e.data?.ticketId === id) d.reload();
  }, [id, d.reload]);

  if (!d.data) {
    return (
      <Page title="Ticket">
        <ErrorNote error={d.error} />
        <Loading loading={d.loading} />
      </Page>
    );
  }
  const t = d.data.ticket;
  const names = new Map((agents.data?.agents ?? []).map((a) => [a.id, a.name]));
  const change = async (patch: Partial<Pick<Ticket, 'status' | 'priority' | 'assigneeId'>>) => {
    setError(null);
    setConflict(null);
    try {
      await api(`/api/tickets/${id}`, { method: 'PATCH', body: { version: t.version, ...patch } });
      d.reload();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setConflict(err.message);
      else setError(errorText(err));
    }
  };
  const comment = async (e: Event) => {
    e.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await api(`/api/tickets/${id}/comments`, { body: { body, public: isPublic } });
      setBody('');
      d.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page
      title={`#${t.number} ${t.subject}`}
      actions={
        <a href="#/tickets" class="ag-button-link">
          ← Tickets
        </a>
      }
    >
      {conflict ? (
        <div class="error ag-conflict" role="alert">
          {conflict}{' '}
          <button
            type="button"
            onClick={() => {
              setConflict(null);
              d.reload();
            }}
          >
            Reload
          </button>
        </div>
      ) : null}
      <ErrorNote error={error} />
      <div class="ag-convo">
        <div class="ag-convo-main">
          <div class="ag-transcript" role="log" aria-label="Comments" tabIndex={0}>
          <ol class="ag-msgs">
            {d.data.comments.length === 0 ? <li class="muted">No comments yet.</li> : null}
            {d.data.comments.map((c) => (
              <li key={c.id} class={`ag-msg ${c.authorType === 'customer' ? 'customer' : 'agent'}${c.public ? '' : ' note'}`}>
                <div class="ag-meta">
                  <span>{c.authorName ?? c.authorType}</span>
                  <span>{c.public ? 'Public reply' : 'Internal comment'}</span>
                  <time dateTime={c.createdAt}>{when(c.createdAt)}</time>
                </div>
                <div class="ag-body">{c.body}</div>
              </li>
            ))}
          </ol>
          </div>
          <form class={`ag-composer${isPublic ? '' : ' note'}`} onSubmit={comment}>
            <div class="ag-seg" role="group" aria-label="Comment type">
              <button type="button" aria-pressed={isPublic} onClick={() => setIsPublic(true)}>
                Public reply
              </button>
              <button type="button" aria-pressed={!isPublic} onClick={() => setIsPublic(false)}>
                Internal comment
              </button>
            </div>
            <label for="comment" class="ag-sr-only">
              {isPublic ? 'Public reply' : 'Internal comment'}
            </label>
            <textarea id="comment" rows={4} value={body} placeholder={isPublic ? 'The customer sees this reply' : 'Only agents see this comment'} onInput={(e) => setBody(e.currentTarget.value)} />
            <div class="ag-row end">
              <button type="submit" class="primary" disabled={busy || !body.trim()}>
                {isPublic ? 'Send reply' : 'Add comment'}
              </button>
            </div>
          </form>
          <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">History</h2>
            <ul class="ag-plain ag-history">
              {d.data.history.map((h) => (
                <li key={h.id}>
                  <time class="muted ag-small" dateTime={h.createdAt}>{when(h.createdAt)}</time> <strong>{h.kind}</strong> <span class="muted ag-small">by {h.actorType}</span>{' '}
                  {Object.entries(h.changes ?? {})
                    .map(([k, v]) => `${k === 'assigneeId' ? 'assignee' : k}: ${changeText(k, v, names)}`)
                    .join(' · ')}
                </li>
              ))}
            </ul>
          </section>
        </div>
        <aside class="ag-convo-side" aria-label="Ticket properties">
          <section class="card ag-props">
            <SelectField label="Status" value={t.status} onValue={(v) => change({ status: v })} options={TICKET_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))} />
            <SelectField label="Priority" value={t.priority} onValue={(v) => change({ priority: v })} options={TICKET_PRIORITIES.map((p) => ({ value: p, label: p }))} />
            <label>
              Assignee
              <select value={t.assigneeId ?? ''} onChange={(e) => change({ assigneeId: e.currentTarget.value || null })}>
                <option value="">Unassigned</option>
                {t.assigneeId && !agents.data?.agents.some((a) => a.id === t.assigneeId) ? <option value={t.assigneeId}>{t.assigneeName ?? 'Current assignee'}</option> : null}
                {agents.data?.agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.id === props.me.id ? `${a.name} (me)` : a.name}
                  </option>
                ))}
              </select>
            </label>
            {t.assigneeId !== props.me.id ? (
              <button type="button" onClick={() => change({ assigneeId: props.me.id })}>
                Assign to me
              </button>
            ) : null}
            <dl class="ag-kv">
              <dt>Customer</dt>
              <dd>{t.contactName ?? '—'}</dd>
              <dt>Type</dt>
              <dd>{t.type}</dd>
              <dt>Skill</dt>
              <dd>{t.skill ?? '—'}</dd>
              {t.conversationId ? (
                <>
                  <dt>Conversation</dt>
                  <dd>
                    <a href={`#/agent/conversations/${t.conversationId}`}>Open</a>
                  </dd>
                </>
              ) : null}
              <Due label="First response due" due={t.firstResponseDueAt} breachedAt={t.firstResponseBreachedAt} done={t.firstRespondedAt} />
              <Due label="Next response due" due={t.nextResponseDueAt} breachedAt={t.nextResponseBreachedAt} />
              <Due label="Resolution due" due={t.resolutionDueAt} breachedAt={t.resolutionBreachedAt} />
              <dt>Version</dt>
              <dd>{t.version}</dd>
            </dl>
          </section>
        </aside>
      </div>
    </Page>
  );
}
