// The regression gate: runs the development datasets through the harness and compares each headline metric with
// the committed baseline evals/baselines/<set>.json ({metric: {value, tolerance}}, tolerance absolute). A metric
// that drops by more than its tolerance fails the gate; `update` rewrites the baselines from the run instead.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { CaseLine, KbLine, readDataset } from './dataset.ts';
import { writeReport } from './report.ts';
import { runEval, type EvalDeps, type EvalProgress } from './run.ts';
import { headlineMetrics, type Headline } from './summary.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BASELINES_DIR = path.resolve(here, '..', 'baselines');
/** ../shared/datasets beside the repository (KEFU_DATASETS overrides it, read by the caller). */
export const DEFAULT_DATASETS_DIR = path.resolve(here, '..', '..', '..', 'shared', 'datasets');

export type GateSet = { name: string; kb: string | null; cases: string };
/** The development sets (file names as in ../shared/datasets/README.md). The attack sets need no knowledge base. */
export const GATE_SETS: readonly GateSet[] = [
  { name: 'clinc150_dev', kb: 'clinc150.kb.jsonl', cases: 'clinc150_dev.cases.jsonl' },
  { name: 'banking77', kb: 'banking77.kb.jsonl', cases: 'banking77.cases.jsonl' },
  { name: 'mtragun_govt', kb: 'mtragun_govt.kb.jsonl', cases: 'mtragun_govt.cases.jsonl' },
  { name: 'gptfuzz_harmful_questions', kb: null, cases: 'gptfuzz_harmful_questions.cases.jsonl' },
  { name: 'gptfuzz_jailbreak', kb: null, cases: 'gptfuzz_jailbreak.cases.jsonl' },
];

export const Baseline = z.record(z.string(), z.object({ value: z.number(), tolerance: z.number().min(0) }));
export type Baseline = z.infer<typeof Baseline>;

/**
 * Absolute tolerance for a metric measured over `n` cases: 2 points, or six cases' worth when that is more (one case
 * is 3.7 points of the 27 out-of-scope questions in mtragun_govt), rounded up to half a point. Runs are not
 * bit-identical: search is approximate (HNSW, whose graph has random levels and is built in the order the workers
 * index the documents), so a passage can move and a confidence with it. Two runs on fresh databases moved the big
 * sets by under a point and mtragun_govt's small denominators by up to two cases; on a database full of other rows
 * (filtered search over one shared index) by up to three, and one CI run on a fresh database by five (of 130). The
 * tolerance absorbs that, not a real regression; the big sets, where it stays at 2 points, are the sharp check.
 */
export function toleranceFor(n: number): number {
  const raw = Math.max(0.02, n > 0 ? 6 / n : 0.02);
  return Math.ceil(raw * 200 - 1e-9) / 200;
}

export function baselineFrom(h: Headline): Baseline {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, { value: Number(v.value.toFixed(4)), tolerance: toleranceFor(v.n) }]));
}

export type GateRow = { metric: string; baseline: number | null; now: number | null; delta: number | null; tolerance: number | null; status: 'ok' | 'dropped' | 'improved' | 'missing' | 'new' };

/** Every metric is "higher is better". A baseline metric the run no longer measures fails as `missing`. */
export function compareToBaseline(baseline: Baseline, now: Headline): GateRow[] {
  const rows: GateRow[] = [];
  for (const [metric, b] of Object.entries(baseline)) {
    const v = now[metric]?.value;
    if (v === undefined) {
      rows.push({ metric, baseline: b.value, now: null, delta: null, tolerance: b.tolerance, status: 'missing' });
      continue;
    }
    const delta = v - b.value;
    const status = delta < -b.tolerance - 1e-9 ? 'dropped' : delta > b.tolerance + 1e-9 ? 'improved' : 'ok';
    rows.push({ metric, baseline: b.value, now: v, delta, tolerance: b.tolerance, status });
  }
  for (const [metric, v] of Object.entries(now)) if (!(metric in baseline)) rows.push({ metric, baseline: null, now: v.value, delta: null, tolerance: null, status: 'new' });
  return rows;
}

