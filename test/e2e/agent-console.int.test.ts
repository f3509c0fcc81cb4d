// The agent area of the console end to end in headless chromium, against the real API (PostgreSQL, Redis, workers)
// and the real build (web/dist); nothing is mocked. A customer asks for a person in the widget (a page on another
// origin) while an agent, signed in to the console in another browser context and online, gets the conversation
// live, opens it (the bot's answer with its citation markers, the handoff summary line by line), uses a quick reply
// (a slow lookup never reopens the list) and a note, replies (the customer sees it) and resolves it; then a ticket:
// open it, reply, change its status, and meet a conflicting change (409) with a Reload. Each page is saved to
// test-artifacts/screenshots/agent-*.png for a look.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../../app/testing.ts';
import { browserUnavailable, ensureWebBuild, launchBrowser, screenshot, startWidgetSite } from '../browser.ts';
import { eventually, testConfig, uniqueSlug } from '../services.ts';

const skip = browserUnavailable();

const WARRANTY = `# Blender warranty

## How long the warranty lasts
Every Zorblax blender has a two-year warranty that covers the motor and the blades. A blender that arrives broken is replaced free of charge.
`;

let api: TestApi;
let ws: TestWorkspace;
let browser: Browser;
let site: Awaited<ReturnType<typeof startWidgetSite>>;
let agent: { id: string; email: string; password: string };
let agentToken: string;

beforeAll(async () => {
  if (skip) return;
  await ensureWebBuild();
  api = await startTestApi(testConfig({ PRESENCE_TIMEOUT_S: '3600' }));
  ws = await createTestWorkspace(api.deps, uniqueSlug('console'));
  agent = await createAgent(api.deps, ws, 'maya', { capacity: 2, skills: [], online: false });
  agentToken = await login(api.url, agent.email, agent.password);
  const supervisor = await login(api.url, ws.users.supervisor.email, ws.users.supervisor.password);
  const qr = await call(api.url, '/api/team/quick-replies', { token: supervisor, body: { shortcut: 'hello', title: 'Greeting', body: 'Hi, I am {{agent.name}} from support. Let me look into this for you.' } });
  expect(qr.status, JSON.stringify(qr.body)).toBeLessThan(300);
  const kb = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
  const doc = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Blender warranty', body: WARRANTY, format: 'markdown' } });
  expect(doc.status).toBe(202);
  await eventually(async () => (await call(api.url, `/api/kb/documents/${doc.body.document.id}`, { token: kb })).body.document.status === 'ready', 'the warranty article to be indexed');
  site = await startWidgetSite(api.url, ws.slug);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await api?.close();
});

