// Reads eval datasets (`<name>.kb.jsonl`, `<name>.cases.jsonl`; format in ../shared/datasets/README.md) from any
// source, not only ours: every line is validated with zod and every bad line is reported with its number, so a
// foreign file fails with one clear list instead of a crash halfway through a run. Unknown extra fields are fine.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';

// "is missing" for an absent field, else what the field must be: messages a person fixing the file can act on.
const must = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is missing' : `must be ${what}`) });
const Id = z.union([z.string().trim().min(1, 'must not be empty'), z.number()], must('a string or a number')).transform(String);

/** One knowledge document: `{"id","title","text","url"?,"meta"?}`. */
export const KbLine = z.object({
  id: Id,
  title: z.string(must('a string')).default(''),
  text: z.string(must('a string')).refine((t) => t.trim() !== '', 'is empty: a document needs text'),
  url: z.string().nullish().transform((u) => u ?? undefined),
  meta: z.unknown().optional(),
});
export type KbLine = z.infer<typeof KbLine>;

/** One case: `{"id","question","gold_doc_ids":[…],"gold_answer"?,"in_scope","intent"?,"history"?,"meta"?}`. */
export const CaseLine = z.object({
  id: Id,
  question: z.string(must('a string')).refine((q) => q.trim() !== '', 'is empty'),
  gold_doc_ids: z.array(Id, must('an array of document ids (may be empty)')),
  gold_answer: z.string().nullish().transform((a) => (a?.trim() ? a : undefined)),
  in_scope: z.boolean(must('true or false')),
  intent: z.string().nullish().transform((i) => i ?? undefined),
  history: z
    .array(z.object({ role: z.enum(['user', 'agent'], 'must be "user" or "agent"'), text: z.string() }), 'must be an array of {role, text}')
    .nullish()
    .transform((h) => h ?? []),
  meta: z.unknown().optional(),
});
export type CaseLine = z.infer<typeof CaseLine>;

export type LineError = { line: number; message: string };

/**
 * Validates JSONL text line by line. Blank lines are skipped; ids must be unique within the file.
 * Returns the rows and every problem found (never throws), so callers can list them all.
 */
export function parseJsonl<S extends typeof KbLine | typeof CaseLine>(text: string, schema: S): { rows: z.output<S>[]; errors: LineError[] } {
  const rows: z.output<S>[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, number>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = i + 1;
    if (!raw.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      errors.push({ line, message: `not valid JSON (${(err as Error).message})` });
      continue;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((is) => (is.path.length ? `"${is.path.join('.')}" ${is.message}` : is.message));
      errors.push({ line, message: issues.join('; ') });
      continue;
    }
    const row = parsed.data as z.output<S>;
    const first = seen.get(row.id);
    if (first !== undefined) {
      errors.push({ line, message: `duplicate id "${row.id}" (first on line ${first})` });
      continue;
    }
    seen.set(row.id, line);
    rows.push(row);
  }
  return { rows, errors };
}

const SHOWN = 20;

/** Reads and validates a dataset file; any bad line (or an empty file) is an AppError listing them, with line numbers. */
export async function readDataset<S extends typeof KbLine | typeof CaseLine>(file: string, schema: S): Promise<z.output<S>[]> {
  const what = schema === KbLine ? 'knowledge base' : 'cases';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AppError('invalid_request', `Cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Check the path.`);
  }
  const { rows, errors } = parseJsonl(text, schema);
  if (errors.length) {
    const listed = errors.slice(0, SHOWN).map((e) => `  ${file}:${e.line}: ${e.message}`);
    if (errors.length > SHOWN) listed.push(`  … and ${errors.length - SHOWN} more`);
    const format =
      schema === KbLine
        ? '{"id","title","text","url"?}'
        : '{"id","question","gold_doc_ids":[…],"gold_answer"?,"in_scope":true|false,"intent"?,"history"?:[{"role":"user"|"agent","text"}]}';
    throw new AppError('invalid_request', `${errors.length} bad line(s) in the ${what} file; each line must be ${format}:\n${listed.join('\n')}`, { details: errors });
  }
  if (rows.length === 0) throw new AppError('invalid_request', `The ${what} file ${file} has no rows.`);
  return rows;
}
