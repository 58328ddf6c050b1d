import { beginAttempt } from '../../backend/src/recovery';
import { ledgerEntryOf } from '../../backend/src/recovery/ledgerEntry';
import { at, openedCase } from '../support/caseBuilders';

/** The case's card is a Visa with fingerprint fp_1 declined on 1 May (see caseBuilders). */
describe("the card-ledger entry of one of our attempts, once Stripe answered", () => {
  const opened = openedCase();

  it("names the case's card when the attempt charged it, with the attempt's key and time", () => {
    const { attempt } = beginAttempt(opened, 'schedule', null, at(3));
    expect(ledgerEntryOf(opened, attempt, { kind: 'paid' })).toMatchObject({
      accountId: opened.accountId,
      cardKey: 'fp:fp_1',
      brand: 'visa',
      attemptKey: attempt.idempotencyKey,
      at: at(3),
      outcome: 'succeeded',
      initiatedBy: 'merchant',
      source: 'ours',
      declineCode: null,
    });
  });

  it('names the new card the attempt charged, and keeps the decline codes Stripe gave', () => {
    const newCard = { paymentMethodId: 'pm_2', fingerprint: 'fp_2', brand: 'mastercard' };
    const { attempt } = beginAttempt(opened, 'new_payment_method', 'pm_2', at(3), newCard);
    const entry = ledgerEntryOf(opened, attempt, { kind: 'declined', decline: { code: 'card_declined', declineCode: 'insufficient_funds', adviceCode: 'try_again_later', networkAdviceCode: '02' }, card: null });
    expect(entry).toMatchObject({ cardKey: 'fp:fp_2', brand: 'mastercard', outcome: 'declined', declineCode: 'insufficient_funds', adviceCode: 'try_again_later', networkAdviceCode: '02' });
  });

  it("prefers the fingerprint in Stripe's answer over a new card read without one", () => {
    const { attempt } = beginAttempt(opened, 'new_payment_method', 'pm_3', at(3), { paymentMethodId: 'pm_3' });
    const entry = ledgerEntryOf(opened, attempt, { kind: 'declined', decline: null, card: { paymentMethodId: 'pm_3', fingerprint: 'fp_3', brand: 'amex' } });
    expect(entry).toMatchObject({ cardKey: 'fp:fp_3', brand: 'amex', declineCode: null });
  });
});
