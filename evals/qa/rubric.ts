// QA rubrics: the categories a workspace grades replies on, each with a weight, a description for reviewers and the
// kinds of unit it applies to (a bot reply, an agent reply, the conversation as a whole). The default follows what
// support QA teams score (Zendesk QA, MaestroQA and Klaus scorecards): greeting, empathy, tone, clarity, spelling and
// grammar, accuracy grounded in the knowledge base, resolution, compliance, closing, and response time for people.
import { z } from 'zod';
import type { Queryable } from '../../core/db/index.ts';

export const SUBJECTS = ['bot', 'agent', 'conversation'] as const;
export type Subject = (typeof SUBJECTS)[number];

export const CATEGORY_KEYS = ['greeting', 'empathy', 'tone', 'clarity', 'spelling_grammar', 'accuracy', 'resolution', 'compliance', 'closing', 'response_time'] as const;
export type CategoryKey = (typeof CATEGORY_KEYS)[number];

export type Category = { key: CategoryKey; label: string; description: string; weight: number; appliesTo: Subject[] };
export type Rubric = { categories: Category[] };

export const DEFAULT_RUBRIC: Rubric = {
  categories: [
    { key: 'greeting', label: 'Greeting', description: 'The first reply from a person greets the customer.', weight: 0.5, appliesTo: ['agent', 'conversation'] },
    { key: 'empathy', label: 'Empathy', description: 'A frustrated or worried customer hears that they were understood (an apology, an acknowledgement).', weight: 1, appliesTo: ['bot', 'agent', 'conversation'] },
    { key: 'tone', label: 'Tone', description: 'Polite and calm: no rude words, no shouting, no blame.', weight: 1, appliesTo: ['bot', 'agent'] },
    { key: 'clarity', label: 'Clarity', description: 'Short, plain sentences the customer can follow; steps rather than walls of text.', weight: 1, appliesTo: ['bot', 'agent'] },
    { key: 'spelling_grammar', label: 'Spelling and grammar', description: 'No misspelt words, doubled words or sentences without a capital.', weight: 0.5, appliesTo: ['bot', 'agent'] },
    { key: 'accuracy', label: 'Accuracy', description: 'What the reply states is backed by the knowledge base (facts, numbers, links).', weight: 2, appliesTo: ['bot', 'agent'] },
    { key: 'resolution', label: 'Resolution', description: 'The reply addresses what the customer asked; the conversation ends with the problem solved.', weight: 2, appliesTo: ['bot', 'agent', 'conversation'] },
    { key: 'compliance', label: 'Compliance', description: 'No personal data repeated back (card, ID, IBAN numbers), no promises outside policy.', weight: 2, appliesTo: ['bot', 'agent'] },
    { key: 'closing', label: 'Closing', description: 'The last reply from a person offers more help or closes politely.', weight: 0.5, appliesTo: ['agent', 'conversation'] },
    { key: 'response_time', label: 'Response time', description: 'People reply within the SLA targets (first and next response).', weight: 1, appliesTo: ['agent', 'conversation'] },
  ],
};

export const RubricSchema = z
  .object({
    categories: z
      .array(
        z
          .object({
            key: z.enum(CATEGORY_KEYS, { error: `a category key is one of ${CATEGORY_KEYS.join(', ')} (the scorers know these)` }),
            label: z.string().trim().min(1).max(80),
            description: z.string().trim().max(1000).default(''),
            weight: z.number().min(0, 'weights are 0 (off) or more').max(10),
            appliesTo: z.array(z.enum(SUBJECTS)).min(1, 'say what the category applies to: bot, agent and/or conversation'),
          })
          .strict(),
      )
      .min(1, 'a rubric needs at least one category')
      .refine((cs) => new Set(cs.map((c) => c.key)).size === cs.length, { error: 'each category appears once' })
      .refine((cs) => cs.some((c) => c.weight > 0), { error: 'at least one category needs a weight above 0' }),
  })
  .strict();

/** The workspace's rubric (settings.qaRubric), else the default. */
export async function loadRubric(q: Queryable, workspaceId: string): Promise<Rubric> {
  const { rows } = await q.query<{ rubric: unknown }>(`SELECT settings->'qaRubric' AS rubric FROM workspaces WHERE id = $1`, [workspaceId]);
  const parsed = RubricSchema.safeParse(rows[0]?.rubric);
  return parsed.success ? parsed.data : DEFAULT_RUBRIC;
}

export async function saveRubric(q: Queryable, workspaceId: string, rubric: Rubric): Promise<void> {
  await q.query(`UPDATE workspaces SET settings = settings || jsonb_build_object('qaRubric', $2::jsonb) WHERE id = $1`, [workspaceId, JSON.stringify(rubric)]);
}

/** Weighted mean of the applicable scores (1–5) as a share 0–1; null when nothing applied. */
export function overallScore(rubric: Rubric, scores: Partial<Record<CategoryKey, number | null>>): number | null {
  let sum = 0;
  let weights = 0;
  for (const c of rubric.categories) {
    const s = scores[c.key];
    if (s === null || s === undefined || c.weight === 0) continue;
    sum += c.weight * ((s - 1) / 4);
    weights += c.weight;
  }
  return weights === 0 ? null : sum / weights;
}
