// The customer widget end to end in headless chromium, against the real API (real PostgreSQL and Redis, workers
// running) and the real build (web/dist); nothing between the pages and the API is mocked. Two hosts embed it: the
// demo shop page the API serves (workspace "demo", seeded), and another site on another origin (a small server here,
// with hostile CSS and a strict Content-Security-Policy) embedding it for a fresh workspace with its own knowledge
// base, reaching the API through a plain TCP relay the test can cut (a network drop). The agent side here goes
// through the API (sign in, presence, the agent's live stream, typing, reply, resolve), so these tests are about the
// widget alone; the agent console in the browser is test/e2e/agent-console.int.test.ts. Every state is saved to
// test-artifacts/screenshots/ for a look.
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../app/seed.ts';
import { call, createAgent, createTestWorkspace, login, openEventStream, startTestApi, type TestApi, type TestWorkspace } from '../../app/testing.ts';
import { browserUnavailable, ensureWebBuild, launchBrowser, screenshot } from '../browser.ts';
import { eventually, testConfig, uniqueSlug } from '../services.ts';

const skip = browserUnavailable();

const RETURNS = `# Returns and refunds

## How refunds work
Once we receive your return, we inspect it within 2 business days. Refunds go back to the original payment method and take 5 to 7 business days to appear on your statement.

## Return shipping
Return shipping is free for orders within the United States. International customers pay the return shipping cost.
`;
const RETURNS_ZH = `# 退货与退款

## 退款需要多长时间
我们收到退货后会在 2 个工作日内完成检查。退款会退回原支付方式，通常需要 5 到 7 个工作日到账。
`;

let api: TestApi;
let ws: TestWorkspace;
let browser: Browser;
let site: Server;
let siteUrl: string;
let demoId: string;
/** The other site reaches the API through this relay (the network the tests can cut). */
let relay: Awaited<ReturnType<typeof startRelay>>;

/** A shop on another origin: its own loud styles and a strict CSP that allows only the Kefu server's script and API. */
function startSite(apiUrl: string, slug: string): Promise<Server> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Zorblax Kitchen — Help</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/site.css"></head>
<body><h1>Zorblax Kitchen help</h1><p>Blenders, warranties and returns. <a href="#orders">Your orders</a></p>
<script src="${apiUrl}/widget.js" data-workspace="${slug}" defer></script></body></html>`;
  const css = `* { box-sizing: content-box !important; } body { font: 20px/2 'Comic Sans MS', cursive; color: #603; background: #ffd; letter-spacing: 0.1em; }
button { background: hotpink; font-family: serif; text-transform: uppercase; } p { margin: 3em; } a { color: lime; }`;
  const server = createServer((req, res) => {
    if (req.url === '/site.css') return void res.writeHead(200, { 'content-type': 'text/css' }).end(css);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'self'; script-src ${apiUrl}; connect-src ${apiUrl}; style-src 'self'; img-src 'self' data:`,
    });
    res.end(page);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * A plain TCP relay in front of the API, so a test can cut the network: bytes pass through untouched; `cut()` drops
 * every connection and refuses new ones until `restore()`.
 */
async function startRelay(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let refusing = false;
  const server = createTcpServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut() {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      refusing = false;
    },
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

async function addDoc(title: string, body: string, sourceRef?: string) {
  const kb = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
  const r = await call(api.url, '/api/kb/documents', { token: kb, body: { title, body, format: 'markdown', sourceRef } });
  expect(r.status).toBe(202);
  await eventually(async () => (await call(api.url, `/api/kb/documents/${r.body.document.id}`, { token: kb })).body.document.status === 'ready', `${title} to be indexed`);
}

// The few browser globals the functions given to page.evaluate use (they run in the page; the server's tsconfig has
// no DOM types, and adding them would let server code use `window` unnoticed).
type PageElement = { id: string; tagName: string; getAttribute(name: string): string | null; shadowRoot: { activeElement: PageElement | null; querySelector(s: string): PageElement | null } | null };
declare const document: { getElementById(id: string): PageElement | null; activeElement: PageElement | null };
declare function getComputedStyle(el: PageElement): { fontFamily: string; backgroundColor: string; textTransform: string };

/** Which element of the widget (in its shadow root) has the focus, if any. */
const activeInWidget = (page: Page) =>
  page.evaluate(() => {
    const root = document.getElementById('kefu-widget')?.shadowRoot;
    const el = document.activeElement?.id === 'kefu-widget' ? root?.activeElement : null;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, label: el.getAttribute('aria-label') } : null;
  });
