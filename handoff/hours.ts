// Pure: business hours of a workspace or team — open at an instant?, when does it next open?, a one-line description,
// and the schema that validates them at the edge. The caller passes the instant (no clock here). Local weekday and
// time come from Intl.DateTimeFormat in the IANA time zone, so daylight-saving rules are ICU's, not ours.
// (luxon and dayjs sit in node_modules only as other packages' dependencies, so we do not lean on them.)
import { z } from 'zod';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** 'HH:MM' local time; `close` may be '24:00'. Hours past midnight are two intervals: fri 22:00–24:00, sat 00:00–02:00. */
export type OpeningInterval = { open: string; close: string };
export type BusinessHours = {
  timezone: string;
  weekly: Partial<Record<Weekday, OpeningInterval[]>>;
  /** 'YYYY-MM-DD' dates, in `timezone`, closed all day. */
  holidays?: string[];
};

/** How far ahead nextOpening looks before it gives up. */
const HORIZON_DAYS = 14;
const DAY_MS = 86_400_000;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

// ---------------------------------------------------------------------------------------------------------------
// Local time in a zone

// Intl.DateTimeFormat is costly to build and cheap to reuse: one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

type LocalTime = { year: number; month: number; day: number; weekday: Weekday; minutes: number; seconds: number };

function localTime(timeZone: string, at: number): LocalTime {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(at)) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    weekday: (p.weekday ?? '').toLowerCase().slice(0, 3) as Weekday,
    minutes: (Number(p.hour) % 24) * 60 + Number(p.minute),
    seconds: Number(p.second),
  };
}

const isoDate = (y: number, m: number, d: number): string => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** Milliseconds the zone's wall clock is ahead of UTC at instant `at`. */
function offsetAt(timeZone: string, at: number): number {
  const l = localTime(timeZone, at);
  const wall = Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes, l.seconds);
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a wall-clock time occurs in a zone. A time that occurs twice (clocks going back) is its first
 * occurrence; a time skipped by clocks going forward (02:30 when 02:00 jumps to 03:00) lands as far past the jump
 * (03:30), which is when a shop meant to open at 02:30 actually can.
 */
function instantOf(timeZone: string, year: number, month: number, day: number, minutes: number): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  // Around one wall time the zone has at most two offsets: the one before a change and the one after it.
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const real = [wall - before, wall - after].filter((t, k) => offsetAt(timeZone, t) === (k === 0 ? before : after));
  return real.length > 0 ? Math.min(...real) : wall - before;
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

const intervalsOf = (hours: BusinessHours, day: Weekday): { open: number; close: number }[] =>
  (hours.weekly[day] ?? []).map((i) => ({ open: minutesOf(i.open), close: minutesOf(i.close) })).sort((a, b) => a.open - b.open);

/** Whether `hours` are open at `at`. No hours configured (null/undefined) means always open. */
export function isOpen(hours: BusinessHours | null | undefined, at: Date): boolean {
  if (!hours) return true;
  const l = localTime(hours.timezone, at.getTime());
  if (hours.holidays?.includes(isoDate(l.year, l.month, l.day))) return false;
  return intervalsOf(hours, l.weekday).some((i) => i.open <= l.minutes && l.minutes < i.close);
}

/**
 * The next instant the hours open after `at`; null when open now, when always open (no hours), or when they do not
 * open within 14 days.
 */
export function nextOpening(hours: BusinessHours | null | undefined, at: Date): Date | null {
  if (!hours || isOpen(hours, at)) return null;
  const now = at.getTime();
  const today = localTime(hours.timezone, now);
  const holidays = new Set(hours.holidays ?? []);
  for (let offset = 0; offset <= HORIZON_DAYS; offset++) {
    // Calendar arithmetic on the local date: UTC has no DST, so day + offset is always the right date.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (holidays.has(isoDate(y, m, d))) continue;
    const weekday = WEEKDAYS[(date.getUTCDay() + 6) % 7]!; // getUTCDay: 0 = Sunday
    for (const interval of intervalsOf(hours, weekday)) {
      const opens = instantOf(hours.timezone, y, m, d, interval.open);
      if (opens <= now) continue;
      if (opens - now > HORIZON_DAYS * DAY_MS) return null;
      if (isOpen(hours, new Date(opens))) return new Date(opens);
    }
  }
  return null;
}

/**
 * The instant `minutes` of open time have passed after `start` (SLA targets "in business hours"): time while closed
 * does not count. No hours means every minute counts. Null when the hours do not open again within 14 days of a
 * closed stretch (an SLA can then not be promised).
 */
