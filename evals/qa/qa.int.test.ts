// QA end to end against real PostgreSQL and Redis: a conversation an agent resolves is graded by the scheduled job
// (every agent reply and the conversation, stored with the scorer's version, once); QA leads list grades lowest first,
// override a category with a comment and see the agreement; agents see their own grades and dispute one, which a QA
// lead settles; bad input gets a clear 4xx. The LLM judge's endpoint (third-party HTTP) is faked with nock.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createAgent, createTestWorkspace, login, openEventStream, startTestApi, type TestApi, type TestWorkspace } from '../../app/testing.ts';
import { eventually, testConfig, uniqueSlug } from '../../test/services.ts';
import { gradeConversation, llmJudge, sweepQa } from '../index.ts';

let api: TestApi;
let ws: TestWorkspace;
let qa: string;
let agent: { id: string; token: string };
let other: { id: string; token: string };
let conversationId: string;

const LLM = 'http://judge.test';

/** A customer asks for a person, the agent answers and resolves; returns the conversation id. */
async function helpedConversation(opts: { reply: string; customerAfter?: string }): Promise<string> {
  const start = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget', name: 'Riley' } });
  const visitor = { 'x-visitor-token': start.body.visitorToken as string };
  const id = start.body.conversation.id as string;
  await call(api.url, `/api/conversations/${id}/messages`, { headers: visitor, body: { text: 'I was charged twice for my order, this is ridiculous!!!' } });
  await call(api.url, `/api/conversations/${id}/handoff`, { headers: visitor, body: {} });
  const mine = await eventually(async () => (await api.deps.db.query<{ assignee_id: string }>(`SELECT assignee_id FROM conversations WHERE id = $1 AND status = 'assigned'`, [id])).rows[0], 'the conversation to be assigned');
  expect(mine.assignee_id).toBe(agent.id);
  expect((await call(api.url, `/api/agent/conversations/${id}/messages`, { token: agent.token, body: { text: opts.reply } })).status).toBe(201);
  if (opts.customerAfter) await call(api.url, `/api/conversations/${id}/messages`, { headers: visitor, body: { text: opts.customerAfter } });
  expect((await call(api.url, `/api/agent/conversations/${id}/resolve`, { token: agent.token, method: 'POST' })).status).toBe(200);
  return id;
}

beforeAll(async () => {
  api = await startTestApi(testConfig({ QA_SWEEP_S: '1' }));
  ws = await createTestWorkspace(api.deps, uniqueSlug('qa'));
  qa = await login(api.url, ws.users.qa_lead.email, ws.users.qa_lead.password);
  const a = await createAgent(api.deps, ws, 'alex', { capacity: 5, skills: [], online: true });
  agent = { id: a.id, token: await login(api.url, a.email, a.password) };
  const o = await createAgent(api.deps, ws, 'olga', { capacity: 0, skills: [], online: false });
  other = { id: o.id, token: await login(api.url, o.email, o.password) };
  conversationId = await helpedConversation({ reply: "Hi Riley, I'm sorry about the double charge. I have refunded the second payment; is there anything else I can help with?", customerAfter: 'Thanks, that solved it.' });
});
afterAll(() => api?.close());

