// Validation at the edges: zod schemas for HTTP input, job payloads and files. Failures become AppError('invalid_request').
import { z } from 'zod';
import { AppError } from './errors.ts';

export type FieldProblems = { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };

/** Parses `input` or throws invalid_request whose message names each bad field and whose details list them. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const summary = result.error.issues
      .slice(0, 5)
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    // "Invalid <what>: …" reads right for any `what` ("settings", "user id", "SLA policies"), singular or plural.
    const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
    const fix = result.error.issues.length === 1 ? 'Fix it' : 'Fix these';
    throw new AppError('invalid_request', `Invalid ${what}: ${summary}${more}. ${fix} and send again.`, {
      details: z.flattenError(result.error) as FieldProblems,
    });
  }
  return result.data;
}
