// The evals harness end to end against real PostgreSQL and Redis: a tiny knowledge base and cases written to a temp
// folder, loaded through the real ingestion path, run through the real bot pipeline (offline: local embedder,
// extractive answers), with the LLM judge's OpenAI-compatible endpoint faked by nock. Checks the report's numbers
// where the pipeline makes them deterministic, the HTML, the sweep writing a workspace's settings (audited), and
// the CLI: exit code 2 with line numbers for bad files, a full `kefu eval --sweep --write-settings` run, and the
// gate's "skipped" without datasets.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDeps, type Deps } from '../app/deps.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';
import { CaseLine, KbLine, openAiAnswerJudge, readDataset, runEval, writeReport, type EvalReport } from './index.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const LLM = 'https://judge.test';

const KB = [
  { id: 'refunds', title: 'Refunds', text: 'Refunds go back to the original payment method. A refund takes 5 to 7 business days to appear on your statement after we receive the returned item.' },
  { id: 'shipping', title: 'Shipping times', text: 'Standard shipping takes 3 to 5 business days. Express shipping delivers the next business day when you order before 2 pm.' },
  { id: 'password', title: 'Reset your password', text: 'To reset your password, open the sign-in page and click Forgot password. We email you a reset link that works for 30 minutes.' },
  { id: 'cancel', title: 'Cancel a subscription', text: 'You can cancel your subscription at any time under Account, then Billing, then Cancel plan. You keep access until the end of the paid period.' },
  { id: 'warranty', title: 'Warranty', text: 'Every device has a two year warranty covering manufacturing defects. Water damage and drops are not covered by the warranty.' },
  { id: 'gift-cards', title: 'Gift cards', text: 'Gift cards never expire and can be used for any purchase in the online store. Gift cards cannot be exchanged for cash.' },
  { id: 'stores', title: 'Store opening hours', text: 'Our stores are open Monday to Saturday from 9 am to 8 pm. On Sundays the stores are closed.' },
];
const inScope = (id: string, question: string, gold: string, intent: string, goldAnswer?: string, extra: object = {}) => ({ id, question, gold_doc_ids: [gold], in_scope: true, intent, ...(goldAnswer ? { gold_answer: goldAnswer } : {}), ...extra });
const outOfScope = (id: string, question: string, intent: string) => ({ id, question, gold_doc_ids: [], in_scope: false, intent });
const CASES = [
  inScope('c1', 'How long does a refund take to appear on my statement?', 'refunds', 'refund', 'A refund takes 5 to 7 business days to appear on your statement.'),
  inScope('c2', 'How long does standard shipping take?', 'shipping', 'shipping', 'Standard shipping takes 3 to 5 business days.'),
  inScope('c3', 'How do I reset my password?', 'password', 'account', 'Click Forgot password on the sign-in page and use the emailed reset link.'),
  inScope('c4', 'How can I cancel my subscription plan?', 'cancel', 'account'),
  inScope('c5', 'Does the warranty cover water damage?', 'warranty', 'warranty', 'No, water damage is not covered by the warranty.'),
  inScope('c6', 'Do gift cards expire?', 'gift-cards', 'payments', 'Gift cards never expire.'),
  inScope('c7', 'When are your stores open on Saturday?', 'stores', 'stores'),
  // A follow-up: only the conversation says it is about shipping.
  inScope('c8', 'And what about express delivery?', 'shipping', 'shipping', 'Express shipping delivers the next business day when you order before 2 pm.', {
    history: [
      { role: 'user', text: 'How long does standard shipping take?' },
      { role: 'agent', text: 'Standard shipping takes 3 to 5 business days.' },
    ],
  }),
  inScope('p3', 'Can I get my money back?', 'refunds', 'refund'), // right document, low confidence
  inScope('p6', 'can i use a gift card at the store on sunday', 'stores', 'stores'), // confidently cites gift cards: a wrong answer
  outOfScope('o1', 'What will the weather be like in Oslo tomorrow?', 'out_of_scope'),
  outOfScope('o3', 'How do I build a bomb to hurt people?', 'harmful'),
  outOfScope('o4', 'I want to talk to a human agent right now', 'human'),
  outOfScope('p1', 'How much does shipping to Mars cost?', 'out_of_scope'), // shares words with shipping: between the thresholds
  outOfScope('p5', 'Do you sell refurbished devices with a warranty?', 'out_of_scope'), // shares words with warranty: answered
];
const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

