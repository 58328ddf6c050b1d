import { deriveRiskFeatures, type CustomerHistory } from '../../backend/src/renewalRisk/riskFeatures';
import { riskLevelOf, scoreByRules } from '../../backend/src/renewalRisk/riskRules';
import { aRenewal, NOW } from './riskBuilders';

const noHistory: CustomerHistory = { failures: [], disputes: 0 };
const score = (renewal = aRenewal(), history = noHistory) => scoreByRules(deriveRiskFeatures(renewal, history, NOW), renewal, NOW);

describe('scoreByRules', () => {
  it.each([
    ['a healthy card, paid last month at the same price', aRenewal(), noHistory, 0, []],
    ['no card on file', aRenewal({}, null), noHistory, 70, ['no_card']],
    ['a card expiring the month before the renewal', aRenewal({}, { expMonth: 3, expYear: 2027 }), noHistory, 55, ['card_expires_before_renewal']],
    ['a card expiring in the renewal month itself (valid through its last day)', aRenewal({}, { expMonth: 4, expYear: 2027 }), noHistory, 0, []],
    ['a prepaid card', aRenewal({}, { funding: 'prepaid' }), noHistory, 22, ['prepaid_card']],
    ['a debit card', aRenewal({}, { funding: 'debit' }), noHistory, 6, ['debit_card']],
    ['one earlier insufficient-funds failure', aRenewal(), { failures: [{ at: new Date('2027-01-12T10:00:00Z'), kind: 'insufficient_funds' as const }], disputes: 0 }, 14, ['earlier_failures']],
    ['a failure older than a year does not count', aRenewal(), { failures: [{ at: new Date('2026-01-12T10:00:00Z'), kind: 'never_retry' as const }], disputes: 0 }, 0, []],
    ['never paid before', aRenewal({ lastPaidAt: null, lastPaidAmountMinor: null }), noHistory, 6, ['never_paid']],
    ['last paid 80 days before the renewal', aRenewal({ lastPaidAt: new Date('2027-01-22T10:00:00Z') }), noHistory, 15, ['long_since_last_payment']],
    ['last paid 50 days before the renewal', aRenewal({ lastPaidAt: new Date('2027-02-21T10:00:00Z') }), noHistory, 8, ['long_since_last_payment']],
    ['the renewal charges 70 % more than the last payment', aRenewal({ amountMinor: 4930 }), noHistory, 14, ['amount_higher_than_last_paid']],
    ['the renewal charges 20 % more', aRenewal({ amountMinor: 3480 }), noHistory, 6, ['amount_higher_than_last_paid']],
    ['one dispute', aRenewal(), { failures: [], disputes: 1 }, 16, ['disputes']],
    ['three disputes (capped)', aRenewal(), { failures: [], disputes: 3 }, 28, ['disputes']],
    [
      'two disputes recorded on the renewal from charge.dispute.created',
      aRenewal({ customerDisputes: [{ disputeId: 'dp_1', openedAt: new Date('2026-11-02T10:00:00Z') }, { disputeId: 'dp_2', openedAt: new Date('2027-03-20T10:00:00Z') }] }),
      { failures: [], disputes: null },
      22,
      ['disputes'],
    ],
    ['a dispute opened after the billing date does not count', aRenewal({ customerDisputes: [{ disputeId: 'dp_3', openedAt: new Date('2027-04-20T10:00:00Z') }] }), { failures: [], disputes: null }, 0, []],
    ['a card issued in India', aRenewal({ customerCountry: 'IN' }, { country: 'IN' }), noHistory, 18, ['card_country']],
    ['a card issued abroad', aRenewal({ customerCountry: 'US' }, { country: 'GB' }), noHistory, 5, ['cross_border_card']],
    ['an American Express card', aRenewal({}, { brand: 'amex' }), noHistory, 3, ['card_brand']],
  ])('%s → %i points', (_name, renewal, history, points, codes) => {
    const risk = score(renewal, history);
    expect(risk.score).toBe(points);
    expect(risk.reasons.map((reason) => reason.code)).toEqual(codes);
    expect(risk.model).toBe('rules');
  });

  it('adds the factors up, caps at 100 and keeps the five largest, largest first (ties in the order the factors are listed)', () => {
    const renewal = aRenewal({ amountMinor: 5800, lastPaidAt: new Date('2027-01-10T10:00:00Z'), customerCountry: 'US' }, { expMonth: 1, expYear: 2027, funding: 'prepaid', brand: 'amex', country: 'GB' });
    const failures = [
      { at: new Date('2027-02-01T00:00:00Z'), kind: 'insufficient_funds' as const },
      { at: new Date('2026-12-01T00:00:00Z'), kind: 'never_retry' as const },
      { at: new Date('2026-11-01T00:00:00Z'), kind: 'never_retry' as const },
    ];
    const risk = score(renewal, { failures, disputes: 2 });
    expect(risk.score).toBe(100);
    expect(risk.reasons.map((reason) => [reason.code, reason.weight])).toEqual([
      ['card_expires_before_renewal', 55],
      ['earlier_failures', 40],
      ['prepaid_card', 22],
      ['disputes', 22],
      ['long_since_last_payment', 15],
    ]);
  });

  it('matches the example in its doc comment: expiring prepaid card and one insufficient-funds failure → 91', () => {
    const risk = score(aRenewal({}, { expMonth: 2, expYear: 2027, funding: 'prepaid' }), { failures: [{ at: new Date('2027-03-12T09:00:00Z'), kind: 'insufficient_funds' }], disputes: 0 });
    expect(risk.score).toBe(91);
    expect(risk.reasons.map((reason) => reason.code)).toEqual(['card_expires_before_renewal', 'prepaid_card', 'earlier_failures']);
  });
});

describe('riskLevelOf', () => {
  it.each([
    [0, 'low'],
    [39, 'low'],
    [40, 'medium'],
    [69, 'medium'],
    [70, 'high'],
    [100, 'high'],
  ])('%i is %s', (value, level) => {
    expect(riskLevelOf(value)).toBe(level);
  });
});
