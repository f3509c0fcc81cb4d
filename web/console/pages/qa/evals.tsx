// Eval runs: the reports `kefu eval` wrote (GET /api/evals/runs), newest first with their headline metrics; each
// opens its self-contained HTML report.
import { useState } from 'preact/hooks';
import { ListTable } from '../../forms.tsx';
import { ErrorNote, Loading, Page, useApi, when } from '../../ui.tsx';
import { QaNav } from './shared.tsx';

type Run = { id: string; label: string; createdAt: string; cases: number | null; durationMs: number | null; answerMode: string | null; metrics: Record<string, number>; hasHtml: boolean };

/** The headline metrics shown per run, with the words people read them by. */
const METRIC_LABELS: Record<string, string> = {
  'hit@5': 'Hit@5',
  mrr: 'MRR',
  answerPrecision: 'Answer precision',
  inScopeAnswerRate: 'In-scope answered',
  escalationRecall: 'Escalation recall',
  answerTokenF1: 'Answer token F1',
};
const SHOWN = Object.keys(METRIC_LABELS);
const pct = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));

export function EvalRunsPage() {
  const list = useApi<{ runs: Run[] }>('/api/evals/runs');
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Page title="Eval runs">
      <QaNav />
      <ErrorNote error={list.error} />
      <Loading loading={list.loading && !list.data} />
      <ListTable
        rows={list.data?.runs}
        empty={<>No eval runs yet. Run <code>npx kefu eval --cases X.cases.jsonl --kb X.kb.jsonl</code> on the server; its reports appear here.</>}
        columns={['Run', 'When', 'Cases', ...SHOWN.map((k) => METRIC_LABELS[k]!), 'Report']}
        row={(r) => (
          <tr key={r.id}>
            <td>
              <strong>{r.label}</strong>
              <div class="muted" style={{ fontSize: '12px' }}>
                {r.id}
                {r.answerMode ? ` · ${r.answerMode}` : ''}
              </div>
            </td>
            <td class="nums">{when(r.createdAt)}</td>
            <td class="nums">{r.cases ?? '—'}</td>
            {SHOWN.map((m) => (
              <td key={m} class="nums">
                {pct(r.metrics[m])}
              </td>
            ))}
            <td>
              {r.hasHtml ? (
                <div class="inline">
                  <button type="button" onClick={() => setOpen(open === r.id ? null : r.id)} aria-expanded={open === r.id}>
                    {open === r.id ? 'Hide' : 'Show'}
                  </button>
                  <a href={`/api/evals/runs/${encodeURIComponent(r.id)}/report.html`} target="_blank" rel="noopener">
                    Open in a new tab
                  </a>
                </div>
              ) : (
                <span class="muted">no HTML</span>
              )}
            </td>
          </tr>
        )}
      />
      {open ? <iframe title={`Eval report ${open}`} src={`/api/evals/runs/${encodeURIComponent(open)}/report.html`} sandbox="allow-scripts" style={{ width: '100%', height: '80vh', border: '1px solid var(--line)', marginTop: '16px', background: '#fff' }} /> : null}
    </Page>
  );
}
