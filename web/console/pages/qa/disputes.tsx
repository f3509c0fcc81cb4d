// Disputes: agents' objections to a grade; accept (optionally with a new score, which overrides the grade) or reject,
// with a resolution the agent reads.
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { SelectField, TextField } from '../../forms.tsx';
import { Badge, Empty, ErrorNote, FormError, Loading, Page, useAction, useApi, when } from '../../ui.tsx';
import { categoryName, QaNav, SCORE_OPTIONS } from './shared.tsx';

type Dispute = { id: string; evaluationId: string; conversationId: string; category: string; agentName: string | null; reason: string; status: 'open' | 'accepted' | 'rejected'; resolution: string | null; createdAt: string };

export function DisputesPage() {
  const [status, setStatus] = useState('open');
  const list = useApi<{ disputes: Dispute[] }>(`/api/qa/disputes${status ? `?status=${status}` : ''}`);
  return (
    <Page title="Disputes">
      <QaNav />
      <label class="inline" style={{ marginBottom: '12px' }}>
        Show
        <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="open">Open</option>
          <option value="accepted">Accepted</option>
          <option value="rejected">Rejected</option>
          <option value="">All</option>
        </select>
      </label>
      <ErrorNote error={list.error} />
      <Loading loading={list.loading && !list.data} />
      {list.data && list.data.disputes.length === 0 ? <Empty>No {status || ''} disputes.</Empty> : null}
      <div class="stack">
        {(list.data?.disputes ?? []).map((d) => (
          <DisputeCard key={d.id} dispute={d} onChanged={list.reload} />
        ))}
      </div>
    </Page>
  );
}

function DisputeCard(props: { dispute: Dispute; onChanged: () => void }) {
  const d = props.dispute;
  const [resolution, setResolution] = useState('');
  const [score, setScore] = useState('');
  const action = useAction();
  const settle = (status: 'accepted' | 'rejected') =>
    action.run(async () => {
      await api(`/api/qa/disputes/${d.id}`, { method: 'PATCH', body: { status, resolution, ...(status === 'accepted' && score ? { score: Number(score) } : {}) } });
      props.onChanged();
    });
  return (
    <section class="card" aria-label={`Dispute by ${d.agentName ?? 'an agent'} about ${categoryName(d.category)}`}>
      <h2>
        {d.agentName ?? 'An agent'} disputes {categoryName(d.category)} <Badge tone={d.status === 'open' ? 'warn' : d.status === 'accepted' ? 'ok' : 'info'}>{d.status}</Badge>
      </h2>
      <p style={{ margin: '0 0 6px' }}>“{d.reason}”</p>
      <p class="muted" style={{ margin: '0 0 10px', fontSize: '13px' }}>
        {when(d.createdAt)} · <a href={`#/qa/conversations/${d.conversationId}`}>Open the conversation</a>
      </p>
      {d.status === 'open' ? (
        <form class="row" onSubmit={(e) => e.preventDefault()}>
          <TextField label="Resolution (the agent reads this)" value={resolution} onValue={setResolution} style={{ flex: '1 1 300px' }} />
          <SelectField label="New score (when accepting)" value={score} onValue={setScore} options={SCORE_OPTIONS}>
            <option value="">Keep</option>
          </SelectField>
          <button type="button" class="primary" disabled={action.busy} onClick={() => settle('accepted')}>
            Accept
          </button>
          <button type="button" disabled={action.busy} onClick={() => settle('rejected')}>
            Reject
          </button>
        </form>
      ) : (
        <p style={{ margin: 0 }}>
          <strong>Resolution:</strong> {d.resolution}
        </p>
      )}
      <FormError error={action.error} />
    </section>
  );
}
