// The business-hours editor the workspace (Business hours tab) and each skill (Skills tab, "own hours") share: a time
// zone, any number of opening intervals per weekday (split shifts: 09:00–12:00 and 13:00–17:00) and holidays. The
// draft it edits, and its conversion to and from the API's BusinessHours, are in hours-draft.ts (pure, unit-tested);
// the API checks what is saved (overlaps, open before close, known time zone) and its message shows under the form.
import { DAY_NAMES, DAYS, laterInterval, NINE_TO_FIVE, type DayDraft, type HoursDraft, type Weekday } from './hours-draft.ts';
import type { Interval } from './shared.tsx';

export { hoursDraft, hoursFromDraft, hoursSummary, type HoursDraft } from './hours-draft.ts';

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
