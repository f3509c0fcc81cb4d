// Knowledge gaps: questions the bot could not answer, grouped by similarity; mark them resolved (the knowledge base
// now covers them) or dismissed (not worth covering).
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { ListTable, SelectField } from '../../forms.tsx';
import { ErrorNote, FormError, Loading, Page, useAction, useApi, when } from '../../ui.tsx';
import { KmNav } from './shared.tsx';

type Gap = { id: string; question: string; count: number; examples: string[]; status: 'open' | 'resolved' | 'dismissed'; firstSeen: string; lastSeen: string };

export function GapsPage() {
  const [status, setStatus] = useState<Gap['status']>('open');
  const [sort, setSort] = useState<'count' | 'recent'>('count');
  const list = useApi<{ gaps: Gap[] }>(`/api/kb/gaps?status=${status}&sort=${sort}`);
  const action = useAction();
  const set = (g: Gap, to: Gap['status']) =>
    action.run(async () => {
      await api(`/api/kb/gaps/${g.id}`, { method: 'PATCH', body: { status: to } });
      list.reload();
    });
  return (
    <Page title="Knowledge gaps">
      <KmNav />
      <div class="row" style={{ marginBottom: '12px' }}>
        <SelectField label="Show" value={status} onValue={setStatus}>
          <option value="open">Open</option>
          <option value="resolved">Resolved</option>
          <option value="dismissed">Dismissed</option>
        </SelectField>
        <SelectField label="Order" value={sort} onValue={setSort}>
          <option value="count">Most asked</option>
          <option value="recent">Most recent</option>
        </SelectField>
      </div>
      <FormError error={action.error} />
      <ErrorNote error={list.error} />
      <Loading loading={list.loading && !list.data} />
      <ListTable
        rows={list.data?.gaps}
        empty={status === 'open' ? <>No open gaps: the bot found an answer for every question it was asked.</> : <>No {status} gaps yet.</>}
        columns={['Question', 'Asked', 'Last seen', 'Actions']}
        row={(g) => (
          <tr key={g.id}>
            <td>
              <strong>{g.question}</strong>
              {g.examples.length > 1 ? (
                <details>
                  <summary class="muted">{g.examples.length} ways it was asked</summary>
                  <ul>
                    {g.examples.map((x, i) => (
                      <li key={i}>{x}</li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </td>
            <td class="nums">{g.count}×</td>
            <td class="nums">{when(g.lastSeen)}</td>
            <td>
              <div class="inline">
                {g.status !== 'resolved' ? (
                  <button type="button" onClick={() => set(g, 'resolved')} disabled={action.busy}>
                    Mark resolved
                  </button>
                ) : null}
                {g.status !== 'dismissed' ? (
                  <button type="button" onClick={() => set(g, 'dismissed')} disabled={action.busy}>
                    Dismiss
                  </button>
                ) : null}
                {g.status !== 'open' ? (
                  <button type="button" onClick={() => set(g, 'open')} disabled={action.busy}>
                    Reopen
                  </button>
                ) : null}
              </div>
            </td>
          </tr>
        )}
      />
    </Page>
  );
}
