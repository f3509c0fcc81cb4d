// The QA job: a BullMQ job scheduler (qa-sweep, every QA_SWEEP_S on one worker at a time) grades resolved
// conversations not yet graded since they were last resolved. Grading is idempotent per scorer version, so a sweep
// that dies midway, or two that overlap, store each grade once.
import { gradeConversation, pendingConversations, type QaDeps } from './grade.ts';

export const QA_QUEUE = 'qa';
export const QA_SWEEP_JOB = 'qa-sweep';
/** Conversations graded per sweep; the rest wait for the next tick. */
const BATCH = 50;

export async function sweepQa(deps: QaDeps, opts: { workspaceId?: string; limit?: number } = {}): Promise<{ graded: number; evaluations: number; judged: number }> {
  let evaluations = 0;
  let judged = 0;
  const ids = await pendingConversations(deps.db, opts.limit ?? BATCH, opts.workspaceId ?? null);
  for (const id of ids) {
    try {
      const r = await gradeConversation(deps, id);
      evaluations += r.evaluations;
      judged += r.judged;
    } catch (err) {
      // One conversation that cannot be graded must not hold up the rest; it is tried again next sweep.
      deps.logger.warn({ err, conversationId: id }, 'could not grade a conversation; it is tried again on the next QA sweep');
    }
  }
  return { graded: ids.length, evaluations, judged };
}
