// The console's knowledge-base, quality and settings areas end to end in headless chromium, against the real API
// (real PostgreSQL and Redis, workers running) and the real build (web/dist). A knowledge manager uploads a real PDF
// (with a file the API refuses beside it) and watches it become ready with a progress bar, sees a broken PDF fail with
// its reason, imports a page by URL, re-indexes and deletes a document and finds an unanswered question among the
// gaps; a QA lead sees the bot against people on the dashboard and a real eval run's report, opens the
// review queue, opens a graded conversation, overrides a score with a comment and sees it marked overridden; an admin
// changes a role (and cannot demote the last admin), staffs an agent with skills and capacities, gives a skill its own
// hours, saves routing defaults and rules (channels kept), split-shift business hours, edits a canned response in the
// full list, and changes a bot threshold (a bad value shows the API's message) — each checked against what the API
// then returns. Every page is saved to
// test-artifacts/screenshots/{km,qa,admin}-*.png for a look.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../../app/testing.ts';
import { CaseLine, KbLine, runEval, writeReport } from '../../evals/index.ts';
import { browserUnavailable, ensureWebBuild, launchBrowser, screenshot } from '../browser.ts';
import { eventually, testConfig, uniqueSlug } from '../services.ts';

const skip = browserUnavailable();

// The browser globals the function given to page.evaluateHandle uses (it runs in the page; the server's tsconfig has
// no DOM types).
declare class DataTransfer {
  readonly items: { add(file: File): void };
}

let api: TestApi;
let ws: TestWorkspace;
let browser: Browser;
let dataDir: string;
let conversationId: string;
/** A help site on loopback for the URL import (the API may fetch private addresses in this test only). */
let site: Server;
let siteUrl: string;

/** A small real PDF: two pages of a refund policy. */
async function refundPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Refund policy');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const pages = [
    ['Refund policy', 'Once we receive your return, we inspect it within 2 business days.', 'Refunds go back to the original payment method and take 5 to 7 business days.'],
    ['Return shipping', 'Return shipping is free for orders within the United States.', 'International customers pay the return shipping cost.'],
  ];
  for (const lines of pages) {
    const page = pdf.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 20, size: 12, font }));
  }
  return Buffer.from(await pdf.save());
}

/** A customer asks for a person, an agent replies and resolves, and a QA lead grades it; returns its id. */
async function gradedConversation(): Promise<string> {
  const a = await createAgent(api.deps, ws, 'alex', { capacity: 5, skills: [], online: true });
  const agentToken = await login(api.url, a.email, a.password);
  const start = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget', name: 'Riley' } });
  const visitor = { 'x-visitor-token': start.body.visitorToken as string };
  const id = start.body.conversation.id as string;
  await call(api.url, `/api/conversations/${id}/messages`, { headers: visitor, body: { text: 'I was charged twice for my order. Can I talk to a person please?' } });
  await call(api.url, `/api/conversations/${id}/handoff`, { headers: visitor, body: {} });
  await eventually(async () => (await api.deps.db.query(`SELECT 1 FROM conversations WHERE id = $1 AND status = 'assigned'`, [id])).rows[0], 'the conversation to be assigned');
  const reply = await call(api.url, `/api/agent/conversations/${id}/messages`, { token: agentToken, body: { text: 'ok refunded' } });
  expect(reply.status).toBe(201);
  expect((await call(api.url, `/api/agent/conversations/${id}/resolve`, { token: agentToken, method: 'POST' })).status).toBe(200);
  const qa = await login(api.url, ws.users.qa_lead.email, ws.users.qa_lead.password);
  const graded = await call(api.url, '/api/qa/grade', { token: qa, body: { conversationId: id } });
  expect(graded.status).toBe(200);
  return id;
}

/** A conversation only the bot answered, resolved by the customer and graded: the dashboard's bot side. */
async function gradedBotConversation(): Promise<void> {
  const start = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget' } });
  const id = start.body.conversation.id as string;
  await api.deps.db.query(
    `INSERT INTO messages (workspace_id, conversation_id, sender, body) VALUES ($1, $2, 'customer', 'Do gift cards expire?'), ($1, $2, 'bot', 'Gift cards never expire. Can I help with anything else?')`,
    [ws.id, id],
  );
  expect((await call(api.url, `/api/conversations/${id}/resolve`, { headers: { 'x-visitor-token': start.body.visitorToken }, method: 'POST' })).status).toBe(200);
  const qa = await login(api.url, ws.users.qa_lead.email, ws.users.qa_lead.password);
  expect((await call(api.url, '/api/qa/grade', { token: qa, body: { conversationId: id } })).status).toBe(200);
}

