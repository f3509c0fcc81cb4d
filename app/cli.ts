// The `kefu` command: migrate, seed, ingest, reindex, eval, eval-gate, qa-calibrate. Uses the same configuration and
// dependencies as the server.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import {
  calibrate,
  CaseLine,
  DEFAULT_DATASETS_DIR,
  failing,
  formatCalibration,
  formatGateTable,
  KbLine,
  llmJudge,
  openAiAnswerJudge,
  readDataset,
  runEval,
  runGate,
  summaryLines,
  writeReport,
  type CaseLine as CaseRow,
  type EvalProgress,
  type KbLine as KbRow,
  type SweepTarget,
} from '../evals/index.ts';
import { importDatasetRow, importFile, startImport } from '../ingestion/index.ts';
import { startModelChange } from '../kb/index.ts';
import { configOrExit } from './boot.ts';
import { createDeps, type Deps } from './deps.ts';
import { DEMO_WORKSPACE, saveDemoLogins, seedDemo } from './seed.ts';

const USAGE = `Usage: kefu <command> [options]

Commands:
  migrate                       apply database migrations (also done on every start)
  seed                          create the demo workspace, logins and knowledge base (once)
  ingest <file|folder|url|x.kb.jsonl>... [--workspace slug] [--collection name] [--tags a,b]
         [--crawl] [--sitemap] [--max-pages N] [--max-depth N]
                                add documents and wait until they are indexed, with a progress bar.
                                Files: PDF, DOCX, HTML, Markdown, TXT, CSV, XLSX, JSON. Folders are read recursively.
                                A URL imports one page; --crawl follows same-site links; --sitemap reads a sitemap.
                                A .kb.jsonl file holds one {"id","title","text","url"?} document per line.
  reindex --model NAME [--workspace slug | --all]
                                embed every chunk with another model beside the current one, then switch search to it
  eval --cases X.cases.jsonl [--kb X.kb.jsonl] [--sweep] [--target-precision P | --target-oos-recall R]
       [--write-settings WORKSPACE] [--out DIR] [--workspace-label NAME] [--keep] [--no-judge] [--judge-model M]
                                run every case through the real bot pipeline over the knowledge base (loaded into a
                                fresh workspace, deleted afterwards unless --keep) and write report.json and
                                report.html: retrieval, decisions, escalation, answer quality, citations, latency.
                                --sweep finds τ_answer (lowest threshold with answer precision >= P, default 0.9, or
                                out-of-scope recall >= R) and τ_clarify; --write-settings saves them to that
                                workspace (whose thresholds are also the ones reported as in force). With
                                OPENAI_API_KEY an LLM judge scores answers against gold answers (--no-judge: off).
                                Without --kb the knowledge base is empty (attack sets). --workspace-label names the
                                workspace and the report (default: the cases file's name). Bad lines: exit code 2.
  eval-gate [--update] [--datasets DIR] [--out DIR]
                                run the development datasets (KEFU_DATASETS or ../shared/datasets) offline with the
                                shipped thresholds and fail (exit 1) when a headline metric drops below its baseline
                                in evals/baselines/ by more than its tolerance; --update rewrites the baselines
  qa-calibrate --ratings X.ratings.jsonl [--kb X.kb.jsonl] [--out report.json] [--judge]
                                grade human-rated replies with the QA scorer and report, per dimension, how well it
                                orders them like the people did (Spearman's rho with a 95 % interval and p-value).
                                The knowledge file defaults to the one beside the ratings; --judge adds the LLM judge
                                (needs OPENAI_API_KEY). No database needed.
`;