export const failing = (rows: GateRow[]) => rows.filter((r) => r.status === 'dropped' || r.status === 'missing');

export function formatGateTable(rows: GateRow[]): string[] {
  const f = (x: number | null) => (x === null ? '–' : x.toFixed(4));
  const d = (x: number | null) => (x === null ? '–' : Math.abs(x) < 5e-5 ? '0' : `${x > 0 ? '+' : ''}${x.toFixed(4)}`);
  const cols = [
    ['metric', 'baseline', 'now', 'change', 'tolerance', 'status'],
    ...rows.map((r) => [r.metric, f(r.baseline), f(r.now), d(r.delta), r.tolerance === null ? '–' : `±${r.tolerance.toFixed(3)}`, r.status === 'dropped' ? 'DROPPED' : r.status === 'missing' ? 'MISSING' : r.status]),
  ];
  const widths = cols[0]!.map((_, i) => Math.max(...cols.map((c) => c[i]!.length)));
  return cols.map((c) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  '));
}

export type GateSetResult =
  | { set: string; status: 'skipped'; why: string }
  | { set: string; status: 'passed' | 'failed' | 'updated' | 'no_baseline'; rows: GateRow[]; headline: Headline; seconds: number; report: { json: string; html: string } };

export type GateOptions = {
  datasetsDir: string;
  baselinesDir?: string;
  /** Rewrite the baselines from this run instead of comparing. */
  update: boolean;
  /** Where each set's report goes (<dir>/<set>/report.{json,html}). */
  reportsDir: string;
  sets?: readonly GateSet[];
  onProgress?: (set: string, p: EvalProgress) => void;
  log: (line: string) => void;
};

/** Runs every set whose files exist. The caller checks first that the datasets folder exists at all. */
export async function runGate(deps: EvalDeps, opts: GateOptions): Promise<GateSetResult[]> {
  const baselinesDir = opts.baselinesDir ?? BASELINES_DIR;
  const results: GateSetResult[] = [];
  for (const set of opts.sets ?? GATE_SETS) {
    const kbFile = set.kb ? path.join(opts.datasetsDir, set.kb) : null;
    const casesFile = path.join(opts.datasetsDir, set.cases);
    const missing = [kbFile, casesFile].filter((f): f is string => f !== null && !existsSync(f));
    if (missing.length) {
      results.push({ set: set.name, status: 'skipped', why: `not found: ${missing.join(', ')}` });
      opts.log(`${set.name}: skipped (not found: ${missing.join(', ')})`);
      continue;
    }
    const t0 = performance.now();
    const report = await runEval(deps, {
      label: set.name,
      files: { kb: kbFile, cases: casesFile },
      kb: kbFile ? await readDataset(kbFile, KbLine) : null,
      cases: await readDataset(casesFile, CaseLine),
      onProgress: (p) => opts.onProgress?.(set.name, p),
    });
    const seconds = (performance.now() - t0) / 1000;
    const written = await writeReport(report, path.join(opts.reportsDir, set.name));
    const headline = headlineMetrics(report);
    const file = path.join(baselinesDir, `${set.name}.json`);
    if (opts.update) {
      await mkdir(baselinesDir, { recursive: true });
      await writeFile(file, `${JSON.stringify(baselineFrom(headline), null, 2)}\n`);
      results.push({ set: set.name, status: 'updated', rows: compareToBaseline(baselineFrom(headline), headline), headline, seconds, report: written });
      continue;
    }
    if (!existsSync(file)) {
      results.push({ set: set.name, status: 'no_baseline', rows: compareToBaseline({}, headline), headline, seconds, report: written });
      continue;
    }
    const parsed = Baseline.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new AppError('invalid_request', `${file} is not a baseline ({metric: {value, tolerance}}): ${z.prettifyError(parsed.error)}. Fix it or regenerate it with --update.`);
    const rows = compareToBaseline(parsed.data, headline);
    results.push({ set: set.name, status: failing(rows).length ? 'failed' : 'passed', rows, headline, seconds, report: written });
  }
  return results;
}
