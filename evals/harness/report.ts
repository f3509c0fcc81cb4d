// Writes an eval run's report.json and a self-contained report.html: no network, Chart.js inlined from
// node_modules (its UMD bundle), every piece of dataset text escaped. renderHtml is pure; writeReport does the I/O.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import escapeHtml from 'escape-html';
import { DECISIONS, type Decision } from './metrics.ts';
import type { EvalReport } from './run.ts';
import { decisionOf, type CaseRecord, type ThresholdMetrics } from './summary.ts';

/** The Chart.js UMD bundle (chart.js/dist/chart.umd.min.js), read at report time. */
export async function chartJsSource(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('chart.js'); // dist/chart.cjs: the package exports no UMD path
  const file = path.join(path.dirname(main), 'chart.umd.min.js');
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new Error(`Chart.js's bundle is not at ${file}. Run npm install (chart.js is a dependency).`);
  }
}

export async function writeReport(report: EvalReport, dir: string): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, 'report.json');
  const html = path.join(dir, 'report.html');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(html, renderHtml(report, await chartJsSource()));
  return { json, html };
}

const esc = (v: unknown) => escapeHtml(String(v));
const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`);
const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '–' : x.toFixed(digits));
const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${x.toFixed(1)} ms`);
/** JSON inside <script>: `<` escaped so no dataset text can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
/** Inline JavaScript: a literal `</script` in the bundle would end the element early. */
const inlineScript = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1');

