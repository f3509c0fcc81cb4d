// Skills (with their own business hours), routing rules (and the workspace's default skill and 'previous agent
// first'), SLA policies and canned responses (quick replies): the team API (team:manage).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { CreateForm, EditRow, ListStatus, ListTable, SubmitButton, TableHead, TextField, useListChange, useRowEdit, useSaveForm } from '../../forms.tsx';
import { Empty, ErrorNote, FormError, Loading, Page, useAction, useApi } from '../../ui.tsx';
import { HoursFields, hoursDraft, hoursFromDraft, hoursSummary, type HoursDraft } from './hours.tsx';
import { AdminNav, type BusinessHours, type SettingsResponse, type Skill, splitList } from './shared.tsx';

export function SkillsPage() {
  const list = useApi<{ skills: Skill[] }>('/api/team/skills');
  const settings = useApi<SettingsResponse>('/api/admin/settings');
  const [name, setName] = useState('');
  const [label, setLabel] = useState('');
  const [description, setDescription] = useState('');
  const rows = useRowEdit(list.reload);
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
  const workspaceHours = settings.data?.workspace.settings.businessHours;
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
        {rows.note}
        <ListTable
          rows={list.data?.skills}
          empty="No skills yet: every conversation goes to one shared queue."
          columns={['Skill', 'Name', 'Description', 'Hours', 'Agents']}
          actions="Actions"
          row={(s) =>
            rows.editing === s.name ? (
              <SkillEditor key={s.id} skill={s} workspaceHours={workspaceHours ?? null} onCancel={rows.cancel} onSaved={() => rows.done(s.label)} />
            ) : (
              <tr key={s.id}>
                <td>{s.label}</td>
                <td>
                  <code>{s.name}</code>
                </td>
                <td>{s.description ?? '—'}</td>
                <td style={{ fontSize: '13px', maxWidth: '340px' }}>{s.businessHours ? <>Own: {hoursSummary(s.businessHours)}</> : <span class="muted">Workspace hours</span>}</td>
                <td class="nums">{s.agents}</td>
                <td>
                  <div class="inline" style={{ flexWrap: 'nowrap' }}>
                    <button
                      type="button"
                      aria-label={`Edit skill ${s.label}`}
                      onClick={() => rows.open(s.name)}
                    >
                      Edit
                    </button>
                    <button type="button" onClick={() => remove(s)} aria-label={`Delete skill ${s.label}`}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            )
          }
        />
      </div>
    </Page>
  );
}

/** A skill's row as a form: label, description, and its own business hours or the workspace's. */
function SkillEditor(props: { skill: Skill; workspaceHours: BusinessHours | null; onCancel: () => void; onSaved: () => void }) {
  const s = props.skill;
  const [label, setLabel] = useState(s.label);
  const [description, setDescription] = useState(s.description ?? '');
  const [own, setOwn] = useState(!!s.businessHours);
  // Own hours start from the workspace's when the skill has none yet.
  const [draft, setDraft] = useState<HoursDraft>(() => hoursDraft(s.businessHours ?? props.workspaceHours));
  const save = useAction();
  const submit = async () => {
    const body = { label: label.trim(), description: description.trim() || null, businessHours: own ? hoursFromDraft(draft) : null };
    await api(`/api/team/skills/${encodeURIComponent(s.name)}`, { method: 'PATCH', body });
    props.onSaved();
  };
  const radio = `skill-hours-${s.name}`;
  return (
    <EditRow colSpan={6} label={`Edit skill ${s.label}`} save="Save skill" action={save} onSubmit={submit} onCancel={props.onCancel}>
      <div class="row">
        <label>
          Skill
          <code style={{ padding: '7px 0' }}>{s.name}</code>
        </label>
        <TextField label="Label" value={label} onValue={setLabel} />
        <TextField label="Description" value={description} onValue={setDescription} style={{ flex: '1 1 320px' }} />
      </div>
      <div class="inline" role="radiogroup" aria-label="Business hours of this skill">
        <label class="inline">
          <input type="radio" name={radio} checked={!own} onChange={() => setOwn(false)} />
          Workspace hours <span class="muted">({props.workspaceHours ? hoursSummary(props.workspaceHours) : 'always open'})</span>
        </label>
        <label class="inline">
          <input type="radio" name={radio} checked={own} onChange={() => setOwn(true)} />
          Own hours
        </label>
      </div>
      {own ? <HoursFields id={radio} draft={draft} onChange={setDraft} /> : null}
    </EditRow>
  );
}

