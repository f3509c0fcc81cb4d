// Conversations: the shared aggregate — contacts, conversations, messages and the status machine
// (transitions.ts). Customers talk through conversationsRoutes; bot/ and handoff/ change status through applyEvent.
// What happens after a customer writes (the bot) and on a request for a person (handoff) is wired in by app/.
import type { Db } from '../core/db/index.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import type { ConversationRow, MessageRow } from './conversations.repo.ts';
import type { HandoffReason } from './transitions.ts';

export type CustomerMessage = { workspaceId: string; conversationId: string; messageId: string; text: string };
export type HandoffRequest = { workspaceId: string; conversationId: string; reason: HandoffReason };

export type ConversationsDeps = {
  db: Db;
  logger: Logger;
  events: EventBus;
  /** Runs after a new customer message is stored; returns the replies it produced (bot or system messages). */
  afterCustomerMessage: (m: CustomerMessage, opts?: { onToken?: (text: string) => void }) => Promise<MessageRow[]>;
  /**
   * Hands the conversation to the human queue (handoff/): the place and, when nobody can take it now, the ticket opened
   * for it (its number and first-response due time are what the customer may see of it).
   */
  requestHuman: (r: HandoffRequest) => Promise<{ conversation: ConversationRow; message: MessageRow | null; position: number | null; alreadyQueued: boolean; ticket: { number: number; firstResponseDueAt: Date | null } | null }>;
  /** After the customer closed the conversation (tickets opened for it are solved with it). */
  afterResolved: (r: { workspaceId: string; conversationId: string }) => Promise<void>;
  issueVisitorToken: (v: { workspaceId: string; contactId: string }) => Promise<string>;
};

export { conversationsRoutes } from './conversations.routes.ts';
export { agentChannel, agentsChannel, announce, announceAssignment, announceQueue, conversationChannel, publishLive, publishQueue, type AssignmentHow, type LiveUpdate } from './live.ts';
export {
  applyEvent,
  createContact,
  createConversation,
  customerView,
  getConversation,
  insertMessage,
  listMessages,
  queueSummary,
  resolveIdleBotConversations,
  type Channel,
  type Citation,
  type ConversationRow,
  type MessageRow,
  type NewMessage,
  type QueueSummary,
  type Sender,
} from './conversations.repo.ts';
export { nextStatus, type ConversationEvent, type ConversationStatus, type HandoffReason, type Transition } from './transitions.ts';
