// CSAT by who had the conversation: each rating is credited to the agent who had the conversation when it was rated
// (conversations.csat_agent_id, set by the rating route), or to the bot when no agent had it.
import type { Queryable } from '../core/db/index.ts';

export type Distribution = Record<'1' | '2' | '3' | '4' | '5', number>;
export type CsatRow = {
  subject: 'agent' | 'bot';
  /** The agent's user id; null for the bot. */
  agentId: string | null;
  name: string;
  count: number;
  /** Mean score, two decimals; null without ratings. */
  average: number | null;
  distribution: Distribution;
};
export type CsatReport = { from: Date; to: Date; overall: Omit<CsatRow, 'subject' | 'agentId' | 'name'>; rows: CsatRow[] };

const SCORES = ['1', '2', '3', '4', '5'] as const;

/**
 * Ratings given in [from, to): one row per agent with ratings (by name), then the bot's row (always there). A rating
 * from before conversations had csat_at (migration 0005) counts at the conversation's last update.
 */
export async function csatReport(q: Queryable, workspaceId: string, period: { from: Date; to: Date }): Promise<CsatReport> {
  const { rows } = await q.query<{ agentId: string | null; name: string | null; score: number; n: number }>(
    `SELECT c.csat_agent_id AS "agentId", u.name, c.csat AS score, count(*)::int AS n
       FROM conversations c LEFT JOIN users u ON u.id = c.csat_agent_id
      WHERE c.workspace_id = $1 AND c.csat IS NOT NULL AND COALESCE(c.csat_at, c.updated_at) >= $2 AND COALESCE(c.csat_at, c.updated_at) < $3
      GROUP BY c.csat_agent_id, u.name, c.csat`,
    [workspaceId, period.from, period.to],
  );
  const bySubject = new Map<string | null, { name: string | null; counts: Distribution }>();
  for (const r of rows) {
    const entry = bySubject.get(r.agentId) ?? { name: r.name, counts: emptyDistribution() };
    entry.counts[String(r.score) as keyof Distribution] += r.n;
    bySubject.set(r.agentId, entry);
  }
  const agents = [...bySubject.entries()]
    .filter(([id]) => id !== null)
    .map(([agentId, e]) => row('agent', agentId, e.name ?? 'Unknown agent', e.counts))
    .sort((a, b) => a.name.localeCompare(b.name) || a.agentId!.localeCompare(b.agentId!));
  const bot = row('bot', null, 'Bot', bySubject.get(null)?.counts ?? emptyDistribution());
  const total = emptyDistribution();
  for (const e of bySubject.values()) for (const s of SCORES) total[s] += e.counts[s];
  const { subject: _s, agentId: _a, name: _n, ...overall } = row('bot', null, '', total);
  return { from: period.from, to: period.to, overall, rows: [...agents, bot] };
}

const emptyDistribution = (): Distribution => ({ '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 });

function row(subject: CsatRow['subject'], agentId: string | null, name: string, distribution: Distribution): CsatRow {
  const count = SCORES.reduce((n, s) => n + distribution[s], 0);
  const sum = SCORES.reduce((n, s) => n + Number(s) * distribution[s], 0);
  return { subject, agentId, name, count, average: count ? Math.round((sum / count) * 100) / 100 : null, distribution };
}
