// The team API: skills (supervisors and admins manage them; agents read them for transfers), agents' skills, levels
// and capacity, and each agent's own presence and heartbeat.
import { Router } from 'express';
import { z } from 'zod';
import { audit } from '../core/audit.ts';
import { authorize } from '../core/access.ts';
import { isUniqueViolation, type Queryable } from '../core/db/index.ts';
import { AppError, notFound } from '../core/errors.ts';
import { parse } from '../core/validate.ts';
import { BusinessHoursSchema } from './hours.ts';
import type { HandoffDeps } from './index.ts';
import { assignAndAnnounce } from './assign.ts';
import { findQuickReplies, listQuickReplies, QuickReplyInput, QuickReplyPatch, renderTemplate, unknownVariables, updateQuickReply, VARIABLES, type QuickReply } from './quick-replies.ts';
import { loadRules, RoutingRule } from './routing.ts';
import { createSkill, deleteSkill, heartbeat, listAgents, listSkills, setAgent, skillExists, updateSkill } from './team.repo.ts';

const SkillName = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'use lowercase letters, digits, "-" and "_" (for example "billing" or "after-sales")');
const NewSkill = z.object({
  name: SkillName,
  label: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  businessHours: BusinessHoursSchema.nullable().optional(),
}).strict();
const SkillPatch = NewSkill.omit({ name: true });
const SkillParams = z.object({ name: SkillName });
const AgentParams = z.object({ userId: z.uuid('userId must be a UUID') });
const AgentUpdate = z.object({
  capacity: z.number().int('capacity is a whole number of conversations').min(0).max(100).optional(),
  ticketCapacity: z.number().int('ticketCapacity is a whole number of tickets').min(0).max(1000).optional(),
  skills: z
    .array(z.object({ skill: SkillName, level: z.number().int().min(1, 'levels are 1 to 5').max(5, 'levels are 1 to 5').default(1) }).strict())
    .max(100)
    .refine((list) => new Set(list.map((s) => s.skill)).size === list.length, 'each skill can be listed once; give it one level')
    .optional(),
}).strict();
const RulesBody = z.object({ rules: z.array(RoutingRule).max(200) }).strict();
const QuickReplyParams = z.object({ shortcut: QuickReplyInput.shape.shortcut });
const QuickReplyQuery = z.object({ q: z.string().max(200).optional(), conversationId: z.uuid('conversationId must be a UUID').optional() });
const PresenceBody = z.object({ status: z.enum(['online', 'away', 'offline'], { error: 'status must be online, away or offline' }) });

