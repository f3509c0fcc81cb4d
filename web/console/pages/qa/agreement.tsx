// Agreement: how far the automated grades agree with people's reviews, per category — quadratic-weighted Cohen's
// kappa in words, Spearman with its interval, exact matches — as a chart and a table.
import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'preact/hooks';
import { TableHead } from '../../forms.tsx';
import { Empty, ErrorNote, Loading, Page, useApi } from '../../ui.tsx';
import { categoryName, ChartCanvas, QaNav } from './shared.tsx';

type Row = { category: string; reviews: number; kappa: number | null; agreement: string; spearman: { rho: number; ci: [number, number] } | null; exactMatch: number | null };

export function AgreementPage() {
  const [scorer, setScorer] = useState('deterministic');
  const data = useApi<{ categories: Row[] }>(`/api/qa/agreement?scorer=${scorer}`);
  const rows = data.data?.categories ?? [];
  const reviewed = rows.filter((r) => r.reviews > 0);
  const charted = reviewed.filter((r) => r.kappa !== null);
  const chart = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: charted.map((r) => categoryName(r.category)),
        datasets: [{ label: 'Weighted kappa', data: charted.map((r) => r.kappa ?? 0), backgroundColor: charted.map((r) => ((r.kappa ?? 0) >= 0.6 ? '#15803d' : (r.kappa ?? 0) >= 0.4 ? '#ca8a04' : '#b42318')) }],
      },
      options: { scales: { y: { min: -1, max: 1, title: { display: true, text: 'kappa (1 = full agreement)' } } }, plugins: { legend: { display: false } } },
    }),
    [data.data],
  );
  return (
    <Page
      title="Agreement with reviewers"
      actions={
        <label class="inline">
          Scorer
          <select value={scorer} onChange={(e) => setScorer(e.currentTarget.value)}>
            <option value="deterministic">Deterministic</option>
            <option value="llm">LLM judge</option>
          </select>
        </label>
      }
    >
      <QaNav />
      <ErrorNote error={data.error} />
      <Loading loading={data.loading && !data.data} />
      {data.data && reviewed.length === 0 ? <Empty>No reviews in the last 30 days: override some grades in the review queue to measure agreement.</Empty> : null}
      {reviewed.length ? (
        <section class="card" style={{ marginBottom: '16px' }}>
          <h2>Kappa per category</h2>
          {charted.length ? (
            <ChartCanvas config={chart} summary={charted.map((r) => `${categoryName(r.category)}: ${r.agreement}`).join(', ')} />
          ) : (
            <p class="muted" style={{ margin: 0 }}>
              Kappa needs more reviews per category before it means anything; keep overriding grades where you disagree (and confirming them where you agree).
            </p>
          )}
        </section>
      ) : null}
      {data.data ? (
        <table>
          <TableHead columns={['Category', 'Reviews', 'Weighted kappa', 'In words', 'Spearman (95 % interval)', 'Exact matches']} />
          <tbody>
            {rows.map((r) => (
              <tr key={r.category}>
                <td>{categoryName(r.category)}</td>
                <td class="nums">{r.reviews}</td>
                <td class="nums">{r.kappa === null ? '—' : r.kappa.toFixed(2)}</td>
                <td>{r.agreement}</td>
                <td class="nums">{r.spearman ? `${r.spearman.rho.toFixed(2)} (${r.spearman.ci[0].toFixed(2)} – ${r.spearman.ci[1].toFixed(2)})` : '—'}</td>
                <td class="nums">{r.exactMatch === null ? '—' : `${Math.round(r.exactMatch * 100)} %`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
