// Eval runs over HTTP (qa:review): the reports `kefu eval` wrote under DATA_DIR/eval/<run>/ — a list of their
// summaries (label, time, headline metrics) and each run's self-contained report.html. The directory comes through
// deps (evals/ must not import app/). A run id is one directory name, checked strictly, so no request can reach a
// file outside that directory.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { authorize } from '../../core/access.ts';
import { notFound } from '../../core/errors.ts';
import { parse } from '../../core/validate.ts';
import { headlineMetrics } from '../harness/summary.ts';
import type { EvalReport } from '../harness/run.ts';

export type EvalRunsDeps = { /** Where `kefu eval` writes its runs (DATA_DIR/eval). */ evalDir: string };

/** A run id: a plain directory name — letters, digits, dot, dash, underscore; not starting with a dot. */
export const RunId = z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/, 'a run id is the name of a folder under the eval directory: letters, digits, ".", "-" and "_"');
const RunParams = z.object({ runId: RunId });

export type EvalRunSummary = {
  id: string;
  label: string;
  createdAt: string;
  cases: number | null;
  durationMs: number | null;
  answerMode: string | null;
  metrics: Record<string, number>;
  hasHtml: boolean;
};

/** Every run with a readable report.json, newest first; unreadable ones are skipped. */
export async function listEvalRuns(deps: EvalRunsDeps): Promise<EvalRunSummary[]> {
  const entries = await readdir(deps.evalDir, { withFileTypes: true }).catch(() => []);
  const runs: EvalRunSummary[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || !RunId.safeParse(e.name).success) continue;
    const dir = path.join(deps.evalDir, e.name);
    const report = await readFile(path.join(dir, 'report.json'), 'utf8')
      .then((t) => JSON.parse(t) as Partial<EvalReport>)
      .catch(() => null);
    if (!report || typeof report !== 'object') continue;
    let metrics: Record<string, number> = {};
    try {
      metrics = Object.fromEntries(Object.entries(headlineMetrics(report as EvalReport)).map(([k, v]) => [k, v.value]));
    } catch {
      // an older or partial report: list it without metrics
    }
    runs.push({
      id: e.name,
      label: typeof report.label === 'string' ? report.label : e.name,
      createdAt: typeof report.createdAt === 'string' ? report.createdAt : (await stat(dir)).mtime.toISOString(),
      cases: Array.isArray(report.cases) ? report.cases.length : null,
      durationMs: typeof report.durationMs === 'number' ? report.durationMs : null,
      answerMode: report.bot?.answerMode ?? null,
      metrics,
      hasHtml: await stat(path.join(dir, 'report.html')).then((s) => s.isFile(), () => false),
    });
  }
  return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function evalRunsRoutes(deps: EvalRunsDeps): Router {
  const router = Router();

  router.get('/evals/runs', async (_req, res) => {
    authorize(res, 'qa:review');
    res.json({ runs: await listEvalRuns(deps) });
  });

  router.get('/evals/runs/:runId/report.html', async (req, res) => {
    authorize(res, 'qa:review');
    const { runId } = parse(RunParams, req.params, 'run id');
    const root = path.resolve(deps.evalDir);
    const file = path.join(root, runId, 'report.html');
    if (path.dirname(path.dirname(file)) !== root) throw notFound('eval run', runId); // belt and braces after the regex
    const html = await readFile(file, 'utf8').catch(() => null);
    if (html === null) throw notFound('eval run', runId);
    // The report is self-contained (inline Chart.js and styles): allow exactly that, in a sandbox with no origin.
    res.setHeader('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; sandbox allow-scripts");
    res.type('html').send(html);
  });

  return router;
}
