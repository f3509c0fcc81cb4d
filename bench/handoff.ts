// Human handoff under load: simulated agents and customers who ask for a person, all through the real HTTP API,
// while two more processes (bench/handoff-worker.ts) run the assignment engine beside it — so three copies assign
// at once, as several API and worker copies would in production. Checked while it runs and from PostgreSQL after:
// no conversation assigned twice, no agent over capacity. Measured: fairness between agents, assignments per second
// (and which process made them) and the wait from joining the queue to being assigned. Phases: fast agents (the API
// and PostgreSQL set the pace), the same with the API alone as the baseline, and busy agents (capacity nearly always
// full, so every freed slot is raced for).
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDeps, type Deps } from '../app/deps.ts';
import { buildApp } from '../app/http/app.ts';
import { call, login } from '../app/testing.ts';
import { loadConfig } from '../core/config.ts';
import { openDb, type Db } from '../core/db/index.ts';
import { createLogger } from '../core/logger.ts';
import { hashPassword } from '../core/secrets.ts';
import { percentile } from './datasets.ts';
import type { WorkerReport, WorkerStart } from './handoff-worker.ts';
import { dropCreatedWorkspaces, freshWorkspace } from './workspace.ts';

type Log = (s: string) => void;

export type HandoffBenchOptions = {
  databaseUrl: string;
  redisUrl: string;
  log: Log;
  agents?: number;
  conversations?: number;
  /** Conversations for the baseline phase (the API alone, no worker processes); 0 skips it. */
  baselineConversations?: number;
  capacity?: number;
  workers?: number;
  /** Customers starting a conversation at the same time. */
  inFlight?: number;
  /** Waiting conversations allowed beyond the agents' capacity before new customers hold back. */
  backlog?: number;
  /** How long an agent works on a conversation before resolving it, ms (uniform between the two). */
  handleMs?: [number, number];
  /** The third phase: agents who take longer, so capacity is nearly always full (0 conversations skips it). */
  busyConversations?: number;
  busyHandleMs?: [number, number];
  /** How often each agent's console asks for its conversations, ms on average. */
  pollMs?: number;
};

const PASSWORD = 'bench handoff password';
/** Written by assign.ts in the assignment's own transaction: one line per assignment, the exact log of them. */
const JOINED = 'An agent has joined the conversation.';
const ASSIGN_FAILED = 'automatic assignment failed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = ([lo, hi]: [number, number]) => lo + Math.random() * (hi - lo);
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

/** Runs `fn` over `items` with at most `limit` at once. */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

function expectStatus(r: { status: number; body: unknown }, status: number, what: string) {
  if (r.status !== status) throw new Error(`handoff bench: ${what} answered ${r.status}, expected ${status}: ${JSON.stringify(r.body)}`);
  return r;
}

/** A pino destination that counts lines containing `pattern` and passes every line on to stderr. */
function countingLogger(name: string, pattern: string) {
  const counter = { n: 0 };
  const logger = createLogger({
    level: 'warn',
    name,
    destination: {
      write(line: string) {
        if (line.includes(pattern)) counter.n++;
        process.stderr.write(line);
      },
    },
  });
  return { logger, counter };
}

type Api = { deps: Deps; url: string; failedPasses: { n: number }; close: () => Promise<void> };

async function startApi(opts: { databaseUrl: string; redisUrl: string; queuePrefix: string }): Promise<Api> {
  const { logger, counter } = countingLogger('kefu-bench-api', ASSIGN_FAILED);
  const config = loadConfig({ DATABASE_URL: opts.databaseUrl, REDIS_URL: opts.redisUrl, QUEUE_PREFIX: opts.queuePrefix, LOG_LEVEL: 'warn', SEED_DEMO: 'false', START_WORKERS: 'false' });
  const deps = await createDeps(config, { logger });
  const server: Server = await new Promise((resolve) => {
    const s = buildApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    deps,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failedPasses: counter,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await deps.close();
    },
  };
}

type Worker = { name: string; child: ChildProcess; assigned: number; ready: Promise<void>; done: Promise<Extract<WorkerReport, { type: 'done' }>> };

