// Live channels. The customer's channel of a conversation carries what the bot, the customer and agents do, as the
// customer may see it (no private notes, no agent summary or staff ids). Staff have their own: each agent's channel
// (assignments, customer messages and typing in the conversations they have) and the workspace's agents channel
// (queue counts), which every agent's stream also follows. A delivery aid: a publish failure (Redis down) is logged
// and never fails the action that caused it; clients catch up on their next read.
import type { Queryable } from '../core/db/index.ts';
import type { EventBus, LiveEvent } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import { customerView, queueSummary, type ConversationRow, type MessageRow } from './conversations.repo.ts';

/** The live-event channel of one conversation (customer view). */
export const conversationChannel = (conversationId: string) => `conversation:${conversationId}`;
/** One agent's own live channel (agent view): what concerns the conversations they have. */
export const agentChannel = (userId: string) => `agent:${userId}`;
/** Every agent of a workspace: queue changes. */
export const agentsChannel = (workspaceId: string) => `agents:${workspaceId}`;

export type LiveUpdate = { messages?: readonly MessageRow[]; conversation?: ConversationRow | null };

export async function announce(events: EventBus, logger: Logger, conversationId: string, update: LiveUpdate): Promise<void> {
  const channel = conversationChannel(conversationId);
  try {
    for (const message of update.messages ?? []) if (!message.private) await events.publish(channel, { type: 'message', message });
    if (update.conversation) await events.publish(channel, { type: 'conversation', conversation: customerView(update.conversation) });
  } catch (err) {
    logger.warn({ err, conversationId }, 'could not publish a live conversation event; clients see it on their next read');
  }
}

/** Publishes one event on a live channel (an agent's, the agents', a conversation's); a failure is logged, never thrown. */
export async function publishLive(events: EventBus, logger: Logger, channel: string, event: Omit<LiveEvent, 'at'>): Promise<void> {
  try {
    await events.publish(channel, event);
  } catch (err) {
    logger.warn({ err, channel, type: event.type }, 'could not publish a live event; clients see the change on their next read');
  }
}

export type AssignmentHow = 'automatic' | 'claimed' | 'transferred';

/** Tells the conversation's assignee it is now theirs (agent view: summary and all). */
export async function announceAssignment(events: EventBus, logger: Logger, conversation: ConversationRow, how: AssignmentHow): Promise<void> {
  if (conversation.status !== 'assigned' || !conversation.assigneeId) return;
  await publishLive(events, logger, agentChannel(conversation.assigneeId), { type: 'assignment', how, conversation });
}

/** Publishes the workspace's queue counts (in all and per skill) to every agent; throws when it cannot. */
export async function publishQueue(q: Queryable, events: EventBus, workspaceId: string): Promise<void> {
  await events.publish(agentsChannel(workspaceId), { type: 'queue', ...(await queueSummary(q, workspaceId)) });
}

/** publishQueue for a caller whose action must not fail over it: a failure is logged. Call after the queue changed. */
export async function announceQueue(q: Queryable, events: EventBus, logger: Logger, workspaceId: string): Promise<void> {
  try {
    await publishQueue(q, events, workspaceId);
  } catch (err) {
    logger.warn({ err, workspaceId }, 'could not publish the queue counts to agents; they see them on their next read');
  }
}
