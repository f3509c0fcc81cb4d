// QA over HTTP. QA leads and supervisors (qa:review): the rubric, the grades with filters (agent, skill, period,
// category; lowest first), a conversation with its grades, overrides with a comment, disputes to settle, and how far
// the automated grades agree with their own reviews. Agents (conversations:work): their own grades, and disputes.
// A person's override is the grade that counts: every list shows the effective score (the latest override, else the
// automated one) beside the automated one.
import { Router } from 'express';
import { z } from 'zod';
import { authorize, can, type Principal } from '../../core/access.ts';
import type { Queryable } from '../../core/db/index.ts';
import { audit } from '../../core/audit.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { Period, periodOf } from '../../core/period.ts';
import { parse } from '../../core/validate.ts';
import { listMessages } from '../../conversations/index.ts';
import { correlation, describeKappa, weightedKappa } from './agreement.ts';
import { gradeConversation, refreshOverall, type QaDeps } from './grade.ts';
import { CATEGORY_KEYS, loadRubric, RubricSchema, saveRubric } from './rubric.ts';
import { EFFECTIVE, qaSummary } from './summary.ts';

const Category = z.enum(CATEGORY_KEYS, { error: `category is one of ${CATEGORY_KEYS.join(', ')}` });
const Score = z.number({ error: 'score is a number from 1 to 5' }).min(1, 'score is 1 to 5').max(5, 'score is 1 to 5');
const ListQuery = Period.extend({
  agentId: z.uuid('agentId must be a UUID').optional(),
  skill: z.string().trim().min(1).max(63).optional(),
  subject: z.enum(['bot', 'agent', 'conversation']).optional(),
  category: Category.optional(),
  scorer: z.enum(['deterministic', 'llm']).default('deterministic'),
  sort: z.enum(['lowest', 'newest']).default('lowest'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
}).strict();
const EvaluationParams = z.object({ evaluationId: z.uuid('evaluationId must be a UUID') });
const ConversationParams = z.object({ conversationId: z.uuid('conversationId must be a UUID') });
const DisputeParams = z.object({ disputeId: z.uuid('disputeId must be a UUID') });
const ReviewBody = z.object({ category: Category, score: Score, comment: z.string().trim().min(1, 'say why: a comment is required with an override').max(4000) }).strict();
const DisputeBody = z.object({ category: Category, reason: z.string().trim().min(1, 'say why you disagree').max(4000) }).strict();
const SettleBody = z
  .object({ status: z.enum(['accepted', 'rejected'], { error: 'status is accepted or rejected' }), resolution: z.string().trim().min(1, 'explain the decision to the agent').max(4000), score: Score.optional() })
  .strict()
  .refine((b) => b.status === 'accepted' || b.score === undefined, { error: 'a rejected dispute keeps the grade: leave "score" out' });
const DisputeQuery = z.object({ status: z.enum(['open', 'accepted', 'rejected']).optional() }).strict();
const GradeBody = z.object({ conversationId: z.uuid('conversationId must be a UUID') }).strict();

const EVALUATION = `e.id, e.conversation_id AS "conversationId", e.message_id AS "messageId", e.subject, e.agent_id AS "agentId", u.name AS "agentName",
  e.skill, e.scorer, e.scorer_version AS "scorerVersion", e.overall, e.created_at AS "createdAt",
  (SELECT jsonb_agg(jsonb_build_object('category', s.category, 'score', s.score, 'effective', ${EFFECTIVE}, 'rationale', s.rationale,
          'overridden', EXISTS (SELECT 1 FROM qa_reviews r WHERE r.evaluation_id = s.evaluation_id AND r.category = s.category)) ORDER BY s.category)
     FROM qa_scores s WHERE s.evaluation_id = e.id) AS scores`;

export function qaRoutes(deps: QaDeps): Router {
  const router = Router();

  router.get('/qa/rubric', async (_req, res) => {
    const who = authorize(res, 'conversations:work', 'qa:review');
    res.json({ rubric: await loadRubric(deps.db, who.workspaceId) });
  });

  router.put('/qa/rubric', async (req, res) => {
    const who = authorize(res, 'qa:review');
    const rubric = parse(RubricSchema, req.body, 'rubric');
    await deps.db.transaction(async (tx) => {
      await saveRubric(tx, who.workspaceId, rubric);
      await audit(tx, who, 'qa.rubric_updated', { type: 'workspace', id: who.workspaceId, details: { categories: rubric.categories.map((c) => c.key) } });
    });
    res.json({ rubric });
  });

  // Grades, lowest first by default (by the chosen category's effective score, else overall).
  router.get('/qa/evaluations', async (req, res) => {
    const who = authorize(res, 'qa:review');
    const q = parse(ListQuery, req.query, 'grade filter');
    const period = periodOf(q);
    res.json({ evaluations: await listEvaluations(deps, who.workspaceId, { ...q, ...period }) });
  });

  // The dashboard: average effective scores per day and subject, per agent, skill and category (deterministic scorer).
  router.get('/qa/summary', async (req, res) => {
    const who = authorize(res, 'qa:review');
    const range = parse(Period.strict(), req.query, 'period');
    res.json(await qaSummary(deps.db, who.workspaceId, periodOf(range)));
  });

  // An agent's own grades (every scorer), with the averages per category.
  router.get('/qa/mine', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only a signed-in agent has grades of their own.');
    const q = parse(ListQuery.omit({ agentId: true }), req.query, 'grade filter');
    const period = periodOf(q);
    const evaluations = await listEvaluations(deps, who.workspaceId, { ...q, ...period, agentId: who.userId });
    const { rows: averages } = await deps.db.query<{ category: string; average: number; n: number }>(
      `SELECT s.category, avg(${EFFECTIVE})::real AS average, count(${EFFECTIVE})::int AS n
         FROM qa_evaluations e JOIN qa_scores s ON s.evaluation_id = e.id
        WHERE e.workspace_id = $1 AND e.agent_id = $2 AND e.scorer = $3 AND e.created_at >= $4 AND e.created_at < $5
        GROUP BY s.category ORDER BY s.category`,
      [who.workspaceId, who.userId, q.scorer, period.from, period.to],
    );
    res.json({ evaluations, averages: averages.filter((a) => a.n > 0) });
  });

  // A conversation with every grade, override and dispute: the review screen.
  router.get('/qa/conversations/:conversationId', async (req, res) => {
    const who = authorize(res, 'conversations:work', 'qa:review');
    const { conversationId } = parse(ConversationParams, req.params, 'conversation id');
    const own = !canReview(who) && who.type === 'user' ? who.userId : null;
    const { rows: evaluations } = await deps.db.query(
      `SELECT ${EVALUATION},
              (SELECT jsonb_agg(jsonb_build_object('id', r.id, 'category', r.category, 'score', r.score, 'comment', r.comment, 'reviewerId', r.reviewer_id, 'createdAt', r.created_at) ORDER BY r.created_at)
                 FROM qa_reviews r WHERE r.evaluation_id = e.id) AS reviews,
              (SELECT jsonb_agg(jsonb_build_object('id', d.id, 'category', d.category, 'reason', d.reason, 'status', d.status, 'resolution', d.resolution, 'createdAt', d.created_at) ORDER BY d.created_at)
                 FROM qa_disputes d WHERE d.evaluation_id = e.id) AS disputes
         FROM qa_evaluations e LEFT JOIN users u ON u.id = e.agent_id
        WHERE e.workspace_id = $1 AND e.conversation_id = $2 AND ($3::uuid IS NULL OR e.agent_id = $3)
        ORDER BY e.message_id IS NULL, e.created_at, e.scorer`,
      [who.workspaceId, conversationId, own],
    );
    if (evaluations.length === 0) {
      const exists = await deps.db.query('SELECT 1 FROM conversations WHERE id = $1 AND workspace_id = $2', [conversationId, who.workspaceId]);
      if (!exists.rows[0]) throw notFound('conversation', conversationId);
    }
    const messages = own ? [] : await listMessages(deps.db, conversationId, { includePrivate: true });
    res.json({ conversationId, messages, evaluations });
  });

  router.post('/qa/evaluations/:evaluationId/reviews', async (req, res) => {
    const who = authorize(res, 'qa:review');
    const { evaluationId } = parse(EvaluationParams, req.params, 'evaluation id');
    const input = parse(ReviewBody, req.body, 'review');
    const review = await deps.db.transaction(async (tx) => {
      await categoryOf(tx, who.workspaceId, evaluationId, input.category);
      const { rows } = await tx.query(
        `INSERT INTO qa_reviews (evaluation_id, category, score, comment, reviewer_id) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, evaluation_id AS "evaluationId", category, score, comment, reviewer_id AS "reviewerId", created_at AS "createdAt"`,
        [evaluationId, input.category, input.score, input.comment, who.type === 'user' ? who.userId : null],
      );
      await audit(tx, who, 'qa.score_overridden', { type: 'qa_evaluation', id: evaluationId, details: { category: input.category, score: input.score } });
      return { ...rows[0], overall: await refreshOverall(tx, who.workspaceId, evaluationId) };
    });
    res.status(201).json({ review });
  });

  // An agent disputes a grade of their own work.
  router.post('/qa/evaluations/:evaluationId/disputes', async (req, res) => {
    const who = authorize(res, 'conversations:work');
    if (who.type !== 'user') throw new AppError('forbidden', 'Only the agent who was graded can dispute a grade.');
    const { evaluationId } = parse(EvaluationParams, req.params, 'evaluation id');
    const input = parse(DisputeBody, req.body, 'dispute');
    const dispute = await deps.db.transaction(async (tx) => {
      const agentId = await categoryOf(tx, who.workspaceId, evaluationId, input.category);
      if (agentId !== who.userId) throw new AppError('forbidden', 'You can dispute only grades of your own replies and conversations.');
      const { rows } = await tx.query(
        `INSERT INTO qa_disputes (evaluation_id, category, agent_id, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
         RETURNING id, evaluation_id AS "evaluationId", category, reason, status, created_at AS "createdAt"`,
        [evaluationId, input.category, who.userId, input.reason],
      );
      if (!rows[0]) throw new AppError('conflict', `You already have an open dispute about ${input.category} on this grade; a QA lead will settle it.`);
      return rows[0];
    });
    res.status(201).json({ dispute });
  });

  router.get('/qa/disputes', async (req, res) => {
    const who = authorize(res, 'qa:review');
    const { status } = parse(DisputeQuery, req.query, 'dispute filter');
    const { rows } = await deps.db.query(
      `SELECT d.id, d.evaluation_id AS "evaluationId", e.conversation_id AS "conversationId", d.category, d.agent_id AS "agentId", u.name AS "agentName",
              d.reason, d.status, d.resolution, d.created_at AS "createdAt", d.resolved_at AS "resolvedAt"
         FROM qa_disputes d JOIN qa_evaluations e ON e.id = d.evaluation_id LEFT JOIN users u ON u.id = d.agent_id
        WHERE e.workspace_id = $1 AND ($2::text IS NULL OR d.status = $2) ORDER BY d.created_at`,
      [who.workspaceId, status ?? null],
    );
    res.json({ disputes: rows });
  });

  // Settle a dispute; accepting it with a score overrides the grade.
  router.patch('/qa/disputes/:disputeId', async (req, res) => {
    const who = authorize(res, 'qa:review');
    const { disputeId } = parse(DisputeParams, req.params, 'dispute id');
    const input = parse(SettleBody, req.body, 'decision');
    const dispute = await deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; evaluation_id: string; category: string; status: string }>(
        `SELECT d.id, d.evaluation_id, d.category, d.status FROM qa_disputes d JOIN qa_evaluations e ON e.id = d.evaluation_id WHERE d.id = $1 AND e.workspace_id = $2 FOR UPDATE OF d`,
        [disputeId, who.workspaceId],
      );
      const d = rows[0];
      if (!d) throw notFound('dispute', disputeId);
      if (d.status !== 'open') throw new AppError('conflict', `This dispute was already ${d.status}.`);
      const reviewer = who.type === 'user' ? who.userId : null;
      if (input.score !== undefined) {
        await tx.query('INSERT INTO qa_reviews (evaluation_id, category, score, comment, reviewer_id) VALUES ($1, $2, $3, $4, $5)', [d.evaluation_id, d.category, input.score, input.resolution, reviewer]);
        await refreshOverall(tx, who.workspaceId, d.evaluation_id);
      }
      const updated = await tx.query(
        `UPDATE qa_disputes SET status = $2, resolution = $3, resolved_by = $4, resolved_at = now() WHERE id = $1
         RETURNING id, evaluation_id AS "evaluationId", category, reason, status, resolution, resolved_at AS "resolvedAt"`,
        [disputeId, input.status, input.resolution, reviewer],
      );
      await audit(tx, who, `qa.dispute_${input.status}`, { type: 'qa_dispute', id: disputeId, details: { category: d.category, score: input.score ?? null } });
      return updated.rows[0];
    });
    res.json({ dispute });
  });

  // How far the automated grades agree with people's overrides, per category (weighted kappa and Spearman).
  router.get('/qa/agreement', async (req, res) => {
    const who = authorize(res, 'qa:review');
    const { scorer, ...range } = parse(Period.extend({ scorer: z.enum(['deterministic', 'llm']).default('deterministic') }).strict(), req.query, 'period');
    const period = periodOf(range);
    const { rows } = await deps.db.query<{ category: string; auto: number; human: number }>(
      `SELECT s.category, s.score AS auto,
              (SELECT r.score FROM qa_reviews r WHERE r.evaluation_id = s.evaluation_id AND r.category = s.category ORDER BY r.created_at DESC LIMIT 1) AS human
         FROM qa_scores s JOIN qa_evaluations e ON e.id = s.evaluation_id
        WHERE e.workspace_id = $1 AND e.scorer = $2 AND e.created_at >= $3 AND e.created_at < $4 AND s.score IS NOT NULL
          AND EXISTS (SELECT 1 FROM qa_reviews r WHERE r.evaluation_id = s.evaluation_id AND r.category = s.category)`,
      [who.workspaceId, scorer, period.from, period.to],
    );
    const categories = CATEGORY_KEYS.map((category) => {
      const pairs = rows.filter((r) => r.category === category);
      const auto = pairs.map((p) => p.auto);
      const human = pairs.map((p) => p.human);
      const kappa = weightedKappa(auto, human);
      const c = pairs.length >= 3 ? correlation(auto, human, { resamples: 500 }) : null;
      const exact = pairs.filter((p) => Math.round(p.auto) === Math.round(p.human)).length;
      return {
        category,
        reviews: pairs.length,
        kappa: Number.isFinite(kappa) ? kappa : null,
        agreement: describeKappa(kappa),
        spearman: c && Number.isFinite(c.rho) ? { rho: c.rho, ci: c.ci } : null,
        exactMatch: pairs.length ? exact / pairs.length : null,
      };
    });
    res.json({ scorer, from: period.from, to: period.to, categories });
  });

  // Grade one conversation now (QA leads re-checking; the job grades every resolved conversation on its own).
  router.post('/qa/grade', async (req, res) => {
    const who = authorize(res, 'qa:review');
    const { conversationId } = parse(GradeBody, req.body, 'grade request');
    const { rows } = await deps.db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1 AND workspace_id = $2', [conversationId, who.workspaceId]);
    if (!rows[0]) throw notFound('conversation', conversationId);
    if (rows[0].status !== 'resolved') throw new AppError('invalid_transition', `Only resolved conversations are graded; this one is ${rows[0].status}.`);
    res.json(await gradeConversation(deps, conversationId));
  });

  return router;
}

