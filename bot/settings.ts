// A workspace's bot settings (workspaces.settings, edited through PATCH /api/admin/settings), with the server's
// defaults for what a workspace has not set, and whether people are available now (business hours).
import { BusinessHoursSchema, describeHours, isOpen, nextOpening } from '../handoff/index.ts';
import { formatWhen } from './messages.ts';
import type { BotSettings, BusinessHoursState } from './pipeline.ts';
import { DEFAULT_SENSITIVE_TOPICS, type SensitiveTopic } from './signals.ts';

export type BotDefaults = { answerThreshold: number; clarifyThreshold: number };

export function loadBotSettings(raw: Record<string, unknown> | null | undefined, defaults: BotDefaults): BotSettings {
  const s = raw ?? {};
  const num = (v: unknown, d: number) => (typeof v === 'number' && v >= 0 && v <= 1 ? v : d);
  const answerThreshold = num(s.botAnswerThreshold, defaults.answerThreshold);
  return {
    answerThreshold,
    clarifyThreshold: Math.min(num(s.botClarifyThreshold, defaults.clarifyThreshold), answerThreshold),
    sensitiveTopics: Array.isArray(s.sensitiveTopics) ? (s.sensitiveTopics as SensitiveTopic[]) : [...DEFAULT_SENSITIVE_TOPICS],
  };
}

/** Open now, or when people are back (formatted in the workspace's time zone) and the hours in words. */
export function businessHoursState(raw: Record<string, unknown> | null | undefined, now: Date, language: string | null): BusinessHoursState {
  const parsed = BusinessHoursSchema.safeParse(raw?.businessHours);
  if (!parsed.success) return { open: true, opensAt: null, description: null }; // no hours set: always open
  const hours = parsed.data;
  if (isOpen(hours, now)) return { open: true, opensAt: null, description: null, timezone: hours.timezone };
  const next = nextOpening(hours, now);
  const locale = language === 'zh' ? 'zh' : 'en';
  return { open: false, opensAt: next ? formatWhen(next, hours.timezone, locale) : null, description: describeHours(hours, locale), timezone: hours.timezone };
}