const FILE_TYPES = /\.(md|markdown|txt|text|html?|pdf|docx|xlsx|csv|json)$/i;
// Declared before the top-level await below runs the command (function declarations hoist; these do not).
const DatasetRow = z.object({ id: z.union([z.string(), z.number()]).transform(String), title: z.string().default(''), text: z.string(), url: z.string().optional() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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
if (!['migrate', 'seed', 'ingest', 'reindex', 'eval', 'eval-gate', 'qa-calibrate'].includes(command)) fail(`Unknown command "${command}".\n\n${USAGE}`);
// Eval input is checked before anything connects: a bad file or option exits 2 at once; no datasets skips the gate.
const evalInput = command === 'eval' ? await prepareEval(rest) : null;
const gateInput = command === 'eval-gate' ? prepareGate(rest) : null;

if (command === 'qa-calibrate') {
  await qaCalibrate(rest);
  process.exit(0);
}

// The gate's baselines were measured offline with the shipped thresholds: it runs that way whatever the environment says.
const config = configOrExit(command === 'eval-gate' ? { ...process.env, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, BOT_ANSWER_THRESHOLD: undefined, BOT_CLARIFY_THRESHOLD: undefined } : process.env);
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
    await ingest(deps, rest);
  } else if (command === 'reindex') {
    await reindex(deps, rest);
  } else if (command === 'eval') {
    await evalCommand(deps, evalInput!);
  } else if (command === 'eval-gate') {
    await evalGate(deps, gateInput!);
  }
} finally {
  await deps.close();
}

async function workspaceIdOf(d: Deps, slug: string): Promise<string> {
  const { rows } = await d.db.query<{ id: string }>('SELECT id FROM workspaces WHERE slug = $1', [slug]);
  return rows[0]?.id ?? fail(`No workspace "${slug}". Run "kefu seed" or pass --workspace.`);
}


