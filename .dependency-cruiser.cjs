// Folder rules of STYLE.md, enforced by `npm run check`. Imports go one way:
// core ← db; core ← kb ← ingestion; core ← conversations ← handoff ← bot → kb; evals → bot, kb, ingestion, …; app → all.
// Tests may also use test/ helpers and db/migrate.ts; everything else about them follows the same rules.
const TESTS = '\\.test\\.ts$';
const modules = ['conversations', 'kb', 'ingestion', 'bot', 'handoff', 'evals', 'analytics'];
const only = (from, allowed) => ({
  name: `${from}-imports`,
  comment: `${from}/ may import only ${allowed.join(', ') || 'core/'} (STYLE.md, dependency rules)`,
  severity: 'error',
  from: { path: `^${from}/`, pathNot: TESTS },
  to: { path: `^(${['app', 'db', 'test', 'bench', ...modules].filter((m) => m !== from && !allowed.includes(m)).join('|')})/` },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'no import cycles (type-only imports of a module deps type from its index.ts are fine)', severity: 'error', from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } } },
    { name: 'core-is-bottom', comment: 'core/ imports no project folder', severity: 'error', from: { path: '^core/', pathNot: TESTS }, to: { path: `^(app|db|test|bench|${modules.join('|')})/` } },
    // End-to-end tests (*.int.test.ts) live beside the module they exercise and compose the app to do it.
    { name: 'nothing-imports-app', comment: 'app/ is the composition root; nothing imports it (but benchmarks and end-to-end tests)', severity: 'error', from: { path: '^(?!app/)', pathNot: ['^(bench)/', '\\.int\\.test\\.ts$'] }, to: { path: '^app/' } },
    only('db', []),
    only('conversations', []),
    only('kb', []),
    only('ingestion', ['kb']),
    only('handoff', ['conversations']),
    only('bot', ['kb', 'conversations', 'handoff']),
    only('evals', ['bot', 'kb', 'ingestion', 'conversations', 'handoff']),
    only('analytics', []),
    // web/ runs in the browser and talks to the API over HTTP only: at most a type from a module's *.schemas.ts.
    { name: 'web-is-client-only', comment: 'web/ imports no server code (only `import type` from */*.schemas.ts)', severity: 'error', from: { path: '^web/' }, to: { path: `^(app|core|db|test|bench|${modules.join('|')})/`, pathNot: '\\.schemas\\.ts$' } },
    { name: 'web-schemas-types-only', comment: 'web/ may import only types from *.schemas.ts', severity: 'error', from: { path: '^web/' }, to: { path: '\\.schemas\\.ts$', dependencyTypesNot: ['type-only'] } },
    { name: 'nothing-imports-web', comment: 'the server never imports the front end (it serves web/dist as files)', severity: 'error', from: { path: `^(app|core|db|bench|${modules.join('|')})/` }, to: { path: '^web/' } },
    {
      name: 'modules-through-index',
      comment: 'across modules, import only the other module\'s index.ts',
      severity: 'error',
      from: { path: `^(${modules.join('|')}|app|test)/` },
      to: { path: `^(${modules.join('|')})/`, pathNot: [`^(${modules.join('|')})/index\\.ts$`, '^$1/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    parser: 'swc',
  },
};
