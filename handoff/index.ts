// Handoff: the human side — the queue a conversation enters when the bot hands over or the customer asks for a
// person, atomic claiming by agents, agent replies, hand-back; the team (skills with their hours, agents' skills,
// levels and capacity, presence by heartbeat). Routing rules, automatic assignment, transfers, tickets and SLA arrive
// here next. Public surface: requestHandoff for bot/ and app/, queue and team reads, and routes for app/.
import type { Db } from '../core/db/index.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';

/** `events`: what agents do reaches the customer's live stream (conversations' conversationChannel). */
export type HandoffDeps = { db: Db; logger: Logger; events: EventBus; presenceTimeoutS: number };

export { handoffRoutes } from './handoff.routes.ts';
export { teamRoutes } from './team.routes.ts';
export { assignAndAnnounce, assignNext, assignWaiting, type AssignOptions } from './assign.ts';
export { decideRoute, matchRule, loadRules, RoutingRule, VIP_PRIORITY, type Route, type RoutingContext } from './routing.ts';
export { queueStandings, publishStandings, describeWait, DEFAULT_HANDLE_SECONDS, type QueueStanding } from './wait.ts';
export { heartbeat, listAgents, listSkills, setAgent, type AgentRow, type Presence, type SkillRow } from './team.repo.ts';
export { claimConversation, claimNext, handBack, listQueue, myConversations, requestHandoff, type HandoffInput, type HandoffResult, type Joined, type MyConversation, type QueueEntry } from './queue.ts';
export { BusinessHoursSchema, describeHours, isOpen, nextOpening, WEEKDAYS, type BusinessHours, type OpeningInterval, type Weekday } from './hours.ts';
