// Skills, routing rules, SLA policies and canned responses (quick replies): the team API (team:manage).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { ActionCell, CreateForm, ListStatus, ListTable, SubmitButton, TableHead, TextField, useListChange } from '../../forms.tsx';
import { Empty, ErrorNote, FormError, Loading, Page, useAction, useApi } from '../../ui.tsx';
import { AdminNav, splitList } from './shared.tsx';

type Skill = { id: string; name: string; label: string; description: string | null; agents: number };

export function SkillsPage() {
  const list = useApi<{ skills: Skill[] }>('/api/team/skills');
  const [name, setName] = useState('');
  const [label, setLabel] = useState('');
  const [description, setDescription] = useState('');
  const create = useAction();
  const change = useListChange(list.reload);
  const submit = async () => {
    await api('/api/team/skills', { body: { name: name.trim(), ...(label.trim() ? { label: label.trim() } : {}), ...(description.trim() ? { description: description.trim() } : {}) } });
    setName('');
    setLabel('');
    setDescription('');
    list.reload();
  };
  const remove = (s: Skill) => change.act(`Delete the skill "${s.label}"?`, () => api(`/api/team/skills/${encodeURIComponent(s.name)}`, { method: 'DELETE' }));
  return (
    <Page title="Skills">
      <AdminNav />
      <div class="stack">
        <CreateForm id="new-skill" title="New skill" action={create} onSubmit={submit}>
          <div class="row">
            <TextField label="Name (lowercase, for routing)" required value={name} onValue={setName} placeholder="billing" />
            <TextField label="Label" value={label} onValue={setLabel} placeholder="Billing" />
            <TextField label="Description" value={description} onValue={setDescription} style={{ flex: '1 1 260px' }} />
            <SubmitButton busy={create.busy}>Create skill</SubmitButton>
          </div>
        </CreateForm>
        <ListStatus list={list} actionError={change.error} />
        <ListTable
          rows={list.data?.skills}
          empty="No skills yet: every conversation goes to one shared queue."
          columns={['Skill', 'Name', 'Description', 'Agents']} actions="Actions"
          row={(s) => (
            <tr key={s.id}>
              <td>{s.label}</td>
              <td>
                <code>{s.name}</code>
              </td>
              <td>{s.description ?? '—'}</td>
              <td class="nums">{s.agents}</td>
              <ActionCell onClick={() => remove(s)} label={`Delete skill ${s.label}`}>
                Delete
              </ActionCell>
            </tr>
          )}
        />
      </div>
    </Page>
  );
}

type Rule = { name: string; when: { reasons?: string[]; keywords?: string[]; tiers?: string[]; languages?: string[]; channels?: string[] }; skill: string | null; priority: number };
type RuleDraft = { name: string; keywords: string; reasons: string; tiers: string; languages: string; skill: string; priority: string };
const toDraft = (r: Rule): RuleDraft => ({
  name: r.name,
  keywords: (r.when.keywords ?? []).join(', '),
  reasons: (r.when.reasons ?? []).join(', '),
  tiers: (r.when.tiers ?? []).join(', '),
  languages: (r.when.languages ?? []).join(', '),
  skill: r.skill ?? '',
  priority: String(r.priority),
});
const fromDraft = (d: RuleDraft): Rule => {
  const when: Rule['when'] = {};
  for (const k of ['keywords', 'reasons', 'tiers', 'languages'] as const) if (splitList(d[k]).length) when[k] = splitList(d[k]);
  return { name: d.name.trim(), when, skill: d.skill.trim() || null, priority: Number(d.priority) };
};

