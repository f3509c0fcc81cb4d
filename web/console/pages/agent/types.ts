// The shapes the agent area reads from the API (JSON: dates are ISO strings). Kept here because web/ may not import
// server code; they mirror handoff/queue.ts, handoff/profile.ts, handoff/tickets.ts and conversations/conversations.repo.ts.
export type QueueEntry = { conversationId: string; contactId: string; contactName: string | null; handoffReason: string | null; skill: string | null; priority: number; queuedAt: string; position: number; effectivePriority: number; lastCustomerMessage: string | null };
export type MyConversation = { conversationId: string; contactName: string | null; skill: string | null; status: string; assignedAt: string | null; lastMessage: string | null; lastMessageAt: string | null; waitingForReply: boolean };
export type QueueSummary = { waiting: number; bySkill: { skill: string | null; waiting: number }[] };
export type Citation = { n?: number; documentId: string; chunkId: string; title: string; headingPath?: string[]; sourceRef?: string | null };
export type Message = { id: string; conversationId: string; sender: 'customer' | 'bot' | 'agent' | 'system'; senderId: string | null; body: string; private: boolean; citations: Citation[]; confidence: number | null; createdAt: string };
export type Conversation = { id: string; contactId: string; channel: string; status: 'bot' | 'queued' | 'assigned' | 'resolved'; skill: string | null; priority: number; assigneeId: string | null; handoffReason: string | null; handoffSummary: string | null; queuedAt: string | null; assignedAt: string | null; resolvedAt: string | null; createdAt: string };
export type BotTurn = { messageId: string; query: string; rewrittenQuery: string | null; decision: string; reason: string; confidence: number | null; language: string | null; createdAt: string };
export type Contact = {
  id: string;
  name: string | null;
  email: string | null;
  language: string | null;
  tier: string | null;
  attributes: Record<string, unknown>;
  conversations: { id: string; status: string; skill: string | null; handoffReason: string | null; csat: number | null; createdAt: string }[];
  tickets: { id: string; number: number; subject: string; status: string; priority: string; createdAt: string }[];
};
export type ConversationDetail = { conversation: Conversation; messages: Message[]; botTurns: BotTurn[]; contact: Contact | null };
export type QuickReply = { id: string; shortcut: string; title: string; body: string; rendered?: string };
export type Suggestion = { chunkId: string; documentTitle: string; text: string; snippet: string; score: number; collection: { name: string | null; visibility: string | null }; sourceRef: string | null };
export type Agent = { id: string; name: string; email: string; role: string; capacity: number; presence: Presence; load: number; skills: { name: string; level: number }[] };
export type Skill = { id: string; name: string; label: string };
export type Presence = 'online' | 'away' | 'offline';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Ticket = {
  id: string;
  number: number;
  subject: string;
  type: string;
  status: (typeof TICKET_STATUSES)[number];
  priority: (typeof TICKET_PRIORITIES)[number];
  skill: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  contactName: string | null;
  conversationId: string | null;
  tags: string[];
  version: number;
  firstResponseDueAt: string | null;
  nextResponseDueAt: string | null;
  resolutionDueAt: string | null;
  firstRespondedAt: string | null;
  firstResponseBreachedAt: string | null;
  nextResponseBreachedAt: string | null;
  resolutionBreachedAt: string | null;
  createdAt: string;
  updatedAt: string;
};
export type TicketComment = { id: string; authorType: string; authorName: string | null; body: string; public: boolean; createdAt: string };
export type TicketEvent = { id: number; actorType: string; kind: string; changes: Record<string, unknown>; createdAt: string };
export type TicketDetail = { ticket: Ticket; comments: TicketComment[]; history: TicketEvent[] };

export const breached = (t: Ticket): boolean => !!(t.firstResponseBreachedAt || t.nextResponseBreachedAt || t.resolutionBreachedAt);