// A rule's conditions (handoff/routing.ts RuleConditions). The form edits the ones it knows and keeps any other key
// as it came, so a condition a newer API added is never dropped by saving here.
type Rule = { name: string; when: Record<string, unknown>; skill: string | null; priority: number };
const LIST_CONDITIONS = [
  { key: 'keywords', label: 'Keywords', hint: 'refund, chargeback' },
  { key: 'reasons', label: 'Handoff reasons', hint: 'customer_asked, low_confidence' },
  { key: 'intents', label: 'Intents (topic or article tag)', hint: 'legal, billing' },
  { key: 'collections', label: 'Knowledge collections', hint: 'Billing FAQ' },
  { key: 'tiers', label: 'Customer tiers', hint: 'vip' },
  { key: 'languages', label: 'Languages', hint: 'en, zh' },
] as const;
type ListKey = (typeof LIST_CONDITIONS)[number]['key'];
const CHANNELS = [
  { value: 'widget', label: 'Widget' },
  { value: 'api', label: 'API' },
  { value: 'email', label: 'Email' },
] as const;
const KNOWN = new Set<string>([...LIST_CONDITIONS.map((c) => c.key), 'channels']);
type RuleDraft = { name: string; lists: Record<ListKey, string>; channels: string[]; skill: string; priority: string; other: Record<string, unknown> };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const toDraft = (r: Rule): RuleDraft => ({
  name: r.name,
  lists: Object.fromEntries(LIST_CONDITIONS.map((c) => [c.key, strings(r.when[c.key]).join(', ')])) as Record<ListKey, string>,
  channels: strings(r.when.channels),
  skill: r.skill ?? '',
  priority: String(r.priority),
  other: Object.fromEntries(Object.entries(r.when).filter(([k]) => !KNOWN.has(k))),
});
const fromDraft = (d: RuleDraft): Rule => {
  const when: Record<string, unknown> = { ...d.other };
  for (const c of LIST_CONDITIONS) if (splitList(d.lists[c.key]).length) when[c.key] = splitList(d.lists[c.key]);
  if (d.channels.length) when.channels = d.channels;
  return { name: d.name.trim(), when, skill: d.skill || null, priority: Number(d.priority) };
};
const emptyDraft = (): RuleDraft => ({ name: '', lists: { keywords: '', reasons: '', intents: '', collections: '', tiers: '', languages: '' }, channels: [], skill: '', priority: '0', other: {} });

