// The customer's live channel of a conversation: what the bot, the customer and agents do, as the customer may see it
// (no private notes, no agent summary or staff ids). A delivery aid: a publish failure (Redis down) is logged and
// never fails the action that caused it; clients catch up on their next read.
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import { customerView, type ConversationRow, type MessageRow } from './conversations.repo.ts';

/** The live-event channel of one conversation (customer view). */
export const conversationChannel = (conversationId: string) => `conversation:${conversationId}`;

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