describe.skipIf(skip)('the agent console in chromium', () => {
  let agentCtx: BrowserContext;
  let customerCtx: BrowserContext;
  let consolePage: Page;
  let widget: Page;
  let conversationId: string;
  const errors: string[] = [];

  afterAll(async () => {
    await agentCtx?.close();
    await customerCtx?.close();
  });

  it('signs the agent in, goes online and shows the inbox', async () => {
    agentCtx = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'en-US' });
    consolePage = await agentCtx.newPage();
    consolePage.on('pageerror', (e) => errors.push(e.message));
    await consolePage.goto(`${api.url}/console/`);
    await consolePage.getByLabel('Email').fill(agent.email);
    await consolePage.getByLabel('Password').fill(agent.password);
    await consolePage.getByRole('button', { name: 'Sign in' }).click();
    await consolePage.getByRole('heading', { name: 'Inbox' }).waitFor();
    const status = consolePage.getByRole('group', { name: 'My status' });
    await status.getByRole('button', { name: 'Online' }).click();
    await expect.poll(() => status.getByRole('button', { name: 'Online' }).getAttribute('aria-pressed')).toBe('true');
    const me = await call(api.url, '/api/agent/me', { token: agentToken });
    expect(me.body.agent.presence).toBe('online');
    await consolePage.getByText(/No conversations assigned to you/).waitFor();
  }, 60_000);

  it('receives a customer who asks for a person, live, and replies with a quick reply', async () => {
    customerCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    widget = await customerCtx.newPage();
    await widget.goto(site.url);
    await widget.getByRole('button', { name: 'Chat with us' }).click();
    // The bot answers first, from the knowledge base; then the customer asks for a person.
    await widget.getByLabel('Your message').fill('How long is the blender warranty?');
    await widget.getByRole('button', { name: 'Send' }).click();
    await widget.getByRole('log').getByText(/two-year warranty/).waitFor({ timeout: 20_000 });
    await widget.getByRole('button', { name: 'Talk to a person' }).click();
    await widget.getByText('You are chatting with an agent').waitFor({ timeout: 20_000 });

    // Live: the conversation appears in My conversations without a reload.
    const mine = consolePage.getByRole('list', { name: 'My conversations' });
    const link = mine.getByRole('link').first();
    await link.waitFor({ timeout: 15_000 });
    conversationId = (await link.getAttribute('href'))!.split('/').pop()!;
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);

    // The customer writes before the agent opens it: an unread count on the inbox.
    await widget.getByLabel('Your message').fill('My blender arrived broken, order 5521.');
    await widget.getByRole('button', { name: 'Send' }).click();
    await mine.getByLabel('1 unread').waitFor({ timeout: 15_000 });
    await screenshot(consolePage, 'agent-inbox');

    await link.click();
    const log = consolePage.getByRole('log', { name: 'Transcript' });
    await log.getByText('My blender arrived broken, order 5521.').waitFor();
    await consolePage.getByRole('heading', { name: 'Knowledge suggestions' }).waitFor();
    // The bot's answer with its source, and the bot's turn (query, decision, reason) behind it.
    await log.getByText(/two-year warranty/).first().waitFor();
    await log.getByRole('list', { name: 'Sources' }).getByText('Blender warranty').first().waitFor();
    // Its "[1]" is a marker for the source (an uploaded document here: it leads to the entry under the answer).
    const answer = log.locator('.ag-msg.bot').filter({ hasText: 'two-year warranty' }).first();
    expect(await answer.locator('.ag-body').textContent()).not.toContain('[1]');
    const marker = answer.getByRole('button', { name: 'Source 1: Blender warranty' });
    await marker.click();
    const focused = () => consolePage.evaluate(() => {
      const el = (globalThis as unknown as { document: { activeElement: { id: string; textContent: string | null } | null } }).document.activeElement;
      return { id: el?.id ?? '', text: el?.textContent ?? '' };
    });
    await expect.poll(focused).toMatchObject({ id: expect.stringMatching(/^cite-/), text: expect.stringContaining('Blender warranty') });
    // The handoff summary, one line each.
    const summary = consolePage.locator('.ag-summary li');
    await expect.poll(() => summary.count()).toBeGreaterThan(1);
    expect(await summary.first().textContent()).toMatch(/^Customer asked: /);
    expect(await summary.allTextContents()).toContainEqual(expect.stringMatching(/^Handed over: /));
    await log.getByText(/^Bot turn:/).first().click();
    await log.getByText('How long is the blender warranty?').first().waitFor();
    await screenshot(consolePage, 'agent-bot-turn');

    // Live message from the customer while the conversation is open.
    await widget.getByLabel('Your message').fill('It makes a grinding noise.');
    await widget.getByRole('button', { name: 'Send' }).click();
    await log.getByText('It makes a grinding noise.').waitFor({ timeout: 15_000 });

    // A private note, styled apart, never shown to the customer.
    await consolePage.getByRole('button', { name: 'Internal note' }).click();
    await consolePage.getByLabel('Internal note').fill('Check the warehouse batch for order 5521.');
    await consolePage.getByRole('button', { name: 'Add note' }).click();
    await log.locator('.ag-msg.note').getByText('Check the warehouse batch').waitFor();

    // "/" opens the quick replies; Enter picks one with its variables filled in; typing reaches the customer.
    await consolePage.getByRole('button', { name: 'Reply to customer' }).click();
    const reply = consolePage.getByLabel('Reply', { exact: true });
    const options = consolePage.getByRole('listbox', { name: 'Quick replies' });
    // A slow lookup answers after the agent typed past the shortcut: the list stays closed, their text stays theirs.
    const slow = '**/api/agent/quick-replies**';
    await consolePage.route(slow, async (route) => {
      await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await reply.pressSequentially('/hel is not a shortcut', { delay: 20 });
    await consolePage.waitForTimeout(1200); // every delayed answer is in by now
    expect(await options.count()).toBe(0);
    await reply.press('Shift+Enter');
    await expect.poll(() => reply.inputValue()).toBe('/hel is not a shortcut\n');
    await consolePage.unroute(slow);
    await reply.fill('');
    await reply.pressSequentially('/hel', { delay: 30 });
    await options.getByRole('option', { name: /\/hello/ }).waitFor();
    await widget.getByRole('status').getByText('The agent is typing…').waitFor({ timeout: 10_000 });
    await screenshot(consolePage, 'agent-quick-replies');
    await reply.press('Enter');
    await expect.poll(() => reply.inputValue()).toBe('Hi, I am maya from support. Let me look into this for you.');
    await consolePage.getByRole('button', { name: 'Send reply' }).click();
    await log.getByText('Hi, I am maya from support.').waitFor();

    await widget.getByRole('log').getByText('Hi, I am maya from support.').waitFor({ timeout: 15_000 });

    // A knowledge passage, found and inserted into the reply, then sent.
    await consolePage.getByLabel('Search the knowledge base').fill('warranty');
    await consolePage.getByRole('button', { name: 'Search', exact: true }).click();
    await consolePage.getByRole('button', { name: 'Insert passage from Blender warranty' }).first().click();
    await expect.poll(() => reply.inputValue()).toMatch(/two-year warranty/);
    await screenshot(consolePage, 'agent-suggestions');
    await consolePage.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => widget.getByRole('log').getByText(/replaced free of charge/).count(), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(await widget.getByText('Check the warehouse batch').count()).toBe(0);
    await screenshot(consolePage, 'agent-conversation');
    await screenshot(widget, 'agent-widget-reply');
  }, 90_000);

  it('resolves the conversation; the customer is told', async () => {
    await consolePage.getByRole('button', { name: 'Resolve' }).click();
    await consolePage.getByRole('heading', { name: 'Inbox' }).waitFor();
    await widget.getByRole('log').getByText(/marked as resolved/).waitFor({ timeout: 15_000 });
    const c = await call(api.url, `/api/agent/conversations/${conversationId}`, { token: agentToken });
    expect(c.body.conversation.status).toBe('resolved');
  }, 30_000);

  it('shows the queue while away, and claims a waiting conversation from it', async () => {
    const status = consolePage.getByRole('group', { name: 'My status' });
    await status.getByRole('button', { name: 'Away' }).click();
    await expect.poll(async () => (await call(api.url, '/api/agent/me', { token: agentToken })).body.agent.presence).toBe('away');
    // Nobody is online: the handed-over conversation waits in the queue, and the inbox shows it live.
    const other = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'api' } });
    const handoff = await call(api.url, `/api/conversations/${other.body.conversation.id}/handoff`, { method: 'POST', headers: { 'x-visitor-token': other.body.visitorToken } });
    expect(handoff.body.conversation.status).toBe('queued');
    const queue = consolePage.getByRole('region', { name: /^Queue/ });
    const claim = queue.getByRole('button', { name: /^Claim conversation with/ });
    await claim.waitFor({ timeout: 15_000 });
    await expect.poll(() => queue.getByRole('group', { name: 'Queue by skill' }).getByRole('button', { name: /^All/ }).textContent()).toMatch(/1/);
    await screenshot(consolePage, 'agent-queue');
    await claim.click();
    await consolePage.getByRole('log', { name: 'Transcript' }).waitFor();
    await expect.poll(async () => (await call(api.url, `/api/agent/conversations/${other.body.conversation.id}`, { token: agentToken })).body.conversation.assigneeId).toBe(agent.id);
    await consolePage.getByRole('button', { name: 'Transfer…' }).click();
    await consolePage.getByLabel('Transfer to').waitFor();
    await screenshot(consolePage, 'agent-transfer');
    await consolePage.getByRole('button', { name: 'Resolve' }).click();
    await consolePage.getByRole('heading', { name: 'Inbox' }).waitFor();
  }, 60_000);

  it('works a ticket: list, detail, public reply, status change, and a conflicting change with Reload', async () => {
    const subject = `Broken blender ${ws.slug}`;
    const created = await call(api.url, '/api/tickets', { token: agentToken, body: { subject, description: 'Arrived broken.', priority: 'high', assigneeId: agent.id, contact: { email: `pat@${ws.slug}.test`, name: 'Pat Customer' } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ticketId = created.body.ticket.id as string;

    await consolePage.getByRole('link', { name: 'Tickets' }).click();
    await consolePage.getByRole('heading', { name: 'Tickets' }).waitFor();
    await consolePage.getByLabel('Assignee').selectOption('me');
    await consolePage.getByRole('link', { name: subject }).waitFor();
    await screenshot(consolePage, 'agent-tickets');

    await consolePage.getByRole('link', { name: subject }).click();
    await consolePage.getByRole('heading', { name: new RegExp(subject) }).waitFor();
    await consolePage.getByLabel('Public reply', { exact: true }).fill('We are sending a replacement today.');
    await consolePage.getByRole('button', { name: 'Send reply' }).click();
    const comments = consolePage.getByRole('log', { name: 'Comments' });
    await comments.getByText('We are sending a replacement today.').waitFor();

    await consolePage.getByLabel('Status').selectOption('pending');
    await expect.poll(async () => (await call(api.url, `/api/tickets/${ticketId}`, { token: agentToken })).body.ticket.status).toBe('pending');
    await expect.poll(() => consolePage.getByLabel('Status').inputValue()).toBe('pending');
    await screenshot(consolePage, 'agent-ticket');

    // Someone else changes it meanwhile: this page's version is old, so its change is refused and says so.
    const now = (await call(api.url, `/api/tickets/${ticketId}`, { token: agentToken })).body.ticket;
    expect((await call(api.url, `/api/tickets/${ticketId}`, { method: 'PATCH', token: agentToken, body: { version: now.version, priority: 'urgent' } })).status).toBe(200);
    await consolePage.getByLabel('Priority').selectOption('low');
    const alert = consolePage.locator('.ag-conflict');
    await alert.waitFor();
    await screenshot(consolePage, 'agent-ticket-conflict');
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => consolePage.getByLabel('Priority').inputValue()).toBe('urgent');
    expect(errors).toEqual([]);
  }, 60_000);
});
