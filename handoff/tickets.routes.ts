// Tickets API: list and filter, create (from a conversation or on its own), read with comments and history, change
// with the version the client last saw (an older one is a 409), reply or comment; SLA policies per priority.
import { Router } from 'express';
import { z } from 'zod';
import { actorOf as principalActor, authorize, can, type Principal } from '../core/access.ts';
import { audit } from '../core/audit.ts';
import { AppError, notFound } from '../core/errors.ts';
import { parse } from '../core/validate.ts';
import { agentChannel, announce, getConversation, publishLive } from '../conversations/index.ts';
import { assignAndAnnounce } from './assign.ts';
import type { HandoffDeps } from './index.ts';
import { loadSlaPolicies, saveSlaPolicies, SlaPoliciesBody, TICKET_PRIORITIES } from './sla.ts';
import { addComment, checkRefs, createTicket, getTicket, listTickets, ticketDetail, TICKET_STATUSES, TICKET_TYPES, updateTicket, type Ticket, type TicketActor } from './tickets.ts';

// "on-hold" as the issue and people write it, "on_hold" as stored: both accepted.
const Status = z.preprocess((v) => (v === 'on-hold' ? 'on_hold' : v), z.enum(TICKET_STATUSES, { error: 'status is new, open, pending, on_hold, solved or closed' }));
const Priority = z.enum(TICKET_PRIORITIES, { error: 'priority is low, normal, high or urgent' });
const Type = z.enum(TICKET_TYPES, { error: 'type is question, incident, problem or task' });
const SkillName = z.string().trim().min(1).max(63);
const Tags = z.array(z.string().trim().min(1).max(50)).max(30);

const TicketParams = z.object({ ticketId: z.uuid('ticketId must be a UUID') });
const NewTicketBody = z
  .object({
    subject: z.string().trim().min(1, 'a ticket needs a subject').max(300),
    description: z.string().trim().max(20_000).optional(),
    type: Type.optional(),
    priority: Priority.optional(),
    skill: SkillName.nullable().optional(),
    assigneeId: z.uuid('assigneeId must be a UUID').nullable().optional(),
    contactId: z.uuid('contactId must be a UUID').optional(),
    contact: z
      .object({ name: z.string().trim().min(1).max(200).optional(), email: z.email('contact.email is not an email address').optional(), externalId: z.string().trim().min(1, 'contact.externalId is empty').max(200).optional() })
      .strict()
      .refine((c) => c.email || c.externalId || c.name, { error: 'say who the contact is: an email, an externalId or at least a name' })
      .optional(),
    conversationId: z.uuid('conversationId must be a UUID').optional(),
    tags: Tags.optional(),
  })
  .strict()
  .refine((b) => !(b.contactId && b.contact), { error: 'give either contactId (an existing contact) or contact (to find or create one), not both' });
const PatchBody = z
  .object({
    version: z.number({ error: 'send the version you last read ("version" from GET /api/tickets/:id): it protects others\' changes' }).int().min(1),
    subject: z.string().trim().min(1).max(300).optional(),
    type: Type.optional(),
    status: Status.optional(),
    priority: Priority.optional(),
    skill: SkillName.nullable().optional(),
    assigneeId: z.uuid('assigneeId must be a UUID').nullable().optional(),
    tags: Tags.optional(),
  })
  .strict();
const CommentBody = z
  .object({
    body: z.string().trim().min(1, 'the comment is empty').max(20_000),
    public: z.boolean().default(true),
    // An integration (email, API) posts what the customer wrote; agents write as themselves.
    from: z.enum(['agent', 'customer']).default('agent'),
    version: z.number().int().min(1).optional(),
  })
  .strict();
