// Collections: public (the bot may use them) or internal (agents only), each with a default skill for handoffs.
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { CreateForm, ListStatus, ListTable, SelectField, SubmitButton, TextField, useListChange } from '../../forms.tsx';
import { Badge, Page, useAction, useApi } from '../../ui.tsx';
import { type Collection, KmNav } from './shared.tsx';

const VISIBILITIES = [
  { value: 'public', label: 'Public — the bot answers from it' },
  { value: 'internal', label: 'Internal — agents only' },
] as const;

export function CollectionsPage() {
  const list = useApi<{ collections: Collection[] }>('/api/kb/collections');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'internal'>('public');
  const [defaultSkill, setDefaultSkill] = useState('');
  const create = useAction();
  const change = useListChange(list.reload);
  const submit = async () => {
    await api('/api/kb/collections', { body: { name, visibility, ...(description.trim() ? { description } : {}), defaultSkill: defaultSkill.trim() || null } });
    setName('');
    setDescription('');
    setDefaultSkill('');
    list.reload();
  };
  const patch = (c: Collection, body: Partial<Collection>) => change.act(null, () => api(`/api/kb/collections/${c.id}`, { method: 'PATCH', body }));
  const remove = (c: Collection) => change.act(`Delete the collection "${c.name}"?`, () => api(`/api/kb/collections/${c.id}`, { method: 'DELETE' }));
  return (
    <Page title="Collections">
      <KmNav />
      <div class="stack">
        <CreateForm id="new-collection" title="New collection" action={create} onSubmit={submit}>
          <div class="row">
            <TextField label="Name" required value={name} onValue={setName} />
            <SelectField label="Who may use it" value={visibility} onValue={setVisibility} options={VISIBILITIES} />
            <TextField label="Default skill" value={defaultSkill} onValue={setDefaultSkill} placeholder="billing" />
            <TextField label="Description" value={description} onValue={setDescription} style={{ flex: '1 1 240px' }} />
            <SubmitButton busy={create.busy}>Create</SubmitButton>
          </div>
        </CreateForm>
        <ListStatus list={list} actionError={change.error} />
        <ListTable
          rows={list.data?.collections}
          empty="No collections yet."
          columns={['Name', 'Visibility', 'Default skill', 'Documents', 'Actions']}
          row={(c) => (
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
          )}
        />
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
