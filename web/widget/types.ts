// What the widget reads from the customer API (README, "API at a glance"). Written out here because web/ imports
// nothing from the server; these mirror the customer view of conversations/conversations.repo.ts.
export type ConversationStatus = 'bot' | 'queued' | 'assigned' | 'resolved';
export type Sender = 'customer' | 'bot' | 'agent' | 'system';

export type Citation = {
  n?: number;
  /** The cited passage: what `GET …/citations/:chunkId` opens when the source is not a web page. */
  chunkId?: string;
  documentId?: string;
  title: string;
  headingPath?: string[];
  location?: { anchor?: string; page?: number } & Record<string, unknown>;
  sourceRef?: string | null;
};

export type Message = {
  id: string;
  sender: Sender;
  body: string;
  citations: Citation[];
  clientMessageId: string | null;
  createdAt: string;
};

export type Conversation = {
  id: string;
  status: ConversationStatus;
  csat: number | null;
  createdAt: string;
};

export type QueueStanding = { position: number; etaSeconds: number | null; agentsOnline: number };
export type Ticket = { number: number; replyBy: string | null };

/** A cited passage as the customer may read it (GET /api/conversations/:id/citations/:chunkId). */
export type Passage = { chunkId: string; documentId: string; title: string; headingPath: string[]; text: string; kind: string; location: Record<string, unknown> };