function table(head: string[], rows: (string | number)[][], cls = ''): string {
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** Right decisions green, wrong ones red, shaded by their share of the row. */
function confusionTable(m: ThresholdMetrics): string {
  const right = (inScope: boolean, d: Decision) => (inScope ? d === 'answer' || d === 'clarify' : d !== 'answer');
  const row = (label: string, inScope: boolean, counts: Record<Decision, number>) => {
    const total = DECISIONS.reduce((s, d) => s + counts[d], 0);
    const cells = DECISIONS.map((d) => {
      const share = total ? counts[d] / total : 0;
      const hue = right(inScope, d) ? '120' : '0';
      return `<td class="cell" style="background: hsla(${hue}, 60%, 45%, ${(0.08 + share * 0.6).toFixed(2)})">${counts[d]}<small>${pct(total ? share : null, 0)}</small></td>`;
    });
    return `<tr><th>${label}</th>${cells.join('')}<td>${total}</td></tr>`;
  };
  return `<table class="confusion"><thead><tr><th>expected \\ decided</th>${DECISIONS.map((d) => `<th>${d}</th>`).join('')}<th>total</th></tr></thead><tbody>${row('in scope', true, m.confusion.inScope)}${row('out of scope', false, m.confusion.outOfScope)}</tbody></table>`;
}

function metricsSection(title: string, m: ThresholdMetrics, r: EvalReport): string {
  const e = m.escalation;
  const q = m.answerQuality;
  const rows: (string | number)[][] = [
    ['in-scope answer rate', pct(m.inScopeAnswerRate)],
    ['answer precision (first citation gold / answers that can be checked: out of scope, or with gold documents)', pct(m.answerPrecision)],
    ['in scope answered correctly (of in-scope cases with gold documents)', pct(m.inScopeCorrect)],
    ['escalation precision / recall / F1 (positive: out of scope; escalated or refused)', `${pct(e.precision)} / ${pct(e.recall)} / ${pct(e.f1)} <small>(tp ${e.tp}, fp ${e.fp}, fn ${e.fn})</small>`],
    ['out of scope not answered (clarify included) / refused', `${pct(m.oosNotAnswered)} / ${pct(m.oosRefused)}`],
    ['citations: any cited document is gold / first citation is gold', `${pct(m.citations.anyGold)} / ${pct(m.citations.firstGold)} <small>(${m.citations.answers} answers)</small>`],
    ['answer token F1 vs gold answer (SQuAD)', `${num(q.tokenF1, 3)} <small>(${q.answersWithGold} answers)</small>`],
  ];
  if (r.judge) rows.push(['LLM judge, mean score 1–5', `${num(q.judgeMean)} <small>(${q.judged} judged; 1–5: ${Object.values(q.judgeScores).join(' / ')})</small>`]);
  return `<h2>${esc(title)}: τ_answer ${m.answerThreshold.toFixed(2)}, τ_clarify ${m.clarifyThreshold.toFixed(2)}</h2>
${confusionTable(m)}
${table(['metric', 'value'], rows, 'metrics')}`;
}

function mistakes(r: EvalReport, m: ThresholdMetrics): string {
  const at = (c: CaseRecord) => decisionOf(c, m.answerThreshold, m.clarifyThreshold);
  const show = (c: CaseRecord) => [esc(c.id), esc(c.question.length > 300 ? `${c.question.slice(0, 299)}…` : c.question), esc(at(c)), esc(c.reason), num(c.confidence), esc(c.goldDocIds.slice(0, 3).join(', ')), esc(c.cited.slice(0, 3).join(', ') || c.ranked.slice(0, 3).join(', '))];
  const head = ['case', 'question', 'decision', 'reason (τ 0)', 'confidence', 'gold', 'cited (or retrieved)'];
  const oosAnswered = r.cases.filter((c) => !c.inScope && at(c) === 'answer').slice(0, 50);
  const wrong = r.cases.filter((c) => c.inScope && at(c) === 'answer' && !c.correct).slice(0, 50);
  return `<details><summary>Out-of-scope questions answered (${oosAnswered.length}${oosAnswered.length === 50 ? '+' : ''})</summary>${table(head, oosAnswered.map(show))}</details>
<details><summary>In-scope questions answered with the wrong first citation (${wrong.length}${wrong.length === 50 ? '+' : ''})</summary>${table(head, wrong.map(show))}</details>`;
}

export function renderHtml(r: EvalReport, chartJs: string): string {
  const m = r.current;
  const s = r.sweep;
  const data = {
    curve: r.curve,
    histogram: r.latency.histogram,
    current: m.answerThreshold,
    sweep: s?.answerThreshold ?? null,
  };
  const intents = (s?.metrics ?? m).perIntent;
  const sweepLine = !s
    ? ''
    : s.answerThreshold === null
      ? `<p class="warn">Sweep: no threshold reaches ${esc(s.target.metric)} ≥ ${esc(s.target.value)}.</p>`
      : `<p>Sweep target ${esc(s.target.metric)} ≥ ${esc(s.target.value)} → τ_answer <b>${s.answerThreshold.toFixed(2)}</b>, τ_clarify <b>${s.clarifyThreshold!.toFixed(2)}</b> (${esc(s.clarifyRule)}).${r.settingsWritten ? ` Written to workspace <b>${esc(r.settingsWritten.workspace)}</b>.` : ''}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kefu eval: ${esc(r.label)}</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
  h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ddd; }
  table { border-collapse: collapse; margin: 0.8em 0; } th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
  thead th { background: #f4f4f4; } td small { display: block; color: #555; } .metrics td:first-child { width: 60%; }
  .confusion td.cell { text-align: center; min-width: 5em; font-weight: 600; } .meta { color: #555; } .warn { color: #a40; }
  .chart { position: relative; height: 320px; margin: 1em 0; } details { margin: 0.6em 0; } summary { cursor: pointer; }
</style>
</head>
<body>
<h1>Kefu eval: ${esc(r.label)}</h1>
<p class="meta">${esc(r.createdAt)} · cases ${esc(r.files.cases)}${r.files.kb ? ` · knowledge base ${esc(r.files.kb)}` : ' · empty knowledge base'} · bot ${esc(r.bot.answerMode)} (${esc(r.bot.model ?? '–')}) · thresholds in force from ${esc(r.thresholdsFrom)} · ${(r.durationMs / 1000).toFixed(1)} s</p>
${r.warnings.map((w) => `<p class="warn">${esc(w)}</p>`).join('\n')}
${table(
  ['cases', 'in scope', 'out of scope', 'with gold answer', 'with history', 'KB documents (failed)'],
  [[r.counts.cases, r.counts.inScope, r.counts.outOfScope, r.counts.withGoldAnswer, r.counts.withHistory, `${r.kb.documents} (${r.kb.failed.length})`]],
)}
<h2>Retrieval (in-scope cases with gold documents: ${r.retrieval.cases})</h2>
${table(['hit@1', 'hit@5', 'hit@10', 'MRR', 'nDCG@10'], [[pct(r.retrieval.hit1), pct(r.retrieval.hit5), pct(r.retrieval.hit10), num(r.retrieval.mrr, 3), num(r.retrieval.ndcg10, 3)]])}
<p class="meta">Documents in the order the bot's search ranked their passages (the bot retrieves 8 passages, so at most 8 documents count).</p>
${metricsSection('At the thresholds in force', m, r)}
${s?.metrics ? metricsSection('At the sweep thresholds', s.metrics, r) : ''}
${sweepLine}
<h2>Threshold curve (one threshold, no clarify band)</h2>
<div class="chart"><canvas id="threshold-curve" aria-label="in-scope answer rate, answer precision and out-of-scope recall by threshold"></canvas></div>
${table(
  ['in-scope answer rate', 'threshold', 'achieved rate', 'out-of-scope recall'],
  r.oosRecallAtAnswerRate.map((x) => [pct(x.targetRate, 0), num(x.threshold, 3), pct(x.achievedRate), pct(x.oosRecall)]),
)}
<h2>Latency per turn</h2>
<p>p50 ${ms(r.latency.p50)} · p95 ${ms(r.latency.p95)} · mean ${ms(r.latency.mean)} · max ${ms(r.latency.max)} over ${r.latency.turns} turns</p>
<div class="chart"><canvas id="latency-histogram" aria-label="latency histogram"></canvas></div>
${intents ? `<h2>Per intent${s?.metrics ? ' (at the sweep thresholds)' : ''}</h2><details><summary>${intents.length} intents</summary>${table(['intent', 'cases', 'answered', 'correct', 'clarified', 'escalated or refused'], intents.map((i) => [esc(i.intent), i.cases, i.answered, i.correct, i.clarified, i.escalated]))}</details>` : ''}
<h2>Mistakes at the thresholds in force</h2>
${mistakes(r, m)}
<h2>How turns ended at thresholds 0</h2>
${table(['decision / reason', 'cases'], Object.entries(r.reasons).sort((a, b) => b[1] - a[1]).map(([k, v]) => [esc(k), v]))}
<script type="application/json" id="eval-data">${scriptJson(data)}</script>
<script>${inlineScript(chartJs)}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('eval-data').textContent);
  var pts = function (key) { return d.curve.map(function (p) { return { x: p.threshold, y: p[key] === null ? null : p[key] * 100 }; }); };
  var mark = function (t, label, color) { return t === null ? [] : [{ label: label, data: [{ x: t, y: 0 }, { x: t, y: 100 }], borderColor: color, borderDash: [6, 4], pointRadius: 0, borderWidth: 1 }]; };
  new Chart(document.getElementById('threshold-curve'), {
    type: 'line',
    data: { datasets: [
      { label: 'in-scope answer rate %', data: pts('inScopeAnswerRate'), borderColor: '#1f77b4', pointRadius: 0 },
      { label: 'answer precision %', data: pts('answerPrecision'), borderColor: '#2ca02c', pointRadius: 0 },
      { label: 'out-of-scope recall %', data: pts('oosRecall'), borderColor: '#d62728', pointRadius: 0 }
    ].concat(mark(d.current, 'τ_answer in force', '#555'), mark(d.sweep, 'τ_answer from the sweep', '#9467bd')) },
    options: { maintainAspectRatio: false, animation: false, spanGaps: true, parsing: true,
      scales: { x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'threshold τ' } }, y: { min: 0, max: 100, title: { display: true, text: '%' } } } }
  });
  new Chart(document.getElementById('latency-histogram'), {
    type: 'bar',
    data: { labels: d.histogram.map(function (b) { return b.from.toFixed(0) + '–' + b.to.toFixed(0); }),
      datasets: [{ label: 'turns', data: d.histogram.map(function (b) { return b.count; }), backgroundColor: '#1f77b4' }] },
    options: { maintainAspectRatio: false, animation: false, scales: { x: { title: { display: true, text: 'ms per turn' } }, y: { title: { display: true, text: 'turns' } } } }
  });
})();
</script>
</body>
</html>
`;
}

/** The short summary printed at the end of `kefu eval`. */
export function summaryLines(r: EvalReport): string[] {
  const c = r.counts;
  const at = (title: string, m: ThresholdMetrics) => {
    const d = (x: Record<Decision, number>) => DECISIONS.map((k) => `${k} ${x[k]}`).join(', ');
    const q = m.answerQuality;
    const lines = [
      `${title}: τ_answer ${m.answerThreshold.toFixed(2)}, τ_clarify ${m.clarifyThreshold.toFixed(2)}`,
      `  in scope:     ${d(m.confusion.inScope)}`,
      ...(c.outOfScope ? [`  out of scope: ${d(m.confusion.outOfScope)}`] : []),
      `  in-scope answer rate ${pct(m.inScopeAnswerRate)}, answer precision ${pct(m.answerPrecision)}, in scope answered correctly ${pct(m.inScopeCorrect)}`,
    ];
    if (c.outOfScope) lines.push(`  escalation precision ${pct(m.escalation.precision)}, recall ${pct(m.escalation.recall)}, F1 ${pct(m.escalation.f1)}; out of scope refused ${pct(m.oosRefused)}`);
    if (m.citations.answers) lines.push(`  citations: a gold document cited ${pct(m.citations.anyGold)}, first citation gold ${pct(m.citations.firstGold)} (${m.citations.answers} answers)`);
    if (q.answersWithGold) lines.push(`  answer token F1 ${num(q.tokenF1, 3)} over ${q.answersWithGold} answers${q.judged ? `; LLM judge mean ${num(q.judgeMean)} over ${q.judged}` : ''}`);
    return lines;
  };
  const lines = [
    `${r.label}: ${c.cases} cases (${c.inScope} in scope, ${c.outOfScope} out of scope), ${r.kb.documents} documents, bot ${r.bot.answerMode}, ${(r.durationMs / 1000).toFixed(1)} s`,
    ...r.warnings.map((w) => `! ${w}`),
  ];
  if (r.retrieval.cases) lines.push(`retrieval (${r.retrieval.cases} cases): hit@1 ${pct(r.retrieval.hit1)}, hit@5 ${pct(r.retrieval.hit5)}, hit@10 ${pct(r.retrieval.hit10)}, MRR ${num(r.retrieval.mrr, 3)}, nDCG@10 ${num(r.retrieval.ndcg10, 3)}`);
  lines.push(...at(`at the thresholds in force (${r.thresholdsFrom})`, r.current));
  if (c.outOfScope && c.inScope) lines.push(`out-of-scope recall at in-scope answer rates ${r.oosRecallAtAnswerRate.map((x) => `${pct(x.targetRate, 0)}: ${pct(x.oosRecall)}`).join(', ')}`);
  lines.push(`latency per turn: p50 ${ms(r.latency.p50)}, p95 ${ms(r.latency.p95)}`);
  const s = r.sweep;
  if (s) {
    if (s.metrics) lines.push(...at(`sweep (${s.target.metric} ≥ ${s.target.value})`, s.metrics), `  τ_clarify: ${s.clarifyRule}`);
    else lines.push(`sweep: no threshold reaches ${s.target.metric} ≥ ${s.target.value}`);
  }
  if (r.settingsWritten) lines.push(`wrote botAnswerThreshold ${r.settingsWritten.botAnswerThreshold}, botClarifyThreshold ${r.settingsWritten.botClarifyThreshold} to workspace "${r.settingsWritten.workspace}"`);
  return lines;
}
