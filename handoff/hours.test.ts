import { describe, expect, it } from 'vitest';
import { BusinessHoursSchema, addOpenMinutes, describeHours, isOpen, nextOpening, type BusinessHours } from './hours.ts';

const nineToSix = [{ open: '09:00', close: '18:00' }];
const berlinOffice: BusinessHours = {
  timezone: 'Europe/Berlin',
  weekly: { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix },
  holidays: ['2025-12-25'],
};
const at = (iso: string) => new Date(iso);

describe('isOpen', () => {
  it('treats missing hours as always open', () => {
    expect(isOpen(null, at('2025-06-01T03:00:00Z'))).toBe(true);
    expect(isOpen(undefined, at('2025-06-01T03:00:00Z'))).toBe(true);
    expect(nextOpening(null, at('2025-06-01T03:00:00Z'))).toBeNull();
  });

  it('reads the local weekday and time in the workspace time zone', () => {
    // Wednesday 2025-06-11; Berlin is UTC+2 in summer.
    expect(isOpen(berlinOffice, at('2025-06-11T06:59:00Z'))).toBe(false); // 08:59 local
    expect(isOpen(berlinOffice, at('2025-06-11T07:00:00Z'))).toBe(true); // 09:00 local
    expect(isOpen(berlinOffice, at('2025-06-11T15:59:59Z'))).toBe(true); // 17:59:59 local
    expect(isOpen(berlinOffice, at('2025-06-11T16:00:00Z'))).toBe(false); // 18:00 local: closed
    // Winter: UTC+1.
    expect(isOpen(berlinOffice, at('2025-01-15T07:59:00Z'))).toBe(false); // 08:59 local
    expect(isOpen(berlinOffice, at('2025-01-15T08:00:00Z'))).toBe(true); // 09:00 local
    expect(isOpen(berlinOffice, at('2025-01-15T16:59:00Z'))).toBe(true); // 17:59 local
    expect(isOpen(berlinOffice, at('2025-01-15T17:00:00Z'))).toBe(false); // 18:00 local
  });

  it('takes the local date, not the UTC date', () => {
    const shanghai: BusinessHours = { timezone: 'Asia/Shanghai', weekly: { mon: nineToSix } };
    // Sunday 2025-06-08 23:30 UTC is Monday 07:30 in Shanghai (closed), Monday 01:30 UTC is 09:30 there (open).
    expect(isOpen(shanghai, at('2025-06-08T23:30:00Z'))).toBe(false);
    expect(isOpen(shanghai, at('2025-06-09T01:30:00Z'))).toBe(true);
  });

  it('is closed on a holiday, and opens again the next working day', () => {
    expect(isOpen(berlinOffice, at('2025-12-25T10:00:00Z'))).toBe(false); // Thursday, Christmas
    expect(isOpen(berlinOffice, at('2025-12-24T10:00:00Z'))).toBe(true);
    expect(nextOpening(berlinOffice, at('2025-12-25T10:00:00Z'))).toEqual(at('2025-12-26T08:00:00Z'));
  });

  it('is closed at the weekend and opens on Monday', () => {
    expect(isOpen(berlinOffice, at('2025-06-14T10:00:00Z'))).toBe(false); // Saturday
    expect(nextOpening(berlinOffice, at('2025-06-14T10:00:00Z'))).toEqual(at('2025-06-16T07:00:00Z'));
    expect(nextOpening(berlinOffice, at('2025-06-13T17:00:00Z'))).toEqual(at('2025-06-16T07:00:00Z')); // Friday evening
    expect(nextOpening(berlinOffice, at('2025-06-11T05:00:00Z'))).toEqual(at('2025-06-11T07:00:00Z')); // later today
    expect(nextOpening(berlinOffice, at('2025-06-11T10:00:00Z'))).toBeNull(); // open now
  });

  it('handles a night shift split at midnight', () => {
    const night: BusinessHours = { timezone: 'America/New_York', weekly: { fri: [{ open: '22:00', close: '24:00' }], sat: [{ open: '00:00', close: '06:00' }] } };
    // Friday 2025-06-13, New York is UTC-4.
    expect(isOpen(night, at('2025-06-14T01:59:00Z'))).toBe(false); // Fri 21:59
    expect(isOpen(night, at('2025-06-14T03:30:00Z'))).toBe(true); // Fri 23:30
    expect(isOpen(night, at('2025-06-14T04:00:00Z'))).toBe(true); // Sat 00:00
    expect(isOpen(night, at('2025-06-14T06:00:00Z'))).toBe(true); // Sat 02:00
    expect(isOpen(night, at('2025-06-14T10:00:00Z'))).toBe(false); // Sat 06:00
    expect(nextOpening(night, at('2025-06-14T01:00:00Z'))).toEqual(at('2025-06-14T02:00:00Z'));
    expect(nextOpening(night, at('2025-06-14T10:00:00Z'))).toEqual(at('2025-06-21T02:00:00Z')); // next Friday 22:00
  });
});

