// Bot decisions on the shared datasets, through the real pipeline (runTurn: guardrails, signals, rewriting, hybrid
// retrieval, confidence, extractive answer, groundedness), offline. Each case runs once with both thresholds at 0, which
// records its confidence and whether the answer path would succeed; decisions at any threshold follow from that, so
// the whole curve costs one pass. Also fits the confidence model's weights (logistic regression) on these features.
import { randomUUID } from 'node:crypto';
import { createDeps, type Deps } from '../app/deps.ts';
import { confidenceScore, runTurn, CONFIDENCE_WEIGHTS, SYSTEM_PROMPT, leaksSystemPrompt, type ConfidenceFeatures, type HistoryTurn, type TurnResult } from '../bot/index.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { DATASETS_DIR, readJsonl, type CaseRow, type KbRow } from './datasets.ts';
import { dropCreatedWorkspaces, freshWorkspace, loadKb } from './workspace.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';

type Log = (s: string) => void;
type Row = { set: string; c: CaseRow; turn: TurnResult; correctFirst: boolean };
const pct = (x: number) => (Number.isFinite(x) ? (x * 100).toFixed(1) : '  –  ').padStart(5);

const history = (c: CaseRow): HistoryTurn[] => (c.history ?? []).map((h) => ({ role: h.role === 'user' ? 'customer' : 'bot', text: h.text }));

async function runCases(deps: Deps, set: string, workspaceId: string, datasetId: Map<string, string>, cases: CaseRow[]): Promise<Row[]> {
  const rows: Row[] = [];
  let i = 0;
  for (const c of cases) {
    const turn = await runTurn(deps.botDeps, { workspaceId, text: c.question, history: history(c), priorTurns: [], settings: { answerThreshold: 0, clarifyThreshold: 0, sensitiveTopics: [] } });
    const first = turn.reply?.citations[0]?.documentId ?? turn.passages[0]?.documentId;
    rows.push({ set, c, turn, correctFirst: !!first && c.gold_doc_ids.includes(datasetId.get(first) ?? '') });
    if (++i % 100 === 0) process.stdout.write(`\r  ${set}: ${i}/${cases.length} cases   `);
  }
  process.stdout.write('\r');
  return rows;
}

/** The decision at thresholds (τa, τc): signals and guardrails decide first; then the confidence bands. */
function decideAt(r: Row, ta: number, tc: number): 'answer' | 'clarify' | 'escalate' | 'refuse' {
  const t = r.turn;
  if (t.decision === 'refuse') return 'refuse';
  if (t.confidence === null) return 'escalate'; // a signal escalated before retrieval
  if (t.confidence >= ta && t.decision === 'answer') return 'answer';
  if (t.confidence >= ta) return 'escalate'; // the answer path failed (no extract, ungrounded)
  return t.confidence >= tc ? 'clarify' : 'escalate';
}

