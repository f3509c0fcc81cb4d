// Pure: the business-hours form's draft (what the inputs hold, half-typed included) and its conversion to and from the
// API's BusinessHours (handoff/hours.ts), plus a one-line summary. A time input cannot show "24:00", so midnight as a
// closing time is 00:00 in the form and "24:00" in the API.
import type { BusinessHours, Interval } from './shared.tsx';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof DAYS)[number];
export const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
export const DAY_SHORT: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** One weekday in the form: open or closed, and its intervals (kept while closed, so unticking and ticking loses nothing). */
export type DayDraft = { open: boolean; intervals: Interval[] };
export type HoursDraft = { timezone: string; days: Record<Weekday, DayDraft>; holidays: string[] };

export const NINE_TO_FIVE: Interval = { open: '09:00', close: '17:00' };
// A time input cannot show "24:00": the form shows midnight as a closing time of 00:00 and sends it as "24:00".
const toInput = (close: string) => (close === '24:00' ? '00:00' : close);
const fromInput = (close: string) => (close === '00:00' ? '24:00' : close);
const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The form's draft of `h`; without hours, a Monday-to-Friday 09:00–17:00 week in the browser's time zone to start from. */
export function hoursDraft(h: BusinessHours | null | undefined): HoursDraft {
  const days = Object.fromEntries(
    DAYS.map((d) => {
      const list = h?.weekly[d] ?? [];
      return [d, list.length ? { open: true, intervals: list.map((i) => ({ open: i.open, close: toInput(i.close) })) } : { open: !h && d !== 'sat' && d !== 'sun', intervals: [{ ...NINE_TO_FIVE }] }];
    }),
  ) as Record<Weekday, DayDraft>;
  return { timezone: h?.timezone ?? browserZone(), days, holidays: [...(h?.holidays ?? [])] };
}

/** What the API takes: open days with their intervals in time order; blank holiday rows left out. */
export function hoursFromDraft(d: HoursDraft): BusinessHours {
  const weekly: BusinessHours['weekly'] = {};
  for (const day of DAYS) {
    const { open, intervals } = d.days[day];
    if (open && intervals.length) weekly[day] = intervals.map((i) => ({ open: i.open, close: fromInput(i.close) })).sort((a, b) => a.open.localeCompare(b.open));
  }
  return { timezone: d.timezone.trim(), weekly, holidays: d.holidays.map((x) => x.trim()).filter(Boolean) };
}

/** "Mon–Fri 09:00–12:00, 13:00–17:00; Sat 10:00–14:00 (Europe/Berlin)": consecutive days with the same hours joined. */
export function hoursSummary(h: BusinessHours): string {
  const text = (d: Weekday) => (h.weekly[d] ?? []).map((i) => `${i.open}–${i.close}`).join(', ');
  const parts: string[] = [];
  for (let i = 0; i < DAYS.length; ) {
    const t = text(DAYS[i]!);
    let j = i;
    while (j + 1 < DAYS.length && text(DAYS[j + 1]!) === t) j++;
    if (t) parts.push(`${DAY_SHORT[DAYS[i]!]}${j > i ? `–${DAY_SHORT[DAYS[j]!]}` : ''} ${t}`);
    i = j + 1;
  }
  const holidays = h.holidays?.length ? `; ${h.holidays.length} holiday${h.holidays.length === 1 ? '' : 's'}` : '';
  return `${parts.length ? parts.join('; ') : 'closed every day'} (${h.timezone})${holidays}`;
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const closing = (t: string) => (t === '00:00' ? 24 * 60 : minutes(t)); // a closing 00:00 is midnight

/** An interval an hour after `last` ends, as long as `last` was (at most to 24:00). */
export function laterInterval(last: Interval): Interval {
  const start = Math.min(closing(last.close) + 60, 23 * 60);
  const length = Math.max(60, closing(last.close) - minutes(last.open));
  return { open: hhmm(start), close: toInput(hhmm(Math.min(start + length, 24 * 60))) };
}
