// The staff console: sign in, then the areas the role may use — conversations and tickets (agents, supervisors),
// the knowledge base (knowledge managers), quality (QA leads), settings (admins). Talks to the API only.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, currentUser, type Me } from './api.ts';
import type { PageDef } from './pages.ts';
import { pages as adminPages } from './pages/admin/index.tsx';
import { pages as agentPages } from './pages/agent/index.tsx';
import { pages as kmPages } from './pages/km/index.tsx';
import { pages as qaPages } from './pages/qa/index.tsx';
import { match, navigate, useHashPath } from './router.ts';
import { errorText } from './ui.tsx';
import './console.css';

const ALL: PageDef[] = [...agentPages, ...kmPages, ...qaPages, ...adminPages];
const ROLE_NAMES: Record<Me['role'], string> = { admin: 'Admin', supervisor: 'Supervisor', agent: 'Agent', kb_manager: 'Knowledge manager', qa_lead: 'QA lead' };

function Login(props: { onSignedIn: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/login', { body: { email, password } });
      const me = await currentUser();
      if (me) props.onSignedIn(me);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Kefu console</h1>
        <p class="muted">Sign in with your work email.</p>
        <label>
          Email
          <input type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function Shell(props: { me: Me; onSignedOut: () => void }) {
  const path = useHashPath();
  const mine = ALL.filter((p) => p.roles.includes(props.me.role));
  const found = mine.map((p) => ({ p, params: match(p.path, path) })).find((x) => x.params);
  useEffect(() => {
    // The first page of the role's areas is home.
    if (!found && mine[0]) navigate(mine[0].path);
  }, [path]);
  const signOut = async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    props.onSignedOut();
  };
  const Current = found?.p.component;
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Kefu</span>
        <nav aria-label="Areas">
          {mine
            .filter((p) => p.label)
            .map((p) => (
              <a key={p.path} href={`#${p.path}`} aria-current={path === p.path || path.startsWith(`${p.path}/`) ? 'page' : undefined}>
                {p.label}
              </a>
            ))}
        </nav>
        <span class="who">
          {props.me.name} · {ROLE_NAMES[props.me.role]}
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {Current ? <Current params={found!.params!} me={props.me} /> : <p class="empty">Nothing here for your role.</p>}
      </main>
    </div>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    currentUser()
      .then(setMe)
      .catch((err: unknown) => setError(errorText(err)));
  }, []);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (me === undefined) return <p class="muted">Loading…</p>;
  if (!me) return <Login onSignedIn={setMe} />;
  return <Shell me={me} onSignedOut={() => setMe(null)} />;
}

render(<App />, document.getElementById('app')!);
