// The QA dashboard: score trends over time (bot against people), and averages by agent, skill and category, from
// GET /api/qa/summary — charts, with the numbers in tables beside them for those who would rather read.
import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'preact/hooks';
import { TableHead } from '../../forms.tsx';
import { Empty, ErrorNote, Loading, Page, useApi } from '../../ui.tsx';
import { categoryName, ChartCanvas, QaNav, SUBJECT_NAMES } from './shared.tsx';

type Avg = { average: number; n: number };
type Summary = {
  from: string;
  to: string;
  trend: (Avg & { day: string; subject: 'bot' | 'agent' | 'conversation' })[];
  bySubject: (Avg & { subject: 'bot' | 'agent' | 'conversation'; evaluations: number })[];
  byAgent: (Avg & { agentId: string; agentName: string | null; evaluations: number })[];
  bySkill: (Avg & { skill: string | null; evaluations: number })[];
  byCategory: (Avg & { category: string; overridden: number })[];
};

const COLORS = { bot: '#7c3aed', agent: '#15803d', conversation: '#1d4ed8' };
const SCALE = { min: 1, max: 5, title: { display: true, text: 'average score (1–5)' } };
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

function bars(labels: string[], data: number[], label: string, color: string | string[], horizontal = false): ChartConfiguration {
  return {
    type: 'bar',
    data: { labels, datasets: [{ label, data, backgroundColor: color }] },
    options: { indexAxis: horizontal ? 'y' : 'x', scales: { [horizontal ? 'x' : 'y']: SCALE }, plugins: { legend: { display: false } } },
  };
}

export function DashboardPage() {
  const [days, setDays] = useState('30');
  const s = useApi<Summary>(`/api/qa/summary?from=${daysAgo(Number(days))}`);
  const data = s.data;
  const charts = useMemo(() => {
    if (!data) return null;
    const dayList = [...new Set(data.trend.map((t) => t.day))].sort();
    const trend: ChartConfiguration = {
      type: 'line',
      data: {
        labels: dayList,
        datasets: (['bot', 'agent', 'conversation'] as const).map((subject) => ({
          label: SUBJECT_NAMES[subject],
          data: dayList.map((d) => data.trend.find((t) => t.day === d && t.subject === subject)?.average ?? null),
          borderColor: COLORS[subject],
          backgroundColor: COLORS[subject],
          spanGaps: true,
          tension: 0.2,
        })),
      },
      // offset: days sit in the middle of their slot, so a period of one day is a visible point, not one on the axis.
      options: { scales: { y: SCALE, x: { offset: true } }, elements: { point: { radius: 4 } } },
    };
    return {
      trend,
      // The same colour per subject as in the trend, so the two charts read together.
      subject: bars(data.bySubject.map((x) => SUBJECT_NAMES[x.subject]), data.bySubject.map((x) => x.average), 'Average', data.bySubject.map((x) => COLORS[x.subject])),
      agent: bars(data.byAgent.map((x) => x.agentName ?? 'unknown'), data.byAgent.map((x) => x.average), 'Average', '#15803d', true),
      skill: bars(data.bySkill.map((x) => x.skill ?? 'no skill'), data.bySkill.map((x) => x.average), 'Average', '#0e7490', true),
      category: bars(data.byCategory.map((x) => categoryName(x.category)), data.byCategory.map((x) => x.average), 'Average', '#9a3412'),
    };
  }, [data]);
  const empty = data && data.bySubject.length === 0;
  const words = (list: { label: string; average: number; n: number }[]) => list.map((x) => `${x.label} ${x.average.toFixed(2)} (${x.n})`).join(', ');
  return (
    <Page
      title="Quality"
      actions={
        <label class="inline">
          Period
          <select value={days} onChange={(e) => setDays(e.currentTarget.value)}>
            <option value="7">Last 7 days</option>
            <option value="30">Last 30 days</option>
            <option value="90">Last 90 days</option>
          </select>
        </label>
      }
    >
      <QaNav />
      <ErrorNote error={s.error} />
      <Loading loading={s.loading && !data} />
      {empty ? <Empty>No graded conversations in this period yet. Grades appear once conversations are resolved.</Empty> : null}
      {data && charts && !empty ? (
        <div class="stack">
          <div class="grid-quad">
            <section class="card">
              <h2>Score trend: bot against people</h2>
              <ChartCanvas config={charts.trend} summary={`Daily average scores. ${words(data.bySubject.map((x) => ({ label: SUBJECT_NAMES[x.subject], ...x })))}`} />
            </section>
            <section class="card">
              <h2>Bot against people</h2>
              <ChartCanvas config={charts.subject} summary={words(data.bySubject.map((x) => ({ label: SUBJECT_NAMES[x.subject], ...x })))} />
              <p class="muted" style={{ margin: '8px 0 0', fontSize: '13px' }}>
                {data.bySubject.map((x) => `${SUBJECT_NAMES[x.subject]}: ${x.average.toFixed(2)} over ${x.evaluations} graded`).join(' · ')}
              </p>
            </section>
            <section class="card">
              <h2>By agent (weakest first)</h2>
              {data.byAgent.length ? <ChartCanvas config={charts.agent} summary={words(data.byAgent.map((x) => ({ label: x.agentName ?? 'unknown', ...x })))} /> : <p class="muted">No agent replies graded.</p>}
            </section>
            <section class="card">
              <h2>By skill</h2>
              <ChartCanvas config={charts.skill} summary={words(data.bySkill.map((x) => ({ label: x.skill ?? 'no skill', ...x })))} />
            </section>
          </div>
          <section class="card">
            <h2>By category</h2>
            <ChartCanvas config={charts.category} summary={words(data.byCategory.map((x) => ({ label: categoryName(x.category), ...x })))} />
            <table style={{ marginTop: '12px' }}>
              <TableHead columns={['Category', 'Average', 'Scores', 'Overridden by people']} />
              <tbody>
                {data.byCategory.map((c) => (
                  <tr key={c.category}>
                    <td>{categoryName(c.category)}</td>
                    <td class="nums">{c.average.toFixed(2)}</td>
                    <td class="nums">{c.n}</td>
                    <td class="nums">{c.overridden}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      ) : null}
    </Page>
  );
}
