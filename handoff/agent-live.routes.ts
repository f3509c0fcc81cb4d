// Agents live: each agent's own event stream, and "agent is typing" for the customer. The stream follows the agent's
// channel — conversations assigned to them, new customer messages and customer typing in the conversations they have
// — and the workspace's agents channel (queue counts). Both are conversations' live channels; the event bus fans them
// out across API copies (Redis pub/sub), so the agent may be connected to any copy.
import { Router } from 'express';
import { z } from 'zod';
import { authorize } from '../core/access.ts';
import { AppError, notFound } from '../core/errors.ts';
import type { LiveEvent } from '../core/events.ts';
import { openSse } from '../core/sse.ts';
import { parse } from '../core/validate.ts';
import { agentChannel, agentsChannel, conversationChannel, getConversation, publishLive, queueSummary } from '../conversations/index.ts';
import type { HandoffDeps } from './index.ts';

const ConversationParams = z.object({ conversationId: z.uuid('conversationId must be a UUID') });
const Typing = z.object({ typing: z.boolean({ error: 'typing must be true or false' }) });

export function agentLiveRoutes(deps: HandoffDeps): Router {
  const router = Router();

  // Server-sent events: `queue` (at once, then on every change), `assignment`, `message`, `typing`; `ready` when set up.
  router.get('/agent/events', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent has a live stream of their own.');
    const stream = openSse(req, res);
    const forward = (e: LiveEvent) => stream.send(e.type, e);
    // Subscribed before the queue is read, so no change falls between the two.
    stream.onClose(await deps.events.subscribe(agentChannel(who.userId), forward));
    stream.onClose(await deps.events.subscribe(agentsChannel(who.workspaceId), forward));
    stream.send('queue', { type: 'queue', at: new Date().toISOString(), ...(await queueSummary(deps.db, who.workspaceId)) });
    stream.send('ready', { userId: who.userId });
  });

  // The customer's widget shows "agent is typing". Only the conversation's agent; nothing is stored.
  router.post('/agent/conversations/:conversationId/typing', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent types to a customer.');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const { typing } = parse(Typing, req.body, 'typing');
    const conversation = await getConversation(deps.db, who.workspaceId, conversationId);
    if (!conversation) throw notFound('conversation', conversationId);
    if (conversation.status !== 'assigned' || conversation.assigneeId !== who.userId) {
      throw new AppError('forbidden', 'Only the agent who has this conversation types to its customer; take it first (claim it).');
    }
    await publishLive(deps.events, deps.logger, conversationChannel(conversationId), { type: 'typing', sender: 'agent', typing });
    res.status(204).end();
  });

  return router;
}
