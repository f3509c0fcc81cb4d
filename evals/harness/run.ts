// One eval run: a fresh workspace → the KB through the real ingestion path (importDatasetRow, indexed by the
// workers) → every case through the real bot pipeline (runTurn, once, both thresholds at 0, so the decision at any
// thresholds follows from its confidence) → optional LLM judge → metrics at the thresholds in force and, with a
// sweep, at the thresholds it picks (optionally written to a workspace's settings, audited) → the workspace is
// deleted. The caller starts the job workers and writes the report files.
import { randomUUID } from 'node:crypto';
import { unframe, loadBotSettings, runTurn, type BotDeps, type BotSettings, type HistoryTurn, type TurnResult } from '../../bot/index.ts';
import { audit } from '../../core/audit.ts';
import { AppError } from '../../core/errors.ts';
import { importDatasetRow, type IngestionDeps } from '../../ingestion/index.ts';
import type { CaseLine, KbLine } from './dataset.ts';
import type { AnswerJudge } from './judge.ts';
import { dedupe, sweepThresholds, tokenF1, type SweepTarget } from './metrics.ts';
import { summarize, type CaseRecord, type EvalSummary } from './summary.ts';

/** What a run needs: ingestion's slice (db, embedders, events, jobs) and the bot's. The caller runs the workers. */
export type EvalDeps = IngestionDeps & { botDeps: BotDeps };

export type EvalProgress = { phase: 'indexing' | 'running' | 'judging'; done: number; total: number };

export type EvalOptions = {
  /** Names the workspace, the documents' dataset and the report. */
  label: string;
  files: { kb: string | null; cases: string };
  /** null: an empty knowledge base (attack sets need none). */
  kb: KbLine[] | null;
  cases: CaseLine[];
  /** Find τ_answer / τ_clarify for this target. */
  sweep?: SweepTarget | null;
  /** Slug of a workspace: its settings are the thresholds in force, and the sweep's thresholds are written there. */
  writeSettings?: string | null;
  /** Keep the eval workspace (for looking at it) instead of deleting it. */
  keep?: boolean;
  judge?: AnswerJudge | null;
  onProgress?: (p: EvalProgress) => void;
  /** Give up when no document finished indexing for this long (workers not running?). */
  indexStallMs?: number;
};

export type EvalReport = EvalSummary & {
  version: 1;
  label: string;
  createdAt: string;
  files: { kb: string | null; cases: string };
  bot: { answerMode: 'extractive' | 'llm'; model: string | null };
  thresholdsFrom: string;
  kb: { documents: number; failed: { id: string; error: string }[] };
  workspace: { id: string; slug: string; kept: boolean };
  settingsWritten: { workspace: string; botAnswerThreshold: number; botClarifyThreshold: number } | null;
  judge: { model: string; judged: number; errors: number } | null;
  warnings: string[];
  durationMs: number;
  cases: CaseRecord[];
};

const RANKED_KEPT = 10;
const JUDGE_CONCURRENCY = 4;

