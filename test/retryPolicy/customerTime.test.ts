import { customerTimeZoneFor, describeLocalDate, describeLocalTime, localParts, nextLocalHour, nextPaydayMorning, paydaysOf, timeZoneForCountry, withinLocalHours, zonedTime, DEFAULT_PAYDAY_CALENDAR } from '../../backend/src/retryPolicy';

describe('time in the customer’s zone', () => {
  it.each([
    ['New York in winter (UTC-5)', 2026, 1, 15, 9, 'America/New_York', '2026-01-15T14:00:00.000Z'],
    ['New York in summer (UTC-4)', 2026, 7, 15, 9, 'America/New_York', '2026-07-15T13:00:00.000Z'],
    ['London in winter (UTC)', 2026, 1, 15, 9, 'Europe/London', '2026-01-15T09:00:00.000Z'],
    ['London in summer (UTC+1)', 2026, 7, 15, 9, 'Europe/London', '2026-07-15T08:00:00.000Z'],
    ['the day New York springs forward', 2026, 3, 8, 9, 'America/New_York', '2026-03-08T13:00:00.000Z'],
    ['the day London falls back', 2026, 10, 25, 9, 'Europe/London', '2026-10-25T09:00:00.000Z'],
    ['Tokyo (no DST)', 2026, 5, 1, 9, 'Asia/Tokyo', '2026-05-01T00:00:00.000Z'],
  ])('finds 09:00 local for %s', (_name, year, month, day, hour, zone, expected) => {
    expect(zonedTime(year, month, day, hour, 0, zone).toISOString()).toBe(expected);
  });

  it('takes the next 09:00, today if it has not passed', () => {
    expect(nextLocalHour(new Date('2026-05-01T12:00:00Z'), 'America/New_York', 9).toISOString()).toBe('2026-05-01T13:00:00.000Z');
    expect(nextLocalHour(new Date('2026-05-01T14:00:00Z'), 'America/New_York', 9).toISOString()).toBe('2026-05-02T13:00:00.000Z');
  });

  it('keeps a time inside the local window and moves one outside it', () => {
    const inside = new Date('2026-05-01T15:00:00Z');
    expect(withinLocalHours(inside, 'Europe/London', 9, 18)).toBe(inside);
    expect(withinLocalHours(new Date('2026-05-01T20:00:00Z'), 'Europe/London', 9, 18).toISOString()).toBe('2026-05-02T08:00:00.000Z');
  });

  it('names times for people', () => {
    expect(describeLocalTime(new Date('2026-05-01T13:00:00Z'), 'America/New_York')).toBe('Friday 1 May at 09:00');
    expect(localParts(new Date('2026-05-01T13:00:00Z'), 'America/New_York')).toMatchObject({ weekday: 5, hour: 9 });
  });

  it('knows the main zone of a country and falls back otherwise', () => {
    expect(timeZoneForCountry('us', 'UTC')).toBe('America/New_York');
    expect(timeZoneForCountry('ZZ', 'Europe/Paris')).toBe('Europe/Paris');
    expect(timeZoneForCountry(null, 'UTC')).toBe('UTC');
  });
});

describe('the zone a case is planned and emailed in', () => {
  it.each([
    ['the customer’s own zone when it is valid', 'Asia/Kathmandu', 'US', 'Europe/Paris', 'Asia/Kathmandu'],
    ['the country’s zone when the customer’s is not a zone', 'Not/AZone', 'US', 'Europe/Paris', 'America/New_York'],
    ['the country’s zone when the customer has none', null, 'gb', 'Europe/Paris', 'Europe/London'],
    ['the merchant’s zone when neither says', 'Not/AZone', null, 'Europe/Paris', 'Europe/Paris'],
    ['the merchant’s zone for a country we do not know', null, 'ZZ', 'America/Chicago', 'America/Chicago'],
    ['UTC when the merchant’s zone is not a zone either', 'Not/AZone', null, 'Mars/Olympus', 'UTC'],
  ])('takes %s', (_name, customerTimeZone, customerCountry, merchantTimeZone, expected) => {
    expect(customerTimeZoneFor({ customerTimeZone, customerCountry }, merchantTimeZone)).toBe(expected);
  });

  it('names a date in UTC rather than throwing when given a name that is not a zone', () => {
    expect(describeLocalDate(new Date('2026-05-01T23:30:00Z'), 'Not/AZone')).toBe('Friday 1 May');
    expect(describeLocalTime(new Date('2026-05-01T23:30:00Z'), 'Not/AZone')).toBe('Friday 1 May at 23:30');
  });
});

describe('paydays', () => {
  it.each([
    ['May 2026: 1st is a Friday, 15th a Friday, last business day Friday 29th', 2026, 5, [1, 15, 29]],
    ['August 2026: 1st is a Saturday (moves to Monday 3rd), 15th a Saturday (paid the Friday before, the 14th), last business day 31st', 2026, 8, [3, 14, 31]],
    ['February 2028 (leap year): last business day Tuesday 29th', 2028, 2, [1, 15, 29]],
  ])('%s', (_name, year, month, days) => {
    expect(paydaysOf(year, month, DEFAULT_PAYDAY_CALENDAR)).toEqual(days);
  });

  it('skips holidays of a country calendar', () => {
    expect(paydaysOf(2026, 6, { daysOfMonth: [1], lastBusinessDay: false, holidays: ['2026-06-01'] })).toEqual([2]);
  });

  it('aims at the next payday morning in the customer’s zone', () => {
    expect(nextPaydayMorning(new Date('2026-04-16T12:00:00Z'), 'America/New_York', DEFAULT_PAYDAY_CALENDAR).toISOString()).toBe('2026-04-30T13:00:00.000Z');
    expect(nextPaydayMorning(new Date('2026-05-01T14:00:00Z'), 'America/New_York', DEFAULT_PAYDAY_CALENDAR).toISOString()).toBe('2026-05-15T13:00:00.000Z');
    expect(nextPaydayMorning(new Date('2026-12-31T15:00:00Z'), 'Europe/London', DEFAULT_PAYDAY_CALENDAR).toISOString()).toBe('2027-01-01T09:00:00.000Z');
  });
});
