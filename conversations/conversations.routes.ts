// Customer-facing conversation API (the widget and the REST channel use it): start a conversation (and get a
// visitor token), send a message (idempotent on clientMessageId) and get the reply as JSON or streamed (SSE), read
// the transcript, follow the conversation live (SSE), say they are typing (to the agent who has it), ask for a person,
// close it, rate it (CSAT), read the passage a bot answer cited.
// A visitor reaches only conversations of their own contact; staff with conversations:read_all may read any.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { authorize, can, requirePrincipal } from '../core/access.ts';
import { AppError, notFound } from '../core/errors.ts';
import type { LiveEvent } from '../core/events.ts';
import { openSse } from '../core/sse.ts';
import { parse } from '../core/validate.ts';
import { findCitedPassage } from './citations.repo.ts';
import { applyEvent, createContact, createConversation, customerView, getConversation, insertMessage, listMessages, type ConversationRow } from './conversations.repo.ts';
import type { ConversationsDeps } from './index.ts';
import { agentChannel, announce, announceQueue, conversationChannel, publishLive, type LiveUpdate } from './live.ts';

const StartConversation = z.object({
  workspace: z.string().trim().min(2).max(63).optional(), // slug; not needed when a visitor token is sent
  channel: z.enum(['widget', 'api']).default('api'),
  name: z.string().trim().max(200).optional(),
  email: z.email().max(320).optional(),
  language: z.string().trim().max(35).optional(),
});
const SendMessage = z.object({
  text: z.string().trim().min(1, 'the message is empty').max(10_000, 'at most 10,000 characters'),
  clientMessageId: z.string().trim().min(1).max(200).optional(),
});
const ConversationParams = z.object({ conversationId: z.uuid('conversationId must be a UUID') });
const CitationParams = ConversationParams.extend({ chunkId: z.uuid('chunkId must be the id of a cited passage (a UUID)') });
const Typing = z.object({ typing: z.boolean({ error: 'typing must be true or false' }) });
const Rating = z.object({
  score: z.number({ error: 'score must be a number from 1 to 5' }).int('score must be a whole number from 1 to 5').min(1, 'score must be 1 to 5').max(5, 'score must be 1 to 5'),
  comment: z.string().trim().max(2000, 'at most 2,000 characters').optional(),
});

const wantsStream = (accept: string | undefined) => /text\/event-stream/i.test(accept ?? '');

