// Customer-facing conversation API (the widget and the REST channel use it): start a conversation (and get a
// visitor token), send a message (idempotent on clientMessageId), read the transcript, ask for a person.
// A visitor reaches only conversations of their own contact; staff with conversations:read_all may read any.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { authorize, can, requirePrincipal } from '../core/access.ts';
import { AppError, notFound } from '../core/errors.ts';
import { parse } from '../core/validate.ts';
import { applyEvent, createContact, createConversation, getConversation, insertMessage, listMessages, type ConversationRow } from './conversations.repo.ts';
import type { ConversationsDeps } from './index.ts';

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

export function conversationsRoutes(deps: ConversationsDeps): Router {
  const router = Router();

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
    res.json({ conversation, messages: await listMessages(deps.db, conversation.id, { includePrivate: staff }) });
  });

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
      if (saved.created) await applyEvent(tx, conversation.workspaceId, conversationId, { type: 'customer_wrote' });
      return saved;
    });
    // A retried send returns what the first one produced instead of asking the bot again.
    const replies = stored.created
      ? await deps.afterCustomerMessage({ workspaceId: conversation.workspaceId, conversationId, messageId: stored.message.id, text })
      : (await listMessages(deps.db, conversationId, { includePrivate: false })).filter((m) => m.replyToMessageId === stored.message.id);
    const after = await getConversation(deps.db, conversation.workspaceId, conversationId);
    res.status(stored.created ? 201 : 200).json({ message: stored.message, replies, conversation: after });
  });

  router.post('/conversations/:conversationId/handoff', async (req, res) => {
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const conversation = await ownConversation(deps, res, conversationId);
    const result = await deps.requestHuman({ workspaceId: conversation.workspaceId, conversationId, reason: 'customer_asked' });
    res.json(result);
  });

  return router;
}

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
