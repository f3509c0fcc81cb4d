// Handoff: the human side — the queue a conversation enters when the bot hands over or the customer asks for a
// person, routing rules, automatic and manual assignment, transfers, agent replies, hand-back; the team (skills with
// their hours, agents' skills, levels and capacity, presence by heartbeat); tickets with SLA policies and the breach
// sweep. Public surface: requestHandoff for bot/ and app/, queue, team and ticket reads, the sweep, routes for app/.
import type { Db } from '../core/db/index.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';

/** `events`: what agents do reaches the customer's live stream, and agents' own streams (conversations' live channels). */
export type HandoffDeps = { db: Db; logger: Logger; events: EventBus; presenceTimeoutS: number };

export { handoffRoutes } from './handoff.routes.ts';
export { agentLiveRoutes } from './agent-live.routes.ts';
export { teamRoutes } from './team.routes.ts';
export { ticketsRoutes } from './tickets.routes.ts';
export { HANDOFF_QUEUE, SLA_SWEEP_JOB, sweepTickets, type Breach, type SweepResult } from './sla-job.ts';
export { hasTicket, noteConversationActivity, solveConversationTickets, type Ticket } from './tickets.ts';
export { DEFAULT_SLA, loadSlaPolicies, type SlaPolicy, type TicketPriority } from './sla.ts';
export { assignAndAnnounce, assignNext, assignWaiting, type AssignOptions } from './assign.ts';
export { announceReleased, releaseAgentWork } from './transfer.ts';
export { decideRoute, matchRule, loadRules, RoutingRule, VIP_PRIORITY, type Route, type RoutingContext } from './routing.ts';
export { queueStandings, publishStandings, describeWait, DEFAULT_HANDLE_SECONDS, type QueueStanding } from './wait.ts';
export { heartbeat, listAgents, listSkills, setAgent, skillExists, TEAM_ROLES, type AgentRow, type Presence, type SkillRow } from './team.repo.ts';
export { claimConversation, claimNext, handBack, listQueue, myConversations, requestHandoff, type HandoffInput, type HandoffNotice, type HandoffResult, type Joined, type MyConversation, type QueueEntry } from './queue.ts';
export { addOpenMinutes, BusinessHoursSchema, describeHours, isOpen, nextOpening, WEEKDAYS, type BusinessHours, type OpeningInterval, type Weekday } from './hours.ts';
