// The QA dashboard's numbers for a period, from the deterministic scorer (every conversation has its grades; the LLM
// judge's are optional): average effective category scores — a person's latest override, else the automated grade —
// per day and subject (bot, agent, conversation), per agent, per skill, per category, with how many scores each
// average covers. Read-only SQL; the route is in qa.routes.ts.
import type { Queryable } from '../../core/db/index.ts';

/** SQL: the effective score of qa_scores row `s` — the latest person's override, else the automated grade. */
export const EFFECTIVE = `COALESCE((SELECT r.score FROM qa_reviews r WHERE r.evaluation_id = s.evaluation_id AND r.category = s.category ORDER BY r.created_at DESC LIMIT 1), s.score)`;

export type Average = { average: number; n: number };
export type QaSummary = {
  from: Date;
  to: Date;
  scorer: 'deterministic';
  /** One row per UTC day and subject that has scores. */
  trend: (Average & { day: string; subject: 'bot' | 'agent' | 'conversation' })[];
  bySubject: (Average & { subject: 'bot' | 'agent' | 'conversation'; evaluations: number })[];
  byAgent: (Average & { agentId: string; agentName: string | null; evaluations: number })[];
  bySkill: (Average & { skill: string | null; evaluations: number })[];
  byCategory: (Average & { category: string; overridden: number })[];
};

/**
 * Averages over qa_scores of deterministic evaluations in workspace `workspaceId` created in [from, to).
 * Only scored categories count (a NULL score — the category did not apply — is left out of averages and counts).
 */
export async function qaSummary(db: Queryable, workspaceId: string, period: { from: Date; to: Date }): Promise<QaSummary> {
  const base = `FROM qa_evaluations e JOIN qa_scores s ON s.evaluation_id = e.id
    WHERE e.workspace_id = $1 AND e.scorer = 'deterministic' AND e.created_at >= $2 AND e.created_at < $3 AND s.score IS NOT NULL`;
  const args = [workspaceId, period.from, period.to];
  const avg = `round(avg(${EFFECTIVE})::numeric, 3)::float8 AS average, count(*)::int AS n`;
  const [trend, bySubject, byAgent, bySkill, byCategory] = await Promise.all([
    db.query(`SELECT to_char(date_trunc('day', e.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, e.subject, ${avg} ${base} GROUP BY 1, 2 ORDER BY 1, 2`, args),
    db.query(`SELECT e.subject, ${avg}, count(DISTINCT e.id)::int AS evaluations ${base} GROUP BY 1 ORDER BY 1`, args),
    db.query(
      `SELECT e.agent_id AS "agentId", u.name AS "agentName", ${avg}, count(DISTINCT e.id)::int AS evaluations
         ${base.replace('JOIN qa_scores s', 'LEFT JOIN users u ON u.id = e.agent_id JOIN qa_scores s')} AND e.agent_id IS NOT NULL
        GROUP BY 1, 2 ORDER BY average, 2`,
      args,
    ),
    db.query(`SELECT e.skill, ${avg}, count(DISTINCT e.id)::int AS evaluations ${base} GROUP BY 1 ORDER BY average, 1 NULLS LAST`, args),
    db.query(
      `SELECT s.category, ${avg},
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM qa_reviews r WHERE r.evaluation_id = s.evaluation_id AND r.category = s.category))::int AS overridden
         ${base} GROUP BY 1 ORDER BY 1`,
      args,
    ),
  ]);
  return {
    ...period,
    scorer: 'deterministic',
    trend: trend.rows as QaSummary['trend'],
    bySubject: bySubject.rows as QaSummary['bySubject'],
    byAgent: byAgent.rows as QaSummary['byAgent'],
    bySkill: bySkill.rows as QaSummary['bySkill'],
    byCategory: byCategory.rows as QaSummary['byCategory'],
  };
}