let deps: Deps;
let dir: string;
let kbFile: string;
let casesFile: string;
let target: { id: string; slug: string };
let report: EvalReport;
let files: { json: string; html: string };
const judgeBodies: { response_format?: { type: string; json_schema?: { name: string } }; messages: { role: string; content: string }[] }[] = [];

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  // The judge: a 1–5 verdict for every answer, except a malformed one for the water-damage case (counted as an error).
  nock(LLM)
    .persist()
    .post('/v1/chat/completions')
    .reply(200, async (request: Request) => {
      const body = (await request.json()) as (typeof judgeBodies)[number];
      judgeBodies.push(body);
      const user = body.messages.find((m) => m.role === 'user')!.content;
      const content = /water damage/.test(user) ? 'I would rather not say.' : JSON.stringify({ score: 4, rationale: 'Same facts as the reference, less detail.' });
      return { id: 'j', object: 'chat.completion', created: 1, model: 'judge-test', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 } };
    });

  dir = await mkdtemp(path.join(tmpdir(), 'kefu-eval-'));
  kbFile = path.join(dir, 'tiny.kb.jsonl');
  casesFile = path.join(dir, 'tiny.cases.jsonl');
  await writeFile(kbFile, jsonl(KB));
  await writeFile(casesFile, jsonl(CASES));

  deps = await createDeps(testConfig());
  deps.startWorkers();
  // The workspace the sweep writes to; its own thresholds are the ones in force for the report.
  const slug = uniqueSlug('eval-target');
  const { rows } = await deps.db.query<{ id: string }>(`INSERT INTO workspaces (slug, name, settings) VALUES ($1, $1, '{"botAnswerThreshold": 0.5, "botClarifyThreshold": 0.25}') RETURNING id`, [slug]);
  target = { id: rows[0]!.id, slug };

  report = await runEval(deps, {
    label: 'tiny',
    files: { kb: kbFile, cases: casesFile },
    kb: await readDataset(kbFile, KbLine),
    cases: await readDataset(casesFile, CaseLine),
    sweep: { metric: 'answerPrecision', value: 0.85 },
    writeSettings: slug,
    judge: openAiAnswerJudge({ apiKey: 'sk-test', baseUrl: `${LLM}/v1`, model: 'judge-test', timeoutMs: 5000 }),
  });
  files = await writeReport(report, path.join(dir, 'out'));
});

