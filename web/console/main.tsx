// The staff console: a placeholder until the console (agents, knowledge base, QA, admin) is built here.
import { render } from 'preact';

function Console() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '32rem', margin: '4rem auto', lineHeight: 1.5, padding: '0 1rem' }}>
      <h1>Kefu console — sign in</h1>
      <p>The console for agents, knowledge managers, QA leads and admins is on its way. Until then, staff work through the API (<code>POST /api/auth/login</code>).</p>
      <p>
        See the customer widget on the <a href="/demo/">demo shop's help page</a>.
      </p>
    </main>
  );
}

render(<Console />, document.getElementById('app')!);
