// Agents (GET /api/team/agents, PUT /api/team/agents/:userId): who takes conversations — every active agent and
// supervisor with presence, load, conversation and ticket capacity, and skills with levels 1–5. Editing a row sets the
// capacities and the whole skill list at once; the API assigns waiting work right away when that makes room.
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { EditRow, ListStatus, ListTable, useRowEdit } from '../../forms.tsx';
import { Badge, FormError, Page, useAction, useApi, when } from '../../ui.tsx';
import { AdminNav, type Skill } from './shared.tsx';

type Presence = 'online' | 'away' | 'offline';
type Agent = {
  id: string;
  name: string;
  email: string;
  role: string;
  capacity: number;
  ticketCapacity: number;
  presence: Presence;
  lastHeartbeatAt: string | null;
  load: number;
  skills: { name: string; level: number }[];
};
type Draft = { capacity: string; ticketCapacity: string; skills: Record<string, number> };

const LEVELS = [1, 2, 3, 4, 5];
const PRESENCE: Record<Presence, string> = { online: 'Online', away: 'Away', offline: 'Offline' };

export function AgentsPage() {
  const list = useApi<{ agents: Agent[] }>('/api/team/agents');
  const skills = useApi<{ skills: Skill[] }>('/api/team/skills');
  const rows = useRowEdit(list.reload);
  const label = (name: string) => skills.data?.skills.find((s) => s.name === name)?.label ?? name;
  return (
    <Page title="Agents">
      <AdminNav />
      <p class="muted" style={{ marginTop: 0 }}>
        Agents and supervisors take conversations of the skills they have, up to their capacity: the least loaded first, the customer's previous agent before them. Levels record how well someone knows a skill. Give people the agent or supervisor role under Users.
      </p>
      <div class="stack">
        <ListStatus list={list} />
        {rows.note}
        <ListTable
          rows={list.data?.agents}
          empty="No agents or supervisors yet: give someone one of those roles under Users."
          columns={['Name', 'Presence', { label: 'Conversations', title: 'assigned now / capacity' }, 'Ticket capacity', 'Skills (level 1–5)']}
          actions="Actions"
          row={(a) =>
            rows.editing === a.id ? (
              <AgentEditor key={a.id} agent={a} skills={skills.data?.skills ?? []} onCancel={rows.cancel} onSaved={() => rows.done(a.name)} />
            ) : (
              <tr key={a.id}>
                <td>
                  <strong>{a.name}</strong> {a.role === 'supervisor' ? <Badge>supervisor</Badge> : null}
                  <div class="muted" style={{ fontSize: '13px' }}>
                    {a.email}
                  </div>
                </td>
                <td title={a.lastHeartbeatAt ? `last heartbeat ${when(a.lastHeartbeatAt)}` : 'never signed in to the console'}>
                  <span class={`ag-dot ${a.presence}`} aria-hidden="true" /> {PRESENCE[a.presence]}
                </td>
                <td class="nums">
                  {a.load} / {a.capacity}
                </td>
                <td class="nums">{a.ticketCapacity}</td>
                <td>
                  {a.skills.length ? (
                    <span class="chips">
                      {a.skills.map((s) => (
                        <Badge key={s.name}>
                          {label(s.name)} · {s.level}
                        </Badge>
                      ))}
                    </span>
                  ) : (
                    <span class="muted">none — only conversations without a skill</span>
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Edit ${a.name}`}
                    onClick={() => rows.open(a.id)}
                  >
                    Edit
                  </button>
                </td>
              </tr>
            )
          }
        />
      </div>
    </Page>
  );
}

/** One agent's row as a form: capacities and skills with levels, saved together. */
function AgentEditor(props: { agent: Agent; skills: Skill[]; onCancel: () => void; onSaved: () => void }) {
  const a = props.agent;
  const [draft, setDraft] = useState<Draft>(() => ({
    capacity: String(a.capacity),
    ticketCapacity: String(a.ticketCapacity),
    skills: Object.fromEntries(a.skills.map((s) => [s.name, s.level])),
  }));
  const save = useAction();
  const toggle = (name: string, on: boolean) => {
    const next = { ...draft.skills };
    if (on) next[name] = next[name] ?? 1;
    else delete next[name];
    setDraft({ ...draft, skills: next });
  };
  const submit = async () => {
    // A field left blank keeps what the agent has (Number('') would be 0: no conversations at all).
    const count = (v: string) => (v.trim() === '' ? undefined : Number(v));
    const body = {
      capacity: count(draft.capacity),
      ticketCapacity: count(draft.ticketCapacity),
      skills: Object.entries(draft.skills).map(([skill, level]) => ({ skill, level })),
    };
    await api(`/api/team/agents/${a.id}`, { method: 'PUT', body });
    props.onSaved();
  };
  return (
    <EditRow colSpan={6} label={`Edit ${a.name}`} save={`Save ${a.name}`} action={save} onSubmit={submit} onCancel={props.onCancel}>
      <strong>{a.name}</strong>
      <div class="row">
        <label>
          Conversations at once
          <input type="number" min={0} max={100} value={draft.capacity} onInput={(e) => setDraft({ ...draft, capacity: e.currentTarget.value })} style={{ width: '100px' }} />
        </label>
        <label>
          Tickets at once
          <input type="number" min={0} max={1000} value={draft.ticketCapacity} onInput={(e) => setDraft({ ...draft, ticketCapacity: e.currentTarget.value })} style={{ width: '100px' }} />
        </label>
      </div>
      <fieldset class="card" style={{ margin: 0 }}>
        <legend>Skills and levels</legend>
        {props.skills.length === 0 ? <p class="muted" style={{ margin: 0 }}>No skills yet: create them on the Skills tab.</p> : null}
        <div class="skill-pick">
          {props.skills.map((s) => {
            const level = draft.skills[s.name];
            return (
              <div key={s.name} class="inline">
                <label class="inline">
                  <input type="checkbox" checked={level !== undefined} onChange={(e) => toggle(s.name, e.currentTarget.checked)} />
                  {s.label}
                </label>
                <select
                  aria-label={`${s.label} level`}
                  disabled={level === undefined}
                  value={String(level ?? 1)}
                  onChange={(e) => setDraft({ ...draft, skills: { ...draft.skills, [s.name]: Number(e.currentTarget.value) } })}
                >
                  {LEVELS.map((l) => (
                    <option key={l} value={String(l)}>
                      level {l}
                    </option>
                  ))}
                </select>
              </div>
            );
          })}
        </div>
      </fieldset>
    </EditRow>
  );
}
