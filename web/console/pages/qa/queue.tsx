// The review queue: grades with filters (subject, category, agent, skill, period), the weakest first; each opens its
// conversation for review.
import { useState } from 'preact/hooks';
import { Badge, Empty, ErrorNote, Loading, Page, ScoreBadge, useApi, when } from '../../ui.tsx';
import { CATEGORIES, categoryName, effectiveAverage, type Evaluation, QaNav, SUBJECT_NAMES } from './shared.tsx';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

export function QueuePage() {
  const [subject, setSubject] = useState('');
  const [category, setCategory] = useState('');
  const [agentId, setAgentId] = useState('');
  const [skill, setSkill] = useState('');
  const [sort, setSort] = useState('lowest');
  const [days, setDays] = useState('30');
  const p = new URLSearchParams({ sort, from: daysAgo(Number(days)), limit: '100' });
  if (subject) p.set('subject', subject);
  if (category) p.set('category', category);
  if (agentId) p.set('agentId', agentId);
  if (skill.trim()) p.set('skill', skill.trim());
  const list = useApi<{ evaluations: Evaluation[] }>(`/api/qa/evaluations?${p}`);
  const agents = useApi<{ byAgent: { agentId: string; agentName: string | null }[] }>(`/api/qa/summary?from=${daysAgo(90)}`);
  return (
    <Page title="Review queue">
      <QaNav />
      <form class="row card" style={{ marginBottom: '12px' }} onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          What
          <select value={subject} onChange={(e) => setSubject(e.currentTarget.value)}>
            <option value="">Everything</option>
            <option value="bot">Bot replies</option>
            <option value="agent">Agent replies</option>
            <option value="conversation">Whole conversations</option>
          </select>
        </label>
        <label>
          Category
          <select value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
            <option value="">Overall</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {categoryName(c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Agent
          <select value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
            <option value="">Anyone</option>
            {(agents.data?.byAgent ?? []).map((a) => (
              <option key={a.agentId} value={a.agentId}>
                {a.agentName ?? a.agentId}
              </option>
            ))}
          </select>
        </label>
        <label>
          Skill
          <input value={skill} onInput={(e) => setSkill(e.currentTarget.value)} placeholder="any" style={{ width: '110px' }} />
        </label>
        <label>
          Period
          <select value={days} onChange={(e) => setDays(e.currentTarget.value)}>
            <option value="7">Last 7 days</option>
            <option value="30">Last 30 days</option>
            <option value="90">Last 90 days</option>
          </select>
        </label>
        <label>
          Order
          <select value={sort} onChange={(e) => setSort(e.currentTarget.value)}>
            <option value="lowest">Lowest first</option>
            <option value="newest">Newest first</option>
          </select>
        </label>
      </form>
      <ErrorNote error={list.error} />
      <Loading loading={list.loading && !list.data} />
      {list.data && list.data.evaluations.length === 0 ? <Empty>Nothing graded matches these filters.</Empty> : null}
      {list.data && list.data.evaluations.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Graded</th>
              <th scope="col">What</th>
              <th scope="col">Agent</th>
              <th scope="col">Skill</th>
              <th scope="col">{category ? categoryName(category) : 'Average'}</th>
              <th scope="col">Weakest</th>
              <th scope="col">
                <span class="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.evaluations.map((e) => {
              const scored = (e.scores ?? []).filter((s) => s.effective !== null);
              const weakest = scored.sort((a, b) => a.effective! - b.effective!)[0];
              const shown = category ? (e.scores ?? []).find((s) => s.category === category)?.effective : effectiveAverage(e);
              const overridden = (e.scores ?? []).some((s) => s.overridden);
              return (
                <tr key={e.id}>
                  <td class="nums">{when(e.createdAt)}</td>
                  <td>{SUBJECT_NAMES[e.subject]}</td>
                  <td>{e.agentName ?? (e.subject === 'bot' ? 'Bot' : '—')}</td>
                  <td>{e.skill ?? '—'}</td>
                  <td>
                    <ScoreBadge score={shown} /> {overridden ? <Badge>overridden</Badge> : null}
                  </td>
                  <td>{weakest ? `${categoryName(weakest.category)} ${weakest.effective}` : '—'}</td>
                  <td>
                    <a href={`#/qa/conversations/${e.conversationId}`} aria-label={`Review the conversation of this ${SUBJECT_NAMES[e.subject].toLowerCase()}`}>
                      Review
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