export async function runEval(deps: EvalDeps, opts: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const warnings: string[] = [];
  const progress = opts.onProgress ?? (() => undefined);

  // Fail before any work when the settings target does not exist.
  const target = opts.writeSettings ? await findWorkspace(deps, opts.writeSettings) : null;
  const inForce = loadBotSettings(target?.settings, deps.botDeps.defaults);

  if (opts.kb) {
    const ids = new Set(opts.kb.map((d) => d.id));
    const unknown = opts.cases.filter((c) => c.gold_doc_ids.some((g) => !ids.has(g)));
    if (unknown.length) warnings.push(`${unknown.length} case(s) name gold documents that are not in the knowledge base (e.g. case ${unknown[0]!.id}); they can never be retrieved.`);
  }

  const workspace = await createWorkspace(deps, opts.label);
  try {
    const dataset = datasetName(opts.label);
    const failed = opts.kb ? await loadKb(deps, workspace.id, dataset, opts.kb, progress, opts.indexStallMs ?? 120_000) : [];
    if (failed.length) warnings.push(`${failed.length} document(s) failed to index (e.g. ${failed[0]!.id}: ${failed[0]!.error}); cases citing them cannot find them.`);
    const datasetIds = await documentDatasetIds(deps, workspace.id, dataset);

    const settings: BotSettings = { answerThreshold: 0, clarifyThreshold: 0, sensitiveTopics: inForce.sensitiveTopics };
    const records: CaseRecord[] = [];
    let model: string | null = null;
    let answerMode: 'extractive' | 'llm' = deps.botDeps.llm ? 'llm' : 'extractive';
    for (const [i, c] of opts.cases.entries()) {
      const t0 = performance.now();
      const turn = await runTurn(deps.botDeps, { workspaceId: workspace.id, text: c.question, history: historyOf(c), priorTurns: [], settings });
      const latencyMs = performance.now() - t0;
      model ??= turn.model;
      answerMode = turn.answerMode;
      records.push(recordOf(c, turn, latencyMs, datasetIds));
      progress({ phase: 'running', done: i + 1, total: opts.cases.length });
    }

    const judged = opts.judge ? await judgeAll(opts.judge, records, opts.cases, progress) : null;

    const current = { answerThreshold: inForce.answerThreshold, clarifyThreshold: inForce.clarifyThreshold };
    const sweep = opts.sweep ? sweepThresholds(records, opts.sweep) : null;
    if (opts.sweep && !records.some((r) => !r.inScope) && opts.sweep.metric === 'oosRecall') {
      warnings.push('--target-oos-recall needs out-of-scope cases (in_scope: false); this set has none.');
    }
    const summary = summarize(records, current, sweep);

    let settingsWritten: EvalReport['settingsWritten'] = null;
    if (target && sweep?.answerThreshold != null && sweep.clarifyThreshold != null) {
      await writeThresholds(deps, target, { botAnswerThreshold: sweep.answerThreshold, botClarifyThreshold: sweep.clarifyThreshold }, { cases: opts.files.cases, target: sweep.target });
      settingsWritten = { workspace: target.slug, botAnswerThreshold: sweep.answerThreshold, botClarifyThreshold: sweep.clarifyThreshold };
    } else if (target && sweep) {
      warnings.push(`The sweep did not reach its target, so nothing was written to workspace "${target.slug}".`);
    }

    return {
      version: 1,
      label: opts.label,
      createdAt: new Date().toISOString(),
      files: opts.files,
      bot: { answerMode, model },
      thresholdsFrom: target ? `workspace "${target.slug}" settings (server defaults where unset)` : 'server defaults (BOT_ANSWER_THRESHOLD, BOT_CLARIFY_THRESHOLD)',
      kb: { documents: opts.kb?.length ?? 0, failed },
      workspace: { id: workspace.id, slug: workspace.slug, kept: !!opts.keep },
      settingsWritten,
      judge: judged,
      warnings,
      durationMs: performance.now() - started,
      ...summary,
      cases: records,
    };
  } finally {
    if (!opts.keep) await deps.db.query('DELETE FROM workspaces WHERE id = $1', [workspace.id]);
  }
}

/** Dataset history → the pipeline's: the customer's turns and the agent's (answers the bot would have given). */
const historyOf = (c: CaseLine): HistoryTurn[] => c.history.map((h) => ({ role: h.role === 'user' ? 'customer' : 'bot', text: h.text }));

function recordOf(c: CaseLine, turn: TurnResult, latencyMs: number, datasetIds: Map<string, string>): CaseRecord {
  const idOf = (documentId: string) => datasetIds.get(documentId) ?? `document:${documentId}`;
  const answered = turn.decision === 'answer' && turn.reply !== null;
  const cited = answered ? dedupe(turn.reply!.citations.map((x) => idOf(x.documentId))) : [];
  // What the answer says, without the bot's frame and citation marks.
  const reply = answered ? unframe(turn.reply!.text) : null;
  const inScope = c.in_scope;
  return {
    id: c.id,
    question: c.question,
    intent: c.intent ?? null,
    goldDocIds: c.gold_doc_ids,
    historyTurns: c.history.length,
    inScope,
    decision: turn.decision,
    reason: turn.reason,
    confidence: turn.confidence,
    correct: inScope && answered && cited[0] !== undefined && c.gold_doc_ids.includes(cited[0]),
    verifiable: !inScope || c.gold_doc_ids.length > 0,
    ranked: dedupe(turn.passages.map((p) => idOf(p.documentId))).slice(0, RANKED_KEPT),
    cited,
    reply,
    goldAnswer: c.gold_answer ?? null,
    tokenF1: reply !== null && c.gold_answer ? tokenF1(reply, c.gold_answer) : null,
    judge: null,
    latencyMs,
  };
}

