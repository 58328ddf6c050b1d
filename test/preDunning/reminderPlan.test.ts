import { DEFAULT_PRE_DUNNING_POLICY, planNextReminder, type PreDunningPolicy, type ReminderPlan } from '../../backend/src/preDunning';
import type { Renewal } from '../../backend/src/renewals/renewal';
import { aRenewal, sentStep } from './renewalBuilder';

const PARIS = 'Europe/Paris';
const DAYTIME = [9, 18] as const;
const at = (iso: string) => new Date(iso);
const sent = (...steps: Array<[number, number]>) => ({ preDunning: { ...aRenewal().preDunning, sent: steps.map(([index, days]) => sentStep(index, days, at('2027-03-01T10:00:00Z'))) } });

describe('planNextReminder', () => {
  it.each<[string, Partial<Renewal>, string, string, ReminderPlan]>([
    ['the 30-day reminder, for a renewal seen early', {}, '2027-03-01T08:00:00Z', PARIS, { kind: 'send', stepIndex: 0, daysBefore: 30, at: at('2027-03-13T10:00:00Z') }],
    ['the 14-day reminder after the first', sent([0, 30]), '2027-03-13T10:00:00Z', PARIS, { kind: 'send', stepIndex: 1, daysBefore: 14, at: at('2027-03-29T10:00:00Z') }],
    ['the 3-day reminder after the second', sent([0, 30], [1, 14]), '2027-03-29T10:00:00Z', PARIS, { kind: 'send', stepIndex: 2, daysBefore: 3, at: at('2027-04-09T10:00:00Z') }],
    ["a step due in the customer's night, moved to their morning (Tokyo 19:00 → 09:00 next day)", {}, '2027-03-01T08:00:00Z', 'Asia/Tokyo', { kind: 'send', stepIndex: 0, daysBefore: 30, at: at('2027-03-14T00:00:00Z') }],
    ['only the latest missed step for a renewal first seen 11 days before, now', {}, '2027-04-01T12:00:00Z', PARIS, { kind: 'send', stepIndex: 1, daysBefore: 14, at: at('2027-04-01T12:00:00Z') }],
    ['a missed step first seen at night, in the next morning', {}, '2027-04-10T22:00:00Z', PARIS, { kind: 'send', stepIndex: 2, daysBefore: 3, at: at('2027-04-11T07:00:00Z') }],
    ['the last step after the worker was down past the middle one', sent([0, 30]), '2027-04-10T12:00:00Z', PARIS, { kind: 'send', stepIndex: 2, daysBefore: 3, at: at('2027-04-10T12:00:00Z') }],
    ['a fresh sequence when the reminders sent were for an earlier billing date', { preDunning: { ...sent([0, 30], [1, 14], [2, 3]).preDunning, forRenewalAt: at('2027-03-12T10:00:00Z') } }, '2027-03-01T08:00:00Z', PARIS, { kind: 'send', stepIndex: 0, daysBefore: 30, at: at('2027-03-13T10:00:00Z') }],
    ['a card that expires in the renewal month, when the renewal is on the 1st of the next', { renewsAt: at('2027-05-01T00:00:00Z'), preDunning: { ...aRenewal().preDunning, forRenewalAt: at('2027-05-01T00:00:00Z') }, card: { ...aRenewal().card!, expMonth: 4 } }, '2027-04-28T12:00:00Z', PARIS, { kind: 'send', stepIndex: 2, daysBefore: 3, at: at('2027-04-28T12:00:00Z') }],
    ['none when the merchant switched reminders off (see policy below)', {}, '2027-03-01T08:00:00Z', PARIS, { kind: 'none', reason: 'pre_dunning_off' }],
    ['none once reminders stopped for the period', { preDunning: { ...aRenewal().preDunning, stoppedBecause: 'card_updated_by_network', stoppedAt: at('2027-03-02T00:00:00Z') } }, '2027-03-14T08:00:00Z', PARIS, { kind: 'none', reason: 'stopped' }],
    ['none for a subscription set to cancel at period end', { cancelAtPeriodEnd: true }, '2027-03-14T08:00:00Z', PARIS, { kind: 'none', reason: 'subscription_ended' }],
    ['none for a subscription already past due (dunning has it)', { status: 'past_due' }, '2027-03-14T08:00:00Z', PARIS, { kind: 'none', reason: 'subscription_ended' }],
    ['none once the renewal came', {}, '2027-04-12T10:00:00Z', PARIS, { kind: 'none', reason: 'renewal_passed' }],
    ['none without a billing date', { renewsAt: null }, '2027-03-14T08:00:00Z', PARIS, { kind: 'none', reason: 'renewal_passed' }],
    ['none without a card', { card: null }, '2027-03-14T08:00:00Z', PARIS, { kind: 'none', reason: 'no_card' }],
    ['none when the card is valid through the renewal (expires 04/2027, renewal 12 April)', { card: { ...aRenewal().card!, expMonth: 4 } }, '2027-03-14T08:00:00Z', PARIS, { kind: 'none', reason: 'card_valid_through_renewal' }],
    ['none without an email address', { customerEmail: null }, '2027-03-14T08:00:00Z', PARIS, { kind: 'none', reason: 'no_email_address' }],
    ['none once every step was sent', sent([0, 30], [1, 14], [2, 3]), '2027-04-10T08:00:00Z', PARIS, { kind: 'none', reason: 'all_steps_sent' }],
    ['none when the next daytime comes after the renewal', { renewsAt: at('2027-04-12T06:30:00Z'), preDunning: { ...aRenewal().preDunning, forRenewalAt: at('2027-04-12T06:30:00Z') } }, '2027-04-12T02:00:00Z', PARIS, { kind: 'none', reason: 'too_close_to_renewal' }],
  ])('plans %s', (name, overrides, now, zone, expected) => {
    const policy: PreDunningPolicy = name.startsWith('none when the merchant switched') ? { ...DEFAULT_PRE_DUNNING_POLICY, enabled: false } : DEFAULT_PRE_DUNNING_POLICY;
    expect(planNextReminder(aRenewal(overrides), policy, at(now), zone, DAYTIME)).toEqual(expected);
  });

  it("follows the merchant's own days", () => {
    const policy: PreDunningPolicy = { enabled: true, steps: [{ daysBefore: 7, custom: null }, { daysBefore: 1, custom: null }] };
    expect(planNextReminder(aRenewal(), policy, at('2027-03-01T08:00:00Z'), PARIS, DAYTIME)).toEqual({ kind: 'send', stepIndex: 0, daysBefore: 7, at: at('2027-04-05T10:00:00Z') });
    expect(planNextReminder(aRenewal(sent([0, 7])), policy, at('2027-04-05T10:00:00Z'), PARIS, DAYTIME)).toEqual({ kind: 'send', stepIndex: 1, daysBefore: 1, at: at('2027-04-11T10:00:00Z') });
  });

  it('never sends a step once a later one went out', () => {
    expect(planNextReminder(aRenewal(sent([1, 14])), DEFAULT_PRE_DUNNING_POLICY, at('2027-04-01T08:00:00Z'), PARIS, DAYTIME)).toMatchObject({ stepIndex: 2 });
  });
});