export function conversationsRoutes(deps: ConversationsDeps): Router {
  const router = Router();
  // A stored message the bot never got to: no reply, no trace, the latest customer message of a conversation that is
  // still the bot's, and old enough that the first try cannot still be working on it (LLM calls time out before).
  const neverAnswered = async (messageId: string) =>
    !!(
      await deps.db.query(
        `SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE m.id = $1 AND c.status = 'bot' AND m.created_at < now() - interval '60 seconds'
            AND NOT EXISTS (SELECT 1 FROM bot_turns t WHERE t.message_id = m.id)
            AND NOT EXISTS (SELECT 1 FROM messages later WHERE later.conversation_id = m.conversation_id AND later.seq > m.seq AND later.sender = 'customer')`,
        [messageId],
      )
    ).rows[0];
  const tell = (conversationId: string, update: LiveUpdate) => announce(deps.events, deps.logger, conversationId, update);

  router.post('/conversations', async (req, res) => {
    const input = parse(StartConversation, req.body ?? {}, 'conversation');
    const principal = res.locals.principal as ReturnType<typeof requirePrincipal> | undefined;
    let workspaceId: string;
    let contactId: string | undefined;
    if (principal?.type === 'visitor') {
      workspaceId = principal.workspaceId;
      contactId = principal.contactId;
    } else {
      if (!input.workspace) throw new AppError('invalid_request', 'Say which workspace to talk to: send "workspace" with its slug (for example "demo").');
      const { rows } = await deps.db.query<{ id: string }>('SELECT id FROM workspaces WHERE slug = $1', [input.workspace]);
      if (!rows[0]) throw new AppError('not_found', `No workspace with slug "${input.workspace}". Check the widget's workspace setting.`);
      workspaceId = rows[0].id;
    }
    const conversation = await deps.db.transaction(async (tx) => {
      const contact = contactId ?? (await createContact(tx, { workspaceId, name: input.name, email: input.email, language: input.language }));
      return createConversation(tx, { workspaceId, contactId: contact, channel: input.channel });
    });
    const visitorToken = await deps.issueVisitorToken({ workspaceId, contactId: conversation.contactId });
    res.status(201).json({ conversation, visitorToken });
  });

  router.get('/conversations/:conversationId', async (req, res) => {
    const conversation = await visibleConversation(deps, res, parse(ConversationParams, req.params, 'conversation id').conversationId);
    const staff = res.locals.principal?.type !== 'visitor';
    res.json({ conversation: staff ? conversation : customerView(conversation), messages: await listMessages(deps.db, conversation.id, { includePrivate: staff }) });
  });

  // Send a message. With `Accept: text/event-stream` the answer streams: `message` (the stored customer message),
  // `token` events with the draft answer as it is generated, then `reply` with each stored reply (which replaces the
  // draft: a draft that fails the bot's checks never becomes a reply), `conversation`, and `done`.
  router.post('/conversations/:conversationId/messages', async (req, res) => {
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const { text, clientMessageId } = parse(SendMessage, req.body, 'message');
    const conversation = await ownConversation(deps, res, conversationId);
    const stored = await deps.db.transaction(async (tx) => {
      const saved = await insertMessage(tx, {
        workspaceId: conversation.workspaceId,
        conversationId,
        sender: 'customer',
        senderId: conversation.contactId,
        body: text,
        clientMessageId,
      });
      // The row as this message left it, under its lock: who has the conversation now.
      const current = saved.created ? await applyEvent(tx, conversation.workspaceId, conversationId, { type: 'customer_wrote' }) : null;
      return { ...saved, current };
    });
    if (!stored.created && stored.message.body !== text) {
      throw new AppError('conflict', `clientMessageId "${clientMessageId}" was already used for a different message in this conversation. Use a new id for a new message.`);
    }
    if (stored.created) {
      await tell(conversationId, { messages: [stored.message] });
      // The agent who has the conversation hears of it on their own channel, whichever conversation they have open.
      const assignee = stored.current?.status === 'assigned' ? stored.current.assigneeId : null;
      if (assignee) await publishLive(deps.events, deps.logger, agentChannel(assignee), { type: 'message', conversationId, message: stored.message });
    }
    const stream = wantsStream(req.get('accept')) ? openSse(req, res) : null;
    try {
      stream?.send('message', stored.message, stored.message.id);
      // A retried send returns what the first one produced instead of asking the bot again — unless the first try
      // stopped before the bot decided anything (no reply and no trace), in which case the bot runs now.
      const earlier = stored.created ? [] : (await listMessages(deps.db, conversationId, { includePrivate: false })).filter((m) => m.replyToMessageId === stored.message.id);
      const unanswered = !stored.created && earlier.length === 0 && (await neverAnswered(stored.message.id));
      const replies =
        stored.created || unanswered
          ? await deps.afterCustomerMessage(
              { workspaceId: conversation.workspaceId, conversationId, messageId: stored.message.id, text },
              { onToken: stream ? (t) => stream.send('token', { text: t }) : undefined },
            )
          : earlier;
      const after = await getConversation(deps.db, conversation.workspaceId, conversationId);
      if (stored.created || unanswered) {
        await tell(conversationId, { messages: replies, conversation: after && after.status !== conversation.status ? after : null });
      }
      if (stream) {
        for (const m of replies) stream.send('reply', m, m.id);
        stream.send('conversation', after && customerView(after));
        stream.send('done', { created: stored.created });
        stream.close();
        return;
      }
      res.status(stored.created ? 201 : 200).json({ message: stored.message, replies, conversation: after && customerView(after) });
    } catch (err) {
      if (!stream) throw err;
      // Headers are out: say what happened on the stream. The message is stored; sending it again is safe.
      deps.logger.error({ err, conversationId }, 'a streamed reply failed');
      stream.send('error', { code: 'internal', message: 'Something went wrong while answering. Your message was saved; send it again with the same clientMessageId to get the answer.' });
      stream.close();
    }
  });

  // Follow the conversation live: new messages (agents' replies too) and status changes. Private notes never appear.
  // After a reconnect, messages after Last-Event-ID (or ?after=<message id>) are sent first, so nothing is missed.
  router.get('/conversations/:conversationId/events', async (req, res) => {
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const after = req.get('last-event-id') ?? (typeof req.query.after === 'string' ? req.query.after : undefined);
    if (after !== undefined && !z.uuid().safeParse(after).success) throw new AppError('invalid_request', 'Last-Event-ID (or "after") must be the id of a message of this conversation.');
    await visibleConversation(deps, res, conversationId);
    const stream = openSse(req, res);
    const seen = new Set<string>();
    // Live events that arrive while the replay is read wait for it, so the client's last id only moves forward.
    let held: LiveEvent[] | null = after ? [] : null;
    const deliver = (e: LiveEvent) => {
      const message = e.message as { id?: string; private?: boolean } | undefined;
      if (message?.private) return;
      if (message?.id) {
        if (seen.has(message.id)) return;
        seen.add(message.id);
      }
      stream.send(e.type, e, message?.id);
    };
    const unsubscribe = await deps.events.subscribe(conversationChannel(conversationId), (e) => (held ? held.push(e) : deliver(e)));
    stream.onClose(unsubscribe);
    if (after) {
      for (const m of await listMessages(deps.db, conversationId, { includePrivate: false, afterMessageId: after })) deliver({ type: 'message', at: new Date().toISOString(), message: m });
      // Status changes missed while away: the conversation as it is now.
      const current = await getConversation(deps.db, principalWorkspace(res), conversationId);
      if (current) stream.send('conversation', { type: 'conversation', conversation: customerView(current) });
      const waiting = held ?? [];
      held = null;
      for (const e of waiting) deliver(e);
    }
    stream.send('ready', { conversationId });
  });

  // The passage a bot answer cited, for a source that is not a web page (an uploaded file): its title, heading path
  // and text. Only chunks a bot message of this conversation cited, and only from public collections; anything
  // else is a 404 that does not say whether the chunk exists.
  router.get('/conversations/:conversationId/citations/:chunkId', async (req, res) => {
    const { conversationId, chunkId } = parse(CitationParams, req.params, 'citation');
    const conversation = await visibleConversation(deps, res, conversationId);
    const passage = await findCitedPassage(deps.db, conversation.workspaceId, conversationId, chunkId);
    if (!passage) throw new AppError('not_found', `No passage ${chunkId} was cited in this conversation. Open a source listed under an answer.`);
    res.json({ passage });
  });

  // "The customer is typing": shown to the agent who has the conversation (nobody else; nothing is stored).
  router.post('/conversations/:conversationId/typing', async (req, res) => {
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const { typing } = parse(Typing, req.body, 'typing');
    const conversation = await ownConversation(deps, res, conversationId);
    if (conversation.status === 'assigned' && conversation.assigneeId) {
      await publishLive(deps.events, deps.logger, agentChannel(conversation.assigneeId), { type: 'typing', conversationId, typing });
    }
    res.status(204).end();
  });

  // The customer says they are done ("this answered my question"). Closing a closed conversation is fine.
  router.post('/conversations/:conversationId/resolve', async (req, res) => {
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const conversation = await ownConversation(deps, res, conversationId);
    const { after, changed, leftQueue } = await deps.db.transaction(async (tx) => {
      const current = await getConversation(tx, conversation.workspaceId, conversationId, { forUpdate: true });
      if (current?.status === 'resolved') return { after: current, changed: false, leftQueue: false };
      return { after: await applyEvent(tx, conversation.workspaceId, conversationId, { type: 'resolved' }), changed: true, leftQueue: current?.status === 'queued' };
    });
    if (changed) {
      await tell(conversationId, { conversation: after });
      await deps.afterResolved({ workspaceId: conversation.workspaceId, conversationId });
    }
    // A customer who gives up waiting leaves the queue: agents' counts change.
    if (leftQueue) await announceQueue(deps.db, deps.events, deps.logger, conversation.workspaceId);
    res.json({ conversation: customerView(after) });
  });

  // CSAT: 1–5 and an optional comment, credited to the agent who had the conversation (or the bot). Rating again
  // replaces the earlier rating.
  router.post('/conversations/:conversationId/rating', async (req, res) => {
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const rating = parse(Rating, req.body, 'rating');
    const conversation = await ownConversation(deps, res, conversationId);
    const replied = await deps.db.query(`SELECT 1 FROM messages WHERE conversation_id = $1 AND sender IN ('bot', 'agent') LIMIT 1`, [conversationId]);
    if (!replied.rows[0]) throw new AppError('invalid_request', 'There is nothing to rate yet: rate the conversation after you have had a reply.');
    const { rows } = await deps.db.query<{ csat: number; csatComment: string | null; csatAgentId: string | null; csatAt: Date }>(
      `UPDATE conversations SET csat = $2, csat_comment = $3, csat_at = now(), updated_at = now(),
              csat_agent_id = COALESCE(assignee_id, (SELECT u.id FROM messages m JOIN users u ON u.id::text = m.sender_id WHERE m.conversation_id = conversations.id AND m.sender = 'agent' ORDER BY m.created_at DESC LIMIT 1))
        WHERE id = $1 RETURNING csat, csat_comment AS "csatComment", csat_agent_id AS "csatAgentId", csat_at AS "csatAt"`,
      [conversation.id, rating.score, rating.comment ?? null],
    );
    res.json({ rating: { ...rows[0], ratedSubject: rows[0]!.csatAgentId ? 'agent' : 'bot' } });
  });

  router.post('/conversations/:conversationId/handoff', async (req, res) => {
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const conversation = await ownConversation(deps, res, conversationId);
    const result = await deps.requestHuman({ workspaceId: conversation.workspaceId, conversationId, reason: 'customer_asked' });
    await tell(conversationId, { messages: result.message ? [result.message] : [], conversation: result.conversation.status !== conversation.status ? result.conversation : null });
    // What the customer may see: never the staff side of a ticket (its subject, tags, assignee), only its number and when to expect a reply.
    res.json({
      conversation: customerView(result.conversation),
      message: result.message,
      position: result.position,
      alreadyQueued: result.alreadyQueued,
      ticket: result.ticket ? { number: result.ticket.number, replyBy: result.ticket.firstResponseDueAt } : null,
    });
  });

  return router;
}