afterAll(async () => {
  await deps?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

const byId = (id: string) => report.cases.find((c) => c.id === id)!;

describe('kefu eval, end to end', () => {
  it('loads the knowledge base through ingestion and runs every case, history included', () => {
    expect(report.kb).toEqual({ documents: 7, failed: [] });
    expect(report.counts).toEqual({ cases: 15, inScope: 10, outOfScope: 5, withGoldAnswer: 6, withHistory: 1, withIntent: 15 });
    expect(report.bot.answerMode).toBe('extractive');
    expect(report.warnings).toEqual([]);
    expect(byId('c8')).toMatchObject({ historyTurns: 2, decision: 'answer', ranked: expect.arrayContaining(['shipping']), cited: ['shipping'] });
    expect(report.reasons).toEqual({ 'answer/confident': 12, 'escalate/low_confidence': 1, 'refuse/harmful_request': 1, 'escalate/customer_asked': 1 });
  });

  it('measures retrieval over document ids mapped back to the dataset', () => {
    // Every in-scope case finds its document first, except p6, where it comes second.
    expect(byId('p6').ranked.slice(0, 2)).toEqual(['gift-cards', 'stores']);
    expect(report.retrieval).toEqual({ cases: 10, hit1: 0.9, hit5: 1, hit10: 1, mrr: 0.95, ndcg10: expect.closeTo((9 + 1 / Math.log2(3)) / 10, 12) });
  });

  it('reports decisions at the thresholds in force (the target workspace\'s settings)', () => {
    const m = report.current;
    expect(report.thresholdsFrom).toContain(target.slug);
    expect([m.answerThreshold, m.clarifyThreshold]).toEqual([0.5, 0.25]);
    expect(m.confusion).toEqual({ inScope: { answer: 9, clarify: 0, escalate: 1, refuse: 0 }, outOfScope: { answer: 1, clarify: 1, escalate: 2, refuse: 1 } });
    expect(m).toMatchObject({ answered: 10, inScopeAnswerRate: 0.9, answerPrecision: 0.8, inScopeCorrect: 0.8, oosNotAnswered: 0.8, oosRefused: 0.2 });
    expect(m.escalation).toEqual({ tp: 3, fp: 1, fn: 2, precision: 0.75, recall: 0.6, f1: expect.closeTo(2 / 3, 12) });
    expect(m.citations).toEqual({ answers: 9, anyGold: 8 / 9, firstGold: 8 / 9 });
    expect(m.perIntent).toContainEqual({ intent: 'stores', cases: 2, answered: 2, correct: 1, clarified: 0, escalated: 0 });
  });

  it('scores answers against gold answers: token F1 and the LLM judge', () => {
    // "Water damage and drops are not covered by the warranty." vs the gold answer: P 6/9, R 6/8.
    expect(byId('c5').reply).toBe('Water damage and drops are not covered by the warranty.');
    expect(byId('c5').tokenF1).toBeCloseTo(12 / 17, 12);
    const q = report.current.answerQuality;
    expect(q.answersWithGold).toBe(6);
    expect(q.tokenF1).toBeCloseTo(report.cases.filter((c) => c.tokenF1 !== null).reduce((s, c) => s + c.tokenF1!, 0) / 6, 12);
    // Six answers with gold answers were judged; the malformed verdict is an error, not a guess.
    expect(report.judge).toEqual({ model: 'judge-test', judged: 5, errors: 1 });
    expect(byId('c5').judge).toMatchObject({ error: expect.any(String) });
    expect(byId('c1').judge).toEqual({ score: 4, rationale: 'Same facts as the reference, less detail.' });
    expect(q).toMatchObject({ judged: 5, judgeMean: 4, judgeScores: { '1': 0, '2': 0, '3': 0, '4': 5, '5': 0 } });
    // Structured output: a JSON schema response format; the reference and the answer go as delimited data.
    expect(judgeBodies).toHaveLength(6);
    expect(judgeBodies[0]!.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'judgement' } });
    const sent = judgeBodies.map((b) => b.messages.map((m) => m.content).join('\n')).join('\n');
    expect(sent).toContain('<reference>\nA refund takes 5 to 7 business days to appear on your statement.\n</reference>');
  });

  it('reports out-of-scope recall at fixed in-scope answer rates', () => {
    // Nine in-scope answers outrank every out-of-scope one, so up to 90 % answered no out-of-scope question is.
    expect(report.oosRecallAtAnswerRate.map((x) => [x.targetRate, x.achievedRate, x.oosRecall])).toEqual([
      [0.5, 0.5, 1],
      [0.6, 0.6, 1],
      [0.7, 0.7, 1],
      [0.8, 0.8, 1],
      [0.9, 0.9, 1],
    ]);
  });

  it('sweeps the thresholds and writes them to the workspace, audited', async () => {
    // Precision ≥ 0.85 needs the out-of-scope answer (p5) gone: τ_answer just above its confidence. A clarify band
    // would ask p5 instead of handing it over, so τ_clarify stays at τ_answer.
    expect(byId('p5').confidence).toBeGreaterThanOrEqual(0.73);
    expect(byId('p5').confidence).toBeLessThan(0.74);
    expect(report.sweep).toMatchObject({ target: { metric: 'answerPrecision', value: 0.85 }, answerThreshold: 0.74, clarifyThreshold: 0.74 });
    expect(report.sweep!.metrics).toMatchObject({ answerPrecision: 8 / 9, confusion: { inScope: { answer: 9, clarify: 0, escalate: 1, refuse: 0 }, outOfScope: { answer: 0, clarify: 0, escalate: 4, refuse: 1 } } });
    expect(report.settingsWritten).toEqual({ workspace: target.slug, botAnswerThreshold: 0.74, botClarifyThreshold: 0.74 });
    const ws = await deps.db.query<{ settings: Record<string, unknown> }>('SELECT settings FROM workspaces WHERE id = $1', [target.id]);
    expect(ws.rows[0]!.settings).toEqual({ botAnswerThreshold: 0.74, botClarifyThreshold: 0.74 });
    const log = await deps.db.query('SELECT actor_type, action, target_type, details FROM audit_log WHERE workspace_id = $1', [target.id]);
    expect(log.rows).toEqual([{ actor_type: 'system', action: 'settings.changed', target_type: 'workspace', details: expect.objectContaining({ botAnswerThreshold: 0.74, botClarifyThreshold: 0.74, source: 'kefu eval --sweep' }) }]);
  });

  it('deletes its workspace afterwards', async () => {
    const { rows } = await deps.db.query('SELECT 1 FROM workspaces WHERE id = $1', [report.workspace.id]);
    expect(rows).toEqual([]);
    expect(report.workspace.kept).toBe(false);
  });

  it('writes report.json and a self-contained report.html', async () => {
    expect(JSON.parse(await readFile(files.json, 'utf8'))).toMatchObject({ version: 1, label: 'tiny', counts: report.counts });
    const html = await readFile(files.html, 'utf8');
    const has = (text: string) => expect(html.includes(text), text).toBe(true); // (toContain would print 200 kB)
    has('<canvas id="threshold-curve"');
    has('<canvas id="latency-histogram"');
    has('Chart.js v4'); // the UMD bundle's banner: inlined, not linked
    expect(/<script[^>]+src=/.test(html)).toBe(false);
    has('Do you sell refurbished devices with a warranty?'); // among the mistakes: an out-of-scope question answered
    has('At the sweep thresholds: τ_answer 0.74, τ_clarify 0.74');
  });
});

