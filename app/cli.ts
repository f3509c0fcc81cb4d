// The `kefu` command: migrate, seed, ingest, eval. Uses the same configuration and dependencies as the server.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addDocument } from '../kb/index.ts';
import { configOrExit } from './boot.ts';
import { createDeps } from './deps.ts';
import { DEMO_WORKSPACE, saveDemoLogins, seedDemo } from './seed.ts';
import { createLogger } from '../core/logger.ts';

const USAGE = `Usage: kefu <command> [options]

Commands:
  migrate                       apply database migrations (also done on every start)
  seed                          create the demo workspace, logins and knowledge base (once)
  ingest <file|folder>... [--workspace slug] [--collection name]
                                add Markdown (.md) and text (.txt) files to the knowledge base and index them
  eval                          run the evals harness (arrives with the evals issue)
`;

const out = (s: string) => process.stdout.write(`${s}\n`);
const fail = (s: string): never => {
  process.stderr.write(`${s}\n`);
  process.exit(2);
};

const [command, ...rest] = process.argv.slice(2);
if (!command || command === 'help' || command === '--help') {
  out(USAGE);
  process.exit(command ? 0 : 2);
}
if (!['migrate', 'seed', 'ingest', 'eval'].includes(command)) fail(`Unknown command "${command}".\n\n${USAGE}`);
if (command === 'eval') fail('kefu eval is not built yet: it arrives with the evals harness. Nothing was run.');

const config = configOrExit();
const deps = await createDeps(config, { logger: createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }) });
try {
  if (command === 'migrate') {
    out('Database is up to date.');
  } else if (command === 'seed') {
    const seeded = await seedDemo(deps);
    if (!seeded.created) out('The demo workspace already exists; nothing changed.');
    else {
      const file = await saveDemoLogins(config.DATA_DIR, seeded.logins);
      out(`Demo workspace created. Sign-ins (also in ${file}):`);
      for (const l of seeded.logins) out(`  ${l.role.padEnd(11)} ${l.email.padEnd(28)} ${l.password}`);
    }
  } else if (command === 'ingest') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { workspace: { type: 'string', default: DEMO_WORKSPACE }, collection: { type: 'string', default: 'General' } } });
    if (positionals.length === 0) fail(`Say what to ingest: kefu ingest <file|folder>...\n\n${USAGE}`);
    const { rows } = await deps.db.query<{ id: string }>('SELECT id FROM workspaces WHERE slug = $1', [values.workspace]);
    const workspaceId = rows[0]?.id ?? fail(`No workspace "${values.workspace}". Run "kefu seed" or pass --workspace.`);
    const files = (await Promise.all(positionals.map(expand))).flat();
    if (files.length === 0) fail('No .md or .txt files found there.');
    deps.startWorkers();
    const ids: string[] = [];
    for (const file of files) {
      const body = await readFile(file, 'utf8');
      const doc = await addDocument(deps, { workspaceId, title: path.basename(file).replace(/\.(md|markdown|txt)$/i, ''), body, mime: /\.txt$/i.test(file) ? 'text/plain' : 'text/markdown', collection: values.collection, source: 'cli', sourceRef: file });
      ids.push(doc.id);
    }
    out(`Indexing ${ids.length} document(s)…`);
    for (;;) {
      const { rows: st } = await deps.db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM documents WHERE id = ANY($1::uuid[]) GROUP BY status', [ids]);
      const by = Object.fromEntries(st.map((r) => [r.status, r.n]));
      const done = (by.ready ?? 0) + (by.failed ?? 0);
      const width = 30;
      process.stdout.write(`\r[${'#'.repeat(Math.round((done / ids.length) * width)).padEnd(width, '.')}] ${done}/${ids.length} done, ${by.failed ?? 0} failed`);
      if (done === ids.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    out('');
  }
} finally {
  await deps.close();
}

async function expand(p: string): Promise<string[]> {
  const s = await stat(p).catch(() => fail(`Cannot read ${p}: no such file or folder.`));
  if (s.isFile()) return [p];
  const entries = await readdir(p, { recursive: true });
  return entries.filter((e) => /\.(md|markdown|txt)$/i.test(e)).map((e) => path.join(p, e));
}
