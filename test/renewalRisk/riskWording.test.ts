import { failuresFromCases, failureKindOf } from '../../backend/src/renewalRisk/customerHistory';
import { deriveRiskFeatures } from '../../backend/src/renewalRisk/riskFeatures';
import { scoreByRules } from '../../backend/src/renewalRisk/riskRules';
import { openedCase as anActiveCase } from '../support/caseBuilders';
import { aRenewal, NOW } from './riskBuilders';

const textsOf = (renewal: ReturnType<typeof aRenewal>, history: Parameters<typeof deriveRiskFeatures>[1]) =>
  Object.fromEntries(scoreByRules(deriveRiskFeatures(renewal, history, NOW), renewal, NOW).reasons.map((reason) => [reason.code, reason.text]));

describe('risk reasons in words', () => {
  it('names the card, its expiry and the renewal date, as the contract example does', () => {
    const texts = textsOf(aRenewal({}, { expMonth: 3, expYear: 2027 }), { failures: [], disputes: 0 });
    expect(texts.card_expires_before_renewal).toBe('The card ending 4242 expires 03/2027, before the renewal on 12 April 2027.');
  });

  it('counts earlier failures and says what kind they were', () => {
    const failures = [
      { at: new Date('2027-02-01T00:00:00Z'), kind: 'insufficient_funds' as const },
      { at: new Date('2027-01-01T00:00:00Z'), kind: 'insufficient_funds' as const },
      { at: new Date('2026-12-01T00:00:00Z'), kind: 'never_retry' as const },
    ];
    expect(textsOf(aRenewal(), { failures, disputes: 0 }).earlier_failures).toBe(
      '3 earlier payments of this customer failed in the last 12 months (2 × insufficient funds, 1 × declined for good by the bank).',
    );
  });

  it('gives amounts with their currency and the increase in percent', () => {
    expect(textsOf(aRenewal({ amountMinor: 4900, lastPaidAmountMinor: 2900 }), { failures: [], disputes: 0 }).amount_higher_than_last_paid).toBe(
      'The renewal charges 49.00 USD, 69 % more than the last payment of 29.00 USD.',
    );
  });

  it('describes funding, disputes, the gap since the last payment and the card country plainly', () => {
    const texts = textsOf(aRenewal({ lastPaidAt: new Date('2027-01-12T10:00:00Z'), customerCountry: 'US' }, { funding: 'prepaid', country: 'GB' }), { failures: [], disputes: 1 });
    expect(texts.prepaid_card).toBe('The card ending 4242 is a prepaid card: its balance may not cover the charge.');
    expect(texts.disputes).toBe('The customer opened 1 dispute (chargebacks) before.');
    expect(texts.long_since_last_payment).toBe('The last successful payment was 90 days before the renewal on 12 April 2027.');
    expect(texts.cross_border_card).toBe("The card ending 4242 was issued in GB, another country than the customer's (US): issuers decline cross-border charges more often.");
  });
});

describe('the customer history from recovery cases', () => {
  it('puts each earlier case in its decline bucket, insufficient funds apart, and leaves out the renewal invoice itself', () => {
    const insufficient = anActiveCase({ decline: { code: 'card_declined', declineCode: 'insufficient_funds' }, openingDeclineBucket: 'soft', target: { kind: 'invoice', invoiceId: 'in_a' }, openedAt: new Date('2027-02-01T00:00:00Z') });
    const stolen = anActiveCase({ decline: { code: 'card_declined', declineCode: 'stolen_card' }, openingDeclineBucket: 'never_retry', target: { kind: 'invoice', invoiceId: 'in_b' } });
    const own = anActiveCase({ target: { kind: 'invoice', invoiceId: 'in_renewal' } });
    expect(failuresFromCases([insufficient, stolen, own], 'in_renewal').map((failure) => failure.kind)).toEqual(['insufficient_funds', 'never_retry']);
    expect(failureKindOf({ code: 'card_declined', declineCode: 'expired_card' })).toBe('customer_must_act');
  });
});