export async function benchBot(opts: { databaseUrl: string; redisUrl: string; log: Log; answerThreshold?: number; clarifyThreshold?: number }) {
  const { log } = opts;
  const config = loadConfig({ DATABASE_URL: opts.databaseUrl, REDIS_URL: opts.redisUrl, QUEUE_PREFIX: `kefu-bench-${randomUUID().slice(0, 6)}`, LOG_LEVEL: 'warn', SEED_DEMO: 'false', START_WORKERS: 'true' });
  const deps = await createDeps(config, { logger: createLogger({ level: 'warn' }) });
  deps.startWorkers();
  const ta = opts.answerThreshold ?? config.BOT_ANSWER_THRESHOLD;
  const tc = opts.clarifyThreshold ?? config.BOT_CLARIFY_THRESHOLD;
  const out: Record<string, unknown> = { thresholds: { answer: ta, clarify: tc } };
  const all: Row[] = [];
  try {
    for (const name of ['clinc150_dev', 'banking77', 'mtragun_govt']) {
      const kbFile = path.join(DATASETS_DIR, `${name.replace('_dev', '')}.kb.jsonl`);
      const casesFile = path.join(DATASETS_DIR, `${name}.cases.jsonl`);
      if (!existsSync(kbFile) || !existsSync(casesFile)) {
        log(`${name}: skipped — dataset files not found in ${DATASETS_DIR}`);
        continue;
      }
      log(`\n## ${name}`);
      const { workspaceId, datasetId } = await loadKb(deps, name, readJsonl<KbRow>(kbFile));
      const started = performance.now();
      const rows = await runCases(deps, name, workspaceId, datasetId, readJsonl<CaseRow>(casesFile));
      const ms = (performance.now() - started) / rows.length;
      all.push(...rows);
      const inScope = rows.filter((r) => r.c.in_scope);
      const oos = rows.filter((r) => !r.c.in_scope);
      const at = (r: Row) => decideAt(r, ta, tc);
      const answered = inScope.filter((r) => at(r) === 'answer');
      const entry: Record<string, unknown> = { cases: rows.length, msPerTurn: ms };
      log(`${rows.length} cases (${inScope.length} in scope, ${oos.length} out of scope), ${ms.toFixed(1)} ms per turn; at τ_answer ${ta}, τ_clarify ${tc}:`);
      const confusion = (subset: Row[]) => ({ answer: 0, clarify: 0, escalate: 0, refuse: 0, ...Object.fromEntries(Object.entries(Object.groupBy(subset, at)).map(([k, v]) => [k, v!.length])) });
      entry.confusion = { inScope: confusion(inScope), outOfScope: confusion(oos) };
      log(`  decisions, in scope:     ${JSON.stringify(confusion(inScope))}`);
      if (oos.length) log(`  decisions, out of scope: ${JSON.stringify(confusion(oos))}`);
      const correct = answered.filter((r) => r.correctFirst).length;
      entry.inScopeAnswerRate = answered.length / inScope.length;
      entry.answeredCorrectFirst = correct / answered.length;
      entry.inScopeCorrectFirst = correct / inScope.length;
      log(`  in-scope answer rate ${pct(answered.length / inScope.length)}%; answered with the correct document cited first ${pct(correct / answered.length)}% (${pct(correct / inScope.length)}% of all in scope)`);
      if (oos.length) {
        const notAnswered = oos.filter((r) => at(r) !== 'answer').length;
        const escalated = oos.filter((r) => at(r) === 'escalate' || at(r) === 'refuse').length;
        entry.outOfScopeRecall = escalated / oos.length;
        entry.outOfScopeNotAnswered = notAnswered / oos.length;
        log(`  out-of-scope recall ${pct(escalated / oos.length)}% escalated or refused, ${pct(notAnswered / oos.length)}% not answered (clarify included)`);
        const curve = [];
        log('  curve (one threshold, no clarify band):  τ     in-scope answered   answered correct   in-scope correct   out-of-scope recall');
        for (let t = 0; t <= 1.0001; t += 0.05) {
          const a = inScope.filter((r) => decideAt(r, t, t) === 'answer');
          const ok = a.filter((r) => r.correctFirst).length;
          const rec = oos.filter((r) => decideAt(r, t, t) !== 'answer').length / oos.length;
          curve.push({ threshold: Number(t.toFixed(2)), inScopeAnswerRate: a.length / inScope.length, answeredCorrect: ok / a.length, inScopeCorrect: ok / inScope.length, outOfScopeRecall: rec });
          log(`  ${''.padEnd(40)} ${t.toFixed(2)}   ${pct(a.length / inScope.length)}              ${pct(ok / a.length)}              ${pct(ok / inScope.length)}             ${pct(rec)}`);
        }
        entry.curve = curve;
      }
      if (name === 'mtragun_govt') {
        // The set marks what a good assistant does: answer, ask (underspecified questions) or decline (unanswerable).
        const expected = Object.groupBy(rows, (r) => String((r.c as CaseRow & { meta?: { answerability?: string } }).meta?.answerability ?? (r.c.in_scope ? 'ANSWERABLE' : 'UNANSWERABLE')));
        const byExpected: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(expected)) {
          byExpected[k] = confusion(v!);
          log(`  ${k.padEnd(15)} ${JSON.stringify(confusion(v!))}`);
        }
        entry.byAnswerability = byExpected;
      }
      out[name] = entry;
    }

    // Attacks: refusals, and no reply that reproduces the system prompt.
    for (const name of ['gptfuzz_harmful_questions', 'gptfuzz_jailbreak']) {
      const file = path.join(DATASETS_DIR, `${name}.cases.jsonl`);
      if (!existsSync(file)) continue;
      const workspaceId = await freshWorkspace(deps, name);
      const cases = readJsonl<CaseRow>(file);
      const rows = await runCases(deps, name, workspaceId, new Map(), cases);
      const refused = rows.filter((r) => r.turn.decision === 'refuse').length;
      const escalated = rows.filter((r) => r.turn.decision === 'escalate').length;
      const leaks = rows.filter((r) => r.turn.reply && leaksSystemPrompt(r.turn.reply.text, SYSTEM_PROMPT)).length;
      out[name] = { cases: rows.length, refused: refused / rows.length, escalated: escalated / rows.length, leaks };
      log(`\n## ${name}: ${rows.length} attacks; refused ${pct(refused / rows.length)}%, escalated to a person ${pct(escalated / rows.length)}%, answered ${pct((rows.length - refused - escalated) / rows.length)}%; replies reproducing the system prompt: ${leaks}`);
    }
    out.fit = fitWeights(all, log);
  } finally {
    await dropCreatedWorkspaces(deps);
    await deps.close();
  }
  return out;
}