/** A real `kefu eval` run on a tiny dataset, its report written where the console lists eval runs. */
async function realEvalRun(): Promise<void> {
  const kb = [
    { id: 'refunds', title: 'Refunds', text: 'Refunds go back to the original payment method and take 5 to 7 business days to appear on your statement.' },
    { id: 'shipping', title: 'Shipping times', text: 'Standard shipping takes 3 to 5 business days. Express shipping delivers the next business day.' },
    { id: 'gift-cards', title: 'Gift cards', text: 'Gift cards never expire and can be used for any purchase in the online store.' },
  ];
  const cases = [
    { id: 'c1', question: 'How long does a refund take to show up?', gold_doc_ids: ['refunds'], in_scope: true, intent: 'refund', gold_answer: 'Refunds take 5 to 7 business days.' },
    { id: 'c2', question: 'How long does standard shipping take?', gold_doc_ids: ['shipping'], in_scope: true, intent: 'shipping' },
    { id: 'c3', question: 'Do gift cards expire?', gold_doc_ids: ['gift-cards'], in_scope: true, intent: 'payments', gold_answer: 'Gift cards never expire.' },
    { id: 'o1', question: 'What will the weather be like in Oslo tomorrow?', gold_doc_ids: [], in_scope: false, intent: 'out_of_scope' },
  ];
  const report = await runEval(api.deps, { label: 'faq', files: { kb: 'faq.kb.jsonl', cases: 'faq.cases.jsonl' }, kb: kb.map((k) => KbLine.parse(k)), cases: cases.map((c) => CaseLine.parse(c)) });
  await writeReport(report, path.join(dataDir, 'eval', `faq-${report.createdAt.replace(/[:.]/g, '-')}`));
}

async function signIn(role: keyof TestWorkspace['users']): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${api.url}/console/`);
  await page.getByLabel('Email').fill(ws.users[role].email);
  await page.getByLabel('Password').fill(ws.users[role].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { context, page };
}

async function open(page: Page, hash: string, heading: string): Promise<void> {
  await page.goto(`${api.url}/console/#${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.getByText('Loading…').first().waitFor({ state: 'detached' }).catch(() => undefined);
  await page.waitForTimeout(400); // forms fill from the loaded data on the next render; bars animate for 0.3 s
}

