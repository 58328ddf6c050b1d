import { heldForEmailToday, isSameLocalDay, nextDaytimeTomorrow } from '../../backend/src/dunning';

const at = (iso: string) => new Date(iso);

describe('one email a day per customer', () => {
  it.each([
    ['an email earlier the same local day holds the next until tomorrow morning', [at('2027-03-09T09:00:00Z')], '2027-03-09T15:00:00Z', 'Europe/Paris', at('2027-03-10T08:00:00Z')],
    ['an email the local day before does not hold', [at('2027-03-08T22:30:00Z')], '2027-03-09T08:00:00Z', 'Europe/Paris', null],
    ['the local date counts, not UTC: 23:30 UTC is the next day in Tokyo', [at('2027-03-09T23:30:00Z')], '2027-03-10T03:00:00Z', 'Asia/Tokyo', at('2027-03-11T00:00:00Z')],
    ['no earlier email holds nothing', [null], '2027-03-09T15:00:00Z', 'Europe/Paris', null],
  ])('%s', (_name, earlier, now, zone, expected) => {
    expect(heldForEmailToday(earlier, at(now), zone, [9, 18])).toEqual(expected);
  });

  it('tells local days apart across a DST change', () => {
    expect(isSameLocalDay(at('2027-03-27T23:30:00Z'), at('2027-03-28T21:00:00Z'), 'Europe/Paris')).toBe(true);
    expect(nextDaytimeTomorrow(at('2027-03-27T12:00:00Z'), 'Europe/Paris', 9)).toEqual(at('2027-03-28T07:00:00Z'));
  });
});