async function judgeAll(judge: AnswerJudge, records: CaseRecord[], cases: CaseLine[], progress: (p: EvalProgress) => void): Promise<EvalReport['judge']> {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const todo = records.filter((r) => r.reply !== null && r.goldAnswer !== null);
  let next = 0;
  let done = 0;
  let errors = 0;
  // A few calls at once: the judge is I/O-bound, and each verdict is independent.
  const worker = async () => {
    while (next < todo.length) {
      const r = todo[next++]!;
      const c = byId.get(r.id)!;
      try {
        const v = await judge.judge({ question: c.question, history: c.history, reference: r.goldAnswer!, answer: r.reply! });
        r.judge = { score: v.score, rationale: v.rationale };
      } catch (err) {
        errors++;
        r.judge = { error: (err as Error).message.slice(0, 300) };
      }
      progress({ phase: 'judging', done: ++done, total: todo.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(JUDGE_CONCURRENCY, todo.length) }, worker));
  return { model: judge.model, judged: todo.length - errors, errors };
}

// ---------------------------------------------------------------------------------------------------------------
// Workspace and knowledge base

type Workspace = { id: string; slug: string; settings: Record<string, unknown> };

async function findWorkspace(deps: EvalDeps, slug: string): Promise<Workspace> {
  const { rows } = await deps.db.query<Workspace>('SELECT id, slug, settings FROM workspaces WHERE slug = $1', [slug]);
  if (!rows[0]) throw new AppError('invalid_request', `No workspace "${slug}" to write the thresholds to. Check the slug (kefu seed creates "demo").`);
  return rows[0];
}

const datasetName = (label: string) => label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'eval';

async function createWorkspace(deps: EvalDeps, label: string): Promise<{ id: string; slug: string }> {
  const slug = `eval-${datasetName(label).slice(0, 40)}-${randomUUID().slice(0, 8)}`;
  const { rows } = await deps.db.query<{ id: string }>('INSERT INTO workspaces (slug, name) VALUES ($1, $2) RETURNING id', [slug, `Eval: ${label}`.slice(0, 200)]);
  return { id: rows[0]!.id, slug };
}

/** Imports every document through ingestion and waits until each is ready or failed. Returns the failed ones. */
async function loadKb(deps: EvalDeps, workspaceId: string, dataset: string, kb: KbLine[], progress: (p: EvalProgress) => void, stallMs: number): Promise<{ id: string; error: string }[]> {
  const who = { type: 'system' as const, workspaceId };
  for (const row of kb) await importDatasetRow(deps, who, { id: row.id, title: row.title, text: row.text, url: row.url }, { dataset });
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const { rows } = await deps.db.query<{ done: number }>(`SELECT count(*) FILTER (WHERE status IN ('ready', 'failed'))::int AS done FROM documents WHERE workspace_id = $1`, [workspaceId]);
    const done = rows[0]!.done;
    progress({ phase: 'indexing', done, total: kb.length });
    if (done >= kb.length) break;
    if (done !== last) {
      last = done;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) {
      throw new AppError('service_unavailable', `Indexing stalled at ${done}/${kb.length} documents for ${Math.round(stallMs / 1000)} s. Are the job workers running (and Redis or the database reachable)?`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const { rows } = await deps.db.query<{ key: string; error: string | null }>(`SELECT source_key AS key, error FROM documents WHERE workspace_id = $1 AND status = 'failed' ORDER BY source_key`, [workspaceId]);
  return rows.map((r) => ({ id: r.key.slice(`dataset:${dataset}:`.length), error: r.error ?? 'unknown error' }));
}

/** Document id → the dataset's own id, from the source key importDatasetRow gave it. */
async function documentDatasetIds(deps: EvalDeps, workspaceId: string, dataset: string): Promise<Map<string, string>> {
  const { rows } = await deps.db.query<{ id: string; key: string }>('SELECT id, source_key AS key FROM documents WHERE workspace_id = $1', [workspaceId]);
  const prefix = `dataset:${dataset}:`;
  return new Map(rows.filter((d) => d.key.startsWith(prefix)).map((d) => [d.id, d.key.slice(prefix.length)]));
}

/** Merges the thresholds into the workspace's settings and audits it, as PATCH /api/admin/settings does. */
async function writeThresholds(deps: EvalDeps, ws: Workspace, patch: { botAnswerThreshold: number; botClarifyThreshold: number }, why: Record<string, unknown>): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx.query('UPDATE workspaces SET settings = settings || $2::jsonb WHERE id = $1', [ws.id, JSON.stringify(patch)]);
    await audit(tx, { type: 'system', workspaceId: ws.id }, 'settings.changed', { type: 'workspace', id: ws.id, details: { ...patch, source: 'kefu eval --sweep', ...why } });
  });
}
