// Users and roles (add, change a role — the API refuses to demote the last admin —, disable), and API keys (a new key
// is shown once; revoke).
import { useState } from 'preact/hooks';
import { api, type Role } from '../../api.ts';
import type { PageProps } from '../../pages.ts';
import { ActionCell, CreateForm, ListStatus, ListTable, SelectField, SubmitButton, TableHead, TextField, useListChange } from '../../forms.tsx';
import { Badge, Page, useAction, useApi, when } from '../../ui.tsx';
import { AdminNav } from './shared.tsx';

type User = { id: string; email: string; name: string; role: Role; disabledAt: string | null; createdAt: string };
const ROLES: { value: Role; label: string }[] = [
  { value: 'agent', label: 'Agent' },
  { value: 'supervisor', label: 'Supervisor' },
  { value: 'kb_manager', label: 'Knowledge manager' },
  { value: 'qa_lead', label: 'QA lead' },
  { value: 'admin', label: 'Admin' },
];
const roleName = (r: Role) => ROLES.find((x) => x.value === r)?.label ?? r;

export function UsersPage(props: PageProps) {
  const list = useApi<{ users: User[] }>('/api/admin/users');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [password, setPassword] = useState('');
  const create = useAction();
  const change = useListChange(list.reload);
  const submit = async () => {
    await api('/api/admin/users', { body: { email, name, role, password } });
    setEmail('');
    setName('');
    setPassword('');
    list.reload();
  };
  const [roleSaved, setRoleSaved] = useState<string | null>(null);
  const changeRole = (u: User, next: Role) => {
    setRoleSaved(null);
    const question =
      u.id === props.me.id && u.role === 'admin' && next !== 'admin'
        ? `Give yourself the ${roleName(next)} role? You lose the Settings area as soon as it is saved.`
        : null;
    if (question && !window.confirm(question)) return list.reload(); // the select goes back
    change.act(null, async () => {
      try {
        await api(`/api/admin/users/${u.id}`, { method: 'PATCH', body: { role: next } });
      } catch (err) {
        list.reload(); // the select goes back to the role the user still has
        throw err;
      }
      setRoleSaved(`${u.name} now has the ${roleName(next)} role.`);
      if (u.id === props.me.id) location.reload(); // the console shows the areas of the new role
    });
  };
  const disable = (u: User) =>
    change.act(`Disable ${u.name}? They are signed out and can no longer sign in.`, () => api(`/api/admin/users/${u.id}/disable`, { method: 'POST' }));
  return (
    <Page title="Settings">
      <AdminNav />
      <div class="stack">
        <CreateForm id="new-user" title="Add a person" action={create} onSubmit={submit}>
          <div class="row">
            <TextField label="Name" required value={name} onValue={setName} />
            <TextField label="Email" type="email" required value={email} onValue={setEmail} />
            <SelectField label="Role" value={role} onValue={setRole} options={ROLES} />
            <TextField label="First password (10+ characters)" type="password" autocomplete="new-password" required value={password} onValue={setPassword} />
            <SubmitButton busy={create.busy}>Add</SubmitButton>
          </div>
        </CreateForm>
        <ListStatus list={list} actionError={change.error} />
        {roleSaved && !change.error ? (
          <p role="status" class="muted" style={{ margin: 0 }}>
            {roleSaved} It applies at once; their console shows the new areas after a reload.
          </p>
        ) : null}
        {list.data ? (
          <table>
            <TableHead columns={['Name', 'Email', 'Role', 'Since']} actions="Actions" />
            <tbody>
              {list.data.users.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    {u.disabledAt ? (
                      <>
                        {roleName(u.role)} <Badge tone="bad">disabled</Badge>
                      </>
                    ) : (
                      <select aria-label={`Role of ${u.name}`} value={u.role} disabled={change.busy} onChange={(e) => changeRole(u, e.currentTarget.value as Role)}>
                        {ROLES.map((r) => (
                          <option key={r.value} value={r.value}>
                            {r.label}
                          </option>
                        ))}
                      </select>
                    )}
                  </td>
                  <td class="nums">{when(u.createdAt)}</td>
                  <ActionCell hidden={!!u.disabledAt || u.id === props.me.id} onClick={() => disable(u)} label={`Disable ${u.name}`}>
                    Disable
                  </ActionCell>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </Page>
  );
}

type ApiKey = { id: string; name: string; prefix: string; scopes: string[]; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };
const SCOPES = ['kb:read', 'kb:write', 'conversations:work', 'conversations:read_all', 'qa:review', 'reports:read', 'team:manage', 'admin:users', 'admin:api_keys', 'admin:audit', 'admin:settings'];

export function ApiKeysPage() {
  const list = useApi<{ apiKeys: ApiKey[] }>('/api/admin/api-keys');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['kb:read']);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const create = useAction();
  const change = useListChange(list.reload);
  const submit = async () => {
    const r = await api<{ key: string; apiKey: ApiKey }>('/api/admin/api-keys', { body: { name, scopes } });
    setCreated({ key: r.key, name: r.apiKey.name });
    setName('');
    list.reload();
  };
  const revoke = (k: ApiKey) => change.act(`Revoke "${k.name}"? Anything using it stops working at once.`, () => api(`/api/admin/api-keys/${k.id}`, { method: 'DELETE' }));
  return (
    <Page title="API keys">
      <AdminNav />
      <div class="stack">
        <CreateForm id="new-key" title="New API key" action={create} onSubmit={submit}>
          <TextField label="Name (what uses it)" required value={name} onValue={setName} placeholder="Email bridge" inputStyle={{ maxWidth: '360px' }} />
          <fieldset class="row" style={{ border: '1px solid var(--line)', borderRadius: '6px' }}>
            <legend>Scopes</legend>
            {SCOPES.map((s) => (
              <label key={s} class="inline">
                <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} />
                {s}
              </label>
            ))}
          </fieldset>
          <div>
            <SubmitButton busy={create.busy}>Create key</SubmitButton>
          </div>
          {created ? (
            <div role="status" class="stack" style={{ gap: '6px' }}>
              <strong>Key “{created.name}” — copy it now, it is not shown again:</strong>
              <code class="key-once">{created.key}</code>
              <div>
                <button type="button" onClick={() => void navigator.clipboard?.writeText(created.key)}>
                  Copy
                </button>{' '}
                <button type="button" onClick={() => setCreated(null)}>
                  I have stored it
                </button>
              </div>
            </div>
          ) : null}
        </CreateForm>
        <ListStatus list={list} actionError={change.error} showLoading={false} />
        <ListTable
          rows={list.data?.apiKeys}
          empty="No API keys."
          columns={['Name', 'Key starts', 'Scopes', 'Last used']} actions="Actions"
          row={(k) => (
            <tr key={k.id}>
              <td>
                {k.name} {k.revokedAt ? <Badge tone="bad">revoked</Badge> : null}
              </td>
              <td>
                <code>kefu_{k.prefix}…</code>
              </td>
              <td style={{ fontSize: '13px' }}>{k.scopes.join(', ')}</td>
              <td class="nums">{when(k.lastUsedAt)}</td>
              <ActionCell hidden={!!k.revokedAt} onClick={() => revoke(k)} label={`Revoke ${k.name}`}>
                Revoke
              </ActionCell>
            </tr>
          )}
        />
      </div>
    </Page>
  );
}
