// Reads the shared development datasets (../shared/datasets by default, or KEFU_DATASETS). Benchmarks skip a set
// with a clear message when its files are absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATASETS_DIR = process.env.KEFU_DATASETS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'datasets');

export type KbRow = { id: string; title: string; text: string; url?: string };
export type CaseRow = { id: string; question: string; gold_doc_ids: string[]; in_scope: boolean; intent?: string; history?: { role: string; text: string }[] };

export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export type RetrievalSet = { name: string; kb: string; cases: string };
export const RETRIEVAL_SETS: RetrievalSet[] = [
  { name: 'banking77', kb: 'banking77.kb.jsonl', cases: 'banking77.cases.jsonl' },
  { name: 'clinc150_dev', kb: 'clinc150.kb.jsonl', cases: 'clinc150_dev.cases.jsonl' },
  { name: 'mtragun_govt', kb: 'mtragun_govt.kb.jsonl', cases: 'mtragun_govt.cases.jsonl' },
];

export function loadSet(set: RetrievalSet): { kb: KbRow[]; cases: CaseRow[] } | null {
  const kb = path.join(DATASETS_DIR, set.kb);
  const cases = path.join(DATASETS_DIR, set.cases);
  if (!existsSync(kb) || !existsSync(cases)) return null;
  return { kb: readJsonl<KbRow>(kb), cases: readJsonl<CaseRow>(cases) };
}

/** Standard ranking metrics over document ids (first relevant hit). */
export function rankMetrics(results: { ranked: string[]; gold: string[] }[]): { n: number; hit1: number; hit5: number; hit10: number; mrr: number } {
  let h1 = 0;
  let h5 = 0;
  let h10 = 0;
  let mrr = 0;
  for (const r of results) {
    const gold = new Set(r.gold);
    const pos = r.ranked.findIndex((id) => gold.has(id));
    if (pos === 0) h1++;
    if (pos >= 0 && pos < 5) h5++;
    if (pos >= 0 && pos < 10) h10++;
    if (pos >= 0) mrr += 1 / (pos + 1);
  }
  const n = results.length || 1;
  return { n: results.length, hit1: h1 / n, hit5: h5 / n, hit10: h10 / n, mrr: mrr / n };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