/**
 * Logistic regression of "the top document is right and the question is in scope" on the confidence features
 * (class-balanced, L2, projected gradient descent with fixed signs). Prints the weights to put in CONFIDENCE_WEIGHTS, and the ranking quality
 * (AUC) of the current weights and of the fitted ones on the same cases.
 */
const SIGNS: Record<string, 1 | -1> = { similarity: 1, coverage: 1, margin: 1, agreement: 1, textRank: 1, unknown: -1 };

function fitWeights(rows: Row[], log: Log) {
  const data = rows.filter((r) => r.turn.features && r.turn.confidence !== null).map((r) => ({ f: r.turn.features!, y: r.c.in_scope && r.correctFirst ? 1 : 0 }));
  if (data.length < 50) return null;
  const keys = Object.keys(data[0]!.f) as (keyof ConfidenceFeatures)[];
  const pos = data.filter((d) => d.y === 1).length;
  const wPos = data.length / (2 * pos);
  const wNeg = data.length / (2 * (data.length - pos));
  const w: Record<string, number> = { bias: 0, ...Object.fromEntries(keys.map((k) => [k, 0])) };
  for (let epoch = 0; epoch < 3000; epoch++) {
    const grad: Record<string, number> = Object.fromEntries(Object.keys(w).map((k) => [k, 0]));
    for (const d of data) {
      const p = confidenceScore(d.f, w as typeof CONFIDENCE_WEIGHTS);
      const g = (p - d.y) * (d.y ? wPos : wNeg);
      grad.bias! += g;
      for (const k of keys) grad[k]! += g * d.f[k];
    }
    for (const k of Object.keys(w)) {
      w[k]! -= (1.5 * grad[k]!) / data.length + (k === 'bias' ? 0 : 0.001 * w[k]!);
      // Monotone by design: more similarity, coverage, margin or agreement never lowers confidence, and more words
      // the knowledge base has never seen never raises it (features are correlated; free signs overfit).
      const sign = SIGNS[k];
      if (sign && Math.sign(w[k]!) === -sign) w[k] = 0;
    }
  }
  const auc = (weights: typeof CONFIDENCE_WEIGHTS) => {
    const scored = data.map((d) => ({ s: confidenceScore(d.f, weights), y: d.y })).sort((a, b) => a.s - b.s);
    let rankSum = 0;
    scored.forEach((x, i) => (x.y ? (rankSum += i + 1) : 0));
    return (rankSum - (pos * (pos + 1)) / 2) / (pos * (data.length - pos));
  };
  const fitted = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Number(v.toFixed(2))]));
  log(`\n## Confidence model: ${data.length} cases (${pos} right answers); AUC current weights ${auc(CONFIDENCE_WEIGHTS).toFixed(3)}, fitted ${auc(fitted as typeof CONFIDENCE_WEIGHTS).toFixed(3)}`);
  log(`  fitted weights: ${JSON.stringify(fitted)}`);
  return { cases: data.length, positives: pos, aucCurrent: auc(CONFIDENCE_WEIGHTS), aucFitted: auc(fitted as typeof CONFIDENCE_WEIGHTS), fitted };
}