function forkWorker(name: string, start: Omit<WorkerStart, 'type' | 'name'>): Worker {
  const child = fork(fileURLToPath(new URL('./handoff-worker.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let ready!: [() => void, (err: Error) => void];
  let done!: [(r: Extract<WorkerReport, { type: 'done' }>) => void, (err: Error) => void];
  const w: Worker = {
    name,
    child,
    assigned: 0,
    ready: new Promise<void>((resolve, reject) => (ready = [resolve, reject])),
    done: new Promise((resolve, reject) => (done = [resolve, reject])),
  };
  // Settling a settled promise does nothing, so a failure after "done" (the normal exit) is ignored.
  const fail = (err: Error) => {
    ready[1](err);
    done[1](err);
  };
  w.ready.catch(() => undefined); // awaited later; a failure there must not count as unhandled meanwhile
  w.done.catch(() => undefined);
  child.on('message', (m: WorkerReport) => {
    if (m.type === 'ready') ready[0]();
    else if (m.type === 'progress') w.assigned = m.assigned;
    else if (m.type === 'done') {
      w.assigned = m.assigned;
      done[0](m);
    } else fail(new Error(`${name} failed: ${m.message}`));
  });
  child.on('exit', (code) => fail(new Error(`${name} exited (code ${code}) before reporting`)));
  child.send({ type: 'start', name, ...start } satisfies WorkerStart);
  return w;
}

type Agent = { i: number; id: string; token: string; sales: boolean; working: Set<string> };

type Sampling = {
  samples: number;
  durationMs: number;
  /** Agent × sample pairs with more assigned conversations than the agent's capacity. */
  overCapacity: number;
  overCapacityExamples: { load: number; capacity: number; atMs: number }[];
  maxLoadToCapacity: number;
  /** Agent × sample pairs with exactly as many conversations as the agent's capacity: where a violation could start. */
  atCapacity: number;
  agentSamples: number;
  utilisationSum: number;
  waitingSum: number;
  waitingMax: number;
  assigned: number;
  waiting: number;
  busy: number;
  slots: number;
};

export type HandoffPhase = Awaited<ReturnType<typeof runPhase>>;

async function runPhase(
  ctx: { api: Api; measure: Db; log: Log; databaseUrl: string; redisUrl: string; queuePrefix: string },
  o: { label: string; workers: number; conversations: number; agents: number; capacity: number; inFlight: number; backlog: number; handleMs: [number, number]; pollMs: number },
) {
  const { api, measure, log } = ctx;
  const url = api.url;
  const db = api.deps.db;
  log(`\n### ${o.label}: ${o.agents} agents × capacity ${o.capacity}, ${n0(o.conversations)} conversations, handling ${o.handleMs.join('–')} ms, ${o.inFlight} customers at once, up to ${o.backlog} waiting`);

  // The workspace and its team, through the API wherever the API can do it.
  const workspaceId = await freshWorkspace(api.deps, 'handoff');
  const slug = (await db.query<{ slug: string }>('SELECT slug FROM workspaces WHERE id = $1', [workspaceId])).rows[0]!.slug;
  // The first admin cannot be created over the API (nobody could sign in to do it): one row, as `kefu seed` does.
  await db.query(`INSERT INTO users (workspace_id, email, name, role, password_hash) VALUES ($1, $2, 'Bench admin', 'admin', $3)`, [workspaceId, `admin@${slug}.test`, await hashPassword(PASSWORD)]);
  const admin = await login(url, `admin@${slug}.test`, PASSWORD);
  for (const name of ['support', 'sales']) expectStatus(await call(url, '/api/team/skills', { token: admin, body: { name } }), 201, `creating skill ${name}`);
  expectStatus(await call(url, '/api/admin/settings', { method: 'PATCH', token: admin, body: { defaultSkill: 'support' } }), 200, 'setting the default skill');
  // A quarter of the customers come through the widget and go to the sales queue, which only half the agents serve:
  // assignment has to respect skills, and the least-loaded rule has to keep the two groups even.
  expectStatus(
    await call(url, '/api/team/routing-rules', { method: 'PUT', token: admin, body: { rules: [{ name: 'widget to sales', when: { channels: ['widget'] }, skill: 'sales' }] } }),
    200,
    'setting the routing rules',
  );
  const agents: Agent[] = [];
  await eachLimit([...Array(o.agents).keys()], 4, async (i) => {
    const email = `agent${i}@${slug}.test`;
    const created = expectStatus(await call(url, '/api/admin/users', { token: admin, body: { email, name: `Agent ${i}`, role: 'agent', password: PASSWORD } }), 201, 'creating an agent');
    const id = (created.body as { user: { id: string } }).user.id;
    const sales = i % 2 === 0;
    const skills = sales ? [{ skill: 'support' }, { skill: 'sales' }] : [{ skill: 'support' }];
    expectStatus(await call(url, `/api/team/agents/${id}`, { method: 'PUT', token: admin, body: { capacity: o.capacity, skills } }), 200, 'setting an agent up');
    agents.push({ i, id, token: await login(url, email, PASSWORD), sales, working: new Set() });
  });
  agents.sort((a, b) => a.i - b.i);

  const workers = Array.from({ length: o.workers }, (_, k) =>
    forkWorker(`worker ${k + 1}`, { databaseUrl: ctx.databaseUrl, redisUrl: ctx.redisUrl, queuePrefix: ctx.queuePrefix, workspaceId, idleMs: [20, 50] }),
  );
  await Promise.all(workers.map((w) => w.ready));
  for (const a of agents) expectStatus(await call(url, '/api/agent/presence', { method: 'PUT', token: a.token, body: { status: 'online' } }), 200, 'going online');
  const failedBefore = api.failedPasses.n;

  let stop = false;
  const sampling: Sampling = { samples: 0, durationMs: 0, overCapacity: 0, overCapacityExamples: [], maxLoadToCapacity: 0, atCapacity: 0, agentSamples: 0, utilisationSum: 0, waitingSum: 0, waitingMax: 0, assigned: 0, waiting: 0, busy: 0, slots: 0 };
  const client = { handedOff: 0, resolved: 0, open: 0, errors: [] as string[], resolveRefused: [] as string[], views: 0, viewsOverCapacity: 0, pollErrors: 0 };
  /** The first agent whose own list showed each conversation: a second agent listing it is a double assignment. */
  const holder = new Map<string, number>();
  const seenByTwo = new Set<string>();
  const t0 = performance.now();
  // Other work on the machine slows every process here; the load average says how busy it was.
  const loadBefore = loadavg()[0]!;

  // Capacity, sampled: one statement reads every agent's load at one instant (one snapshot), about every 100 ms.
  // A violation would last at least as long as the agent takes to resolve a conversation (≥ handleMs), so sampling
  // this often, plus every agent's own list each poll, would see it.
  const sampler = (async () => {
    while (!stop) {
      const started = performance.now();
      const { rows } = await measure.query<{ waiting: number; assigned: number; loads: [number, number][] }>(
        `SELECT (SELECT count(*)::int FROM conversations WHERE workspace_id = $1 AND status = 'queued') AS waiting,
                (SELECT count(*)::int FROM conversations WHERE workspace_id = $1 AND status IN ('assigned', 'resolved')) AS assigned,
                COALESCE((SELECT json_agg(json_build_array(p.capacity, (SELECT count(*) FROM conversations c WHERE c.assignee_id = p.user_id AND c.status = 'assigned')))
                            FROM agent_profiles p WHERE p.workspace_id = $1), '[]') AS loads`,
        [workspaceId],
      );
      const s = rows[0]!;
      let busy = 0;
      let slots = 0;
      for (const [capacity, load] of s.loads) {
        busy += load;
        slots += capacity;
        sampling.agentSamples++;
        if (load === capacity) sampling.atCapacity++;
        if (load > capacity) {
          sampling.overCapacity++;
          if (sampling.overCapacityExamples.length < 5) sampling.overCapacityExamples.push({ load, capacity, atMs: Math.round(performance.now() - t0) });
        }
        sampling.maxLoadToCapacity = Math.max(sampling.maxLoadToCapacity, load / capacity);
      }
      sampling.samples++;
      sampling.utilisationSum += slots ? busy / slots : 0;
      sampling.waitingSum += s.waiting;
      sampling.waitingMax = Math.max(sampling.waitingMax, s.waiting);
      Object.assign(sampling, { assigned: s.assigned, waiting: s.waiting, busy, slots });
      await sleep(Math.max(0, 100 - (performance.now() - started)));
    }
    sampling.durationMs = performance.now() - t0;
  })();

  // Heartbeats, as the agents' consoles send them: each agent every 15 s, spread out (PRESENCE_TIMEOUT_S is 60 s;
  // without them every agent would count as offline a minute in, and assignment would stop).
  const heartbeats = (async () => {
    for (let k = 0; !stop; k = (k + 1) % agents.length) {
      const r = await call(url, '/api/agent/heartbeat', { method: 'POST', token: agents[k]!.token }).catch((err: Error) => ({ status: 0, body: err.message }));
      if (r.status !== 200) client.errors.push(`heartbeat: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(15_000 / agents.length);
    }
  })();

  const resolve = async (a: Agent, id: string) => {
    const r = await call(url, `/api/agent/conversations/${id}/resolve`, { method: 'POST', token: a.token });
    if (r.status === 200) {
      client.resolved++;
      client.open--;
    } else client.resolveRefused.push(`${r.status} ${JSON.stringify(r.body)}`);
  };
  // Each agent's console: list my conversations, work on each new one for a while, resolve it.
  const agentLoops = agents.map(async (a) => {
    await sleep(Math.random() * o.pollMs);
    while (!stop) {
      const r = await call(url, '/api/agent/conversations', { token: a.token }).catch(() => ({ status: 0, body: null }));
      if (r.status !== 200) client.pollErrors++;
      else {
        const list = (r.body as { conversations: { conversationId: string }[] }).conversations;
        client.views++;
        if (list.length > o.capacity) client.viewsOverCapacity++;
        for (const { conversationId: id } of list) {
          const first = holder.get(id);
          if (first === undefined) holder.set(id, a.i);
          else if (first !== a.i) seenByTwo.add(id);
          if (a.working.has(id)) continue;
          a.working.add(id);
          setTimeout(() => void resolve(a, id).catch((err: Error) => client.errors.push(`resolve: ${err.message}`)), between(o.handleMs));
        }
      }
      await sleep(o.pollMs * (0.5 + Math.random()));
    }
  });

  // Customers: start a conversation, ask for a person. New ones wait while the queue is full (capacity + backlog),
  // so the queue stays short enough that waiting times mean something and the run's length stays bounded.
  const maxOpen = o.agents * o.capacity + o.backlog;
  let next = 0;
  const customers = Array.from({ length: o.inFlight }, async () => {
    while (next < o.conversations) {
      if (client.open >= maxOpen) {
        await sleep(5);
        continue;
      }
      const k = next++;
      client.open++;
      try {
        const started = await call(url, '/api/conversations', { body: { workspace: slug, channel: k % 4 === 0 ? 'widget' : 'api', name: `Customer ${k}` } });
        expectStatus(started, 201, 'starting a conversation');
        const { conversation, visitorToken } = started.body as { conversation: { id: string }; visitorToken: string };
        expectStatus(await call(url, `/api/conversations/${conversation.id}/handoff`, { method: 'POST', headers: { 'x-visitor-token': visitorToken } }), 200, 'asking for a person');
        client.handedOff++;
      } catch (err) {
        client.open--;
        client.errors.push((err as Error).message);
      }
    }
  });

  // Progress every 5 s; the phase ends when every handed-over conversation is resolved, or nothing moved for 60 s.
  let lastMove = performance.now();
  let lastSeen = '';
  let lastLog = performance.now();
  let customersDone = false;
  void Promise.all(customers).then(() => (customersDone = true));
  for (;;) {
    const now = performance.now();
    const state = `${client.handedOff}/${sampling.assigned}/${client.resolved}`;
    if (state !== lastSeen) {
      lastSeen = state;
      lastMove = now;
    }
    if (customersDone && client.resolved >= client.handedOff) break;
    if (now - lastMove > 60_000) {
      client.errors.push(`stalled: nothing moved for 60 s with ${client.handedOff - client.resolved} conversations open (${sampling.waiting} waiting)`);
      break;
    }
    if (now - lastLog >= 5000) {
      lastLog = now;
      const byWorkers = workers.reduce((s, w) => s + w.assigned, 0);
      log(`  ${f1((now - t0) / 1000).padStart(6)} s  ${n0(client.handedOff)} handed over, ${n0(sampling.assigned)} assigned${o.workers ? ` (${n0(byWorkers)} by workers)` : ''}, ${n0(client.resolved)} resolved, ${sampling.waiting} waiting, ${sampling.busy}/${sampling.slots} busy`);
    }
    await sleep(200);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all([...agentLoops, heartbeats, sampler]);
  for (const w of workers) w.child.send({ type: 'stop' });
  const reports = await Promise.all(workers.map((w) => w.done));

  // From PostgreSQL: the assignment log (join messages), latencies, per-agent counts.
  const joins = (
    await measure.query<{ joins: number; conversations: number; twice: number }>(
      `SELECT count(*)::int AS joins, count(DISTINCT conversation_id)::int AS conversations,
              (SELECT count(*)::int FROM (SELECT 1 FROM messages WHERE workspace_id = $1 AND sender = 'system' AND body = $2
                                            GROUP BY conversation_id HAVING count(*) > 1) d) AS twice
         FROM messages WHERE workspace_id = $1 AND sender = 'system' AND body = $2`,
      [workspaceId, JOINED],
    )
  ).rows[0]!;
  const statuses = Object.fromEntries(
    (await measure.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM conversations WHERE workspace_id = $1 GROUP BY status', [workspaceId])).rows.map((r) => [r.status, r.n]),
  );
  const overAtEnd = (
    await measure.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM agent_profiles p WHERE p.workspace_id = $1
          AND (SELECT count(*) FROM conversations c WHERE c.assignee_id = p.user_id AND c.status = 'assigned') > p.capacity`,
      [workspaceId],
    )
  ).rows[0]!.n;
  const waits = (
    await measure.query<{ ms: number }>(`SELECT extract(epoch FROM assigned_at - queued_at)::float8 * 1000 AS ms FROM conversations WHERE workspace_id = $1 AND assigned_at IS NOT NULL`, [workspaceId])
  ).rows.map((r) => r.ms);
  const span = (
    await measure.query<{ s: number }>(`SELECT extract(epoch FROM max(assigned_at) - min(queued_at))::float8 AS s FROM conversations WHERE workspace_id = $1 AND assigned_at IS NOT NULL`, [workspaceId])
  ).rows[0]!.s;
  // The rate in each fifth of the run: does it hold up as the workspace's conversations accumulate?
  const times = (await measure.query<{ t: number }>(`SELECT extract(epoch FROM assigned_at)::float8 AS t FROM conversations WHERE workspace_id = $1 AND assigned_at IS NOT NULL ORDER BY assigned_at`, [workspaceId])).rows.map((r) => r.t);
  const byFifth = [0, 1, 2, 3, 4].map((k) => {
    const from = Math.floor((k * times.length) / 5);
    const to = Math.floor(((k + 1) * times.length) / 5) - 1;
    return to > from ? Number(((to - from) / (times[to]! - times[from]!)).toFixed(1)) : NaN;
  });
  const handled = (
    await measure.query<{ id: string; n: number }>(
      `SELECT u.id, count(c.id)::int AS n FROM users u LEFT JOIN conversations c ON c.last_assignee_id = u.id AND c.workspace_id = $1
        WHERE u.workspace_id = $1 AND u.role = 'agent' GROUP BY u.id`,
      [workspaceId],
    )
  ).rows;

  // Every conversation a worker says it assigned must be in the log once, and no two processes may claim the same one.
  const claimed = new Map<string, number>();
  for (const r of reports) for (const id of r.conversationIds) claimed.set(id, (claimed.get(id) ?? 0) + 1);
  const claimedTwice = [...claimed.values()].filter((n) => n > 1).length;
  const byWorkers = reports.reduce((s, r) => s + r.assigned, 0);

  const counts = handled.map((h) => h.n);
  const mean = counts.reduce((s, x) => s + x, 0) / counts.length;
  const sd = Math.sqrt(counts.reduce((s, x) => s + (x - mean) ** 2, 0) / counts.length);
  const salesIds = new Set(agents.filter((a) => a.sales).map((a) => a.id));
  const groupMean = (sales: boolean) => {
    const g = handled.filter((h) => salesIds.has(h.id) === sales).map((h) => h.n);
    return g.reduce((s, x) => s + x, 0) / g.length;
  };
  const meanWaiting = sampling.waitingSum / Math.max(1, sampling.samples);

  const result = {
    label: o.label,
    processes: 1 + o.workers,
    agents: o.agents,
    capacity: o.capacity,
    handleMs: o.handleMs,
    conversations: o.conversations,
    handedOff: client.handedOff,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    assignments: joins.joins,
    assignmentSpanSeconds: Number(span.toFixed(1)),
    assignmentsPerSecond: Number((joins.joins / span).toFixed(1)),
    assignmentsPerSecondByFifth: byFifth,
    byProcess: { api: joins.joins - byWorkers, ...Object.fromEntries(reports.map((r, k) => [`worker${k + 1}`, r.assigned])) },
    workerPasses: reports.map((r) => ({ passes: r.passes, nothingAssigned: r.idlePasses })),
    failedAssignmentPasses: { api: api.failedPasses.n - failedBefore, workers: reports.map((r) => r.failedPasses) },
    doubleAssignment: {
      conversationsJoinedTwice: joins.twice,
      conversationsInTwoAgentsLists: seenByTwo.size,
      conversationsClaimedByTwoProcesses: claimedTwice,
      workerClaimsMissingFromTheLog: [...claimed.keys()].length - (await countInLog(measure, workspaceId, [...claimed.keys()])),
      resolvesRefused: client.resolveRefused.length,
    },
    capacityViolations: {
      samples: sampling.samples,
      sampleEveryMs: Number((sampling.durationMs / Math.max(1, sampling.samples)).toFixed(0)),
      agentSamplesOverCapacity: sampling.overCapacity,
      examples: sampling.overCapacityExamples,
      maxLoadToCapacity: Number(sampling.maxLoadToCapacity.toFixed(2)),
      agentSamplesAtCapacityShare: Number((sampling.atCapacity / Math.max(1, sampling.agentSamples)).toFixed(3)),
      agentListsOverCapacity: client.viewsOverCapacity,
      agentListsRead: client.views,
      agentsOverCapacityAtEnd: overAtEnd,
    },
    fairness: {
      min: Math.min(...counts),
      max: Math.max(...counts),
      maxOverMin: Number((Math.max(...counts) / Math.min(...counts)).toFixed(2)),
      cv: Number((sd / mean).toFixed(3)),
      meanSalesAgents: Number(groupMean(true).toFixed(1)),
      meanSupportOnlyAgents: Number(groupMean(false).toFixed(1)),
    },
    latencyMs: {
      p50: Number(percentile(waits, 50).toFixed(1)),
      p95: Number(percentile(waits, 95).toFixed(1)),
      p99: Number(percentile(waits, 99).toFixed(1)),
      max: Number(Math.max(...waits).toFixed(1)),
      mean: Number((waits.reduce((s, x) => s + x, 0) / waits.length).toFixed(1)),
    },
    queue: { meanWaiting: Number(meanWaiting.toFixed(1)), maxWaiting: sampling.waitingMax, meanUtilisation: Number((sampling.utilisationSum / Math.max(1, sampling.samples)).toFixed(3)) },
    endStatuses: statuses,
    loadAverage1m: { start: Number(loadBefore.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)) },
    errors: [...client.errors.slice(0, 10), ...client.resolveRefused.slice(0, 10)],
    errorCount: client.errors.length,
    pollErrors: client.pollErrors,
  };
  log(`  done in ${f1(wallSeconds)} s: ${n0(result.assignments)} assignments (${Object.entries(result.byProcess).map(([k, v]) => `${k} ${n0(v)}`).join(', ')}), ${f1(result.assignmentsPerSecond)}/s`);
  if (client.errors.length) log(`  ${client.errors.length} problem(s), first: ${client.errors[0]}`);
  await dropCreatedWorkspaces(api.deps);
  return result;
}

async function countInLog(db: Db, workspaceId: string, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(DISTINCT conversation_id)::int AS n FROM messages WHERE workspace_id = $1 AND sender = 'system' AND body = $2 AND conversation_id = ANY($3::uuid[])`,
    [workspaceId, JOINED, ids],
  );
  return rows[0]!.n;
}

export async function benchHandoff(opts: HandoffBenchOptions) {
  const { log } = opts;
  const o = {
    agents: opts.agents ?? 50,
    capacity: opts.capacity ?? 3,
    inFlight: opts.inFlight ?? 16,
    backlog: opts.backlog ?? opts.agents ?? 50,
    pollMs: opts.pollMs ?? 300,
  };
  const conversations = opts.conversations ?? 5000;
  const workers = opts.workers ?? 2;
  const fast = opts.handleMs ?? ([50, 300] as [number, number]);
  const busy = opts.busyHandleMs ?? ([3000, 9000] as [number, number]);
  // Fast agents leave most capacity free, so the API and the database set the pace (throughput); busy agents keep
  // nearly every slot taken with a queue waiting, so every freed slot is raced for by all assigning processes — the
  // situation in which a double assignment or an agent over capacity would happen.
  const plan = [
    { label: `API + ${workers} workers`, workers, conversations, handleMs: fast },
    { label: 'API alone', workers: 0, conversations: opts.baselineConversations ?? conversations, handleMs: fast },
    { label: `busy agents, API + ${workers} workers`, workers, conversations: opts.busyConversations ?? 2500, handleMs: busy },
  ].filter((p) => p.conversations > 0);
  log(`\n## Human handoff: ${o.agents} agents × capacity ${o.capacity}, customers through the API, ${workers} assignment worker processes beside it; baseline: the API alone`);
  // One queue prefix for the API and the workers: their live events meet in Redis, as in a deployment.
  const queuePrefix = `kefu-bench-handoff-${randomUUID().slice(0, 6)}`;
  const api = await startApi({ databaseUrl: opts.databaseUrl, redisUrl: opts.redisUrl, queuePrefix });
  // Measurements use their own connections, so they neither wait for nor take from the API's pool.
  const measure = await openDb({ databaseUrl: opts.databaseUrl, dataDir: 'unused', poolMax: 2 });
  const ctx = { api, measure, log, databaseUrl: opts.databaseUrl, redisUrl: opts.redisUrl, queuePrefix };
  try {
    const phases: HandoffPhase[] = [];
    for (const p of plan) phases.push(await runPhase(ctx, { ...o, ...p }));
    log('\nphase                            conv  handle ms   assigned/s (by fifth)            by process: API / workers   wait p50 / p95 ms   busy  waiting  max/min   CV');
    for (const p of phases) {
      log(
        [
          p.label.padEnd(31),
          n0(p.assignments).padStart(5),
          p.handleMs.join('–').padStart(10),
          `${f1(p.assignmentsPerSecond)} (${p.assignmentsPerSecondByFifth.map(f1).join(' ')})`.padEnd(31),
          Object.values(p.byProcess).map(n0).join(' / ').padStart(26),
          `${f1(p.latencyMs.p50)} / ${f1(p.latencyMs.p95)}`.padStart(19),
          `${Math.round(p.queue.meanUtilisation * 100)}%`.padStart(5),
          f1(p.queue.meanWaiting).padStart(8),
          String(p.fairness.maxOverMin).padStart(8),
          String(p.fairness.cv).padStart(6),
        ].join('  '),
      );
    }
    log(`\nphase                            assigned twice (log / agents' lists / workers)   over capacity (agent samples / agents' lists / at end)   at capacity`);
    for (const p of phases) {
      const d = p.doubleAssignment;
      const c = p.capacityViolations;
      log(
        [
          p.label.padEnd(31),
          `${d.conversationsJoinedTwice} / ${d.conversationsInTwoAgentsLists} / ${d.conversationsClaimedByTwoProcesses}`.padStart(47),
          `${c.agentSamplesOverCapacity} of ${n0(c.samples * p.agents)} / ${c.agentListsOverCapacity} of ${n0(c.agentListsRead)} / ${c.agentsOverCapacityAtEnd}`.padStart(49),
          `${f1(c.agentSamplesAtCapacityShare * 100)}%`.padStart(22),
        ].join('  '),
      );
    }
    return { ...o, workers, phases };
  } finally {
    await dropCreatedWorkspaces(api.deps);
    await measure.close();
    await api.close();
  }
}
