// Report periods from query strings: `from` inclusive, `to` exclusive, ISO dates or instants; the last 30 days by
// default. Shared by every report and list that filters by time.
import { z } from 'zod';
import { AppError } from './errors.ts';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
export const Instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'use a date ("2025-06-01") or a date and time with a zone ("2025-06-01T09:00:00Z")' });
export const Period = z.object({ from: Instant.optional(), to: Instant.optional() });

/** `from` inclusive, `to` exclusive — except that a date alone as `to` includes that whole day (UTC). */
export function periodOf(input: { from?: string; to?: string }, now = new Date()): { from: Date; to: Date } {
  const dateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
  const to = input.to ? new Date(dateOnly(input.to) ? Date.parse(`${input.to}T00:00:00Z`) + DAY_MS : Date.parse(input.to)) : now;
  const from = input.from ? new Date(dateOnly(input.from) ? `${input.from}T00:00:00Z` : input.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (from >= to) throw new AppError('invalid_request', `"from" (${from.toISOString()}) must be before "to" (${to.toISOString()}).`);
  return { from, to };
}

