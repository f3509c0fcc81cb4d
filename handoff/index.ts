// Handoff: the human side — the queue a conversation enters when the bot hands over or the customer asks for a
// person, atomic claiming by agents, and agent replies. Skills, routing rules, presence, capacity, tickets and SLA
// arrive here next. Public surface: requestHandoff for bot/ and app/, queue reads, and routes for app/.
import type { Db } from '../core/db/index.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';

/** `events`: what agents do reaches the customer's live stream (conversations' conversationChannel). */
export type HandoffDeps = { db: Db; logger: Logger; events: EventBus };

export { handoffRoutes } from './handoff.routes.ts';
export { claimConversation, claimNext, handBack, handoffText, listQueue, queuePosition, requestHandoff, type HandoffInput, type HandoffResult, type Joined, type QueueEntry } from './queue.ts';
export { BusinessHoursSchema, describeHours, isOpen, nextOpening, WEEKDAYS, type BusinessHours, type OpeningInterval, type Weekday } from './hours.ts';
