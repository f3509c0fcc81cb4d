// Collections: public (the bot may use them) or internal (agents only), each with a default skill for handoffs.
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { Badge, Empty, ErrorNote, FormError, Loading, Page, useAction, useApi } from '../../ui.tsx';
import { type Collection, KmNav } from './shared.tsx';

export function CollectionsPage() {
  const list = useApi<{ collections: Collection[] }>('/api/kb/collections');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'internal'>('public');
  const [defaultSkill, setDefaultSkill] = useState('');
  const create = useAction();
  const change = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void create.run(async () => {
      await api('/api/kb/collections', { body: { name, visibility, ...(description.trim() ? { description } : {}), defaultSkill: defaultSkill.trim() || null } });
      setName('');
      setDescription('');
      setDefaultSkill('');
      list.reload();
    });
  };
  const patch = (c: Collection, body: Partial<Collection>) =>
    change.run(async () => {
      await api(`/api/kb/collections/${c.id}`, { method: 'PATCH', body });
      list.reload();
    });
  const remove = (c: Collection) => {
    if (!window.confirm(`Delete the collection "${c.name}"?`)) return;
    void change.run(async () => {
      await api(`/api/kb/collections/${c.id}`, { method: 'DELETE' });
      list.reload();
    });
  };
  return (
    <Page title="Collections">
      <KmNav />
      <div class="stack">
        <form class="card form" onSubmit={submit} aria-labelledby="new-collection">
          <h2 id="new-collection">New collection</h2>
          <div class="row">
            <label>
              Name
              <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </label>
            <label>
              Who may use it
              <select value={visibility} onChange={(e) => setVisibility(e.currentTarget.value as 'public' | 'internal')}>
                <option value="public">Public — the bot answers from it</option>
                <option value="internal">Internal — agents only</option>
              </select>
            </label>
            <label>
              Default skill
              <input value={defaultSkill} onInput={(e) => setDefaultSkill(e.currentTarget.value)} placeholder="billing" />
            </label>
            <label style={{ flex: '1 1 240px' }}>
              Description
              <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
            </label>
            <button type="submit" class="primary" disabled={create.busy}>
              Create
            </button>
          </div>
          <FormError error={create.error} />
        </form>
        <FormError error={change.error} />
        <ErrorNote error={list.error} />
        <Loading loading={list.loading && !list.data} />
        {list.data && list.data.collections.length === 0 ? <Empty>No collections yet.</Empty> : null}
        {list.data && list.data.collections.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Visibility</th>
                <th scope="col">Default skill</th>
                <th scope="col">Documents</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.collections.map((c) => (
                <tr key={c.id}>
                  <td>
                    <strong>{c.name}</strong>
                    {c.description ? <div class="muted">{c.description}</div> : null}
                  </td>
                  <td>
                    <Badge tone={c.visibility === 'public' ? 'ok' : 'info'}>{c.visibility}</Badge>
                  </td>
                  <td>
                    <SkillEditor value={c.defaultSkill} label={`Default skill of ${c.name}`} onSave={(v) => patch(c, { defaultSkill: v })} />
                  </td>
                  <td class="nums">{c.documents ?? '—'}</td>
                  <td>
                    <div class="inline">
                      <button type="button" onClick={() => patch(c, { visibility: c.visibility === 'public' ? 'internal' : 'public' })}>
                        Make {c.visibility === 'public' ? 'internal' : 'public'}
                      </button>
                      <button type="button" onClick={() => remove(c)}>
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </Page>
  );
}

function SkillEditor(props: { value: string | null; label: string; onSave: (v: string | null) => void }) {
  const [v, setV] = useState(props.value ?? '');
  const dirty = v.trim() !== (props.value ?? '');
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(v.trim() || null);
      }}
    >
      <input aria-label={props.label} value={v} onInput={(e) => setV(e.currentTarget.value)} placeholder="none" style={{ width: '120px' }} />
      {dirty ? <button type="submit">Save</button> : null}
    </form>
  );
}