const principalWorkspace = (res: Response) => requirePrincipal(res).workspaceId;

/** The conversation if the caller may read it: its own visitor, or staff with conversations:read_all. */
async function visibleConversation(deps: ConversationsDeps, res: Response, id: string): Promise<ConversationRow> {
  const principal = requirePrincipal(res);
  if (principal.type !== 'visitor') authorize(res, 'conversations:read_all'); // 403 naming the role, before any lookup
  const conversation = await getConversation(deps.db, principal.workspaceId, id);
  const allowed = conversation && (principal.type === 'visitor' ? conversation.contactId === principal.contactId : can(principal, 'conversations:read_all'));
  if (!conversation || !allowed) throw notFound('conversation', id); // a visitor never learns whether someone else's conversation exists
  return conversation;
}

/** Only the conversation's own visitor writes as the customer. */
async function ownConversation(deps: ConversationsDeps, res: Response, id: string): Promise<ConversationRow> {
  const principal = requirePrincipal(res);
  if (principal.type !== 'visitor') throw new AppError('forbidden', 'Only the customer of this conversation can write as the customer. Staff reply through /api/agent.');
  const conversation = await getConversation(deps.db, principal.workspaceId, id);
  if (!conversation || conversation.contactId !== principal.contactId) throw notFound('conversation', id);
  return conversation;
}
