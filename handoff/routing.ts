// Routing: which skill's queue a conversation joins when it goes to people, and with what priority. Rules are
// evaluated in order (the first whose conditions all hold wins): the bot's reason and the intent it saw (the sensitive
// topic it matched, the tags of the articles it found), the knowledge collections it read, keywords, the contact's
// tier, language and channel. Without a matching rule, the default skill of the knowledge collection the bot was
// looking at, then the workspace's default skill. VIP contacts are prioritised; waiting raises a conversation's
// priority as it goes, and a missed first-response target of its ticket raises it more (queueOrderSql), so nobody
// waits behind newer arrivals forever.
import { z } from 'zod';
import type { Queryable } from '../core/db/index.ts';

/** Waiting time counts as priority: one step per this many minutes in the queue… */
export const AGING_MINUTES = 10;
/** …up to this many steps (below VIP_PRIORITY: waiting alone never puts a conversation before a VIP). */
export const AGING_MAX = 5;
/** A queued conversation whose ticket is past its first-response due time (SLA) gains this many steps. */
export const SLA_OVERDUE_STEPS = 5;
/**
 * SQL: a queued conversation's priority now — the routed priority, plus what its wait has earned, plus
 * SLA_OVERDUE_STEPS when its ticket (opened because nobody could take it) is past its first-response due time:
 * with the longest wait that ranks it with a VIP. `c`: the table alias.
 */
export const effectivePrioritySql = (c: string) =>
  `(${c}.priority + LEAST(floor(extract(epoch FROM now() - ${c}.queued_at) / ${AGING_MINUTES * 60}), ${AGING_MAX})::int
    + CASE WHEN EXISTS (SELECT 1 FROM tickets sla WHERE sla.conversation_id = ${c}.id AND sla.first_responded_at IS NULL
                          AND sla.first_response_due_at <= now() AND sla.status IN ('new', 'open')) THEN ${SLA_OVERDUE_STEPS} ELSE 0 END)`;
/** SQL ORDER BY for the queue: the order assignment takes conversations and positions are counted in. */
export const queueOrderSql = (c: string) => `${effectivePrioritySql(c)} DESC, ${c}.queued_at, ${c}.id`;

export const RuleConditions = z
  .object({
    reasons: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    keywords: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
    tiers: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    languages: z.array(z.string().trim().min(2).max(35)).max(50).optional(),
    channels: z.array(z.enum(['widget', 'api', 'email'])).max(3).optional(),
    // What the customer is about, as the bot saw it: the sensitive topic it matched ("legal", "cancellation") or a tag
    // of the articles it found ("billing", "shipping").
    intents: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    // Knowledge collections (by name) the bot was reading when it handed over.
    collections: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  })
  .strict();
export const RoutingRule = z
  .object({
    name: z.string().trim().min(1).max(100),
    when: RuleConditions.default({}),
    skill: z.string().trim().min(1).max(63).nullable().default(null),
    priority: z.number().int().min(0).max(100).default(0),
  })
  .strict();
export type RoutingRule = z.infer<typeof RoutingRule>;

/**
 * What a rule is matched against. `intents`: the sensitive topic the bot matched and the tags of the articles it found;
 * `collections`: the names of the collections it read (decideRoute fills both from `topic`, `documentIds` and
 * `collectionIds`).
 */
export type RoutingContext = {
  reason: string;
  text: string;
  language: string | null;
  channel: string;
  tier: string | null;
  collectionIds: string[];
  documentIds?: string[];
  topic?: string | null;
  intents?: string[];
  collections?: string[];
};
export type Route = { skill: string | null; priority: number; by: string };

/** Priority for VIP contacts when no rule sets a higher one. */
export const VIP_PRIORITY = 10;

const normalise = (s: string) => s.toLowerCase().normalize('NFKC');

