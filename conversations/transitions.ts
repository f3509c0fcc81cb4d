// Pure: no I/O, no clock, no logger. Every conversation status change in the system goes through nextStatus().
export type ConversationStatus = 'bot' | 'queued' | 'assigned' | 'resolved';
/** Why a conversation went to people: the bot's reason codes (bot_turns.reason) that end in a handoff. */
export type HandoffReason =
  | 'customer_asked'
  | 'low_confidence'
  | 'no_passages'
  | 'not_in_kb'
  | 'ungrounded'
  | 'sensitive_topic'
  | 'frustration'
  | 'repeated_failure'
  | 'bot_error'
  | 'policy';
export type ConversationEvent =
  | { type: 'handoff_requested'; reason: HandoffReason }
  | { type: 'agent_assigned'; agentId: string }
  | { type: 'agent_released' }
  | { type: 'handed_back' }
  | { type: 'customer_wrote' }
  | { type: 'resolved' };
export type Transition = { ok: true; to: ConversationStatus } | { ok: false; why: string };

const to = (status: ConversationStatus): Transition => ({ ok: true, to: status });
const refuse = (from: ConversationStatus, e: ConversationEvent): Transition => ({ ok: false, why: `${e.type} is not allowed while the conversation is ${from}` });

export function nextStatus(from: ConversationStatus, event: ConversationEvent): Transition {
  switch (event.type) {
    case 'handoff_requested':
      return from === 'bot' || from === 'resolved' ? to('queued') : refuse(from, event); // a second handoff is a no-op, not a second page
    case 'agent_assigned':
      return from === 'queued' ? to('assigned') : refuse(from, event); // never double-assigned
    case 'agent_released':
      return from === 'assigned' ? to('queued') : refuse(from, event);
    case 'handed_back':
      return from === 'assigned' || from === 'queued' ? to('bot') : refuse(from, event); // the bot speaks again only after this
    case 'customer_wrote':
      return from === 'resolved' ? to('bot') : to(from); // a new question after resolution goes to the bot
    case 'resolved':
      return from === 'resolved' ? refuse(from, event) : to('resolved');
  }
}