export function RoutingPage() {
  const data = useApi<{ rules: Rule[] }>('/api/team/routing-rules');
  const skills = useApi<{ skills: Skill[] }>('/api/team/skills');
  const [rules, setRules] = useState<RuleDraft[]>([]);
  useEffect(() => setRules((data.data?.rules ?? []).map(toDraft)), [data.data]);
  const set = (i: number, patch: Partial<RuleDraft>) => setRules(rules.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: number) => {
    const next = [...rules];
    const [r] = next.splice(i, 1);
    next.splice(i + by, 0, r!);
    setRules(next);
  };
  const { action: save, saved, submit } = useSaveForm(async () => {
    await api('/api/team/routing-rules', { method: 'PUT', body: { rules: rules.map(fromDraft) } });
  }, data.reload);
  const skillList = skills.data?.skills ?? [];
  return (
    <Page title="Routing rules">
      <AdminNav />
      <div class="stack">
        <RoutingDefaults skills={skillList} />
        <section class="stack">
          <div>
            <h2 id="rules-title" style={{ fontSize: '16px', margin: '0 0 4px' }}>
              Rules
            </h2>
            <p class="muted" style={{ margin: 0 }}>
              The first rule that matches a handed-over conversation picks its skill and priority. Lists are comma-separated; a condition left empty matches everything.
            </p>
          </div>
          <ErrorNote error={data.error} />
          <Loading loading={data.loading && !data.data} />
          <form class="stack" onSubmit={submit} aria-labelledby="rules-title">
            {rules.length === 0 && data.data ? <Empty>No rules: conversations go to their collection's default skill, else the workspace default.</Empty> : null}
            {rules.map((r, i) => (
              <fieldset key={i} class="card row" style={{ margin: 0 }}>
                <legend>
                  Rule {i + 1}
                  {r.name ? `: ${r.name}` : ''}
                </legend>
                <TextField label="Name" value={r.name} onValue={(v) => set(i, { name: v })} inputStyle={{ width: '200px' }} />
                <label>
                  Skill
                  <select value={r.skill} onChange={(e) => set(i, { skill: e.currentTarget.value })}>
                    <option value="">— keep the default —</option>
                    {r.skill && !skillList.some((s) => s.name === r.skill) ? <option value={r.skill}>{r.skill}</option> : null}
                    {skillList.map((s) => (
                      <option key={s.name} value={s.name}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                </label>
                <TextField label="Priority (0–100)" type="number" value={r.priority} onValue={(v) => set(i, { priority: v })} inputStyle={{ width: '80px' }} />
                <div class="inline" style={{ marginLeft: 'auto' }}>
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
                <div class="conditions">
                  {LIST_CONDITIONS.map((c) => (
                    <label key={c.key}>
                      {c.label}
                      <input value={r.lists[c.key]} placeholder={c.hint} onInput={(e) => set(i, { lists: { ...r.lists, [c.key]: e.currentTarget.value } })} />
                    </label>
                  ))}
                  <fieldset class="inline" style={{ border: 0, padding: 0, margin: 0, alignSelf: 'end' }}>
                    <legend style={{ fontSize: '14px', padding: 0, marginBottom: '4px' }}>Channels</legend>
                    {CHANNELS.map((ch) => (
                      <label key={ch.value} class="inline" style={{ fontSize: '14px' }}>
                        <input
                          type="checkbox"
                          aria-label={`Rule ${i + 1} channel ${ch.label}`}
                          checked={r.channels.includes(ch.value)}
                          onChange={(e) => set(i, { channels: e.currentTarget.checked ? [...r.channels, ch.value] : r.channels.filter((x) => x !== ch.value) })}
                        />
                        {ch.label}
                      </label>
                    ))}
                  </fieldset>
                </div>
                {Object.keys(r.other).length ? (
                  <p class="muted" style={{ margin: 0, fontSize: '13px', flex: '1 1 100%' }}>
                    Also kept as it is: <code>{JSON.stringify(r.other)}</code>
                  </p>
                ) : null}
              </fieldset>
            ))}
            <div class="inline">
              <button type="button" onClick={() => setRules([...rules, emptyDraft()])}>
                Add a rule
              </button>
              <button type="submit" class="primary" disabled={save.busy}>
                Save rules
              </button>
              {saved ? <span role="status" class="muted">Saved.</span> : null}
            </div>
            <FormError error={save.error} />
          </form>
        </section>
      </div>
    </Page>
  );
}

/** When no rule matches: the workspace's default skill, and whether a returning customer goes to their previous agent. */
function RoutingDefaults(props: { skills: Skill[] }) {
  const data = useApi<SettingsResponse>('/api/admin/settings');
  const [defaultSkill, setDefaultSkill] = useState('');
  const [previous, setPrevious] = useState(true);
  useEffect(() => {
    if (!data.data) return;
    setDefaultSkill(data.data.workspace.settings.defaultSkill ?? '');
    setPrevious(data.data.workspace.settings.preferPreviousAgent !== false); // on unless turned off
  }, [data.data]);
  const { action: save, saved, submit } = useSaveForm(async () => {
    await api('/api/admin/settings', { method: 'PATCH', body: { defaultSkill: defaultSkill || null, preferPreviousAgent: previous } });
  }, data.reload);
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="defaults-title">
      <h2 id="defaults-title">When no rule matches</h2>
      <ErrorNote error={data.error} />
      <div class="row">
        <SkillSelect label="Default skill (the queue for conversations nothing else places)" none="— none: the shared queue —" value={defaultSkill} onValue={setDefaultSkill} skills={props.skills} style={{ maxWidth: '360px' }} />
      </div>
      <label class="inline">
        <input type="checkbox" checked={previous} onChange={(e) => setPrevious(e.currentTarget.checked)} />
        Previous agent first: a returning customer goes to the agent who helped them last, when that agent is online and has room
      </label>
      <div class="inline">
        <button type="submit" class="primary" disabled={save.busy || !data.data}>
          Save defaults
        </button>
        {saved ? <span role="status" class="muted">Saved.</span> : null}
      </div>
      <FormError error={save.error} />
    </form>
  );
}

type Sla = { priority: 'low' | 'normal' | 'high' | 'urgent'; firstResponseMinutes: number | null; nextResponseMinutes: number | null; resolutionMinutes: number | null; businessHours: boolean };

export function SlaPage() {
  const data = useApi<{ policies: Sla[] }>('/api/team/sla-policies');
  const [rows, setRows] = useState<Sla[]>([]);
  useEffect(() => setRows(data.data?.policies ?? []), [data.data]);
  const set = (i: number, patch: Partial<Sla>) => setRows(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const minutes = (v: string) => (v.trim() === '' ? null : Number(v));
  const { action: save, saved, submit } = useSaveForm(async () => {
    await api('/api/team/sla-policies', { method: 'PUT', body: { policies: rows } });
  }, data.reload);
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
const VARIABLES_HINT = <>Text — variables: {'{{contact.name}}'}, {'{{contact.email}}'}, {'{{agent.name}}'}, {'{{conversation.id}}'}</>;

/** A skill, or none (`none` names that choice; "Everyone" by default); a skill no longer listed still shows. */
function SkillSelect(props: { label: string; value: string; onValue: (v: string) => void; skills: Skill[]; none?: string; style?: Record<string, string> }) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onValue(e.currentTarget.value)} style={props.style}>
        <option value="">{props.none ?? 'Everyone'}</option>
        {props.value && !props.skills.some((s) => s.name === props.value) ? <option value={props.value}>{props.value}</option> : null}
        {props.skills.map((s) => (
          <option key={s.name} value={s.name}>
            {s.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function QuickRepliesPage() {
  const list = useApi<{ quickReplies: QuickReply[] }>('/api/team/quick-replies');
  const skills = useApi<{ skills: Skill[] }>('/api/team/skills');
  const [shortcut, setShortcut] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [skill, setSkill] = useState('');
  const rows = useRowEdit(list.reload);
  const create = useAction();
  const change = useListChange(list.reload);
  const submit = async () => {
    await api('/api/team/quick-replies', { body: { shortcut: shortcut.trim().replace(/^\//, ''), title, body, skill: skill || null } });
    setShortcut('');
    setTitle('');
    setBody('');
    list.reload();
  };
  const remove = (q: QuickReply) => change.act(`Delete /${q.shortcut}?`, () => api(`/api/team/quick-replies/${encodeURIComponent(q.shortcut)}`, { method: 'DELETE' }));
  const skillList = skills.data?.skills ?? [];
  const label = (name: string | null) => (name ? (skillList.find((s) => s.name === name)?.label ?? name) : 'Everyone');
  const count = list.data?.quickReplies.length;
  return (
    <Page title="Canned responses">
      <AdminNav />
      <div class="stack">
        <CreateForm id="new-reply" title="New canned response" action={create} onSubmit={submit}>
          <div class="row">
            <TextField label="Shortcut" required value={shortcut} onValue={setShortcut} placeholder="refund-time" />
            <TextField label="Title" required value={title} onValue={setTitle} style={{ flex: '1 1 240px' }} />
            <SkillSelect label="Only for skill" value={skill} onValue={setSkill} skills={skillList} />
          </div>
          <label>
            {VARIABLES_HINT}
            <textarea required rows={3} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          </label>
          <div>
            <SubmitButton busy={create.busy}>Add</SubmitButton>
          </div>
        </CreateForm>
        <ListStatus list={list} actionError={change.error} showLoading={false} />
        {rows.note}
        {count ? (
          <p class="muted" style={{ margin: 0 }}>
            {count} canned response{count === 1 ? '' : 's'}: everyone's first, then by skill.
          </p>
        ) : null}
        <ListTable
          rows={list.data?.quickReplies}
          empty="No canned responses yet."
          columns={['Shortcut', 'Title and text', 'Skill']}
          actions="Actions"
          row={(q) =>
            rows.editing === q.id ? (
              <QuickReplyEditor key={q.id} reply={q} skills={skillList} onCancel={rows.cancel} onSaved={(now) => rows.done(`/${now.shortcut}`)} />
            ) : (
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
                <td>{label(q.skill)}</td>
                <td>
                  <div class="inline" style={{ flexWrap: 'nowrap' }}>
                    <button
                      type="button"
                      aria-label={`Edit /${q.shortcut}`}
                      onClick={() => rows.open(q.id)}
                    >
                      Edit
                    </button>
                    <button type="button" onClick={() => remove(q)} aria-label={`Delete /${q.shortcut}`}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            )
          }
        />
      </div>
    </Page>
  );
}

/** One canned response's row as a form; only the fields that changed are sent. */
function QuickReplyEditor(props: { reply: QuickReply; skills: Skill[]; onCancel: () => void; onSaved: (now: QuickReply) => void }) {
  const q = props.reply;
  const [shortcut, setShortcut] = useState(q.shortcut);
  const [title, setTitle] = useState(q.title);
  const [body, setBody] = useState(q.body);
  const [skill, setSkill] = useState(q.skill ?? '');
  const save = useAction();
  const submit = async () => {
    const next = { shortcut: shortcut.trim().replace(/^\//, ''), title, body, skill: skill || null };
    const patch = Object.fromEntries(Object.entries(next).filter(([k, v]) => v !== q[k as keyof QuickReply]));
    if (!Object.keys(patch).length) return props.onCancel();
    const r = await api<{ quickReply: QuickReply }>(`/api/team/quick-replies/${encodeURIComponent(q.shortcut)}`, { method: 'PATCH', body: patch });
    props.onSaved(r.quickReply);
  };
  return (
    <EditRow colSpan={4} label={`Edit /${q.shortcut}`} save="Save changes" action={save} onSubmit={submit} onCancel={props.onCancel}>
      <div class="row">
        <TextField label="Shortcut" required value={shortcut} onValue={setShortcut} />
        <TextField label="Title" required value={title} onValue={setTitle} style={{ flex: '1 1 240px' }} />
        <SkillSelect label="Only for skill" value={skill} onValue={setSkill} skills={props.skills} />
      </div>
      <label>
        {VARIABLES_HINT}
        <textarea required rows={3} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      </label>
    </EditRow>
  );
}