export function addOpenMinutes(hours: BusinessHours | null | undefined, start: Date, minutes: number): Date | null {
  let at = start.getTime();
  let left = minutes * 60_000;
  if (!hours) return new Date(at + left);
  // Each step either waits for the next opening or spends the rest of the current interval: a week of intervals is
  // a few dozen steps; the bound only stops a runaway.
  for (let step = 0; step < 10_000 && left > 0; step++) {
    if (!isOpen(hours, new Date(at))) {
      const next = nextOpening(hours, new Date(at));
      if (!next) return null;
      at = next.getTime();
      continue;
    }
    const until = closesAt(hours, at);
    const spend = Math.min(left, until - at);
    at += spend;
    left -= spend;
  }
  return left > 0 ? null : new Date(at);
}

/** When the interval open at `at` closes (an instant; intervals that touch, like 22:00–24:00 and 00:00–02:00, are two steps). */
function closesAt(hours: BusinessHours, at: number): number {
  const l = localTime(hours.timezone, at);
  const interval = intervalsOf(hours, l.weekday).find((i) => i.open <= l.minutes && l.minutes < i.close)!;
  // Date.UTC rolls 24:00 over to the next day; a close that a DST change skips lands past the jump.
  const close = instantOf(hours.timezone, l.year, l.month, l.day, interval.close);
  return close > at ? close : at + 60_000;
}

// ---------------------------------------------------------------------------------------------------------------
// Description

const DAY_NAMES: Record<'en' | 'zh', Record<Weekday, string>> = {
  en: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
  zh: { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' },
};
const TEXT = {
  en: { always: 'Open 24/7', closed: 'Closed', allDay: 'all day', range: '–', groups: '; ', holidays: '; closed on holidays', zone: (tz: string) => ` (${tz})` },
  zh: { always: '7×24 小时服务', closed: '暂停服务', allDay: '全天', range: '至', groups: '，', holidays: '；节假日休息', zone: (tz: string) => `（${tz}）` },
} as const;

/** One line for people: "Mon–Fri 09:00–18:00; Sat 10:00–14:00 (Europe/Berlin)", "周一至周五 09:00–18:00（Asia/Shanghai）". */
export function describeHours(hours: BusinessHours | null | undefined, locale: 'en' | 'zh'): string {
  const t = TEXT[locale];
  if (!hours) return t.always;
  const names = DAY_NAMES[locale];
  const timesOf = (day: Weekday): string =>
    intervalsOf(hours, day)
      .map((i) => (i.open === 0 && i.close === 1440 ? t.allDay : `${hhmm(i.open)}–${hhmm(i.close)}`))
      .join(', ');

  const groups: { from: Weekday; to: Weekday; times: string }[] = [];
  for (const day of WEEKDAYS) {
    const times = timesOf(day);
    const last = groups.at(-1);
    if (!times) continue;
    if (last && last.times === times && WEEKDAYS.indexOf(last.to) === WEEKDAYS.indexOf(day) - 1) last.to = day;
    else groups.push({ from: day, to: day, times });
  }
  if (groups.length === 0) return `${t.closed}${t.zone(hours.timezone)}`;
  const text = groups
    .map((g) => `${names[g.from]}${g.to === g.from ? '' : `${t.range}${names[g.to]}`} ${g.times}`)
    .join(t.groups);
  return `${text}${hours.holidays?.length ? t.holidays : ''}${t.zone(hours.timezone)}`;
}

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

// ---------------------------------------------------------------------------------------------------------------
// Schema (for the settings routes and stored config)

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const Time = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, { error: 'Use 24-hour "HH:MM", e.g. "09:00" ("24:00" only as a closing time)' });

const Interval = z
  .object({ open: Time, close: Time })
  .refine((i) => minutesOf(i.open) < minutesOf(i.close), {
    error: '"open" must be before "close". For hours past midnight, split them: fri 22:00–24:00 and sat 00:00–02:00',
    path: ['close'],
  });

const DayIntervals = z
  .array(Interval)
  .max(12)
  .refine(
    (list) => {
      const sorted = list.map((i) => [minutesOf(i.open), minutesOf(i.close)] as const).sort((a, b) => a[0] - b[0]);
      return sorted.every((cur, k) => k === 0 || sorted[k - 1]![1] <= cur[0]);
    },
    { error: 'Intervals on the same day overlap: merge them into one' },
  );

export const BusinessHoursSchema: z.ZodType<BusinessHours> = z.object({
  timezone: z.string().refine(isTimeZone, {
    error: (issue) => `Unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as "Europe/Berlin" or "Asia/Shanghai"`,
  }),
  weekly: z.partialRecord(z.enum(WEEKDAYS), DayIntervals),
  holidays: z.array(z.iso.date({ error: 'Holidays are dates written "YYYY-MM-DD", e.g. "2025-12-25"' })).max(400).optional(),
});
