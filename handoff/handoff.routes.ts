// Agent workspace API: see the queue, claim a conversation (or the next one), read it, reply, resolve, transfer (to a
// skill or an agent), hand back to the bot.
import { Router } from 'express';
import { z } from 'zod';
import { authorize, can, requirePrincipal } from '../core/access.ts';
import { AppError, notFound } from '../core/errors.ts';
import { parse } from '../core/validate.ts';
import { announce, announceAssignment, getConversation, insertMessage, listMessages, type ConversationRow, type HandoffReason, type MessageRow } from '../conversations/index.ts';
import type { HandoffDeps } from './index.ts';
import { assignAndAnnounce } from './assign.ts';
import { botTurns, contactProfile } from './profile.ts';
import { claimConversation, claimNext, handBack, listQueue, myConversations, requestHandoff } from './queue.ts';
import { conversationLanguage, systemText } from './texts.ts';
import { noteConversationActivity } from './tickets.ts';
import { resolveByAgent, transfer } from './transfer.ts';
import { publishStandings, queueStandings } from './wait.ts';

const ConversationParams = z.object({ conversationId: z.uuid('conversationId must be a UUID') });
const Transfer = z
  .object({
    skill: z.string().trim().min(1).max(63).optional(),
    agentId: z.uuid('agentId must be a UUID').optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .refine((t) => !!t.skill !== !!t.agentId, { message: 'say where to transfer: either "skill" (its queue) or "agentId" (an online agent), not both' });
const QueueQuery = z.object({ skill: z.string().trim().min(1).max(63).optional() });
const AgentReply = z.object({ text: z.string().trim().min(1, 'the reply is empty').max(10_000), private: z.boolean().default(false) });

export function handoffRoutes(deps: HandoffDeps): Router {
  const router = Router();
  // The customer's live stream: what agents do shows up in the widget.
  const tell = (conversationId: string, update: { conversation?: ConversationRow; message?: MessageRow }) =>
    announce(deps.events, deps.logger, conversationId, { messages: update.message ? [update.message] : [], conversation: update.conversation });
  // Capacity was freed or a conversation queued: waiting conversations go to whoever can take them, at once.
  const reassign = (workspaceId: string) => assignAndAnnounce(deps, workspaceId);
  // A conversation left the queue by hand: waiting customers' places and agents' queue counts change.
  const queueChanged = (workspaceId: string) =>
    publishStandings(deps.db, deps.events, workspaceId, { presenceTimeoutS: deps.presenceTimeoutS }).catch((err: unknown) => deps.logger.warn({ err, workspaceId }, 'could not publish the queue after a change; clients see it on their next read'));

  // The queue, all of it or one skill's (?skill=billing, ?skill=none for conversations without a skill).
  router.get('/agent/queue', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    const { skill } = parse(QueueQuery, req.query, 'queue filter');
    // Agents see the queues they serve (their skills' and conversations without a skill); supervisors see every queue.
    const forAgent = who.type === 'user' && who.role === 'agent' ? who.userId : undefined;
    res.json({ queue: await listQueue(deps.db, who.workspaceId, { skill, forAgent }) });
  });

  router.get('/agent/conversations', async (_req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent has conversations of their own.');
    res.json({ conversations: await myConversations(deps.db, who.workspaceId, who.userId) });
  });

  router.post('/agent/conversations/:conversationId/claim', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent can take a conversation.');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const joined = await claimConversation(deps.db, { workspaceId: who.workspaceId, conversationId, agentId: who.userId });
    await tell(conversationId, joined);
    await announceAssignment(deps.events, deps.logger, joined.conversation, 'claimed');
    await queueChanged(who.workspaceId);
    res.json({ conversation: joined.conversation });
  });

  router.post('/agent/claim-next', async (_req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent can take a conversation.');
    const joined = await claimNext(deps.db, { workspaceId: who.workspaceId, agentId: who.userId });
    if (joined) {
      await tell(joined.conversation.id, joined);
      await announceAssignment(deps.events, deps.logger, joined.conversation, 'claimed');
      await queueChanged(who.workspaceId);
    }
    res.status(joined ? 200 : 204).json(joined ? { conversation: joined.conversation } : undefined);
  });

  router.get('/agent/conversations/:conversationId', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const conversation = await getConversation(deps.db, who.workspaceId, conversationId);
    if (!conversation) throw notFound('conversation', conversationId);
    // The whole picture for the agent: transcript with notes, the bot's turns and why it handed over, the customer.
    const [messages, turns, contact] = await Promise.all([
      listMessages(deps.db, conversationId, { includePrivate: true }),
      botTurns(deps.db, conversationId),
      contactProfile(deps.db, who.workspaceId, conversation.contactId, conversationId),
    ]);
    res.json({ conversation, messages, botTurns: turns, contact });
  });

  // Reopen a resolved conversation: it goes back to the queue, where its previous agent is preferred.
  router.post('/agent/conversations/:conversationId/reopen', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const current = await getConversation(deps.db, who.workspaceId, conversationId);
    if (!current) throw notFound('conversation', conversationId);
    if (current.status !== 'resolved') throw new AppError('invalid_transition', `Only a resolved conversation can be reopened; this one is ${current.status}.`);
    const language = await conversationLanguage(deps.db, conversationId);
    // It keeps why it first went to people and the queue it was in.
    const reopened = await requestHandoff(deps.db, { workspaceId: who.workspaceId, conversationId, reason: (current.handoffReason ?? 'policy') as HandoffReason, summary: current.handoffSummary ?? undefined, keepRoute: true, message: () => systemText('reopened', language), presenceTimeoutS: deps.presenceTimeoutS });
    if (reopened.message) await tell(conversationId, { message: reopened.message });
    await reassign(who.workspaceId);
    res.json({ conversation: await getConversation(deps.db, who.workspaceId, conversationId) });
  });

  router.post('/agent/conversations/:conversationId/messages', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent can reply.');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const input = parse(AgentReply, req.body, 'reply');
    // Checked under the row lock, in the insert's transaction: a public reply needs the conversation assigned to me now.
    const message = await deps.db.transaction(async (tx) => {
      const conversation = await getConversation(tx, who.workspaceId, conversationId, { forUpdate: true });
      if (!conversation) throw notFound('conversation', conversationId);
      if (!input.private && (conversation.status !== 'assigned' || conversation.assigneeId !== who.userId)) {
        throw new AppError('forbidden', 'Take the conversation first (claim it); only its assigned agent replies to the customer. Private notes are fine.');
      }
      if (!input.private) await noteConversationActivity(tx, who.workspaceId, conversationId, 'agent'); // the ticket's response, if it has one
      return (await insertMessage(tx, { workspaceId: who.workspaceId, conversationId, sender: 'agent', senderId: who.userId, body: input.text, private: input.private })).message;
    });
    await tell(conversationId, { message });
    res.status(201).json({ message });
  });

  // For the waiting customer: their place in the queue and the estimated wait (also pushed live as "queue" events).
  router.get('/conversations/:conversationId/queue', async (req, res) => {
    const who = requirePrincipal(res);
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const conversation = await getConversation(deps.db, who.workspaceId, conversationId);
    const mine = who.type === 'visitor' ? conversation?.contactId === who.contactId : can(who, 'conversations:read_all') || can(who, 'conversations:work');
    if (!conversation || !mine) throw notFound('conversation', conversationId);
    const [standing] = await queueStandings(deps.db, who.workspaceId, { presenceTimeoutS: deps.presenceTimeoutS, conversationId });
    res.json({ status: conversation.status, queue: standing ? { position: standing.position, etaSeconds: standing.etaSeconds, agentsOnline: standing.agentsOnline } : null });
  });

  router.post('/agent/conversations/:conversationId/resolve', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent can resolve a conversation.');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const done = await resolveByAgent(deps.db, who.workspaceId, conversationId, { userId: who.userId, supervisor: who.role !== 'agent' });
    for (const m of done.messages) await tell(conversationId, { message: m });
    await tell(conversationId, { conversation: done.conversation });
    await reassign(who.workspaceId);
    res.json({ conversation: done.conversation });
  });

  // Transfer to a skill's queue or to an online agent with room (a supervisor may do it for anyone: reassign).
  router.post('/agent/conversations/:conversationId/transfer', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent can transfer a conversation.');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const to = parse(Transfer, req.body, 'transfer');
    const moved = await transfer(deps.db, who.workspaceId, conversationId, { userId: who.userId, supervisor: who.role !== 'agent' }, to, { presenceTimeoutS: deps.presenceTimeoutS });
    for (const m of moved.messages) await tell(conversationId, { message: m });
    await tell(conversationId, { conversation: moved.conversation });
    if (to.agentId) await announceAssignment(deps.events, deps.logger, moved.conversation, 'transferred'); // to the new agent's stream
    await reassign(who.workspaceId); // the conversation (to a skill) and the freed capacity
    const after = await getConversation(deps.db, who.workspaceId, conversationId);
    res.json({ conversation: after });
  });

  // Give the conversation back to the bot: only then does the bot answer in it again.
  router.post('/agent/conversations/:conversationId/hand-back', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent can hand a conversation back to the bot.');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const before = await getConversation(deps.db, who.workspaceId, conversationId);
    const back = await handBack(deps.db, { workspaceId: who.workspaceId, conversationId, byUserId: who.userId, supervisor: who.role !== 'agent' });
    await tell(conversationId, back);
    if (before?.status === 'queued') await queueChanged(who.workspaceId);
    res.json({ conversation: back.conversation });
  });

  return router;
}