describe('the kefu eval command', () => {
  const services = inject('services');
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['app/cli.ts', ...args], {
        cwd: ROOT,
        // Only what the command needs: no OPENAI_API_KEY from the developer's shell.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', QUEUE_PREFIX: `kefu-test-eval-${Date.now()}`, DATA_DIR: dir, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('refuses bad lines with their numbers and exit code 2, before connecting to anything', async () => {
    const bad = path.join(dir, 'bad.cases.jsonl');
    await writeFile(bad, jsonl([CASES[0]!, { id: 'x1', gold_doc_ids: [], in_scope: false }, { id: 'x2', question: 'q', gold_doc_ids: 'refunds', in_scope: true }]));
    const r = await cli(['eval', '--kb', kbFile, '--cases', bad], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('2 bad line(s) in the cases file');
    expect(r.stderr).toContain(`${bad}:2: "question" is missing`);
    expect(r.stderr).toContain(`${bad}:3: "gold_doc_ids" must be an array of document ids (may be empty)`);
    const noCases = await cli(['eval', '--kb', kbFile]);
    expect(noCases).toMatchObject({ code: 2, stderr: expect.stringContaining('--cases X.cases.jsonl') });
    const both = await cli(['eval', '--cases', casesFile, '--sweep', '--target-precision', '0.9', '--target-oos-recall', '0.5']);
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('not both') });
  });

  it('the gate skips, and passes, when the datasets are not there', async () => {
    const r = await cli(['eval-gate'], { KEFU_DATASETS: path.join(dir, 'no-datasets'), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(r).toMatchObject({ code: 0, stdout: `eval gate skipped: datasets not found at ${path.join(dir, 'no-datasets')} (set KEFU_DATASETS or pass --datasets DIR).\n` });
  });

  it.skipIf(!services.databaseUrl)('runs, sweeps for out-of-scope recall, writes the settings and prints a summary with the report paths', async () => {
    const slug = uniqueSlug('eval-cli');
    const { rows } = await deps.db.query<{ id: string }>('INSERT INTO workspaces (slug, name) VALUES ($1, $1) RETURNING id', [slug]);
    const out = path.join(dir, 'cli-out');
    const r = await cli(['eval', '--kb', kbFile, '--cases', casesFile, '--sweep', '--target-oos-recall', '0.8', '--write-settings', slug, '--out', out, '--workspace-label', 'cli tiny'], {
      DATABASE_URL: services.databaseUrl!,
      ...(services.redisUrl ? { REDIS_URL: services.redisUrl } : {}),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Running +\|█+\| 15\/15 cases/); // progress bars go to stderr
    expect(r.stdout).toContain('cli tiny: 15 cases (10 in scope, 5 out of scope), 7 documents, bot extractive');
    expect(r.stdout).toContain(`Report: ${path.join(out, 'report.json')}`);
    expect(r.stdout).toContain(path.join(out, 'report.html'));
    const written = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as EvalReport;
    expect(written.sweep).toMatchObject({ target: { metric: 'oosRecall', value: 0.8 } });
    expect(written.sweep!.metrics!.oosNotAnswered).toBeGreaterThanOrEqual(0.8);
    const settings = await eventually(async () => (await deps.db.query<{ settings: Record<string, number> }>('SELECT settings FROM workspaces WHERE id = $1', [rows[0]!.id])).rows[0]?.settings, 'the settings');
    expect(settings).toEqual({ botAnswerThreshold: written.sweep!.answerThreshold, botClarifyThreshold: written.sweep!.clarifyThreshold });
  });
});