/** Pure: the first rule whose conditions all hold for `ctx`, or null. Keywords match whole words (substrings in CJK). */
export function matchRule(rules: readonly RoutingRule[], ctx: RoutingContext): RoutingRule | null {
  const text = normalise(ctx.text);
  const hasKeyword = (k: string) => {
    const word = normalise(k);
    if (/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u.test(word)) return text.includes(word);
    return new RegExp(`(^|[^\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'u').test(text);
  };
  const inList = (list: string[] | undefined, value: string | null) => !list?.length || (value !== null && list.map(normalise).includes(normalise(value)));
  const overlaps = (list: string[] | undefined, values: string[] | undefined) => !list?.length || (values ?? []).some((v) => inList(list, v));
  for (const rule of rules) {
    const w = rule.when;
    if (!inList(w.reasons, ctx.reason)) continue;
    if (!inList(w.tiers, ctx.tier)) continue;
    if (!inList(w.languages, ctx.language)) continue;
    if (!inList(w.channels, ctx.channel)) continue;
    if (w.keywords?.length && !w.keywords.some(hasKeyword)) continue;
    if (!overlaps(w.intents, ctx.intents)) continue;
    if (!overlaps(w.collections, ctx.collections)) continue;
    return rule;
  }
  return null;
}

export async function loadRules(q: Queryable, workspaceId: string): Promise<RoutingRule[]> {
  const { rows } = await q.query<{ name: string; conditions: RoutingRule['when']; skill: string | null; priority: number }>(
    'SELECT name, conditions, skill, priority FROM routing_rules WHERE workspace_id = $1 ORDER BY position',
    [workspaceId],
  );
  return rows.map((r) => ({ name: r.name, when: r.conditions, skill: r.skill, priority: r.priority }));
}

/** Decides the conversation's skill and priority (see the header). */
export async function decideRoute(q: Queryable, workspaceId: string, ctx: RoutingContext): Promise<Route> {
  const rules = await loadRules(q, workspaceId);
  const wants = (key: 'intents' | 'collections') => rules.some((r) => r.when[key]?.length);
  // Tags and collection names only when some rule looks at them (most workspaces: one query saved per handoff).
  const seen =
    (wants('intents') && ctx.documentIds?.length) || (wants('collections') && ctx.collectionIds.length)
      ? (
          await q.query<{ tags: string[]; collections: string[] }>(
            `SELECT COALESCE((SELECT array_agg(DISTINCT t) FROM documents d, unnest(d.tags) t WHERE d.workspace_id = $1 AND d.id = ANY($2::uuid[])), '{}') AS tags,
                    COALESCE((SELECT array_agg(k.name) FROM kb_collections k WHERE k.workspace_id = $1 AND k.id = ANY($3::uuid[])), '{}') AS collections`,
            [workspaceId, ctx.documentIds ?? [], ctx.collectionIds],
          )
        ).rows[0]!
      : { tags: [], collections: [] };
  const rule = matchRule(rules, {
    ...ctx,
    intents: [...(ctx.topic ? [ctx.topic] : []), ...seen.tags, ...(ctx.intents ?? [])],
    collections: [...seen.collections, ...(ctx.collections ?? [])],
  });
  const vip = ctx.tier !== null && normalise(ctx.tier) === 'vip' ? VIP_PRIORITY : 0;
  if (rule?.skill) return { skill: rule.skill, priority: Math.max(rule.priority, vip), by: `rule: ${rule.name}` };
  const fallback = await q.query<{ skill: string | null; by: string }>(
    `SELECT skill, by FROM (
       SELECT k.default_skill AS skill, 'collection: ' || k.name AS by, 1 AS rank, array_position($2::uuid[], k.id) AS pos
         FROM kb_collections k WHERE k.workspace_id = $1 AND k.id = ANY($2::uuid[]) AND k.default_skill IS NOT NULL
       UNION ALL
       SELECT w.settings->>'defaultSkill', 'workspace default', 2, 0 FROM workspaces w WHERE w.id = $1 AND w.settings ? 'defaultSkill') s
      ORDER BY rank, pos LIMIT 1`,
    [workspaceId, ctx.collectionIds],
  );
  const f = fallback.rows[0];
  return { skill: f?.skill ?? null, priority: Math.max(rule?.priority ?? 0, vip), by: f?.by ?? (rule ? `rule: ${rule.name}` : 'no rule') };
}