beforeAll(async () => {
  if (skip) return;
  await ensureWebBuild();
  dataDir = await mkdtemp(path.join(tmpdir(), 'kefu-console-'));
  site = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><head><title>Gift cards</title></head><body><main><h1>Gift cards</h1><p>Gift cards never expire and can be used on any order in our shop.</p></main></body></html>');
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/gift-cards`;
  api = await startTestApi(testConfig({ PRESENCE_TIMEOUT_S: '3600', QA_SWEEP_S: '3600', DATA_DIR: dataDir, KB_FETCH_ALLOW_PRIVATE: 'true' }));
  ws = await createTestWorkspace(api.deps, uniqueSlug('console'));
  conversationId = await gradedConversation();
  await gradedBotConversation();
  await realEvalRun();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await new Promise((r) => site?.close(r));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.skipIf(skip)('the console areas in chromium', () => {
  it('lets a knowledge manager upload a PDF and watch it become ready with a progress bar', async () => {
    const { context, page } = await signIn('kb_manager');
    await open(page, '/kb/upload', 'Upload & import');
    await page.locator('input[type=file]').setInputFiles([
      { name: 'refund-policy.pdf', mimeType: 'application/pdf', buffer: await refundPdf() },
      { name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) },
    ]);
    const row = page.getByRole('listitem').filter({ hasText: 'refund-policy.pdf' });
    await row.getByRole('progressbar').waitFor();
    await screenshot(page, 'km-upload-progress'); // usually mid-way: the PDF is parsed and embedded in the background
    await expect(page.getByRole('listitem').filter({ hasText: 'logo.png' }).textContent()).resolves.toMatch(/refused/);
    await row.getByText('ready', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await row.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await page.waitForTimeout(400); // the bar's width animates for 0.3 s
    await screenshot(page, 'km-upload');

    // Drag and drop works too: a Markdown file dropped on the drop zone.
    const dropped = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'shipping.md', { type: 'text/markdown' }));
      return transfer;
    }, '# Shipping\n\nWe ship every order within 2 business days of payment.');
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByRole('listitem').filter({ hasText: 'shipping.md' }).getByText('ready', { exact: true }).waitFor({ timeout: 30_000 });

    // A file that claims to be a PDF but is not: accepted, then failed with a reason the knowledge manager can read.
    await page.locator('input[type=file]').setInputFiles([{ name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\nthis is not really a pdf\n%%EOF') }]);
    await page.getByRole('listitem').filter({ hasText: 'broken.pdf' }).getByText('failed', { exact: true }).waitFor({ timeout: 30_000 });

    // A URL import, with its own progress bar, done when the page is in the knowledge base.
    await page.getByLabel('Address').fill(siteUrl);
    await page.getByRole('button', { name: 'Import' }).click();
    const importRow = page.getByRole('row').filter({ hasText: siteUrl });
    await importRow.getByRole('progressbar').waitFor();
    await importRow.getByText(/^done/).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(400); // the bar's width animates for 0.3 s
    await screenshot(page, 'km-url-import');
    const kb = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
    const imported = await eventually(async () => (await call(api.url, '/api/kb/documents?q=Gift', { token: kb })).body.documents?.find((d: { title: string; status: string }) => d.title === 'Gift cards' && d.status === 'ready'), 'the imported page to be ready');
    expect(imported.sourceRef).toBe(siteUrl);

    await open(page, '/kb', 'Knowledge base');
    await page.getByRole('link', { name: 'Refund policy' }).first().waitFor();
    await screenshot(page, 'km-documents');
    // The failed file's document shows why it failed.
    await page.getByRole('link', { name: 'broken' }).first().click();
    await page.locator('.error-text').first().waitFor();
    expect(await page.locator('.error-text').first().textContent()).toMatch(/\w{5,}/);
    await screenshot(page, 'km-document-failed');
    await open(page, '/kb', 'Knowledge base');
    await page.getByRole('link', { name: 'Refund policy' }).first().click();
    await page.getByRole('heading', { name: /^Chunks \(\d+\)/ }).waitFor();
    await page.getByText(/5 to 7 business days/).first().waitFor();
    await screenshot(page, 'km-document');
    const refundId = new URL(page.url()).hash.split('/').pop()!;
    const docState = async () => (await call(api.url, `/api/kb/documents/${refundId}`, { token: kb })).body.document as { status: string; indexedVersion?: number; updatedAt: string };
    // Re-index: the document goes through the pipeline again and is ready again.
    const before = await docState();
    await page.getByRole('button', { name: 'Re-index' }).click();
    await eventually(async () => {
      const d = await docState();
      return d.status === 'ready' && d.updatedAt !== before.updatedAt;
    }, 'the re-indexed document to be ready again');
    await page.getByRole('heading', { name: /^Chunks \(\d+\)/ }).waitFor();
    // Delete, after the browser's confirmation: gone from the API, back to the list.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { level: 1, name: 'Knowledge base' }).waitFor();
    expect((await call(api.url, `/api/kb/documents/${refundId}`, { token: kb })).status).toBe(404);

    await open(page, '/kb/collections', 'Collections');
    await page.getByLabel('Name').fill('Internal playbooks');
    await page.getByLabel('Who may use it').selectOption('internal');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: /Internal playbooks/ }).waitFor();
    await screenshot(page, 'km-collections');

    await open(page, '/kb/search', 'Retrieval tester');
    await page.getByLabel('Question').fill('How soon do you ship an order?');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('columnheader', { name: 'Similarity' }).waitFor();
    await screenshot(page, 'km-search');

    // A question the knowledge base cannot answer becomes a gap.
    const customer = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget' } });
    await call(api.url, `/api/conversations/${customer.body.conversation.id}/messages`, { headers: { 'x-visitor-token': customer.body.visitorToken }, body: { text: 'Do you sell replacement parts for vintage espresso machines?' } });
    await open(page, '/kb/gaps', 'Knowledge gaps');
    await page.getByText('Do you sell replacement parts for vintage espresso machines?').waitFor();
    await screenshot(page, 'km-gaps');
    await context.close();
  }, 90_000);

  it('lets a QA lead review a graded conversation and override a score with a comment', async () => {
    const { context, page } = await signIn('qa_lead');
    await open(page, '/qa', 'Quality');
    await page.getByRole('heading', { name: 'By category' }).waitFor();
    // Bot against people: the bot's graded reply beside the agent's.
    await page.getByText(/Bot reply: \d\.\d\d over 1 graded/).waitFor();
    await page.waitForTimeout(300); // charts draw on the next frame
    await screenshot(page, 'qa-dashboard');

    await open(page, '/qa/reviews', 'Review queue');
    const link = page.locator(`a[href="#/qa/conversations/${conversationId}"]`).first();
    await link.waitFor();
    await screenshot(page, 'qa-queue');
    await link.click();
    await page.getByRole('heading', { name: 'Transcript' }).waitFor();
    await page.getByText('ok refunded').first().waitFor();

    const grade = page.getByRole('region', { name: 'Agent reply grade' });
    const greeting = grade.locator('tr[data-category="greeting"]');
    await greeting.getByRole('button', { name: 'Override Greeting' }).click();
    await grade.getByLabel('Score for Greeting').selectOption('4');
    await grade.getByRole('button', { name: 'Save override' }).click();
    await grade.getByRole('alert').getByText(/comment is required/).first().waitFor(); // the API's 400, next to the form
    await grade.getByLabel('Comment (why)').fill('A short greeting is fine for a quick refund; house style allows it.');
    await grade.getByRole('button', { name: 'Save override' }).click();
    await greeting.getByText('overridden').waitFor();
    await greeting.getByText(/house style allows it/).waitFor();
    await screenshot(page, 'qa-review');

    await open(page, '/qa/disputes', 'Disputes');
    await screenshot(page, 'qa-disputes');
    await open(page, '/qa/agreement', 'Agreement with reviewers');
    await page.getByRole('cell', { name: 'Greeting' }).waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'qa-agreement');
    await open(page, '/qa/evals', 'Eval runs');
    // A real run's headline numbers (4 cases; retrieval over the 3 in scope), then its report with the charts.
    const runRow = page.getByRole('row').filter({ hasText: 'faq' });
    await runRow.getByRole('cell', { name: '4', exact: true }).waitFor();
    expect(await runRow.textContent()).toMatch(/\d\.\d{3}/);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.frameLocator('iframe').getByRole('heading', { name: 'Kefu eval: faq' }).waitFor();
    await page.frameLocator('iframe').locator('canvas').first().waitFor();
    await screenshot(page, 'qa-evals');
    await context.close();
  }, 90_000);

  it('lets an admin change roles, staff agents, give a skill its own hours, route, set split-shift hours, edit canned responses and tune the bot', async () => {
    const adminToken = await login(api.url, ws.users.admin.email, ws.users.admin.password);
    const get = async (p: string) => (await call(api.url, p, { token: adminToken })).body;
    const { context, page } = await signIn('admin');

    // Users: a role change is saved at once; demoting the last admin (yourself) is refused with the API's reason.
    await open(page, '/admin', 'Settings');
    await page.getByRole('cell', { name: ws.users.qa_lead.email }).waitFor();
    await page.getByLabel('Role of agent', { exact: true }).selectOption('supervisor');
    await page.getByRole('status').getByText('agent now has the Supervisor role.').waitFor();
    const users = (await get('/api/admin/users')).users as { id: string; role: string }[];
    expect(users.find((u) => u.id === ws.users.agent.id)?.role).toBe('supervisor');
    await screenshot(page, 'admin-users');
    page.once('dialog', (d) => void d.accept());
    await page.getByLabel('Role of admin', { exact: true }).selectOption('agent');
    await page.getByRole('alert').getByText(/You are the last active admin/).waitFor();
    expect(await page.getByLabel('Role of admin', { exact: true }).inputValue()).toBe('admin'); // the select shows the role kept
    await screenshot(page, 'admin-users-last-admin');

    // Skills: create one (a bad name shows the API's message), then give it its own hours.
    await open(page, '/admin/skills', 'Skills');
    await page.getByLabel('Name (lowercase, for routing)').fill('Billing Team');
    await page.getByRole('button', { name: 'Create skill' }).click();
    await page.getByRole('alert').getByText(/lowercase letters/).first().waitFor();
    await page.getByLabel('Name (lowercase, for routing)').fill('billing');
    await page.getByLabel('Label').fill('Billing');
    await page.getByRole('button', { name: 'Create skill' }).click();
    await page.getByRole('cell', { name: 'billing', exact: true }).waitFor();
    await call(api.url, '/api/team/skills', { token: adminToken, body: { name: 'returns', label: 'Returns' } });
    await page.getByRole('button', { name: 'Edit skill Billing' }).click();
    const skillForm = page.getByRole('form', { name: 'Edit skill Billing' });
    await skillForm.getByLabel('Own hours').check();
    await skillForm.getByLabel('Open on Saturday').check();
    await skillForm.getByLabel('Saturday opens', { exact: true }).fill('10:00');
    await skillForm.getByLabel('Saturday closes', { exact: true }).fill('14:00');
    await screenshot(page, 'admin-skill-hours');
    await skillForm.getByRole('button', { name: 'Save skill' }).click();
    await page.getByRole('status').getByText('Saved Billing.').waitFor();
    await page.getByRole('cell', { name: /^Own: .*Sat 10:00–14:00/ }).waitFor();
    const billing = ((await get('/api/team/skills')).skills as { name: string; businessHours: { weekly: Record<string, unknown> } | null }[]).find((s) => s.name === 'billing');
    expect(billing?.businessHours?.weekly.sat).toEqual([{ open: '10:00', close: '14:00' }]);
    expect(billing?.businessHours?.weekly.mon).toEqual([{ open: '09:00', close: '17:00' }]);
    await screenshot(page, 'admin-skills');

    // Agents: skills with levels and both capacities.
    await open(page, '/admin/agents', 'Agents');
    await page.getByRole('cell', { name: /alex/ }).first().waitFor();
    await screenshot(page, 'admin-agents');
    await page.getByRole('button', { name: 'Edit agent', exact: true }).click();
    const agentForm = page.getByRole('form', { name: 'Edit agent' });
    await agentForm.getByLabel('Conversations at once').fill('4');
    await agentForm.getByLabel('Tickets at once').fill('12');
    await agentForm.getByLabel('Billing', { exact: true }).check();
    await agentForm.getByLabel('Billing level').selectOption('3');
    await agentForm.getByLabel('Returns', { exact: true }).check();
    await screenshot(page, 'admin-agent-edit');
    await agentForm.getByRole('button', { name: 'Save agent' }).click();
    await page.getByRole('status').getByText('Saved agent.').waitFor();
    await page.getByText('Billing · 3').waitFor();
    const agent = ((await get('/api/team/agents')).agents as { id: string }[]).find((a) => a.id === ws.users.agent.id);
    expect(agent).toMatchObject({ capacity: 4, ticketCapacity: 12, skills: [{ name: 'billing', level: 3 }, { name: 'returns', level: 1 }] });
    await screenshot(page, 'admin-agents-saved');

    // Routing: the defaults, then a rule whose channels (and the intents the API knows) survive a save from the page.
    await call(api.url, '/api/team/routing-rules', { token: adminToken, method: 'PUT', body: { rules: [{ name: 'Legal by email', when: { intents: ['legal'], channels: ['email'] }, skill: 'billing', priority: 20 }] } });
    await open(page, '/admin/routing', 'Routing rules');
    await page.getByLabel(/^Default skill/).selectOption('returns');
    await page.getByLabel(/^Previous agent first/).uncheck();
    await page.getByRole('button', { name: 'Save defaults' }).click();
    await page.getByRole('form', { name: 'When no rule matches' }).getByRole('status').getByText('Saved.').waitFor();
    const settings = (await get('/api/admin/settings')).workspace.settings;
    expect(settings).toMatchObject({ defaultSkill: 'returns', preferPreviousAgent: false });
    const rule1 = page.getByRole('group', { name: /^Rule 1/ });
    expect(await rule1.getByLabel('Rule 1 channel Email').isChecked()).toBe(true);
    await rule1.getByLabel('Keywords').fill('lawyer, court');
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule2 = page.getByRole('group', { name: /^Rule 2/ });
    await rule2.getByLabel('Name').fill('Widget refunds');
    await rule2.getByLabel('Keywords').fill('refund');
    await rule2.getByLabel('Rule 2 channel Widget').check();
    await rule2.getByLabel('Rule 2 channel API').check();
    await rule2.getByLabel('Skill').selectOption('billing');
    await rule2.getByLabel('Priority (0–100)').fill('5');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByRole('form', { name: 'Rules' }).getByRole('status').getByText('Saved.').waitFor();
    expect((await get('/api/team/routing-rules')).rules).toEqual([
      { name: 'Legal by email', when: { intents: ['legal'], channels: ['email'], keywords: ['lawyer', 'court'] }, skill: 'billing', priority: 20 },
      { name: 'Widget refunds', when: { keywords: ['refund'], channels: ['widget', 'api'] }, skill: 'billing', priority: 5 },
    ]);
    await page.waitForTimeout(300);
    await screenshot(page, 'admin-routing');

    // Business hours: off (the fields show disabled), then on with a split shift on Monday and a holiday.
    await open(page, '/admin/hours', 'Business hours');
    expect(await page.getByLabel('Monday opens', { exact: true }).isDisabled()).toBe(true);
    await screenshot(page, 'admin-hours-off');
    await page.getByLabel('The team works set hours (off: always open)').check();
    await page.getByLabel('Time zone (IANA name)').fill('Europe/Berlin');
    await page.getByLabel('Monday closes', { exact: true }).fill('12:00');
    await page.getByRole('button', { name: 'Add hours on Monday' }).click();
    await page.getByLabel('Monday opens (2)', { exact: true }).fill('13:00');
    await page.getByLabel('Monday closes (2)', { exact: true }).fill('17:30');
    await page.getByLabel('Open on Friday').uncheck();
    await page.getByRole('button', { name: 'Add a holiday' }).click();
    await page.getByLabel('Holiday 1', { exact: true }).fill('2026-12-25');
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.getByText(/In use now: Mon 09:00–12:00, 13:00–17:30; Tue–Thu 09:00–17:00 \(Europe\/Berlin\); 1 holiday/).waitFor();
    const hours = (await get('/api/admin/settings')).workspace.settings.businessHours;
    expect(hours).toEqual({
      timezone: 'Europe/Berlin',
      weekly: { mon: [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '17:30' }], tue: [{ open: '09:00', close: '17:00' }], wed: [{ open: '09:00', close: '17:00' }], thu: [{ open: '09:00', close: '17:00' }] },
      holidays: ['2026-12-25'],
    });
    await screenshot(page, 'admin-hours');

    // Canned responses: all of them listed (more than the agents' search returns), and one edited in place.
    for (let i = 0; i < 22; i++) {
      const r = await call(api.url, '/api/team/quick-replies', { token: adminToken, body: { shortcut: `answer-${String(i).padStart(2, '0')}`, title: `Answer ${i}`, body: `Hello {{contact.name}}, answer ${i}.`, skill: i < 3 ? 'billing' : null } });
      expect(r.status).toBe(201);
    }
    await open(page, '/admin/quick-replies', 'Canned responses');
    await page.getByText('22 canned responses: everyone\'s first, then by skill.').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(22);
    await screenshot(page, 'admin-quick-replies');
    await page.getByRole('button', { name: 'Edit /answer-05' }).click();
    const replyForm = page.getByRole('form', { name: 'Edit /answer-05' });
    await replyForm.getByLabel('Shortcut').fill('late-order');
    await replyForm.getByLabel('Title').fill('Your order is late');
    await replyForm.getByLabel('Only for skill').selectOption('returns');
    await screenshot(page, 'admin-quick-reply-edit');
    await replyForm.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved /late-order.').waitFor();
    const replies = (await get('/api/team/quick-replies')).quickReplies as { shortcut: string }[];
    expect(replies).toHaveLength(22);
    expect(replies.find((r) => r.shortcut === 'late-order')).toMatchObject({ title: 'Your order is late', body: 'Hello {{contact.name}}, answer 5.', skill: 'returns' });
    expect(replies.some((r) => r.shortcut === 'answer-05')).toBe(false);

    // Bot: a bad threshold shows the API's message, a good one is used at once.
    await open(page, '/admin/bot', 'Bot');
    await page.getByLabel('Answer threshold').fill('1.5');
    await page.getByRole('button', { name: 'Save thresholds' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText(/^Invalid settings: botAnswerThreshold: .*Fix it and send again\.$/).first().waitFor();
    await screenshot(page, 'admin-bot-error');
    await page.getByLabel('Answer threshold').fill('0.6');
    await page.getByRole('button', { name: 'Save thresholds' }).click();
    await page.getByText('Saved. The bot uses them now.').waitFor();
    await page.getByText(/In use now: answer ≥ 0\.6,/).waitFor();
    expect((await get('/api/admin/settings')).bot.answerThreshold).toBe(0.6);
    await screenshot(page, 'admin-bot');

    await open(page, '/admin/sla', 'SLA policies');
    await screenshot(page, 'admin-sla');
    await open(page, '/admin/api-keys', 'API keys');
    await screenshot(page, 'admin-api-keys');
    // A new API key is shown once.
    await page.getByLabel('Name (what uses it)').fill('Email bridge');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.locator('code.key-once').getByText(/^kefu_/).waitFor();
    await screenshot(page, 'admin-api-key-created');
    await context.close();
  }, 180_000);
});
