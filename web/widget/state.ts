// Pure: the widget's state and how each thing that happens changes it. Messages arrive more than once (the send
// stream, the live stream, a transcript after a reconnect): they are merged by id, and a message the customer just
// typed (shown at once, "pending") is replaced by the stored one with the same clientMessageId.
import type { Citation, Conversation, Message, QueueStanding, Ticket } from './types.ts';

export type ChatMessage = Message & { pending?: boolean; failed?: boolean };

export type State = {
  conversation: Conversation | null;
  messages: ChatMessage[];
  /** The answer as it streams in (token events), until the stored reply replaces it. */
  draft: string | null;
  queue: QueueStanding | null;
  ticket: Ticket | null;
  agentTyping: boolean;
  /** The live stream: up, or down and retrying (shown as "reconnecting"). */
  live: 'off' | 'up' | 'retrying';
  rated: boolean;
  /** What the customer reads (in their language) and, as a tooltip, the server's own words. */
  error: { text: string; detail: string | null } | null;
};

export const initialState: State = { conversation: null, messages: [], draft: null, queue: null, ticket: null, agentTyping: false, live: 'off', rated: false, error: null };

export type Action =
  | { type: 'reset' }
  | { type: 'transcript'; conversation: Conversation; messages: Message[] }
  | { type: 'conversation'; conversation: Conversation | null }
  | { type: 'pending'; clientMessageId: string; body: string; at: string }
  | { type: 'failed'; clientMessageId: string }
  | { type: 'messages'; messages: Message[] }
  | { type: 'token'; text: string }
  | { type: 'draft_done' }
  | { type: 'queue'; queue: QueueStanding | null }
  | { type: 'ticket'; ticket: Ticket | null }
  | { type: 'typing'; typing: boolean }
  | { type: 'live'; live: State['live'] }
  | { type: 'rated' }
  | { type: 'error'; error: State['error'] };

export function reduce(state: State, action: Action): State {
  switch (action.type) {
    case 'reset':
      return initialState;
    case 'transcript':
      return withConversation({ ...state, messages: mergeMessages(state.messages.filter((m) => m.pending || m.failed), action.messages) }, action.conversation);
    case 'conversation':
      return action.conversation ? withConversation(state, action.conversation) : state;
    case 'pending': {
      const mine: ChatMessage = { id: `local-${action.clientMessageId}`, sender: 'customer', body: action.body, citations: [], clientMessageId: action.clientMessageId, createdAt: action.at, pending: true };
      return { ...state, messages: [...state.messages.filter((m) => m.clientMessageId !== action.clientMessageId), mine], error: null };
    }
    case 'failed':
      return { ...state, draft: null, messages: state.messages.map((m) => (m.pending && m.clientMessageId === action.clientMessageId ? { ...m, pending: false, failed: true } : m)) };
    case 'messages': {
      const messages = mergeMessages(state.messages, action.messages);
      // An agent's message ends their "typing"; a reply ends the draft it replaces.
      const fromAgent = action.messages.some((m) => m.sender === 'agent');
      const replied = action.messages.some((m) => m.sender !== 'customer');
      return { ...state, messages, agentTyping: fromAgent ? false : state.agentTyping, draft: replied ? null : state.draft };
    }
    case 'token':
      return { ...state, draft: (state.draft ?? '') + action.text };
    case 'draft_done':
      return { ...state, draft: null };
    case 'queue':
      // Queue events go only to waiting conversations; one may beat the status change that put it there.
      return { ...state, queue: state.conversation?.status === 'assigned' || state.conversation?.status === 'resolved' ? null : action.queue };
    case 'ticket':
      return { ...state, ticket: action.ticket };
    case 'typing':
      return { ...state, agentTyping: action.typing && state.conversation?.status === 'assigned' };
    case 'live':
      return { ...state, live: action.live };
    case 'rated':
      return { ...state, rated: true };
    case 'error':
      return { ...state, error: action.error };
  }
}

function withConversation(state: State, conversation: Conversation): State {
  const leftQueue = conversation.status !== 'queued' && (state.conversation?.status === 'queued' || conversation.status !== 'bot');
  return {
    ...state,
    conversation,
    queue: leftQueue ? null : state.queue,
    agentTyping: conversation.status === 'assigned' ? state.agentTyping : false,
    // Rated already (this or an earlier visit), or written again since: a new rating prompt waits for the next close.
    rated: conversation.status === 'resolved' ? state.rated || conversation.csat !== null : false,
  };
}

/** Adds or replaces messages by id; a stored message replaces the pending one with its clientMessageId. Oldest first. */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly Message[]): ChatMessage[] {
  const byId = new Map<string, ChatMessage>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) {
    if (m.clientMessageId) {
      for (const [id, old] of byId) if (id !== m.id && (old.pending || old.failed) && old.clientMessageId === m.clientMessageId) byId.delete(id);
    }
    byId.set(m.id, m);
  }
  // Stable: same timestamps keep their arrival order (a reply is never stored before its question).
  return [...byId.values()].map((m, i) => ({ m, i })).sort((a, b) => Date.parse(a.m.createdAt) - Date.parse(b.m.createdAt) || a.i - b.i).map((x) => x.m);
}

/** Whether the rating prompt shows: closed, not rated, and someone (bot or agent) replied — the API refuses otherwise. */
export const wantsRating = (s: State): boolean => s.conversation?.status === 'resolved' && !s.rated && s.messages.some((m) => m.sender === 'bot' || m.sender === 'agent');

/**
 * What clicking a citation does: a web page (http(s) only, never javascript: or a file path) opens in a new tab; any
 * other source (an uploaded PDF, DOCX, Markdown file…) opens the cited passage in the widget, read from the server by
 * its chunk id; a citation with neither is plain text.
 */
export type CitationTarget = { kind: 'link'; href: string } | { kind: 'passage'; chunkId: string } | null;

export function citationTarget(c: Citation): CitationTarget {
  const href = citationHref(c);
  if (href) return { kind: 'link', href };
  const chunkId = c.chunkId?.trim();
  return chunkId ? { kind: 'passage', chunkId } : null;
}

/** The section within the document, when it says more than the title ("Returns › How refunds work"). */
export const sectionPath = (title: string, headingPath: readonly string[] | undefined): string =>
  (headingPath ?? []).filter((h, i) => !(i === 0 && h === title)).join(' › ');

/** A citation's link: only http(s) sources are links (never javascript: or a file path), with the passage's anchor. */
export function citationHref(c: Citation): string | null {
  const ref = c.sourceRef?.trim();
  if (!ref || !/^https?:\/\//i.test(ref)) return null;
  try {
    const url = new URL(ref);
    const anchor = typeof c.location?.anchor === 'string' ? c.location.anchor : null;
    if (anchor && !url.hash) url.hash = anchor;
    return url.href;
  } catch {
    return null;
  }
}

/** Splits a body into text and citation markers ("[2]") that name one of its citations. */
export function splitCitations(body: string, citations: readonly Citation[]): (string | { n: number })[] {
  const known = new Set(citations.map((c, i) => c.n ?? i + 1));
  const parts: (string | { n: number })[] = [];
  let last = 0;
  for (const match of body.matchAll(/\[(\d{1,2})\]/g)) {
    const n = Number(match[1]);
    if (!known.has(n)) continue;
    if (match.index > last) parts.push(body.slice(last, match.index));
    parts.push({ n });
    last = match.index + match[0].length;
  }
  if (last < body.length) parts.push(body.slice(last));
  return parts;
}