export function teamRoutes(deps: HandoffDeps): Router {
  const router = Router();
  const timeout = { presenceTimeoutS: deps.presenceTimeoutS };

  router.get('/team/skills', async (_req, res) => {
    const who = authorize(res, 'conversations:work');
    res.json({ skills: await listSkills(deps.db, who.workspaceId) });
  });

  router.post('/team/skills', async (req, res) => {
    const who = authorize(res, 'team:manage');
    const input = parse(NewSkill, req.body, 'skill');
    const skill = await deps.db.transaction(async (tx) => {
      const s = await createSkill(tx, who.workspaceId, input);
      if (s) await audit(tx, who, 'skill.created', { type: 'skill', id: s.id, details: input });
      return s;
    });
    if (!skill) throw new AppError('conflict', `A skill named "${input.name}" already exists.`);
    res.status(201).json({ skill });
  });

  router.patch('/team/skills/:name', async (req, res) => {
    const who = authorize(res, 'team:manage');
    const { name } = parse(SkillParams, req.params, 'skill name');
    const input = parse(SkillPatch, req.body, 'skill');
    const skill = await deps.db.transaction(async (tx) => {
      const s = await updateSkill(tx, who.workspaceId, name, input);
      if (s) await audit(tx, who, 'skill.changed', { type: 'skill', id: s.id, details: input });
      return s;
    });
    if (!skill) throw notFound('skill', name);
    res.json({ skill });
  });

  router.delete('/team/skills/:name', async (req, res) => {
    const who = authorize(res, 'team:manage');
    const { name } = parse(SkillParams, req.params, 'skill name');
    const deleted = await deps.db.transaction(async (tx) => {
      const ok = await deleteSkill(tx, who.workspaceId, name);
      if (ok) await audit(tx, who, 'skill.deleted', { type: 'skill', id: name });
      return ok;
    });
    if (!deleted) throw notFound('skill', name);
    res.status(204).end();
  });

  // Routing rules: the whole ordered list is read and replaced at once (order matters: the first match wins).
  router.get('/team/routing-rules', async (_req, res) => {
    const who = authorize(res, 'conversations:work');
    res.json({ rules: await loadRules(deps.db, who.workspaceId) });
  });

  router.put('/team/routing-rules', async (req, res) => {
    const who = authorize(res, 'team:manage');
    const { rules } = parse(RulesBody, req.body, 'routing rules');
    await deps.db.transaction(async (tx) => {
      const named = [...new Set(rules.map((r) => r.skill).filter((s): s is string => !!s))];
      const known = await tx.query<{ name: string }>('SELECT name FROM skills WHERE workspace_id = $1 AND name = ANY($2::text[])', [who.workspaceId, named]);
      const unknown = named.filter((n) => !known.rows.some((k) => k.name === n));
      if (unknown.length) throw new AppError('invalid_request', `Unknown skill${unknown.length > 1 ? 's' : ''} in the rules: ${unknown.join(', ')}. Create ${unknown.length > 1 ? 'them' : 'it'} first (POST /api/team/skills).`, { details: { unknown } });
      const collections = [...new Set(rules.flatMap((r) => r.when.collections ?? []))];
      const found = await tx.query<{ name: string }>('SELECT name FROM kb_collections WHERE workspace_id = $1 AND lower(name) = ANY($2::text[])', [who.workspaceId, collections.map((c) => c.toLowerCase())]);
      const missing = collections.filter((c) => !found.rows.some((k) => k.name.toLowerCase() === c.toLowerCase()));
      if (missing.length) throw new AppError('invalid_request', `Unknown knowledge collection${missing.length > 1 ? 's' : ''} in the rules: ${missing.join(', ')}. Use the names shown under Knowledge base → Collections (GET /api/kb/collections).`, { details: { unknownCollections: missing } });
      await tx.query('DELETE FROM routing_rules WHERE workspace_id = $1', [who.workspaceId]);
      for (const [i, r] of rules.entries()) {
        await tx.query('INSERT INTO routing_rules (workspace_id, position, name, conditions, skill, priority) VALUES ($1, $2, $3, $4, $5, $6)', [who.workspaceId, i + 1, r.name, JSON.stringify(r.when), r.skill, r.priority]);
      }
      await audit(tx, who, 'routing.changed', { type: 'workspace', id: who.workspaceId, details: { rules: rules.length } });
    });
    res.json({ rules: await loadRules(deps.db, who.workspaceId) });
  });

  // Quick replies: supervisors keep them (the whole list, create, edit, delete); agents search them (/shortcut or
  // words), filled in for a conversation.
  const refuseUnknownVariables = (body: string | undefined) => {
    const unknown = body === undefined ? [] : unknownVariables(body);
    if (unknown.length) throw new AppError('invalid_request', `Unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((v) => `{{${v}}}`).join(', ')}. Available: ${VARIABLES.map((v) => `{{${v}}}`).join(', ')}.`);
  };
  const refuseUnknownSkill = async (tx: Queryable, workspaceId: string, skill: string | null | undefined) => {
    if (skill && !(await skillExists(tx, workspaceId, skill))) {
      throw new AppError('invalid_request', `Unknown skill "${skill}". Create it first (POST /api/team/skills) or leave "skill" empty for everyone.`);
    }
  };

  router.get('/team/quick-replies', async (_req, res) => {
    const who = authorize(res, 'team:manage');
    res.json({ quickReplies: await listQuickReplies(deps.db, who.workspaceId) });
  });

  router.post('/team/quick-replies', async (req, res) => {
    const who = authorize(res, 'team:manage');
    const input = parse(QuickReplyInput, req.body, 'quick reply');
    refuseUnknownVariables(input.body);
    const created = await deps.db.transaction(async (tx) => {
      await refuseUnknownSkill(tx, who.workspaceId, input.skill);
      const { rows } = await tx.query<QuickReply>(
        `INSERT INTO canned_responses (workspace_id, shortcut, title, body, skill, created_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace_id, shortcut) DO NOTHING RETURNING id, shortcut, title, body, skill`,
        [who.workspaceId, input.shortcut, input.title, input.body, input.skill, who.type === 'user' ? who.userId : null],
      );
      if (rows[0]) await audit(tx, who, 'quick_reply.created', { type: 'quick_reply', id: rows[0].id, details: { shortcut: input.shortcut } });
      return rows[0];
    });
    if (!created) throw new AppError('conflict', `The shortcut "/${input.shortcut}" is taken; choose another.`);
    res.status(201).json({ quickReply: created });
  });

  router.patch('/team/quick-replies/:shortcut', async (req, res) => {
    const who = authorize(res, 'team:manage');
    const { shortcut } = parse(QuickReplyParams, req.params, 'shortcut');
    const patch = parse(QuickReplyPatch, req.body, 'quick reply');
    refuseUnknownVariables(patch.body);
    try {
      const quickReply = await deps.db.transaction(async (tx) => {
        await refuseUnknownSkill(tx, who.workspaceId, patch.skill);
        const row = await updateQuickReply(tx, who.workspaceId, shortcut, patch);
        if (!row) throw notFound('quick reply', `/${shortcut}`);
        await audit(tx, who, 'quick_reply.changed', { type: 'quick_reply', id: row.id, details: { shortcut, changes: patch } });
        return row;
      });
      res.json({ quickReply });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', `The shortcut "/${patch.shortcut}" is taken; choose another.`);
      throw err;
    }
  });

  router.delete('/team/quick-replies/:shortcut', async (req, res) => {
    const who = authorize(res, 'team:manage');
    const { shortcut } = parse(QuickReplyParams, req.params, 'shortcut');
    const deleted = await deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>('DELETE FROM canned_responses WHERE workspace_id = $1 AND shortcut = $2 RETURNING id', [who.workspaceId, shortcut]);
      if (rows[0]) await audit(tx, who, 'quick_reply.deleted', { type: 'quick_reply', id: rows[0].id, details: { shortcut } });
      return rows[0];
    });
    if (!deleted) throw notFound('quick reply', `/${shortcut}`);
    res.status(204).end();
  });

  router.get('/agent/quick-replies', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent searches quick replies.');
    const { q, conversationId } = parse(QuickReplyQuery, req.query, 'quick-reply search');
    const replies = await findQuickReplies(deps.db, who.workspaceId, who.userId, q ?? '');
    if (!conversationId) return void res.json({ quickReplies: replies });
    const { rows } = await deps.db.query<{ contactName: string | null; contactEmail: string | null; agentName: string | null }>(
      `SELECT ct.name AS "contactName", ct.email AS "contactEmail", (SELECT name FROM users WHERE id = $3) AS "agentName"
         FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1 AND c.workspace_id = $2`,
      [conversationId, who.workspaceId, who.userId],
    );
    if (!rows[0]) throw notFound('conversation', conversationId);
    const values = { 'contact.name': rows[0].contactName, 'contact.email': rows[0].contactEmail, 'agent.name': rows[0].agentName, 'conversation.id': conversationId };
    res.json({ quickReplies: replies.map((r) => ({ ...r, rendered: renderTemplate(r.body, values) })) });
  });

  router.get('/team/agents', async (_req, res) => {
    const who = authorize(res, 'conversations:work');
    res.json({ agents: await listAgents(deps.db, who.workspaceId, timeout) });
  });

  router.put('/team/agents/:userId', async (req, res) => {
    const who = authorize(res, 'team:manage');
    const { userId } = parse(AgentParams, req.params, 'agent id');
    const input = parse(AgentUpdate, req.body, 'agent');
    await deps.db.transaction(async (tx) => {
      await setAgent(tx, who.workspaceId, userId, input);
      await audit(tx, who, 'agent.changed', { type: 'user', id: userId, details: input });
    });
    // More capacity or a new skill can make waiting work theirs now.
    if (input.capacity !== undefined || input.ticketCapacity !== undefined || input.skills) await assignAndAnnounce(deps, who.workspaceId);
    res.json({ agent: (await listAgents(deps.db, who.workspaceId, { ...timeout, userId }))[0] });
  });

  // The console sends a heartbeat every ~20 s; missing a few makes the agent offline (PRESENCE_TIMEOUT_S).
  router.post('/agent/heartbeat', async (_req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent has a presence.');
    const result = await heartbeat(deps.db, who.workspaceId, who.userId, undefined, deps.presenceTimeoutS);
    // Back after missed heartbeats (a closed laptop, a lost connection): online again, so waiting work is theirs.
    if (result.presence === 'online' && result.changed) await assignAndAnnounce(deps, who.workspaceId);
    res.json(result);
  });

  router.put('/agent/presence', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent has a presence.');
    const { status } = parse(PresenceBody, req.body, 'presence');
    const result = await heartbeat(deps.db, who.workspaceId, who.userId, status, deps.presenceTimeoutS);
    // Coming online frees capacity: waiting conversations are assigned at once (to this agent or others).
    if (result.presence === 'online' && result.changed) await assignAndAnnounce(deps, who.workspaceId);
    res.json(result);
  });

  router.get('/agent/me', async (_req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent has a profile.');
    res.json({ agent: (await listAgents(deps.db, who.workspaceId, { ...timeout, userId: who.userId }))[0] ?? null });
  });

  return router;
}
