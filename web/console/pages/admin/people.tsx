// Users and roles, and API keys (a new key is shown once; revoke).
import { useState } from 'preact/hooks';
import { api, type Role } from '../../api.ts';
import type { PageProps } from '../../pages.ts';
import { Badge, Empty, ErrorNote, FormError, Loading, Page, useAction, useApi, when } from '../../ui.tsx';
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
  const change = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void create.run(async () => {
      await api('/api/admin/users', { body: { email, name, role, password } });
      setEmail('');
      setName('');
      setPassword('');
      list.reload();
    });
  };
  const disable = (u: User) => {
    if (!window.confirm(`Disable ${u.name}? They are signed out and can no longer sign in.`)) return;
    void change.run(async () => {
      await api(`/api/admin/users/${u.id}/disable`, { method: 'POST' });
      list.reload();
    });
  };
  return (
    <Page title="Settings">
      <AdminNav />
      <div class="stack">
        <form class="card form" onSubmit={submit} aria-labelledby="new-user">
          <h2 id="new-user">Add a person</h2>
          <div class="row">
            <label>
              Name
              <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </label>
            <label>
              Email
              <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            </label>
            <label>
              Role
              <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              First password (10+ characters)
              <input type="password" autocomplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            </label>
            <button type="submit" class="primary" disabled={create.busy}>
              Add
            </button>
          </div>
          <FormError error={create.error} />
        </form>
        <FormError error={change.error} />
        <ErrorNote error={list.error} />
        <Loading loading={list.loading && !list.data} />
        {list.data ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.users.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    {roleName(u.role)} {u.disabledAt ? <Badge tone="bad">disabled</Badge> : null}
                  </td>
                  <td class="nums">{when(u.createdAt)}</td>
                  <td>
                    {u.disabledAt || u.id === props.me.id ? null : (
                      <button type="button" onClick={() => disable(u)} aria-label={`Disable ${u.name}`}>
                        Disable
                      </button>
                    )}
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

type ApiKey = { id: string; name: string; prefix: string; scopes: string[]; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };
const SCOPES = ['kb:read', 'kb:write', 'conversations:work', 'conversations:read_all', 'qa:review', 'reports:read', 'team:manage', 'admin:users', 'admin:api_keys', 'admin:audit', 'admin:settings'];

export function ApiKeysPage() {
  const list = useApi<{ apiKeys: ApiKey[] }>('/api/admin/api-keys');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['kb:read']);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const create = useAction();
  const change = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void create.run(async () => {
      const r = await api<{ key: string; apiKey: ApiKey }>('/api/admin/api-keys', { body: { name, scopes } });
      setCreated({ key: r.key, name: r.apiKey.name });
      setName('');
      list.reload();
    });
  };
  const revoke = (k: ApiKey) => {
    if (!window.confirm(`Revoke "${k.name}"? Anything using it stops working at once.`)) return;
    void change.run(async () => {
      await api(`/api/admin/api-keys/${k.id}`, { method: 'DELETE' });
      list.reload();
    });
  };
  return (
    <Page title="API keys">
      <AdminNav />
      <div class="stack">
        <form class="card form" onSubmit={submit} aria-labelledby="new-key">
          <h2 id="new-key">New API key</h2>
          <label>
            Name (what uses it)
            <input required value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="Email bridge" style={{ maxWidth: '360px' }} />
          </label>
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
            <button type="submit" class="primary" disabled={create.busy}>
              Create key
            </button>
          </div>
          <FormError error={create.error} />
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
        </form>
        <FormError error={change.error} />
        <ErrorNote error={list.error} />
        {list.data && list.data.apiKeys.length === 0 ? <Empty>No API keys.</Empty> : null}
        {list.data && list.data.apiKeys.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key starts</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.apiKeys.map((k) => (
                <tr key={k.id}>
                  <td>
                    {k.name} {k.revokedAt ? <Badge tone="bad">revoked</Badge> : null}
                  </td>
                  <td>
                    <code>kefu_{k.prefix}…</code>
                  </td>
                  <td style={{ fontSize: '13px' }}>{k.scopes.join(', ')}</td>
                  <td class="nums">{when(k.lastUsedAt)}</td>
                  <td>
                    {k.revokedAt ? null : (
                      <button type="button" onClick={() => revoke(k)} aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </button>
                    )}
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