export function RoutingPage() {
  const data = useApi<{ rules: Rule[] }>('/api/team/routing-rules');
  const [rules, setRules] = useState<RuleDraft[]>([]);
  useEffect(() => setRules((data.data?.rules ?? []).map(toDraft)), [data.data]);
  const save = useAction();
  const [saved, setSaved] = useState(false);
  const set = (i: number, patch: Partial<RuleDraft>) => setRules(rules.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: number) => {
    const next = [...rules];
    const [r] = next.splice(i, 1);
    next.splice(i + by, 0, r!);
    setRules(next);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void save.run(async () => {
      await api('/api/team/routing-rules', { method: 'PUT', body: { rules: rules.map(fromDraft) } });
      setSaved(true);
      data.reload();
    });
  };
  const field = (i: number, k: keyof RuleDraft, label: string, width = '140px') => (
    <label>
      {label}
      <input value={rules[i]![k]} onInput={(e) => set(i, { [k]: e.currentTarget.value })} style={{ width }} />
    </label>
  );
  return (
    <Page title="Routing rules">
      <AdminNav />
      <p class="muted" style={{ marginTop: 0 }}>
        The first rule that matches a handed-over conversation picks its skill and priority. Lists are comma-separated; an empty condition matches everything.
      </p>
      <ErrorNote error={data.error} />
      <Loading loading={data.loading && !data.data} />
      <form class="stack" onSubmit={submit}>
        {rules.length === 0 && data.data ? <Empty>No rules: conversations go to their collection's default skill, else the workspace default.</Empty> : null}
        {rules.map((r, i) => (
          <fieldset key={i} class="card row" style={{ margin: 0 }}>
            <legend>
              Rule {i + 1}
              {r.name ? `: ${r.name}` : ''}
            </legend>
            {field(i, 'name', 'Name')}
            {field(i, 'keywords', 'Keywords', '200px')}
            {field(i, 'reasons', 'Handoff reasons')}
            {field(i, 'tiers', 'Customer tiers', '110px')}
            {field(i, 'languages', 'Languages', '90px')}
            {field(i, 'skill', 'Skill', '110px')}
            <TextField label="Priority (0–100)" type="number" value={r.priority} onValue={(v) => set(i, { priority: v })} inputStyle={{ width: '80px' }} />
            <div class="inline">
              <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move rule ${i + 1} up`}>
                ↑
              </button>
              <button type="button" disabled={i === rules.length - 1} onClick={() => move(i, 1)} aria-label={`Move rule ${i + 1} down`}>
                ↓
              </button>
              <button type="button" onClick={() => setRules(rules.filter((_, k) => k !== i))} aria-label={`Remove rule ${i + 1}`}>
                Remove
              </button>
            </div>
          </fieldset>
        ))}
        <div class="inline">
          <button type="button" onClick={() => setRules([...rules, { name: '', keywords: '', reasons: '', tiers: '', languages: '', skill: '', priority: '0' }])}>
            Add a rule
          </button>
          <button type="submit" class="primary" disabled={save.busy}>
            Save rules
          </button>
          {saved ? <span role="status" class="muted">Saved.</span> : null}
        </div>
        <FormError error={save.error} />
      </form>
    </Page>
  );
}

type Sla = { priority: 'low' | 'normal' | 'high' | 'urgent'; firstResponseMinutes: number | null; nextResponseMinutes: number | null; resolutionMinutes: number | null; businessHours: boolean };

export function SlaPage() {
  const data = useApi<{ policies: Sla[] }>('/api/team/sla-policies');
  const [rows, setRows] = useState<Sla[]>([]);
  useEffect(() => setRows(data.data?.policies ?? []), [data.data]);
  const save = useAction();
  const [saved, setSaved] = useState(false);
  const set = (i: number, patch: Partial<Sla>) => setRows(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const minutes = (v: string) => (v.trim() === '' ? null : Number(v));
  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void save.run(async () => {
      await api('/api/team/sla-policies', { method: 'PUT', body: { policies: rows } });
      setSaved(true);
      data.reload();
    });
  };
  const hours = (m: number | null) => (m === null ? 'no target' : m % 60 === 0 ? `${m / 60} h` : `${m} min`);
  return (
    <Page title="SLA policies">
      <AdminNav />
      <ErrorNote error={data.error} />
      <Loading loading={data.loading && !data.data} />
      <form onSubmit={submit} class="stack">
        <table>
          <TableHead columns={['Priority', 'First response (minutes)', 'Next response (minutes)', 'Resolution (minutes)', 'Count only business hours']} />
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.priority}>
                <th scope="row">{r.priority}</th>
                {(['firstResponseMinutes', 'nextResponseMinutes', 'resolutionMinutes'] as const).map((k) => (
                  <td key={k}>
                    <input type="number" min={1} aria-label={`${r.priority}: ${k.replace('Minutes', '')} in minutes`} value={r[k] ?? ''} onInput={(e) => set(i, { [k]: minutes(e.currentTarget.value) })} style={{ width: '100px' }} />{' '}
                    <span class="muted">{hours(r[k])}</span>
                  </td>
                ))}
                <td>
                  <input type="checkbox" aria-label={`${r.priority}: count only business hours`} checked={r.businessHours} onChange={(e) => set(i, { businessHours: e.currentTarget.checked })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="inline">
          <button type="submit" class="primary" disabled={save.busy}>
            Save SLA policies
          </button>
          {saved ? <span role="status" class="muted">Saved.</span> : null}
        </div>
        <FormError error={save.error} />
      </form>
    </Page>
  );
}

type QuickReply = { id: string; shortcut: string; title: string; body: string; skill: string | null };

export function QuickRepliesPage() {
  const list = useApi<{ quickReplies: QuickReply[] }>('/api/agent/quick-replies');
  const [shortcut, setShortcut] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [skill, setSkill] = useState('');
  const create = useAction();
  const change = useListChange(list.reload);
  const submit = async () => {
    await api('/api/team/quick-replies', { body: { shortcut: shortcut.trim().replace(/^\//, ''), title, body, skill: skill.trim() || null } });
    setShortcut('');
    setTitle('');
    setBody('');
    list.reload();
  };
  const remove = (q: QuickReply) => change.act(null, () => api(`/api/team/quick-replies/${encodeURIComponent(q.shortcut)}`, { method: 'DELETE' }));
  return (
    <Page title="Canned responses">
      <AdminNav />
      <div class="stack">
        <CreateForm id="new-reply" title="New canned response" action={create} onSubmit={submit}>
          <div class="row">
            <TextField label="Shortcut" required value={shortcut} onValue={setShortcut} placeholder="refund-time" />
            <TextField label="Title" required value={title} onValue={setTitle} style={{ flex: '1 1 240px' }} />
            <TextField label="Only for skill" value={skill} onValue={setSkill} placeholder="everyone" />
          </div>
          <label>
            Text — variables: {'{{contact.name}}'}, {'{{contact.email}}'}, {'{{agent.name}}'}, {'{{conversation.id}}'}
            <textarea required rows={3} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          </label>
          <div>
            <SubmitButton busy={create.busy}>Add</SubmitButton>
          </div>
        </CreateForm>
        <ListStatus list={list} actionError={change.error} showLoading={false} />
        <ListTable
          rows={list.data?.quickReplies}
          empty="No canned responses yet."
          columns={['Shortcut', 'Title and text', 'Skill']} actions="Actions"
          row={(q) => (
            <tr key={q.id}>
              <td>
                <code>/{q.shortcut}</code>
              </td>
              <td>
                <strong>{q.title}</strong>
                <div class="muted" style={{ whiteSpace: 'pre-wrap' }}>
                  {q.body}
                </div>
              </td>
              <td>{q.skill ?? 'everyone'}</td>
              <ActionCell onClick={() => remove(q)} label={`Delete /${q.shortcut}`}>
                Delete
              </ActionCell>
            </tr>
          )}
        />
      </div>
    </Page>
  );
}
