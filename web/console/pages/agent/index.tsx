// The agent area of the console: the inbox (queues, my conversations, presence), a conversation, and tickets.
// Registered for the shell (see ../../pages.ts); all pages share one live stream and heartbeat (live.ts).
import type { PageDef } from '../../pages.ts';
import { ConversationPage } from './Conversation.tsx';
import { Inbox } from './Inbox.tsx';
import { TicketList, TicketPage } from './Tickets.tsx';

const AGENTS: PageDef['roles'] = ['agent', 'supervisor', 'admin'];

export const pages: PageDef[] = [
  { path: '/agent', label: 'Conversations', roles: AGENTS, component: Inbox },
  { path: '/agent/conversations/:id', roles: AGENTS, component: ConversationPage },
  { path: '/tickets', label: 'Tickets', roles: AGENTS, component: TicketList },
  { path: '/tickets/:id', roles: AGENTS, component: TicketPage },
];
