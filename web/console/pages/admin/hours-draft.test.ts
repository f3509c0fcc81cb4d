import { describe, expect, it } from 'vitest';
import { hoursDraft, hoursFromDraft, hoursSummary, laterInterval } from './hours-draft.ts';

describe('business-hours draft', () => {
  const split = {
    timezone: 'Europe/Berlin',
    weekly: { mon: [{ open: '13:00', close: '17:00' }, { open: '09:00', close: '12:00' }], sat: [{ open: '22:00', close: '24:00' }] },
    holidays: ['2026-12-25'],
  };

  it('keeps every interval of a day (split shifts), in time order, and midnight as 24:00', () => {
    const draft = hoursDraft(split);
    expect(draft.days.mon).toEqual({ open: true, intervals: [{ open: '13:00', close: '17:00' }, { open: '09:00', close: '12:00' }] });
    expect(draft.days.sat.intervals).toEqual([{ open: '22:00', close: '00:00' }]); // a time input cannot show 24:00
    expect(draft.days.tue.open).toBe(false);
    expect(hoursFromDraft(draft)).toEqual({
      timezone: 'Europe/Berlin',
      weekly: { mon: [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '17:00' }], sat: [{ open: '22:00', close: '24:00' }] },
      holidays: ['2026-12-25'],
    });
  });

  it('leaves out closed days (their intervals kept in the draft) and blank holiday rows', () => {
    const draft = hoursDraft(split);
    draft.days.mon.open = false;
    draft.holidays.push(' ');
    const saved = hoursFromDraft(draft);
    expect(saved.weekly.mon).toBeUndefined();
    expect(saved.holidays).toEqual(['2026-12-25']);
    expect(draft.days.mon.intervals).toHaveLength(2);
  });

  it('starts a workspace without hours on Monday to Friday, nine to five', () => {
    const draft = hoursDraft(null);
    expect(Object.entries(draft.days).filter(([, d]) => d.open).map(([k]) => k)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri']);
    expect(draft.days.sun.intervals).toEqual([{ open: '09:00', close: '17:00' }]);
  });

  it('summarises consecutive days with the same hours together', () => {
    const week = { timezone: 'UTC', weekly: Object.fromEntries(['mon', 'tue', 'wed'].map((d) => [d, [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '17:00' }]])) };
    expect(hoursSummary({ ...week, weekly: { ...week.weekly, fri: [{ open: '10:00', close: '14:00' }] } })).toBe('Mon–Wed 09:00–12:00, 13:00–17:00; Fri 10:00–14:00 (UTC)');
    expect(hoursSummary({ timezone: 'UTC', weekly: {}, holidays: ['2026-01-01', '2026-12-25'] })).toBe('closed every day (UTC); 2 holidays');
  });

  it('proposes a next shift an hour after the last one ends, never past midnight', () => {
    expect(laterInterval({ open: '09:00', close: '12:00' })).toEqual({ open: '13:00', close: '16:00' });
    expect(laterInterval({ open: '18:00', close: '22:30' })).toEqual({ open: '23:00', close: '00:00' });
  });
});
