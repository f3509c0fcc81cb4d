// One assignment process of the handoff benchmark (bench/handoff.ts forks two). It opens its own dependencies the
// way a server copy does (same database, Redis and queue prefix, so its live events reach the API's subscribers) and
// runs the real assignment engine, assignAndAnnounce, in a loop until the parent says stop. It then reports how many
// conversations it assigned, and which, so the parent can check no conversation was assigned by two processes.
import { createDeps } from '../app/deps.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { assignAndAnnounce } from '../handoff/index.ts';

export type WorkerStart = { type: 'start'; name: string; databaseUrl: string; redisUrl: string; queuePrefix: string; workspaceId: string; idleMs: [number, number] };
export type WorkerStop = { type: 'stop' };
export type WorkerReport =
  | { type: 'ready' }
  | { type: 'progress'; assigned: number }
  | { type: 'done'; assigned: number; passes: number; idlePasses: number; failedPasses: number; conversationIds: string[] }
  | { type: 'error'; message: string };

const send = (m: WorkerReport) => process.send?.(m);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stopping = false;
process.on('message', (m: WorkerStart | WorkerStop) => {
  if (m.type === 'stop') stopping = true;
  else void run(m).catch((err: Error) => {
    send({ type: 'error', message: err.stack ?? err.message });
    process.exit(1);
  });
});
// The parent went away (crashed or killed): stop rather than keep assigning in a workspace nobody watches.
process.on('disconnect', () => {
  stopping = true;
});

async function run(start: WorkerStart): Promise<void> {
  // assignAndAnnounce logs a failed pass (a deadlock, a lost connection) instead of throwing: count those lines.
  let failedPasses = 0;
  const logger = createLogger({
    level: 'warn',
    name: start.name,
    destination: {
      write(line: string) {
        if (line.includes('automatic assignment failed')) failedPasses++;
        process.stderr.write(line);
      },
    },
  });
  const config = loadConfig({ DATABASE_URL: start.databaseUrl, REDIS_URL: start.redisUrl, QUEUE_PREFIX: start.queuePrefix, LOG_LEVEL: 'warn', SEED_DEMO: 'false', START_WORKERS: 'false', DATABASE_POOL_MAX: '4' });
  const deps = await createDeps(config, { logger });
  send({ type: 'ready' });

  const ids: string[] = [];
  let passes = 0;
  let idlePasses = 0;
  let lastReport = Date.now();
  // A pass only when there is something to do: assignAndAnnounce pushes every waiting customer their standing after
  // each pass, so an idle loop calling it 30 times a second would flood Redis and PostgreSQL with work no real
  // trigger causes. The check is a read; the assignment itself re-checks everything under its row locks.
  const workToDo = async () =>
    (
      await deps.db.query<{ ok: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM conversations WHERE workspace_id = $1 AND status = 'queued')
            AND EXISTS (SELECT 1 FROM agent_profiles p WHERE p.workspace_id = $1 AND p.presence = 'online'
                          AND p.capacity > (SELECT count(*) FROM conversations x WHERE x.assignee_id = p.user_id AND x.status = 'assigned')) AS ok`,
        [start.workspaceId],
      )
    ).rows[0]!.ok;
  while (!stopping) {
    let assigned = 0;
    if (await workToDo()) {
      passes++;
      const joined = await assignAndAnnounce(deps, start.workspaceId);
      for (const j of joined) ids.push(j.conversation.id);
      assigned = joined.length;
      if (!assigned) idlePasses++;
    }
    if (Date.now() - lastReport > 1000) {
      send({ type: 'progress', assigned: ids.length });
      lastReport = Date.now();
    }
    if (!assigned) await sleep(start.idleMs[0] + Math.random() * (start.idleMs[1] - start.idleMs[0]));
  }
  const done: WorkerReport = { type: 'done', assigned: ids.length, passes, idlePasses, failedPasses, conversationIds: ids };
  await new Promise<void>((resolve) => (process.send ? process.send(done, () => resolve()) : resolve()));
  await deps.close();
  process.exit(0);
}