describe('daylight saving time', () => {
  const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, nineToSix]));
  const berlin: BusinessHours = { timezone: 'Europe/Berlin', weekly: everyDay };

  it('opens at 09:00 local time on both sides of the spring change (Berlin, 30 March 2025)', () => {
    // Saturday: UTC+1, 09:00 = 08:00Z. Sunday (clocks 02:00 → 03:00): UTC+2, 09:00 = 07:00Z.
    expect(isOpen(berlin, at('2025-03-29T07:30:00Z'))).toBe(false); // 08:30 local
    expect(isOpen(berlin, at('2025-03-30T07:30:00Z'))).toBe(true); // 09:30 local
    expect(nextOpening(berlin, at('2025-03-29T20:00:00Z'))).toEqual(at('2025-03-30T07:00:00Z'));
    expect(isOpen(berlin, at('2025-03-30T15:59:00Z'))).toBe(true); // 17:59 local
    expect(isOpen(berlin, at('2025-03-30T16:00:00Z'))).toBe(false); // 18:00 local
  });

  it('opens at 09:00 local time after the autumn change (Berlin, 26 October 2025)', () => {
    expect(nextOpening(berlin, at('2025-10-25T20:00:00Z'))).toEqual(at('2025-10-26T08:00:00Z'));
    expect(isOpen(berlin, at('2025-10-26T16:30:00Z'))).toBe(true); // 17:30 local (UTC+1)
  });

  it('opens right after the jump when the opening time does not exist (New York, 9 March 2025)', () => {
    const early: BusinessHours = { timezone: 'America/New_York', weekly: { sun: [{ open: '02:30', close: '05:00' }] } };
    // 02:30 never happens that night: clocks go from 01:59 EST to 03:00 EDT. 03:30 EDT = 07:30Z.
    expect(nextOpening(early, at('2025-03-09T05:00:00Z'))).toEqual(at('2025-03-09T07:30:00Z'));
    expect(isOpen(early, at('2025-03-09T07:30:00Z'))).toBe(true);
  });

  it('opens at the first 01:30 when the clock passes it twice (New York, 2 November 2025)', () => {
    const early: BusinessHours = { timezone: 'America/New_York', weekly: { sun: [{ open: '01:30', close: '05:00' }] } };
    expect(nextOpening(early, at('2025-11-02T04:00:00Z'))).toEqual(at('2025-11-02T05:30:00Z')); // 01:30 EDT
  });
});

describe('nextOpening', () => {
  it('is null when nothing opens within 14 days', () => {
    expect(nextOpening({ timezone: 'UTC', weekly: {} }, at('2025-06-11T10:00:00Z'))).toBeNull();
    const mondaysOnly: BusinessHours = { timezone: 'UTC', weekly: { mon: nineToSix }, holidays: ['2025-06-16', '2025-06-23'] };
    expect(nextOpening(mondaysOnly, at('2025-06-11T10:00:00Z'))).toBeNull(); // next open Monday is 30 June: 19 days
    expect(nextOpening({ ...mondaysOnly, holidays: ['2025-06-16'] }, at('2025-06-11T10:00:00Z'))).toEqual(at('2025-06-23T09:00:00Z'));
  });
});

describe('describeHours', () => {
  it('groups consecutive days with the same hours', () => {
    expect(describeHours({ timezone: 'Europe/Berlin', weekly: berlinOffice.weekly }, 'en')).toBe('Mon–Fri 09:00–18:00 (Europe/Berlin)');
    expect(describeHours({ timezone: 'Asia/Shanghai', weekly: berlinOffice.weekly }, 'zh')).toBe('周一至周五 09:00–18:00（Asia/Shanghai）');
  });

  it('lists split days, Saturdays, all-day hours and holidays', () => {
    const hours: BusinessHours = {
      timezone: 'Europe/London',
      weekly: {
        mon: [{ open: '13:00', close: '17:00' }, { open: '09:00', close: '12:00' }],
        tue: [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '17:00' }],
        sat: [{ open: '10:00', close: '14:00' }],
        sun: [{ open: '00:00', close: '24:00' }],
      },
      holidays: ['2025-12-25'],
    };
    expect(describeHours(hours, 'en')).toBe('Mon–Tue 09:00–12:00, 13:00–17:00; Sat 10:00–14:00; Sun all day; closed on holidays (Europe/London)');
    expect(describeHours(hours, 'zh')).toBe('周一至周二 09:00–12:00, 13:00–17:00，周六 10:00–14:00，周日 全天；节假日休息（Europe/London）');
  });

  it('says always open without hours, and closed without any day', () => {
    expect(describeHours(null, 'en')).toBe('Open 24/7');
    expect(describeHours(undefined, 'zh')).toBe('7×24 小时服务');
    expect(describeHours({ timezone: 'UTC', weekly: {} }, 'en')).toBe('Closed (UTC)');
  });
});

