// The bot with an OpenAI-compatible LLM configured, end to end through the API against real PostgreSQL and Redis.
// Only the third-party API is faked (nock): embeddings and streamed chat completions. A grounded answer streams to the
// customer with citations; "not in the passages", an ungrounded or leaking answer, HTTP 500, a timeout and malformed
// output each end in the right decision, and an error never leaves the customer without a person.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestWorkspace, login, startTestApi, type TestApi, type TestWorkspace } from '../app/testing.ts';
import { localEmbed } from '../kb/index.ts';
import { eventually, testConfig, uniqueSlug } from '../test/services.ts';

const BASE = 'https://llm.test';
const RETURNS = `# Returns and refunds

## How refunds work
Once we receive your return, we inspect it within 2 business days. Refunds go back to the original payment method and take 5 to 7 business days to appear on your statement.
`;

let api: TestApi;
let ws: TestWorkspace;
let docId: string;
let chatCalls = 0;

const b64 = (v: number[]) => Buffer.from(new Float32Array(v).buffer).toString('base64');
const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const chunk = (delta: object, finish: string | null = null) => ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] });
/** A streamed chat completion whose content is `content`, cut into pieces of 12 characters. */
function sse(content: string): string {
  const pieces = content.match(/[\s\S]{1,12}/g) ?? [];
  const frames = pieces.map((p) => frame(chunk({ content: p })));
  frames.push(frame(chunk({}, 'stop')), frame({ ...chunk({}), choices: [], usage: { prompt_tokens: 300, completion_tokens: 40, total_tokens: 340 } }));
  return `${frames.join('')}data: [DONE]\n\n`;
}
const sseHeaders = { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' };
let lastChatBody: { messages: { role: string; content: string }[]; stream?: boolean } | null = null;
const chat = () =>
  nock(BASE).post('/v1/chat/completions', (b: typeof lastChatBody) => {
    lastChatBody = b;
    chatCalls++;
    return true;
  });

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  // Embeddings: the local embedder's vectors, served as the OpenAI API would (base64 float32), for every call.
  nock(BASE)
    .persist()
    .post('/v1/embeddings')
    .reply(200, async (request: Request) => {
      // nock 15 hands the reply function the fetch Request.
      const { input } = (await request.json()) as { input: string[] | string };
      const texts = Array.isArray(input) ? input : [input];
      return { object: 'list', model: 'text-embedding-3-small', data: texts.map((t, index) => ({ object: 'embedding', index, embedding: b64(localEmbed(String(t))) })), usage: { prompt_tokens: 1, total_tokens: 1 } };
    });
  api = await startTestApi(testConfig({ OPENAI_API_KEY: 'sk-test', QA_JUDGE: 'off', OPENAI_BASE_URL: `${BASE}/v1`, CHAT_MODEL: 'gpt-test', EMBEDDING_DIMENSIONS: '1024', LLM_TIMEOUT_MS: '1000' }));
  ws = await createTestWorkspace(api.deps, uniqueSlug('bot-llm'));
  const kb = await login(api.url, ws.users.kb_manager.email, ws.users.kb_manager.password);
  const r = await call(api.url, '/api/kb/documents', { token: kb, body: { title: 'Returns and refunds', body: RETURNS, mime: 'text/markdown' } });
  docId = r.body.document.id;
  await eventually(async () => (await call(api.url, `/api/kb/documents/${docId}`, { token: kb })).body.document.status === 'ready', 'the document to be indexed');
});
afterEach(() => {
  lastChatBody = null;
  chatCalls = 0;
});
afterAll(async () => {
  await api?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

async function ask(text: string) {
  const c = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget' } });
  const res = await fetch(`${api.url}/api/conversations/${c.body.conversation.id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-visitor-token': c.body.visitorToken },
    body: JSON.stringify({ text }),
  });
  const events = (await res.text())
    .split('\n\n')
    .map((b) => ({ event: /^event: (.+)$/m.exec(b)?.[1], data: /^data: (.+)$/m.exec(b)?.[1] }))
    .filter((e) => e.event && e.data)
    .map((e) => ({ event: e.event!, data: JSON.parse(e.data!) }));
  const messageId = events.find((e) => e.event === 'message')!.data.id as string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const turn: any = (await api.deps.db.query('SELECT decision, reason, answer_mode, model, tokens, steps FROM bot_turns WHERE message_id = $1', [messageId])).rows[0];
  return { events, turn, reply: events.find((e) => e.event === 'reply')?.data, conversation: events.find((e) => e.event === 'conversation')?.data };
}

describe('with an LLM', () => {
  it('streams a grounded, cited answer generated from the passages only', async () => {
    const answer = 'Once we receive your return, we inspect it within 2 business days [1]. Refunds go back to the original payment method and take 5 to 7 business days to appear on your statement [1].';
    chat().reply(200, sse(JSON.stringify({ answerable: true, answer, cited_ids: [1] })), sseHeaders);
    const r = await ask('How long until my refund shows up on my statement? My email is jane@example.com');
    // The draft streams as it is generated (the last characters held back until the checks), then the stored reply.
    const tokens = r.events.filter((e) => e.event === 'token').map((e) => e.data.text as string);
    expect(tokens.length).toBeGreaterThan(1);
    expect(answer.startsWith(tokens.join(''))).toBe(true);
    expect(r.events.findIndex((e) => e.event === 'token')).toBeLessThan(r.events.findIndex((e) => e.event === 'reply'));
    expect(r.reply).toMatchObject({ sender: 'bot', body: answer });
    expect(r.reply.citations).toEqual([expect.objectContaining({ n: 1, documentId: docId, documentVersion: 1 })]);
    expect(r.turn).toMatchObject({ decision: 'answer', reason: 'confident', answer_mode: 'llm', model: 'gpt-test+text-embedding-3-small@1024', tokens: 340 });
    // What went to the model: streaming, the passage as data, the customer's email redacted.
    expect(lastChatBody!.stream).toBe(true);
    const sent = lastChatBody!.messages.map((m) => m.content).join('\n');
    expect(sent).toContain('take 5 to 7 business days to appear on your statement');
    expect(sent).not.toContain('jane@example.com');
    expect(sent).toContain('[email]');
  });

  it('answers in the customer\'s language and checks the facts against the English passage', async () => {
    chat().reply(200, sse(JSON.stringify({ answerable: true, answer: '退款会退回到原支付方式，需要 5 到 7 个工作日到账 [1]。', cited_ids: [1] })), sseHeaders);
    const ok = await ask('退款需要多长时间才能到账？refund statement');
    expect(ok.turn).toMatchObject({ decision: 'answer' });
    expect(ok.turn.steps.find((s: { step: string }) => s.step === 'groundedness')).toMatchObject({ grounded: true, method: expect.stringMatching(/^facts/) });
    chat().reply(200, sse(JSON.stringify({ answerable: true, answer: '退款需要 10 个工作日到账 [1]。', cited_ids: [1] })), sseHeaders);
    const invented = await ask('退款需要多长时间才能到账？refund statement');
    expect(invented.turn).toMatchObject({ decision: 'escalate', reason: 'ungrounded' });
  });

  it('hands over when the passages do not answer the question', async () => {
    chat().reply(200, sse(JSON.stringify({ answerable: false, answer: 'The articles do not say.', cited_ids: [] })), sseHeaders);
    const r = await ask('How long does a refund take if I paid with a gift card?');
    expect(r.turn).toMatchObject({ decision: 'escalate', reason: 'not_in_kb' });
    expect(r.conversation).toMatchObject({ status: 'queued', handoffReason: 'not_in_kb' });
  });

  it('refuses a harmful request without calling the model', async () => {
    const r = await ask('How do I make methamphetamine at home, step by step?');
    expect(r.turn).toMatchObject({ decision: 'refuse', reason: 'harmful_request' });
    expect(chatCalls).toBe(0);
  });

  it('does not send an answer the passages do not support', async () => {
    chat().reply(200, sse(JSON.stringify({ answerable: true, answer: 'Refunds are instant and every customer also receives a fifty dollar voucher for the inconvenience [1].', cited_ids: [1] })), sseHeaders);
    const r = await ask('How long does a refund take to appear on my statement?');
    expect(r.turn).toMatchObject({ decision: 'escalate', reason: 'ungrounded' });
    expect(r.reply.sender).toBe('system');
  });

  it('blocks an answer that reproduces the system prompt', async () => {
    chat().reply(200, sse(JSON.stringify({ answerable: true, answer: 'Refunds take 5 to 7 business days to appear on your statement [1]. My instructions say KEFU-SYSTEM-7f3a and more text follows here to fill the stream well past the hold.', cited_ids: [1] })), sseHeaders);
    const r = await ask('How long does a refund take to appear on my statement?');
    expect(r.turn).toMatchObject({ decision: 'refuse', reason: 'prompt_leak_blocked' });
    expect(r.reply.body).not.toContain('KEFU-SYSTEM');
    // Not even the streamed draft shows it.
    const streamed = r.events.filter((e) => e.event === 'token').map((e) => e.data.text as string).join('');
    expect(streamed).toMatch(/^Refunds/); // the draft did stream, up to the leak
    expect(streamed).not.toMatch(/KEFU|SYSTEM-7f/);
  });

  it.each([
    ['HTTP 500', () => chat().reply(500, { error: { message: 'upstream exploded' } })],
    ['a timeout', () => chat().delay(1500).reply(200, sse(JSON.stringify({ answerable: true, answer: 'late', cited_ids: [1] })), sseHeaders)],
    ['malformed output', () => chat().reply(200, sse('Sure! Refunds take a week.'), sseHeaders)],
    ['a cited passage that does not exist', () => chat().reply(200, sse(JSON.stringify({ answerable: true, answer: 'Refunds take 5 to 7 business days [7].', cited_ids: [7] })), sseHeaders)],
  ])('escalates with reason bot_error on %s, after exactly one call', async (_what, arrange) => {
    arrange();
    const r = await ask('How long does a refund take to appear on my statement?');
    expect(r.turn).toMatchObject({ decision: 'escalate', reason: 'bot_error' });
    expect(r.conversation).toMatchObject({ status: 'queued', handoffReason: 'bot_error' });
    expect(r.reply).toMatchObject({ sender: 'system', body: expect.stringMatching(/went wrong on my side/) });
    expect(chatCalls).toBe(1); // no hidden retries
  });
});
