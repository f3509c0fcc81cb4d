// `kefu qa-calibrate --ratings X.ratings.jsonl`: grades replies people have rated with the automated scorer and
// reports, per human dimension, how well the automated grade orders them like the people did (Spearman's rho, a 95 %
// bootstrap interval, a permutation p-value against chance). Which automated grade stands for which human dimension
// is fixed here, before looking at any data, and every category's correlation is reported beside it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { correlation, type Correlation } from './agreement.ts';
import type { QaJudge } from './judge.ts';
import { CATEGORY_KEYS, DEFAULT_RUBRIC, overallScore, type CategoryKey } from './rubric.ts';
import { DETERMINISTIC_VERSION, scoreReply, type ReplyScores } from './scorers.ts';

const Rating = z.object({
  task_id: z.string(),
  responder: z.string(),
  question: z.string(),
  response: z.string(),
  context_doc_ids: z.array(z.string()).default([]),
  human: z.record(z.string(), z.object({ mean: z.number() })),
});
const KbRow = z.object({ id: z.string(), text: z.string() });
export type RatingRow = z.infer<typeof Rating>;

export const DIMENSIONS = ['faithfulness', 'appropriateness', 'completeness', 'naturalness'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The automated grade that stands for each human dimension (declared up front; see the header). */
export const DIMENSION_GRADE: Record<Dimension, { label: string; of: (s: ReplyScores) => number | null }> = {
  faithfulness: { label: 'accuracy (claims backed by the passages)', of: (s) => s.accuracy.score },
  appropriateness: { label: 'overall rubric score', of: (s) => overallScore(DEFAULT_RUBRIC, Object.fromEntries(CATEGORY_KEYS.map((k) => [k, s[k].score]))) },
  completeness: { label: 'resolution (the question addressed, with substance)', of: (s) => s.resolution.score },
  naturalness: { label: 'communication (mean of clarity, spelling and grammar, tone)', of: (s) => mean([s.clarity.score, s.spelling_grammar.score, s.tone.score]) },
};

export type CalibrationReport = {
  ratings: string;
  kb: string | null;
  scorer: string;
  replies: number;
  missingPassages: number;
  dimensions: Record<Dimension, Correlation & { grade: string; betterThanChance: boolean }>;
  /** Every category (and the overall score) against every human dimension: rho only. */
  matrix: Record<string, Record<Dimension, number>>;
  judge?: { scorer: string; graded: number; failed: number; dimensions: Partial<Record<Dimension, Correlation>> };
};

/** Reads a JSONL file, each line checked; bad lines are reported by number with what is wrong. */
export function readJsonlChecked<T>(file: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  const problems: string[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        problems.push(`line ${i + 1}: not valid JSON`);
        return;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) out.push(parsed.data);
      else problems.push(`line ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'row'} ${x.message}`).join('; ')}`);
    });
  if (problems.length) throw new Error(`${file} has ${problems.length} bad line(s):\n  ${problems.slice(0, 10).join('\n  ')}${problems.length > 10 ? '\n  …' : ''}`);
  return out;
}

/** The knowledge file beside a ratings file: X_dev.ratings.jsonl → X.kb.jsonl or X_dev.kb.jsonl. */
export function siblingKb(ratingsFile: string): string | null {
  const dir = path.dirname(ratingsFile);
  const base = path.basename(ratingsFile).replace(/\.ratings\.jsonl$/, '');
  for (const name of [`${base}.kb.jsonl`, `${base.replace(/_(dev|test|train)$/, '')}.kb.jsonl`]) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return null;
}

export async function calibrate(opts: { ratings: string; kb?: string | null; judge?: QaJudge | null; onProgress?: (done: number, total: number) => void }): Promise<CalibrationReport> {
  const rows = readJsonlChecked(opts.ratings, Rating);
  const kbFile = opts.kb ?? siblingKb(opts.ratings);
  const kb = new Map(kbFile ? readJsonlChecked(kbFile, KbRow).map((r) => [r.id, r.text]) : []);
  let missingPassages = 0;
  const graded = rows.map((r, i) => {
    const passages = r.context_doc_ids.map((id) => kb.get(id)).filter((t): t is string => t !== undefined);
    if (passages.length < r.context_doc_ids.length) missingPassages++;
    opts.onProgress?.(i + 1, rows.length);
    return { r, passages, scores: scoreReply({ subject: 'bot', reply: r.response, question: r.question, passages }) };
  });
  const humans = (d: Dimension) => graded.map((g) => g.r.human[d]?.mean ?? NaN);
  const usable = (d: Dimension) => graded.map((g, i) => ({ g, h: humans(d)[i]! })).filter((x) => Number.isFinite(x.h));

  const dimensions = {} as CalibrationReport['dimensions'];
  const matrix: CalibrationReport['matrix'] = {};
  for (const d of DIMENSIONS) {
    const pairs = usable(d).map((x) => ({ auto: DIMENSION_GRADE[d].of(x.g.scores), h: x.h })).filter((x): x is { auto: number; h: number } => x.auto !== null);
    const c = correlation(pairs.map((p) => p.auto), pairs.map((p) => p.h));
    dimensions[d] = { ...c, grade: DIMENSION_GRADE[d].label, betterThanChance: c.ci[0] > 0 };
  }
  for (const key of [...CATEGORY_KEYS, 'overall'] as const) {
    matrix[key] = {} as Record<Dimension, number>;
    for (const d of DIMENSIONS) {
      const pairs = usable(d)
        .map((x) => ({ auto: key === 'overall' ? DIMENSION_GRADE.appropriateness.of(x.g.scores) : x.g.scores[key as CategoryKey].score, h: x.h }))
        .filter((x): x is { auto: number; h: number } => x.auto !== null);
      matrix[key]![d] = correlation(pairs.map((p) => p.auto), pairs.map((p) => p.h), { resamples: 0 }).rho;
    }
  }
  const report: CalibrationReport = { ratings: opts.ratings, kb: kbFile, scorer: DETERMINISTIC_VERSION, replies: rows.length, missingPassages, dimensions, matrix };

  if (opts.judge) {
    const judged: { scores: Partial<ReplyScores>; r: RatingRow }[] = [];
    let failed = 0;
    for (const g of graded) {
      try {
        judged.push({ r: g.r, scores: await opts.judge.grade({ subject: 'bot', question: g.r.question, reply: g.r.response, passages: g.passages, categories: DEFAULT_RUBRIC.categories }) });
      } catch {
        failed++;
      }
    }
    const dims: Partial<Record<Dimension, Correlation>> = {};
    const full = (s: Partial<ReplyScores>): ReplyScores => Object.fromEntries(CATEGORY_KEYS.map((k) => [k, s[k] ?? { score: null, rationale: '' }])) as ReplyScores;
    for (const d of DIMENSIONS) {
      const pairs = judged.map((j) => ({ auto: DIMENSION_GRADE[d].of(full(j.scores)), h: j.r.human[d]?.mean ?? NaN })).filter((x): x is { auto: number; h: number } => x.auto !== null && Number.isFinite(x.h));
      dims[d] = correlation(pairs.map((p) => p.auto), pairs.map((p) => p.h));
    }
    report.judge = { scorer: opts.judge.version, graded: judged.length, failed, dimensions: dims };
  }
  return report;
}

function mean(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** The report as a table for the terminal. */
export function formatCalibration(r: CalibrationReport): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  –  ');
  const lines = [
    `${r.replies} rated replies from ${r.ratings}${r.kb ? `, passages from ${r.kb}` : ', no knowledge file (accuracy cannot be checked)'}${r.missingPassages ? `; ${r.missingPassages} replies miss some passages` : ''}`,
    `scorer ${r.scorer}; Spearman's rho against the people's mean rating, 95 % bootstrap interval, permutation p-value:`,
    '',
    'dimension        rho     95 % interval      p        better than chance   automated grade',
  ];
  for (const d of DIMENSIONS) {
    const x = r.dimensions[d];
    lines.push(`${d.padEnd(16)} ${f(x.rho)}  [${f(x.ci[0])}, ${f(x.ci[1])}]   ${x.pValue < 0.001 ? '<0.001' : x.pValue.toFixed(3).padEnd(6)}   ${(x.betterThanChance ? 'yes' : 'no').padEnd(19)}  ${x.grade}`);
  }
  lines.push('', `every category against every dimension (rho):`, `${''.padEnd(18)}${DIMENSIONS.map((d) => d.slice(0, 12).padStart(14)).join('')}`);
  for (const [k, v] of Object.entries(r.matrix)) lines.push(`${k.padEnd(18)}${DIMENSIONS.map((d) => f(v[d]).padStart(14)).join('')}`);
  if (r.judge) {
    lines.push('', `LLM judge ${r.judge.scorer}: ${r.judge.graded} graded, ${r.judge.failed} failed`);
    for (const d of DIMENSIONS) {
      const x = r.judge.dimensions[d];
      if (x) lines.push(`${d.padEnd(16)} ${f(x.rho)}  [${f(x.ci[0])}, ${f(x.ci[1])}]`);
    }
  }
  return lines.join('\n');
}