const canReview = (who: Principal) => can(who, 'qa:review');

/** The evaluation's graded agent, after checking it exists here and has the category. */
async function categoryOf(q: Queryable, workspaceId: string, evaluationId: string, category: string): Promise<string | null> {
  const { rows } = await q.query<{ agent_id: string | null; has: boolean }>(
    `SELECT e.agent_id, EXISTS (SELECT 1 FROM qa_scores s WHERE s.evaluation_id = e.id AND s.category = $3 AND s.score IS NOT NULL) AS has
       FROM qa_evaluations e WHERE e.id = $1 AND e.workspace_id = $2`,
    [evaluationId, workspaceId, category],
  );
  if (!rows[0]) throw notFound('evaluation', evaluationId);
  if (!rows[0].has) throw new AppError('invalid_request', `This grade has no "${category}" score (the category did not apply or is not in the rubric); pick one of its graded categories.`);
  return rows[0].agent_id;
}

type ListFilter = { agentId?: string; skill?: string; subject?: string; category?: string; scorer: string; sort: 'lowest' | 'newest'; limit: number; offset: number; from: Date; to: Date };

async function listEvaluations(deps: QaDeps, workspaceId: string, f: ListFilter) {
  const sortKey = f.category ? `(SELECT ${EFFECTIVE} FROM qa_scores s WHERE s.evaluation_id = e.id AND s.category = $6)` : 'e.overall';
  const { rows } = await deps.db.query(
    `SELECT ${EVALUATION}
       FROM qa_evaluations e LEFT JOIN users u ON u.id = e.agent_id
      WHERE e.workspace_id = $1 AND e.scorer = $2 AND e.created_at >= $3 AND e.created_at < $4
        AND ($5::uuid IS NULL OR e.agent_id = $5)
        AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM qa_scores s WHERE s.evaluation_id = e.id AND s.category = $6 AND s.score IS NOT NULL))
        AND ($7::text IS NULL OR e.skill = $7)
        AND ($8::text IS NULL OR e.subject = $8)
      ORDER BY ${f.sort === 'lowest' ? `${sortKey} ASC NULLS LAST` : 'e.created_at DESC'}, e.created_at DESC, e.id
      LIMIT $9 OFFSET $10`,
    [workspaceId, f.scorer, f.from, f.to, f.agentId ?? null, f.category ?? null, f.skill ?? null, f.subject ?? null, f.limit, f.offset],
  );
  return rows;
}
