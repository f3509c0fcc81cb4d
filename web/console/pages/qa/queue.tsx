// The review queue: grades with filters (subject, category, agent, skill, period), the weakest first; each opens its
// conversation for review.
import { useState } from 'preact/hooks';
import { ListTable, SelectField, TextField } from '../../forms.tsx';
import { Badge, ErrorNote, Loading, Page, ScoreBadge, useApi, when } from '../../ui.tsx';
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
        <SelectField label="What" value={subject} onValue={setSubject}>
          <option value="">Everything</option>
          <option value="bot">Bot replies</option>
          <option value="agent">Agent replies</option>
          <option value="conversation">Whole conversations</option>
        </SelectField>
        <SelectField label="Category" value={category} onValue={setCategory} options={CATEGORIES.map((c) => ({ value: c, label: categoryName(c) }))}>
          <option value="">Overall</option>
        </SelectField>
        <SelectField label="Agent" value={agentId} onValue={setAgentId} options={(agents.data?.byAgent ?? []).map((a) => ({ value: a.agentId, label: a.agentName ?? a.agentId }))}>
          <option value="">Anyone</option>
        </SelectField>
        <TextField label="Skill" value={skill} onValue={setSkill} placeholder="any" inputStyle={{ width: '110px' }} />
        <SelectField label="Period" value={days} onValue={setDays}>
          <option value="7">Last 7 days</option>
          <option value="30">Last 30 days</option>
          <option value="90">Last 90 days</option>
        </SelectField>
        <SelectField label="Order" value={sort} onValue={setSort}>
          <option value="lowest">Lowest first</option>
          <option value="newest">Newest first</option>
        </SelectField>
      </form>
      <ErrorNote error={list.error} />
      <Loading loading={list.loading && !list.data} />
      <ListTable
        rows={list.data?.evaluations}
        empty="Nothing graded matches these filters."
        columns={['Graded', 'What', 'Agent', 'Skill', category ? categoryName(category) : 'Average', 'Weakest']} actions="Open"
        row={(e) => {
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
        }}
      />
    </Page>
  );
}