/** Reads an agent's live stream until `pattern` matches, or fails after `ms`. */
async function readUntil(stream: Awaited<ReturnType<typeof openEventStream>>, pattern: RegExp, ms = 15_000): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${pattern} on the agent's stream after ${ms} ms; got:\n${stream.text()}`)), ms)));
  try {
    return await Promise.race([stream.readUntil(pattern), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
/** What the widget saved for a reload: the conversation and its visitor token. */
const savedSession = async (page: Page, slug: string): Promise<{ conversationId: string; visitorToken: string }> =>
  JSON.parse((await page.evaluate((key) => localStorage.getItem(key), `kefu:${relay.url}:${slug}`)) ?? 'null');

beforeAll(async () => {
  if (skip) return;
  await ensureWebBuild();
  api = await startTestApi(testConfig({ PRESENCE_TIMEOUT_S: '3600' }));
  ws = await createTestWorkspace(api.deps, uniqueSlug('widget'));
  await addDoc('Returns and refunds', RETURNS, 'https://help.zorblax.example/returns');
  await addDoc('退货与退款', RETURNS_ZH);
  // The demo page embeds the widget for "demo": the seeded workspace (created once per database, then reused).
  demoId = (await seedDemo(api.deps)).workspaceId;
  await eventually(async () => (await api.deps.db.query(`SELECT 1 FROM documents WHERE workspace_id = $1 AND status <> 'ready'`, [demoId])).rowCount === 0, 'the demo knowledge base to be indexed', 60_000);
  relay = await startRelay(api.url);
  site = await startSite(relay.url, ws.slug);
  // Another site: "localhost" is not the API's host (127.0.0.1), so every call is cross-origin (CORS for real).
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (site ? site.close(r) : r(undefined)));
  await relay?.close();
  await api?.close();
});

describe.skipIf(skip)('the customer widget in chromium', () => {
  let customer: BrowserContext;
  let page: Page;
  let conversationId: string;
  const agent = { id: '', token: '' };
  let agentEvents: Awaited<ReturnType<typeof openEventStream>>;

  it('serves the console\'s sign-in page at /', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const consolePage = await context.newPage();
    await consolePage.goto(`${api.url}/`); // redirects to /console/
    await consolePage.getByRole('heading', { name: 'Kefu console' }).waitFor();
    await consolePage.getByLabel('Email').waitFor();
    expect(new URL(consolePage.url()).pathname).toBe('/console/');
    await screenshot(consolePage, '00-console');
    await context.close();
  });

  it('is on the demo shop page with one script tag, and answers from the knowledge base with its sources', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const demo = await context.newPage();
    const errors: string[] = [];
    demo.on('pageerror', (e) => errors.push(e.message));
    await demo.goto(`${api.url}/demo/`);
    expect(await demo.locator('script[src="/widget.js"][data-workspace="demo"]').count()).toBe(1);
    const launcher = demo.getByRole('button', { name: 'Chat with us' });
    await launcher.waitFor();
    await screenshot(demo, '01-demo-page');

    await launcher.click();
    await demo.getByLabel('Your message').fill('How long does a refund take?');
    const streamed = demo.waitForResponse((r) => r.url().endsWith('/messages') && r.request().method() === 'POST');
    await demo.getByRole('button', { name: 'Send' }).click();
    const response = await streamed;
    expect(response.headers()['content-type']).toMatch(/text\/event-stream/);
    expect(await response.text()).toMatch(/event: token[\s\S]*event: reply/);

    const log = demo.getByRole('log');
    await log.getByText(/5 to 7 business days/).waitFor();
    await screenshot(demo, '02-demo-cited-answer');

    // The source is an uploaded file (db/seed/demo-kb.md), not a web page: the marker opens the cited passage in
    // the widget, as the server sends it — from the keyboard too — and Escape closes it, focus back on the marker.
    const marker = log.getByRole('button', { name: 'Source 1: Returns and refunds' });
    expect(await log.getByRole('link').count()).toBe(0);
    await marker.focus();
    await demo.keyboard.press('Enter');
    const passage = demo.getByRole('dialog', { name: 'Returns and refunds' });
    await passage.waitFor();
    await passage.getByText(/we inspect it within 2 business days/).waitFor();
    expect(await passage.getByText('How refunds work').count()).toBe(1); // the section it comes from
    await expect.poll(() => activeInWidget(demo)).toMatchObject({ tag: 'button', label: 'Close the source' });
    await screenshot(demo, '02a-demo-cited-passage');
    await demo.keyboard.press('Escape');
    await expect.poll(() => passage.count()).toBe(0);
    expect(await demo.getByRole('dialog', { name: 'Customer support' }).count()).toBe(1); // only the passage closed
    await expect.poll(() => activeInWidget(demo)).toMatchObject({ tag: 'button', label: 'Source 1: Returns and refunds' });
    // The entry under "Sources" opens it too (a click; the Close button closes it).
    await log.getByRole('button', { name: 'Returns and refunds', exact: true }).click();
    await passage.getByText(/we inspect it within 2 business days/).waitFor();
    await passage.getByRole('button', { name: 'Close the source' }).click();
    await expect.poll(() => passage.count()).toBe(0);
    await expect.poll(() => activeInWidget(demo)).toMatchObject({ tag: 'button', label: null });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('embeds on another site (cross-origin, strict CSP, hostile CSS) and streams an answer with a citation link', async () => {
    customer = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    page = await customer.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(siteUrl);
    const launcher = page.getByRole('button', { name: 'Chat with us' });
    await launcher.waitFor();
    // The site's styles do not reach into the shadow root.
    const styles = await page.evaluate(() => {
      const b = document.getElementById('kefu-widget')!.shadowRoot!.querySelector('.launcher')!;
      const s = getComputedStyle(b);
      return { font: s.fontFamily, background: s.backgroundColor, transform: s.textTransform };
    });
    expect(styles.font).toMatch(/^system-ui/); // not the site's Comic Sans
    expect(styles.background).not.toBe('rgb(255, 105, 180)');
    expect(styles.transform).toBe('none');

    await launcher.click();
    await page.getByLabel('Your message').fill('How long does a refund take to appear on my statement?');
    await page.keyboard.press('Enter');
    const log = page.getByRole('log');
    await log.getByText(/5 to 7 business days/).waitFor();
    const link = log.getByRole('link', { name: /^Returns and refunds/ }); // in the sources list
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/help\.zorblax\.example\/returns/);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await log.getByRole('link', { name: /Source 1/ }).count()).toBe(1); // the [1] marker in the answer
    await screenshot(page, '03-site-cited-answer');
    expect(errors).toEqual([]);
    conversationId = (await savedSession(page, ws.slug)).conversationId;
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
  }, 60_000);

  it('asks for a person, sees the queue position and wait; an agent gets it live, types and replies', async () => {
    // The agent signs in and goes online (through the API: the console has its own tests). Capacity 1, and another
    // customer takes it first, so this one waits in the queue.
    const ana = await createAgent(api.deps, ws, 'ana', { capacity: 1, skills: [], online: false });
    agent.id = ana.id;
    agent.token = await login(api.url, ana.email, ana.password);
    expect((await call(api.url, '/api/agent/presence', { method: 'PUT', token: agent.token, body: { status: 'online' } })).status).toBe(200);
    agentEvents = await openEventStream(`${api.url}/api/agent/events`, { authorization: `Bearer ${agent.token}` });
    await readUntil(agentEvents, /event: ready/);
    const other = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'api' } });
    const otherHandoff = await call(api.url, `/api/conversations/${other.body.conversation.id}/handoff`, { method: 'POST', headers: { 'x-visitor-token': other.body.visitorToken } });
    expect(otherHandoff.body.conversation.status).toBe('assigned');

    await page.getByRole('button', { name: 'Talk to a person' }).click();
    const status = page.getByRole('status');
    await status.getByText(/You are number 1 in the queue · about \d+ minutes?/).waitFor();
    await screenshot(page, '04-site-queue');

    // The agent finishes the other conversation: the freed place takes this one at once, and she hears of it live.
    expect((await call(api.url, `/api/agent/conversations/${other.body.conversation.id}/resolve`, { method: 'POST', token: agent.token })).status).toBe(200);
    await readUntil(agentEvents, new RegExp(`event: assignment\\ndata: .*"id":"${conversationId}"`));
    await page.getByText('You are chatting with an agent').waitFor();
    expect(await status.getByText(/in the queue/).count()).toBe(0);

    // "The agent is typing…", then her reply, live.
    expect((await call(api.url, `/api/agent/conversations/${conversationId}/typing`, { token: agent.token, body: { typing: true } })).status).toBe(204);
    await status.getByText('The agent is typing…').waitFor();
    await screenshot(page, '05-site-agent-typing');
    expect((await call(api.url, `/api/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Hi, I am Ana. I can see your refund question — let me check your order.' } })).status).toBe(201);
    await page.getByRole('log').getByText(/I am Ana/).waitFor();
    expect(await status.getByText('The agent is typing…').count()).toBe(0);

    // And the customer's typing reaches her.
    await page.getByLabel('Your message').pressSequentially('Thank you', { delay: 20 });
    await readUntil(agentEvents, new RegExp(`event: typing\\ndata: .*"conversationId":"${conversationId}".*"typing":true`));
    await page.keyboard.press('Enter');
    await readUntil(agentEvents, /event: message\ndata: .*Thank you/);
    await screenshot(page, '06-site-agent-reply');
  }, 90_000);

  it('resumes after a reload and after a network drop, and counts messages that arrive while closed', async () => {
    await page.reload();
    const log = page.getByRole('log'); // the panel was open: it opens again
    await log.getByText(/I am Ana/).waitFor();
    await log.getByText(/5 to 7 business days/).waitFor();
    await log.getByText('Thank you', { exact: true }).waitFor();
    expect((await savedSession(page, ws.slug)).conversationId).toBe(conversationId);
    await page.getByText('You are chatting with an agent').waitFor();
    expect((await call(api.url, `/api/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Your refund was sent yesterday; it shows within 5 business days.' } })).status).toBe(201);
    await log.getByText(/refund was sent yesterday/).waitFor();
    await screenshot(page, '07-site-after-reload');

    // The network drops: the widget says it is reconnecting, then resumes after the last message it saw.
    relay.cut();
    await page.getByRole('status').getByText('Reconnecting…').waitFor();
    expect((await call(api.url, `/api/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Sent while you were offline.' } })).status).toBe(201);
    await screenshot(page, '07a-site-reconnecting');
    relay.restore();
    await log.getByText('Sent while you were offline.').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByRole('status').getByText('Reconnecting…').count(), { timeout: 10_000 }).toBe(0);

    // Closed, a new message from the agent shows as a count on the launcher; opening shows it and clears the count.
    await page.keyboard.press('Escape');
    expect((await call(api.url, `/api/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Anything else I can do?' } })).status).toBe(201);
    const launcher = page.getByRole('button', { name: 'Chat with us (1 new message)' });
    await launcher.waitFor();
    await screenshot(page, '07b-site-unread');
    await launcher.click();
    await log.getByText('Anything else I can do?').waitFor();
    expect(await page.getByRole('button', { name: 'Close chat' }).count()).toBe(1);
  }, 60_000);

  it('offers a rating when the agent resolves the conversation, by keyboard too', async () => {
    expect((await call(api.url, `/api/agent/conversations/${conversationId}/resolve`, { method: 'POST', token: agent.token })).status).toBe(200);
    const rating = page.getByRole('group', { name: 'How did we do?' });
    await rating.waitFor();
    // The log stays scrolled to the newest message although the rating form took room from it.
    const resolvedNote = page.getByRole('log').getByText(/marked as resolved/);
    await eventually(async () => {
      const [note, log] = await Promise.all([resolvedNote.boundingBox(), page.getByRole('log').boundingBox()]);
      return note && log && note.y + note.height <= log.y + log.height + 1;
    }, 'the newest message to be scrolled into view', 5000);
    await screenshot(page, '08-site-rating');
    await rating.getByRole('button', { name: '4 out of 5' }).focus();
    await page.keyboard.press('Tab'); // to "5 out of 5"
    await page.keyboard.press('Enter');
    expect(await rating.getByRole('button', { name: '5 out of 5' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByLabel('Anything to add? (optional)').fill('Ana was quick and kind.');
    await page.getByRole('button', { name: 'Send rating' }).click();
    await page.getByRole('status').getByText('Thank you for your feedback!').waitFor();
    const { rows } = await api.deps.db.query('SELECT csat, csat_comment, csat_agent_id FROM conversations WHERE id = $1', [conversationId]);
    expect(rows[0]).toEqual({ csat: 5, csat_comment: 'Ana was quick and kind.', csat_agent_id: agent.id });
    await screenshot(page, '09-site-rated');
    agentEvents.close();
    await customer.close();
  }, 60_000);

  it('works from the keyboard: Enter opens it with focus in the message box, Esc closes it and focus returns to the launcher', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
    const kb = await context.newPage();
    await kb.goto(siteUrl);
    await kb.getByRole('button', { name: 'Chat with us' }).waitFor();
    for (let i = 0; i < 10 && (await activeInWidget(kb))?.label !== 'Chat with us'; i++) await kb.keyboard.press('Tab');
    expect(await activeInWidget(kb)).toMatchObject({ tag: 'button', label: 'Chat with us' });
    await screenshot(kb, '10-keyboard-launcher-focus');
    await kb.keyboard.press('Enter'); // focus moves once the panel has rendered
    await expect.poll(() => activeInWidget(kb)).toMatchObject({ tag: 'textarea', id: 'kefu-input' });
    const log = kb.getByRole('log');
    expect(await log.getAttribute('aria-live')).toBe('polite');
    expect(await kb.getByRole('dialog', { name: 'Customer support' }).count()).toBe(1);
    await kb.keyboard.press('Escape');
    await expect.poll(() => kb.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => activeInWidget(kb)).toMatchObject({ tag: 'button', label: 'Chat with us' });
    expect(await kb.getByRole('button', { name: 'Chat with us' }).getAttribute('aria-expanded')).toBe('false');
    await context.close();
  }, 60_000);

  it('takes the whole screen of a phone, with nothing over the message box', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await phone.goto(siteUrl);
    await phone.getByRole('button', { name: 'Chat with us' }).tap();
    const panel = await phone.getByRole('dialog').boundingBox();
    expect(panel).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    expect(await phone.getByRole('button', { name: 'Close chat' }).isVisible()).toBe(false); // the launcher hides
    await phone.getByLabel('Your message').fill('Is return shipping free?');
    await phone.getByRole('button', { name: 'Send' }).tap();
    await phone.getByRole('log').getByText(/Return shipping is free/).waitFor();
    await screenshot(phone, '13-phone');
    await phone.getByRole('button', { name: 'Close', exact: true }).tap();
    await expect.poll(() => activeInWidget(phone)).toMatchObject({ tag: 'button', label: 'Chat with us' });
    await context.close();
  }, 60_000);

  it('speaks Chinese to a zh-CN browser, and tells the ticket when nobody is online', async () => {
    // Nobody online now: asking for a person opens a ticket, and the customer is told its number and reply-by time.
    expect((await call(api.url, '/api/agent/presence', { method: 'PUT', token: agent.token, body: { status: 'offline' } })).status).toBe(200);
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 800 } });
    const zh = await context.newPage();
    await zh.goto(siteUrl);
    await zh.getByRole('button', { name: '在线客服' }).click();
    await zh.getByRole('dialog', { name: '在线客服' }).waitFor();
    expect(await zh.getByLabel('您的消息').getAttribute('placeholder')).toBe('请输入您的问题…');
    await zh.getByLabel('您的消息').fill('退款需要多长时间？');
    await zh.getByRole('button', { name: '发送' }).click();
    const log = zh.getByRole('log');
    await log.locator('.msg.bot:not(.greeting):not(.draft)').first().waitFor();
    // Its source has no web address either: the passage opens in the widget, labelled in Chinese.
    await log.getByRole('button', { name: '来源 1：退货与退款' }).click();
    const passage = zh.getByRole('dialog', { name: '退货与退款' });
    await passage.getByText(/5 到 7 个工作日到账/).waitFor();
    await screenshot(zh, '11a-zh-passage');
    await passage.getByRole('button', { name: '关闭来源' }).click();
    await screenshot(zh, '11-zh-answer');
    await zh.getByRole('button', { name: '转人工客服' }).click();
    // The reply-by time says its zone (the browser's, here Shanghai), like the system message says the workspace's.
    await zh.getByRole('status').getByText(/工单 #\d+ — 我们将在 \d{4}年\d{1,2}月\d{1,2}日 GMT\+8 \d{2}:\d{2} 前回复/).waitFor();
    await screenshot(zh, '12-zh-ticket');
    await context.close();
  }, 60_000);
});