async function ingest(d: Deps, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', default: DEMO_WORKSPACE },
      collection: { type: 'string', default: 'General' },
      tags: { type: 'string' },
      crawl: { type: 'boolean', default: false },
      sitemap: { type: 'boolean', default: false },
      'max-pages': { type: 'string', default: '100' },
      'max-depth': { type: 'string', default: '2' },
    },
  });
  if (positionals.length === 0) fail(`Say what to ingest: kefu ingest <file|folder|url|x.kb.jsonl>...\n\n${USAGE}`);
  const workspaceId = await workspaceIdOf(d, values.workspace);
  const who = { type: 'system' as const, workspaceId };
  const tags = values.tags?.split(',').map((t) => t.trim()).filter(Boolean);
  d.startWorkers();

  const docIds = new Set<string>();
  const importIds: string[] = [];
  const problems: string[] = [];
  const outcomes = { created: 0, updated: 0, unchanged: 0 };
  const note = (r: { document: { id: string }; outcome: keyof typeof outcomes }) => {
    docIds.add(r.document.id);
    outcomes[r.outcome] += 1;
  };
  const reading = new cliProgress.SingleBar({ format: 'Reading   |{bar}| {value}/{total} sources {name}', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);

  const sources: string[] = [];
  for (const p of positionals) {
    if (/^https?:\/\//i.test(p)) sources.push(p);
    else sources.push(...(await expand(p)));
  }
  if (sources.length === 0) fail('No supported files found there (PDF, DOCX, HTML, Markdown, TXT, CSV, XLSX, JSON, .kb.jsonl).');
  reading.start(sources.length, 0, { name: '' });
  for (const src of sources) {
    reading.increment(0, { name: path.basename(src).slice(0, 40) });
    try {
      if (/^https?:\/\//i.test(src)) {
        const mode = values.sitemap ? 'sitemap' : values.crawl ? 'crawl' : 'url';
        const row = await startImport(d, who, { kind: mode, url: src, maxPages: Number(values['max-pages']), maxDepth: Number(values['max-depth']), collection: values.collection, tags });
        importIds.push(row.id);
      } else if (/\.kb\.jsonl$/i.test(src)) {
        const lines = (await readFile(src, 'utf8')).split('\n');
        const dataset = path.basename(src).replace(/\.kb\.jsonl$/i, '');
        for (const [i, line] of lines.entries()) {
          if (!line.trim()) continue;
          let parsed: unknown;
          try {
            parsed = JSON.parse(line);
          } catch {
            problems.push(`${src}:${i + 1}: not valid JSON; line skipped`);
            continue;
          }
          const row = DatasetRow.safeParse(parsed);
          if (!row.success) {
            problems.push(`${src}:${i + 1}: needs "id" and "text" (${row.error.issues[0]?.message}); line skipped`);
            continue;
          }
          note(await importDatasetRow(d, who, row.data, { collection: values.collection, tags, dataset }));
        }
      } else {
        const bytes = new Uint8Array(await readFile(src));
        note(await importFile(d, who, { filename: path.basename(src), bytes, source: 'cli', collection: values.collection, tags, sourceKey: `file:${path.resolve(src)}`, sourceRef: src }));
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems.push(`${src}: ${err.message}`);
    }
    reading.increment(1);
  }
  reading.stop();

  // Wait for URL imports to finish fetching, then for every document to be indexed.
  if (importIds.length) {
    out(`Fetching ${importIds.length} URL import(s)…`);
    for (;;) {
      const { rows } = await d.db.query<{ status: string; error: string | null; progress: { errors?: { url: string; error: string }[] } }>(
        'SELECT status, error, progress FROM kb_imports WHERE id = ANY($1::uuid[])',
        [importIds],
      );
      if (rows.every((r) => r.status === 'done' || r.status === 'failed')) {
        for (const r of rows) {
          if (r.error) problems.push(`import failed: ${r.error}`);
          for (const e of r.progress.errors ?? []) problems.push(`${e.url}: ${e.error}`);
        }
        const { rows: docs } = await d.db.query<{ id: string }>(
          `SELECT d.id FROM documents d JOIN kb_imports i ON d.source_key LIKE 'url:%' AND d.workspace_id = i.workspace_id AND d.updated_at >= i.created_at WHERE i.id = ANY($1::uuid[])`,
          [importIds],
        );
        for (const doc of docs) docIds.add(doc.id);
        break;
      }
      await sleep(300);
    }
  }

  const ids = [...docIds];
  if (ids.length) {
    const bar = new cliProgress.SingleBar({ format: 'Indexing  |{bar}| {percentage}% | {value}/{total} documents | {chunks} chunks | {failed} failed', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
    bar.start(ids.length, 0, { chunks: 0, failed: 0 });
    for (;;) {
      const { rows } = await d.db.query<{ ready: number; failed: number; chunks: number }>(
        `SELECT count(*) FILTER (WHERE status = 'ready')::int AS ready, count(*) FILTER (WHERE status = 'failed')::int AS failed,
                (SELECT count(*)::int FROM chunks WHERE document_id = ANY($1::uuid[])) AS chunks
           FROM documents WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const s = rows[0]!;
      bar.update(s.ready + s.failed, { chunks: s.chunks, failed: s.failed });
      if (s.ready + s.failed >= ids.length) break;
      await sleep(250);
    }
    bar.stop();
    const { rows: failed } = await d.db.query<{ title: string; error: string }>(`SELECT title, error FROM documents WHERE id = ANY($1::uuid[]) AND status = 'failed'`, [ids]);
    for (const f of failed) problems.push(`${f.title}: ${f.error}`);
  }
  out(`Done: ${outcomes.created} new, ${outcomes.updated} updated, ${outcomes.unchanged} unchanged, ${problems.length} problem(s).`);
  for (const p of problems) out(`  ! ${p}`);
  if (problems.length && docIds.size === 0) process.exitCode = 1;
}

async function reindex(d: Deps, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, workspace: { type: 'string' }, all: { type: 'boolean', default: false } } });
  if (!values.model) fail(`Say which model: kefu reindex --model ${d.embedders.defaultModel}\n\n${USAGE}`);
  const model = values.model!;
  const workspaces = values.all
    ? (await d.db.query<{ id: string; slug: string }>('SELECT id, slug FROM workspaces ORDER BY slug')).rows
    : [{ id: await workspaceIdOf(d, values.workspace ?? DEMO_WORKSPACE), slug: values.workspace ?? DEMO_WORKSPACE }];
  d.startWorkers();
  for (const ws of workspaces) {
    let started: boolean;
    try {
      ({ started } = await startModelChange(d, { type: 'system', workspaceId: ws.id }, model));
    } catch (err) {
      if (err instanceof AppError) fail(err.message);
      throw err;
    }
    if (!started) {
      out(`${ws.slug}: already searching with ${model}; nothing to do.`);
      continue;
    }
    const bar = new cliProgress.SingleBar({ format: `${ws.slug.padEnd(12)} |{bar}| {percentage}% | {value}/{total} chunks embedded with ${model}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
    bar.start(1, 0);
    for (;;) {
      const { rows } = await d.db.query<{ status: string; progress: { done?: number; total?: number; error?: string } }>(
        'SELECT status, progress FROM kb_embedding_models WHERE workspace_id = $1 AND model = $2',
        [ws.id, model],
      );
      const r = rows[0];
      if (r?.progress.total) bar.setTotal(r.progress.total);
      bar.update(r?.progress.done ?? 0);
      if (!r || r.status !== 'building') {
        bar.update(r?.progress.total ?? 1);
        bar.stop();
        if (r?.status === 'active') out(`${ws.slug}: search now uses ${model}.`);
        else {
          out(`${ws.slug}: the change did not finish (${r?.status ?? 'removed'}). ${r?.progress.error ?? ''} Search still uses the previous model.`);
          process.exitCode = 1;
        }
        break;
      }
      await sleep(300);
    }
  }
}


async function expand(p: string): Promise<string[]> {
  const s = await stat(p).catch(() => fail(`Cannot read ${p}: no such file or folder.`));
  if (s.isFile()) return [p];
  const entries = await readdir(p, { recursive: true });
  return entries.filter((e) => FILE_TYPES.test(e) || /\.kb\.jsonl$/i.test(e)).sort().map((e) => path.join(p, e));
}

/** `kefu qa-calibrate`: the QA scorer against people's ratings; prints the table, optionally writes the JSON report. */
async function qaCalibrate(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { ratings: { type: 'string' }, kb: { type: 'string' }, out: { type: 'string' }, judge: { type: 'boolean', default: false } } });
  if (!values.ratings) fail('Say which ratings to calibrate against: kefu qa-calibrate --ratings path/to/X.ratings.jsonl');
  const ratings = path.resolve(values.ratings!);
  if (!(await stat(ratings).catch(() => null))) fail(`No file at ${ratings}.`);
  let judge = null;
  if (values.judge) {
    const config = configOrExit();
    if (!config.OPENAI_API_KEY) fail('--judge needs an LLM: set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible server).');
    judge = llmJudge({ apiKey: config.OPENAI_API_KEY!, baseUrl: config.OPENAI_BASE_URL, model: config.QA_JUDGE_MODEL ?? config.CHAT_MODEL, timeoutMs: config.LLM_TIMEOUT_MS });
  }
  const bar = new cliProgress.SingleBar({ format: 'grading  [{bar}] {value}/{total} replies', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  const report = await calibrate({
    ratings,
    kb: values.kb ? path.resolve(values.kb) : null,
    judge,
    onProgress: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
  }).catch((err: Error) => fail(err.message));
  if (started) bar.stop();
  out(formatCalibration(report));
  if (values.out) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.resolve(values.out), `${JSON.stringify(report, null, 2)}\n`);
    out(`\nwrote ${path.resolve(values.out)}`);
  }
}

type EvalInput = {
  label: string;
  files: { kb: string | null; cases: string };
  kb: KbRow[] | null;
  cases: CaseRow[];
  sweep: SweepTarget | null;
  writeSettings: string | null;
  out: string | null;
  keep: boolean;
  judge: boolean;
  judgeModel: string | null;
};

/** `kefu eval` options and files, validated before anything connects (exit 2 with the reason). */
async function prepareEval(args: string[]): Promise<EvalInput> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowNegative: true,
      options: {
        kb: { type: 'string' },
        cases: { type: 'string' },
        sweep: { type: 'boolean', default: false },
        'target-precision': { type: 'string' },
        'target-oos-recall': { type: 'string' },
        'write-settings': { type: 'string' },
        out: { type: 'string' },
        'workspace-label': { type: 'string' },
        keep: { type: 'boolean', default: false },
        judge: { type: 'boolean', default: true },
        'judge-model': { type: 'string' },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  const share = (name: string) => z.coerce.number({ error: `${name} must be a number` }).gt(0, `${name} must be above 0`).max(1, `${name} must be at most 1`).optional();
  const Options = z
    .object({
      cases: z.string({ error: 'Say which cases to run: kefu eval --cases X.cases.jsonl [--kb X.kb.jsonl]' }),
      'target-precision': share('--target-precision'),
      'target-oos-recall': share('--target-oos-recall'),
      'write-settings': z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, '--write-settings takes a workspace slug').optional(),
      'workspace-label': z.string().trim().min(1).max(80).optional(),
    })
    .refine((o) => o['target-precision'] === undefined || o['target-oos-recall'] === undefined, 'Give --target-precision or --target-oos-recall, not both.');
  const o = Options.safeParse(parsed.values);
  if (!o.success) return fail(o.error.issues.map((i) => i.message).join('\n'));
  const v = parsed.values;
  const targetGiven = o.data['target-precision'] !== undefined || o.data['target-oos-recall'] !== undefined;
  if ((targetGiven || v['write-settings']) && !v.sweep) fail('--target-precision, --target-oos-recall and --write-settings go with --sweep, which finds the thresholds: add --sweep.');
  const casesFile = path.resolve(o.data.cases);
  const kbFile = v.kb ? path.resolve(v.kb) : null;
  let kb: KbRow[] | null = null;
  let cases: CaseRow[];
  try {
    kb = kbFile ? await readDataset(kbFile, KbLine) : null;
    cases = await readDataset(casesFile, CaseLine);
  } catch (err) {
    if (err instanceof AppError) return fail(err.message);
    throw err;
  }
  const sweep: SweepTarget | null = !v.sweep
    ? null
    : o.data['target-oos-recall'] !== undefined
      ? { metric: 'oosRecall', value: o.data['target-oos-recall'] }
      : { metric: 'answerPrecision', value: o.data['target-precision'] ?? 0.9 };
  return {
    label: o.data['workspace-label'] ?? path.basename(casesFile).replace(/\.cases\.jsonl$|\.jsonl$/i, ''),
    files: { kb: kbFile, cases: casesFile },
    kb,
    cases,
    sweep,
    writeSettings: o.data['write-settings'] ?? null,
    out: v.out ? path.resolve(v.out) : null,
    keep: v.keep,
    judge: v.judge,
    judgeModel: v['judge-model'] ?? null,
  };
}

/** Progress bars for the phases of an eval run; a new bar when the phase changes. */
function evalProgress(prefix = ''): { update: (p: EvalProgress) => void; stop: () => void } {
  const label = { indexing: 'Indexing', running: 'Running', judging: 'Judging' } as const;
  const unit = { indexing: 'documents', running: 'cases', judging: 'answers' } as const;
  let bar: cliProgress.SingleBar | null = null;
  let phase: EvalProgress['phase'] | null = null;
  return {
    update(p) {
      if (p.phase !== phase) {
        bar?.stop();
        phase = p.phase;
        bar = new cliProgress.SingleBar({ format: `${prefix}${label[p.phase].padEnd(9)} |{bar}| {value}/{total} ${unit[p.phase]} | ETA {eta_formatted}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000 }, cliProgress.Presets.shades_classic);
        bar.start(p.total, 0);
      }
      bar!.update(p.done);
    },
    stop() {
      bar?.stop();
      bar = null;
      phase = null;
    },
  };
}

async function evalCommand(d: Deps, input: EvalInput): Promise<void> {
  const judge =
    input.judge && d.config.OPENAI_API_KEY
      ? openAiAnswerJudge({ apiKey: d.config.OPENAI_API_KEY, baseUrl: d.config.OPENAI_BASE_URL, model: input.judgeModel ?? d.config.CHAT_MODEL, timeoutMs: d.config.LLM_TIMEOUT_MS })
      : null;
  d.startWorkers();
  const bars = evalProgress();
  let report;
  try {
    report = await runEval(d, { ...input, judge, onProgress: bars.update });
  } catch (err) {
    bars.stop();
    if (err instanceof AppError) return fail(err.message);
    throw err;
  }
  bars.stop();
  const stamp = report.createdAt.replace(/[:.]/g, '-').slice(0, 19);
  const dir = input.out ?? path.resolve(d.config.DATA_DIR, 'eval', `${report.workspace.slug.replace(/-[0-9a-f]{8}$/, '')}-${stamp}`);
  const files = await writeReport(report, dir);
  out('');
  for (const line of summaryLines(report)) out(line);
  out(`\nReport: ${files.json}\n        ${files.html}`);
  if (report.workspace.kept) out(`Workspace kept: ${report.workspace.slug}`);
  if (input.writeSettings && !report.settingsWritten) process.exitCode = 1;
}

/** `kefu eval-gate` options; exits 0 at once with "skipped" when the datasets folder is not there. */
function prepareGate(args: string[]): { datasetsDir: string; update: boolean; out: string | null } {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { update: { type: 'boolean', default: false }, datasets: { type: 'string' }, out: { type: 'string' } } }));
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  const datasetsDir = path.resolve(values.datasets ?? process.env.KEFU_DATASETS ?? DEFAULT_DATASETS_DIR);
  if (!existsSync(datasetsDir)) {
    out(`eval gate skipped: datasets not found at ${datasetsDir} (set KEFU_DATASETS or pass --datasets DIR).`);
    process.exit(0);
  }
  return { datasetsDir, update: values.update, out: values.out ? path.resolve(values.out) : null };
}

async function evalGate(d: Deps, input: { datasetsDir: string; update: boolean; out: string | null }): Promise<void> {
  const started = performance.now();
  d.startWorkers();
  const reportsDir = input.out ?? path.resolve(d.config.DATA_DIR, 'eval-gate');
  out(`Eval gate: datasets ${input.datasetsDir}; offline bot (local embedder, extractive answers), τ_answer ${d.config.BOT_ANSWER_THRESHOLD}, τ_clarify ${d.config.BOT_CLARIFY_THRESHOLD}.`);
  let bars = evalProgress();
  let current = '';
  const results = await runGate(d, {
    datasetsDir: input.datasetsDir,
    update: input.update,
    reportsDir,
    log: out,
    onProgress: (set, p) => {
      if (set !== current) {
        bars.stop();
        bars = evalProgress(`${set.padEnd(26)} `);
        current = set;
      }
      bars.update(p);
    },
  });
  bars.stop();
  let failed = 0;
  for (const r of results) {
    if (r.status === 'skipped') continue;
    out(`\n== ${r.set}: ${r.status === 'no_baseline' ? 'NO BASELINE' : r.status.toUpperCase()} (${r.seconds.toFixed(0)} s; report ${r.report.html})`);
    const shown = r.status === 'failed' ? failing(r.rows) : r.rows;
    for (const line of formatGateTable(shown)) out(`   ${line}`);
    if (r.status === 'failed' || r.status === 'no_baseline') failed++;
    if (r.status === 'no_baseline') out(`   No evals/baselines/${r.set}.json: run "npm run eval:gate -- --update" and commit it.`);
  }
  const ran = results.filter((r) => r.status !== 'skipped').length;
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (input.update) out(`\nBaselines rewritten for ${ran} set(s) in ${seconds} s: review and commit evals/baselines/.`);
  else if (failed) {
    out(`\nEval gate FAILED: ${failed} of ${ran} set(s) dropped beyond tolerance (${seconds} s). If the drop is intended, run "npm run eval:gate -- --update" and commit the new baselines.`);
    process.exitCode = 1;
  } else out(`\nEval gate passed: ${ran} set(s), ${seconds} s.`);
}