describe('BusinessHoursSchema', () => {
  const issues = (input: unknown) => {
    const r = BusinessHoursSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts valid hours, closing at 24:00 included', () => {
    expect(issues(berlinOffice)).toEqual([]);
    expect(issues({ timezone: 'America/New_York', weekly: { fri: [{ open: '22:00', close: '24:00' }] } })).toEqual([]);
  });

  it('rejects an unknown time zone with a message that says what to use', () => {
    expect(issues({ timezone: 'Mars/Olympus_Mons', weekly: {} })).toEqual([
      'timezone: Unknown time zone "Mars/Olympus_Mons": use an IANA name such as "Europe/Berlin" or "Asia/Shanghai"',
    ]);
    expect(issues({ timezone: '', weekly: {} })).toHaveLength(1);
  });

  it('rejects malformed times, opening after closing, and overlapping intervals', () => {
    expect(issues({ timezone: 'UTC', weekly: { mon: [{ open: '9:00', close: '18:00' }] } })[0]).toMatch(/^weekly\.mon\.0\.open: Use 24-hour "HH:MM"/);
    expect(issues({ timezone: 'UTC', weekly: { mon: [{ open: '09:00', close: '24:30' }] } })[0]).toMatch(/^weekly\.mon\.0\.close: /);
    expect(issues({ timezone: 'UTC', weekly: { mon: [{ open: '24:00', close: '24:00' }] } })).not.toEqual([]);
    expect(issues({ timezone: 'UTC', weekly: { mon: [{ open: '22:00', close: '06:00' }] } })[0]).toMatch(/^weekly\.mon\.0\.close: "open" must be before "close"/);
    expect(issues({ timezone: 'UTC', weekly: { mon: [{ open: '09:00', close: '13:00' }, { open: '12:00', close: '18:00' }] } })[0]).toMatch(/overlap/);
  });

  it('rejects unknown days and impossible holiday dates', () => {
    expect(issues({ timezone: 'UTC', weekly: { monday: nineToSix } })[0]).toMatch(/monday/);
    expect(issues({ timezone: 'UTC', weekly: {}, holidays: ['2025-02-30'] })[0]).toMatch(/^holidays\.0: Holidays are dates written "YYYY-MM-DD"/);
    expect(issues({ timezone: 'UTC', weekly: {}, holidays: ['25/12/2025'] })).toHaveLength(1);
  });
});

describe('addOpenMinutes', () => {
  const berlin: BusinessHours = { timezone: 'Europe/Berlin', weekly: { mon: [{ open: '09:00', close: '17:00' }], tue: [{ open: '09:00', close: '17:00' }], fri: [{ open: '09:00', close: '17:00' }] }, holidays: ['2025-12-26'] };

  it('counts every minute when there are no hours', () => {
    expect(addOpenMinutes(null, at('2025-06-01T03:00:00Z'), 90)?.toISOString()).toBe('2025-06-01T04:30:00.000Z');
  });

  it('stays inside one open day', () => {
    // Mon 2 Jun 2025 10:00 Berlin (CEST, UTC+2) + 2 h = 12:00 Berlin
    expect(addOpenMinutes(berlin, at('2025-06-02T08:00:00Z'), 120)?.toISOString()).toBe('2025-06-02T10:00:00.000Z');
  });

  it('carries what is left past closing into the next opening', () => {
    // Mon 16:00 Berlin + 3 h: 1 h on Monday, 2 h from Tue 09:00 → Tue 11:00 Berlin
    expect(addOpenMinutes(berlin, at('2025-06-02T14:00:00Z'), 180)?.toISOString()).toBe('2025-06-03T09:00:00.000Z');
  });

  it('starts counting at the next opening when closed, skipping closed days and holidays', () => {
    // Tue 18:00 Berlin: closed Wed and Thu; Fri 9:00 + 1 h
    expect(addOpenMinutes(berlin, at('2025-06-03T16:00:00Z'), 60)?.toISOString()).toBe('2025-06-06T08:00:00.000Z');
    // Thu 25 Dec 2025 (CET, UTC+1): Fri 26 is a holiday → Mon 29 Dec 09:30 Berlin
    expect(addOpenMinutes(berlin, at('2025-12-25T12:00:00Z'), 30)?.toISOString()).toBe('2025-12-29T08:30:00.000Z');
  });

  it('spans a week of open time', () => {
    // 3 open days of 8 h = 24 h: Mon 09:00 → the end of Fri
    expect(addOpenMinutes(berlin, at('2025-06-02T07:00:00Z'), 24 * 60)?.toISOString()).toBe('2025-06-06T15:00:00.000Z');
  });

  it('is null when the hours never open', () => {
    expect(addOpenMinutes({ timezone: 'UTC', weekly: {} }, at('2025-06-02T07:00:00Z'), 10)).toBeNull();
  });
});
