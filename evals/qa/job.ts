// The QA job: a BullMQ job scheduler (qa-sweep, every QA_SWEEP_S on one worker at a time) grades resolved
// conversations not yet graded since they were last resolved. Grading is idempotent per scorer version, so a sweep
// that dies midway, or two that overlap, store each grade once.
import { announce, resolveIdleBotConversations } from '../../conversations/index.ts';
import { solveConversationTickets } from '../../handoff/index.ts';
import { gradeConversation, pendingConversations, QA_MAX_ATTEMPTS, type QaDeps } from './grade.ts';

export const QA_QUEUE = 'qa';
export const QA_SWEEP_JOB = 'qa-sweep';
/** Conversations graded per sweep; the rest wait for the next tick. */
const BATCH = 50;

export async function sweepQa(deps: QaDeps, opts: { workspaceId?: string; limit?: number } = {}): Promise<{ graded: number; evaluations: number; judged: number }> {
  let evaluations = 0;
  let judged = 0;
  if (deps.botIdleMinutes) {
    const idle = await resolveIdleBotConversations(deps.db, deps.botIdleMinutes, { workspaceId: opts.workspaceId ?? null });
    // A ticket of such a conversation (one an agent handed back to the bot) is solved with it, as when a customer closes it.
    for (const c of idle) {
      await deps.db.transaction((tx) => solveConversationTickets(tx, c.workspaceId, c.id, { type: 'system', id: null }));
      if (deps.events) await announce(deps.events, deps.logger, c.id, { conversation: c }); // an open widget shows it closed
    }
    const n = idle.length;
    if (n) deps.logger.info({ resolved: n, idleMinutes: deps.botIdleMinutes }, `resolved ${n} bot conversation${n === 1 ? '' : 's'} nobody wrote in for ${deps.botIdleMinutes} minutes`);
  }
  const ids = await pendingConversations(deps.db, opts.limit ?? BATCH, opts.workspaceId ?? null);
  for (const id of ids) {
    try {
      const r = await gradeConversation(deps, id);
      evaluations += r.evaluations;
      judged += r.judged;
    } catch (err) {
      // One conversation that cannot be graded must not hold up the rest: it goes behind them next sweep, and after
      // QA_MAX_ATTEMPTS failures it is left alone with its error recorded.
      const { rows } = await deps.db.query<{ qa_attempts: number }>(
        'UPDATE conversations SET qa_attempts = qa_attempts + 1, qa_error = $2 WHERE id = $1 RETURNING qa_attempts',
        [id, String((err as Error)?.message ?? err).slice(0, 1000)],
      );
      const attempts = rows[0]?.qa_attempts ?? 0;
      deps.logger.warn(
        { err, conversationId: id, attempts },
        attempts >= QA_MAX_ATTEMPTS ? `could not grade a conversation ${attempts} times; it is no longer tried (POST /api/qa/grade grades it by hand)` : 'could not grade a conversation; it is tried again on a later QA sweep',
      );
    }
  }
  return { graded: ids.length, evaluations, judged };
}