const ListQuery = z
  .object({
    status: z.string().optional().transform((s, ctx) => {
      if (!s) return undefined;
      const list = s.split(',').map((x) => (x.trim() === 'on-hold' ? 'on_hold' : x.trim()));
      const bad = list.find((x) => !(TICKET_STATUSES as readonly string[]).includes(x));
      if (bad) ctx.addIssue({ code: 'custom', message: `unknown status "${bad}": use ${TICKET_STATUSES.join(', ')} (comma-separated for several)` });
      return list as (typeof TICKET_STATUSES)[number][];
    }),
    assignee: z.union([z.literal('me'), z.literal('none'), z.uuid('assignee is "me", "none" or an agent id')]).optional(),
    skill: SkillName.optional(),
    priority: Priority.optional(),
    contactId: z.uuid('contactId must be a UUID').optional(),
    breached: z.enum(['true', 'false']).transform((b) => b === 'true').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

const actorOf = (who: Exclude<Principal, { type: 'visitor' }>): TicketActor => principalActor(who);

export function ticketsRoutes(deps: HandoffDeps): Router {
  const router = Router();
  const tellAssignee = async (ticket: Ticket, how: string) => {
    if (ticket.assigneeId) await publishLive(deps.events, deps.logger, agentChannel(ticket.assigneeId), { type: 'assignment', how, ticket });
  };

  router.get('/tickets', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    const q = parse(ListQuery, req.query, 'ticket filter');
    if (q.assignee === 'me' && who.type !== 'user') throw new AppError('invalid_request', '"assignee=me" needs a signed-in agent; an API key has no tickets of its own.');
    const assignee = q.assignee === 'me' && who.type === 'user' ? who.userId : q.assignee;
    res.json({ tickets: await listTickets(deps.db, who.workspaceId, { ...q, assignee }) });
  });

  router.post('/tickets', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    const input = parse(NewTicketBody, req.body, 'ticket');
    if (input.assigneeId && !(who.type === 'user' && input.assigneeId === who.userId) && !can(who, 'team:manage')) {
      throw new AppError('forbidden', 'Only a supervisor or admin assigns a ticket to someone else; leave assigneeId out and Kefu assigns it.');
    }
    const ticket = await deps.db.transaction(async (tx) => {
      await checkRefs(tx, who.workspaceId, { skill: input.skill, assigneeId: input.assigneeId, contactId: input.contactId });
      let contactId = input.contactId ?? null;
      let conversation = null;
      if (input.conversationId) {
        conversation = await getConversation(tx, who.workspaceId, input.conversationId);
        if (!conversation) throw new AppError('invalid_request', `No conversation with id ${input.conversationId} in this workspace.`);
        contactId ??= conversation.contactId;
      }
      if (!contactId && input.contact) contactId = await findOrCreateContact(tx, who.workspaceId, input.contact);
      const created = await createTicket(
        tx,
        who.workspaceId,
        {
          subject: input.subject,
          description: input.description,
          type: input.type,
          priority: input.priority,
          skill: input.skill ?? conversation?.skill ?? null,
          assigneeId: input.assigneeId ?? null,
          contactId,
          conversationId: input.conversationId ?? null,
          tags: input.tags,
          source: input.conversationId ? 'conversation' : 'api',
        },
        actorOf(who),
      );
      await audit(tx, who, 'ticket.created', { type: 'ticket', id: created.id, details: { number: created.number, source: created.source } });
      return created;
    });
    await tellAssignee(ticket, 'created');
    if (!ticket.assigneeId) await assignAndAnnounce(deps, who.workspaceId);
    const detail = await ticketDetail(deps.db, who.workspaceId, ticket.id);
    res.status(201).json(detail);
  });

  router.get('/tickets/:ticketId', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    const { ticketId } = parse(TicketParams, req.params, 'ticket id');
    const detail = await ticketDetail(deps.db, who.workspaceId, ticketId);
    if (!detail) throw notFound('ticket', ticketId);
    res.json(detail);
  });

  router.patch('/tickets/:ticketId', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    const { ticketId } = parse(TicketParams, req.params, 'ticket id');
    const { version, ...patch } = parse(PatchBody, req.body, 'ticket change');
    const before = await getTicket(deps.db, who.workspaceId, ticketId);
    const ticket = await updateTicket(deps.db, who.workspaceId, ticketId, version, patch, { ...actorOf(who), manage: can(who, 'team:manage') });
    if (ticket.assigneeId && ticket.assigneeId !== before?.assigneeId) await tellAssignee(ticket, 'assigned');
    // The one who had it hears it moved; an unassigned ticket goes back to the engine.
    if (before?.assigneeId && before.assigneeId !== ticket.assigneeId) await publishLive(deps.events, deps.logger, agentChannel(before.assigneeId), { type: 'unassigned', ticketId, number: ticket.number });
    if (!ticket.assigneeId && before?.assigneeId) await assignAndAnnounce(deps, who.workspaceId);
    res.json({ ticket });
  });

  router.post('/tickets/:ticketId/comments', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    const { ticketId } = parse(TicketParams, req.params, 'ticket id');
    const input = parse(CommentBody, req.body, 'comment');
    if (input.from === 'customer' && who.type === 'user') throw new AppError('forbidden', 'Agents comment as themselves; "from": "customer" is for integrations that relay what the customer wrote (API keys).');
    if (input.from === 'customer' && !input.public) throw new AppError('invalid_request', 'What a customer writes is public; leave "public" out.');
    const done = await addComment(deps.db, who.workspaceId, ticketId, input, actorOf(who));
    if (done.message && done.ticket.conversationId) await announce(deps.events, deps.logger, done.ticket.conversationId, { messages: [done.message] });
    if (input.from === 'customer' && done.ticket.assigneeId) {
      await publishLive(deps.events, deps.logger, agentChannel(done.ticket.assigneeId), { type: 'ticket_reply', ticketId, number: done.ticket.number, comment: done.comment });
    }
    res.status(201).json({ ticket: done.ticket, comment: done.comment });
  });

  router.get('/team/sla-policies', async (_req, res) => {
    const who = authorize(res, 'conversations:work');
    res.json({ policies: await loadSlaPolicies(deps.db, who.workspaceId) });
  });

  // Replaces the workspace's policies; a priority left out goes back to the default.
  router.put('/team/sla-policies', async (req, res) => {
    const who = authorize(res, 'team:manage');
    const { policies } = parse(SlaPoliciesBody, req.body, 'SLA policies');
    await deps.db.transaction(async (tx) => {
      await saveSlaPolicies(tx, who.workspaceId, policies);
      await audit(tx, who, 'sla.updated', { type: 'workspace', id: who.workspaceId, details: { policies } });
    });
    res.json({ policies: await loadSlaPolicies(deps.db, who.workspaceId) });
  });

  return router;
}

async function findOrCreateContact(tx: Parameters<typeof checkRefs>[0], workspaceId: string, c: { name?: string; email?: string; externalId?: string }): Promise<string> {
  if (c.externalId) {
    // The external id is unique per workspace: an upsert, so two requests at once end with one contact.
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO contacts (workspace_id, name, email, external_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET name = COALESCE(contacts.name, EXCLUDED.name), email = COALESCE(contacts.email, EXCLUDED.email)
       RETURNING id`,
      [workspaceId, c.name ?? null, c.email ?? null, c.externalId],
    );
    return rows[0]!.id;
  }
  if (c.email) {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM contacts WHERE workspace_id = $1 AND lower(email) = lower($2) ORDER BY created_at LIMIT 1', [workspaceId, c.email]);
    if (rows[0]) return rows[0].id;
  }
  const { rows } = await tx.query<{ id: string }>('INSERT INTO contacts (workspace_id, name, email) VALUES ($1, $2, $3) RETURNING id', [workspaceId, c.name ?? null, c.email ?? null]);
  return rows[0]!.id;
}
