// The business-hours editor the workspace (Business hours tab) and each skill (Skills tab, "own hours") share: a time
// zone, any number of opening intervals per weekday (split shifts: 09:00–12:00 and 13:00–17:00) and holidays. It keeps
// a draft the inputs can hold half-typed, and turns it into the API's BusinessHours (handoff/hours.ts) on save; the
// API checks it (overlaps, open before close, known time zone) and its message is shown under the form.
import type { BusinessHours, Interval } from './shared.tsx';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof DAYS)[number];
export const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
const DAY_SHORT: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** One weekday in the form: open or closed, and its intervals (kept while closed, so unticking and ticking loses nothing). */
export type DayDraft = { open: boolean; intervals: Interval[] };
export type HoursDraft = { timezone: string; days: Record<Weekday, DayDraft>; holidays: string[] };

const NINE_TO_FIVE: Interval = { open: '09:00', close: '17:00' };
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

let zones: string[] | null = null;
const timeZones = (): string[] => (zones ??= typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);

/** The fields of a business-hours form; `id` keeps the ids of two editors on one page apart. */
export function HoursFields(props: { id: string; draft: HoursDraft; onChange: (d: HoursDraft) => void; disabled?: boolean }) {
  const { draft, onChange } = props;
  const setDay = (d: Weekday, patch: Partial<DayDraft>) => onChange({ ...draft, days: { ...draft.days, [d]: { ...draft.days[d], ...patch } } });
  const setInterval = (d: Weekday, k: number, patch: Partial<Interval>) => setDay(d, { intervals: draft.days[d].intervals.map((x, i) => (i === k ? { ...x, ...patch } : x)) });
  const addInterval = (d: Weekday) => {
    const list = draft.days[d].intervals;
    const last = list[list.length - 1];
    // A second shift starts where the first ends, an hour later, so the new row is rarely an overlap to fix.
    const next = last ? laterInterval(last) : { ...NINE_TO_FIVE };
    setDay(d, { open: true, intervals: [...list, next] });
  };
  const toggle = (d: Weekday, open: boolean) => setDay(d, { open, intervals: open && !draft.days[d].intervals.length ? [{ ...NINE_TO_FIVE }] : draft.days[d].intervals });
  return (
    <fieldset class="form hours-fields" disabled={props.disabled}>
      <label>
        Time zone (IANA name)
        <input list={`${props.id}-zones`} value={draft.timezone} onInput={(e) => onChange({ ...draft, timezone: e.currentTarget.value })} style={{ maxWidth: '260px' }} />
        <datalist id={`${props.id}-zones`}>
          {timeZones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </label>
      <table class="hours-table">
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Open</th>
            <th scope="col">Hours — add more for split shifts; closing at 00:00 (12:00 AM) means midnight</th>
          </tr>
        </thead>
        <tbody>
          {DAYS.map((d) => {
            const day = draft.days[d];
            return (
              <tr key={d} class={day.open ? undefined : 'closed'}>
                <th scope="row">{DAY_NAMES[d]}</th>
                <td>
                  <input type="checkbox" aria-label={`Open on ${DAY_NAMES[d]}`} checked={day.open} onChange={(e) => toggle(d, e.currentTarget.checked)} />
                </td>
                <td>
                  {day.open ? (
                    <div class="intervals">
                      {day.intervals.map((iv, k) => {
                        const n = k === 0 ? '' : ` (${k + 1})`;
                        return (
                          <span key={k} class="interval">
                            <input type="time" aria-label={`${DAY_NAMES[d]} opens${n}`} value={iv.open} onInput={(e) => setInterval(d, k, { open: e.currentTarget.value })} />
                            <span aria-hidden="true">–</span>
                            <input type="time" aria-label={`${DAY_NAMES[d]} closes${n}`} value={iv.close} onInput={(e) => setInterval(d, k, { close: e.currentTarget.value })} />
                            {day.intervals.length > 1 ? (
                              <button type="button" class="small" aria-label={`Remove ${DAY_NAMES[d]} hours ${iv.open}–${iv.close}`} onClick={() => setDay(d, { intervals: day.intervals.filter((_, i) => i !== k) })}>
                                ×
                              </button>
                            ) : null}
                          </span>
                        );
                      })}
                      <button type="button" class="small" aria-label={`Add hours on ${DAY_NAMES[d]}`} onClick={() => addInterval(d)}>
                        + hours
                      </button>
                    </div>
                  ) : (
                    <span class="muted">closed</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="form" style={{ gap: '6px' }}>
        <span class="field-title">Holidays (closed all day)</span>
        {draft.holidays.length === 0 ? <span class="muted">None.</span> : null}
        <div class="inline">
          {draft.holidays.map((h, k) => (
            <span key={k} class="interval">
              <input type="date" aria-label={`Holiday ${k + 1}`} value={h} onInput={(e) => onChange({ ...draft, holidays: draft.holidays.map((x, i) => (i === k ? e.currentTarget.value : x)) })} />
              <button type="button" class="small" aria-label={`Remove holiday ${h || k + 1}`} onClick={() => onChange({ ...draft, holidays: draft.holidays.filter((_, i) => i !== k) })}>
                ×
              </button>
            </span>
          ))}
          <button type="button" class="small" onClick={() => onChange({ ...draft, holidays: [...draft.holidays, ''] })}>
            Add a holiday
          </button>
        </div>
      </div>
    </fieldset>
  );
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const closing = (t: string) => (t === '00:00' ? 24 * 60 : minutes(t)); // a closing 00:00 is midnight

/** An interval an hour after `last` ends, as long as `last` was (at most to 24:00). */
function laterInterval(last: Interval): Interval {
  const start = Math.min(closing(last.close) + 60, 23 * 60);
  const length = Math.max(60, closing(last.close) - minutes(last.open));
  return { open: hhmm(start), close: toInput(hhmm(Math.min(start + length, 24 * 60))) };
}