describe('QA grading', () => {
  it('grades a resolved conversation in the background: each agent reply and the whole conversation, once', async () => {
    await eventually(async () => (await api.deps.db.query('SELECT 1 FROM conversations WHERE id = $1 AND qa_scored_at IS NOT NULL', [conversationId])).rows[0], 'the QA job to grade the conversation');
    const list = await call(api.url, `/api/qa/evaluations?agentId=${agent.id}`, { token: qa });
    expect(list.status).toBe(200);
    const units = list.body.evaluations.filter((e: { conversationId: string }) => e.conversationId === conversationId);
    expect(units.map((e: { subject: string }) => e.subject).sort()).toEqual(['agent', 'conversation']);
    const reply = units.find((e: { subject: string }) => e.subject === 'agent');
    expect(reply).toMatchObject({ agentId: agent.id, agentName: 'alex', scorer: 'deterministic', scorerVersion: expect.stringMatching(/^det-/) });
    const score = (e: { scores: { category: string; score: number | null }[] }, c: string) => e.scores.find((s) => s.category === c)?.score;
    expect(score(reply, 'greeting')).toBe(5);
    expect(score(reply, 'empathy')).toBe(5); // the customer was upset, the reply apologised
    expect(score(reply, 'closing')).toBe(5);
    expect(score(reply, 'response_time')).toBe(5);
    const whole = units.find((e: { subject: string }) => e.subject === 'conversation');
    expect(whole.scores.find((s: { category: string }) => s.category === 'resolution')).toMatchObject({ score: 5, rationale: expect.stringMatching(/thanked/) });
    // Graded once: another sweep finds nothing to do.
    expect((await sweepQa(api.deps.qaDeps, { workspaceId: ws.id })).graded).toBe(0);
    expect((await api.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM qa_evaluations WHERE conversation_id = $1', [conversationId])).rows[0]!.n).toBe(2);
  });

  it('lists the weakest first by category, lets a QA lead override with a comment, and shows the agreement', async () => {
    const weak = await helpedConversation({ reply: 'you have to wait, as I already said. read the faq' });
    await sweepQa(api.deps.qaDeps, { workspaceId: ws.id });
    const byTone = await call(api.url, '/api/qa/evaluations?category=tone&subject=agent', { token: qa });
    const ids = byTone.body.evaluations.map((e: { conversationId: string }) => e.conversationId);
    expect(ids.indexOf(weak)).toBeLessThan(ids.indexOf(conversationId));
    const target = byTone.body.evaluations[0];
    expect(target.conversationId).toBe(weak);

    const bad = [
      [{ category: 'tone', score: 7, comment: 'x' }, /score is 1 to 5/],
      [{ category: 'tone', score: 2 }, /comment/],
      [{ category: 'humour', score: 2, comment: 'x' }, /category is one of/],
      [{ category: 'accuracy', score: 2, comment: 'x' }, /has no "accuracy" score/],
    ] as const;
    for (const [body, message] of bad) {
      const r = await call(api.url, `/api/qa/evaluations/${target.id}/reviews`, { token: qa, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
    expect((await call(api.url, `/api/qa/evaluations/${target.id}/reviews`, { token: agent.token, body: { category: 'tone', score: 5, comment: 'fine' } })).status).toBe(403);
    const override = await call(api.url, `/api/qa/evaluations/${target.id}/reviews`, { token: qa, body: { category: 'tone', score: 1, comment: 'Dismissive: "read the faq".' } });
    expect(override.status).toBe(201);
    // The overall score follows the override: it is the weighted mean of the scores that count now.
    const toneWas = target.scores.find((s: { category: string }) => s.category === 'tone').score as number;
    expect(toneWas).toBeGreaterThan(1);
    expect(override.body.review.overall).toBeLessThan(target.overall);
    const listed = (await call(api.url, '/api/qa/evaluations?subject=agent', { token: qa })).body.evaluations.find((e: { id: string }) => e.id === target.id);
    expect(listed.overall).toBeCloseTo(override.body.review.overall, 5);
    const view = await call(api.url, `/api/qa/conversations/${weak}`, { token: qa });
    const graded = view.body.evaluations.find((e: { id: string }) => e.id === target.id);
    expect(graded.scores.find((s: { category: string }) => s.category === 'tone')).toMatchObject({ effective: 1, overridden: true });
    expect(graded.reviews).toEqual([expect.objectContaining({ category: 'tone', score: 1, comment: 'Dismissive: "read the faq".' })]);
    expect(view.body.messages.map((m: { body: string }) => m.body)).toContain('you have to wait, as I already said. read the faq');

    const agreement = await call(api.url, '/api/qa/agreement', { token: qa });
    expect(agreement.body.categories.find((c: { category: string }) => c.category === 'tone')).toMatchObject({ reviews: 1, exactMatch: expect.any(Number) });
  });

  it('shows agents their own grades and lets them dispute one, which a QA lead settles', async () => {
    const mine = await call(api.url, '/api/qa/mine', { token: agent.token });
    expect(mine.status).toBe(200);
    expect(mine.body.evaluations.length).toBeGreaterThanOrEqual(4);
    expect(mine.body.evaluations.every((e: { agentId: string }) => e.agentId === agent.id)).toBe(true);
    expect(mine.body.averages.find((a: { category: string }) => a.category === 'greeting')).toMatchObject({ n: expect.any(Number) });
    expect((await call(api.url, '/api/qa/mine', { token: other.token })).body.evaluations).toEqual([]);

    const reply = mine.body.evaluations.find((e: { subject: string; conversationId: string }) => e.subject === 'agent' && e.conversationId === conversationId);
    const dispute = await call(api.url, `/api/qa/evaluations/${reply.id}/disputes`, { token: agent.token, body: { category: 'clarity', reason: 'The reply was two short sentences.' } });
    expect(dispute.status).toBe(201);
    const again = await call(api.url, `/api/qa/evaluations/${reply.id}/disputes`, { token: agent.token, body: { category: 'clarity', reason: 'again' } });
    expect(again.status).toBe(409);
    expect((await call(api.url, `/api/qa/evaluations/${reply.id}/disputes`, { token: other.token, body: { category: 'clarity', reason: 'not mine' } })).status).toBe(403);
    // Their own view of the conversation has their grades but not the whole review screen.
    const ownView = await call(api.url, `/api/qa/conversations/${conversationId}`, { token: other.token });
    expect(ownView.body.evaluations).toEqual([]);

    const open = await call(api.url, '/api/qa/disputes?status=open', { token: qa });
    expect(open.body.disputes).toEqual([expect.objectContaining({ id: dispute.body.dispute.id, agentName: 'alex', category: 'clarity' })]);
    const rejectWithScore = await call(api.url, `/api/qa/disputes/${dispute.body.dispute.id}`, { token: qa, method: 'PATCH', body: { status: 'rejected', resolution: 'no', score: 5 } });
    expect(rejectWithScore.status).toBe(400);
    const settled = await call(api.url, `/api/qa/disputes/${dispute.body.dispute.id}`, { token: qa, method: 'PATCH', body: { status: 'accepted', resolution: 'Agreed, it was clear.', score: 5 } });
    expect(settled.body.dispute).toMatchObject({ status: 'accepted', resolution: 'Agreed, it was clear.' });
    expect((await call(api.url, `/api/qa/disputes/${dispute.body.dispute.id}`, { token: qa, method: 'PATCH', body: { status: 'rejected', resolution: 'changed my mind' } })).status).toBe(409);
    const after = await call(api.url, `/api/qa/conversations/${conversationId}`, { token: agent.token });
    const graded = after.body.evaluations.find((e: { id: string }) => e.id === reply.id);
    expect(graded.scores.find((s: { category: string }) => s.category === 'clarity')).toMatchObject({ effective: 5, overridden: true });
    expect(graded.disputes).toEqual([expect.objectContaining({ status: 'accepted' })]);
  });

  it('lets QA leads change the rubric, refusing one the scorers cannot grade', async () => {
    const current = (await call(api.url, '/api/qa/rubric', { token: agent.token })).body.rubric;
    expect(current.categories).toHaveLength(10);
    const bad = await call(api.url, '/api/qa/rubric', { token: qa, method: 'PUT', body: { categories: [{ key: 'humour', label: 'Humour', weight: 1, appliesTo: ['agent'] }] } });
    expect(bad.status).toBe(400);
    const lighter = { categories: current.categories.map((c: { key: string; weight: number }) => (c.key === 'greeting' ? { ...c, weight: 0 } : c)) };
    expect((await call(api.url, '/api/qa/rubric', { token: qa, method: 'PUT', body: lighter })).status).toBe(200);
    expect((await call(api.url, '/api/qa/rubric', { token: agent.token, method: 'PUT', body: lighter })).status).toBe(403);
  });

  it('adds the LLM judge\'s grades with rationales when a model is configured, and keeps the deterministic ones when it fails', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    try {
      const scores = { greeting: { score: 4, rationale: 'Greets by name.' }, tone: { score: 5, rationale: 'Warm.' }, accuracy: { score: null, rationale: 'No facts.' } };
      const whole = { greeting: { score: 4, rationale: 'Opens warmly.' }, resolution: { score: 3, rationale: 'Refund promised, not confirmed.' } };
      const bodies: { messages: { content: string }[]; response_format: { type: string; json_schema?: { name: string; schema: { properties: { scores: { properties: Record<string, unknown> } } } } } }[] = [];
      nock(LLM)
        .post('/v1/chat/completions')
        .times(2)
        .reply(200, async (request: Request) => {
          const body = (await request.json()) as (typeof bodies)[number];
          bodies.push(body);
          const conversationCall = body.messages.some((m) => m.content.includes('Conversation:\n<transcript>'));
          return { id: 'x', object: 'chat.completion', created: 0, model: 'judge-test', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: JSON.stringify({ scores: conversationCall ? whole : scores }) } }] };
        });
      const deps = { ...api.deps.qaDeps, judge: llmJudge({ apiKey: 'sk-test', baseUrl: `${LLM}/v1`, model: 'judge-test', timeoutMs: 2000 }) };
      const graded = await gradeConversation(deps, conversationId);
      expect(graded.judged).toBe(2); // the agent's reply and the conversation as a whole
      const [replyCall, conversationCall] = bodies;
      const prompt = replyCall!.messages.map((m) => m.content).join('\n');
      expect(prompt).toMatch(/<reply>\nHi Riley, I'm sorry about the double charge/);
      expect(prompt).toMatch(/This is the first reply from a person in the conversation/);
      // Structured output: a JSON schema of the categories; response time is measured, never asked of the model.
      expect(replyCall!.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'qa_grades' } });
      const asked = Object.keys(replyCall!.response_format.json_schema!.schema.properties.scores.properties);
      expect(asked).toContain('greeting');
      expect(asked).not.toContain('response_time');
      expect(conversationCall!.messages.map((m) => m.content).join('\n')).toMatch(/<transcript>\nCustomer: I was charged twice/);
      const { rows } = await api.deps.db.query<{ subject: string; scorer_version: string; category: string; score: number | null; rationale: string }>(
        `SELECT e.subject, e.scorer_version, s.category, s.score, s.rationale FROM qa_evaluations e JOIN qa_scores s ON s.evaluation_id = e.id WHERE e.conversation_id = $1 AND e.scorer = 'llm' ORDER BY s.category`,
        [conversationId],
      );
      const agentRows = rows.filter((r) => r.subject === 'agent');
      expect(agentRows.find((r) => r.category === 'greeting')).toMatchObject({ scorer_version: 'llm-2.0:judge-test', score: 4, rationale: 'Greets by name.' });
      expect(agentRows.find((r) => r.category === 'accuracy')).toMatchObject({ score: null });
      // Response time comes from the clock (the deterministic scorer), beside the judge's grades.
      expect(agentRows.find((r) => r.category === 'response_time')?.score).toEqual(expect.any(Number));
      expect(rows.filter((r) => r.subject === 'conversation').find((r) => r.category === 'resolution')).toMatchObject({ score: 3, rationale: 'Refund promised, not confirmed.' });

      // A malformed answer stores no LLM grade and fails nothing.
      const second = await helpedConversation({ reply: 'Hello! Your refund is on its way. Anything else?' });
      nock(LLM).post('/v1/chat/completions').times(2).reply(200, { id: 'y', object: 'chat.completion', created: 0, model: 'judge-test', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'I think it is fine.' } }] });
      const r = await gradeConversation(deps, second);
      expect(r.judged).toBe(0);
      // (The background job may have graded it first; either way the deterministic grades are there, the LLM's are not.)
      const stored = await api.deps.db.query<{ scorer: string; n: number }>('SELECT scorer, count(*)::int AS n FROM qa_evaluations WHERE conversation_id = $1 GROUP BY scorer', [second]);
      expect(stored.rows).toEqual([{ scorer: 'deterministic', n: 2 }]);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  it('resolves and grades bot conversations nobody wrote in for a day, and leaves fresh ones alone', async () => {
    const start = async () => {
      const c = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget' } });
      const id = c.body.conversation.id as string;
      await api.deps.db.query(
        `INSERT INTO messages (workspace_id, conversation_id, sender, body) VALUES ($1, $2, 'customer', 'How long is the warranty?'), ($1, $2, 'bot', 'Every blender has a two-year warranty.')`,
        [ws.id, id],
      );
      tokens[id] = c.body.visitorToken as string;
      return id;
    };
    const tokens: Record<string, string> = {};
    const [idle, fresh] = [await start(), await start()];
    // The customer's widget is still open on the idle conversation: it hears that the conversation closed.
    const widget = await openEventStream(`${api.url}/api/conversations/${idle}/events`, { 'x-visitor-token': tokens[idle]! });
    await widget.readUntil(/event: ready/);
    await api.deps.db.query(`UPDATE conversations SET updated_at = now() - interval '25 hours' WHERE id = ANY($1::uuid[])`, [[idle, fresh]]);
    await api.deps.db.query(`UPDATE messages SET created_at = now() - interval '25 hours' WHERE conversation_id = $1`, [idle]);
    await sweepQa({ ...api.deps.qaDeps, botIdleMinutes: 24 * 60 }, { workspaceId: ws.id });
    const status = async (id: string) => (await api.deps.db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [id])).rows[0]!.status;
    expect(await status(idle)).toBe('resolved');
    expect(await widget.readUntil(/"status":"resolved"/)).toMatch(/"status":"resolved"/);
    widget.close();
    expect(await status(fresh)).toBe('bot'); // its messages are recent
    const graded = await api.deps.db.query<{ subject: string }>(`SELECT subject FROM qa_evaluations WHERE conversation_id = $1 AND scorer = 'deterministic' ORDER BY subject`, [idle]);
    expect(graded.rows.map((r) => r.subject)).toEqual(['bot', 'conversation']);
  });

  it('answers bad requests with a clear error', async () => {
    expect((await call(api.url, '/api/qa/evaluations?sort=best', { token: qa })).status).toBe(400);
    expect((await call(api.url, '/api/qa/evaluations?from=2025-02-01&to=2025-01-01', { token: qa })).body.error.message).toMatch(/must be before "to"/);
    expect((await call(api.url, `/api/qa/conversations/${crypto.randomUUID()}`, { token: qa })).status).toBe(404);
    const open = await call(api.url, '/api/conversations', { body: { workspace: ws.slug, channel: 'widget' } });
    const notResolved = await call(api.url, '/api/qa/grade', { token: qa, body: { conversationId: open.body.conversation.id } });
    expect(notResolved.status).toBe(409);
    expect(notResolved.body.error.message).toMatch(/Only resolved conversations are graded/);
  });
});
