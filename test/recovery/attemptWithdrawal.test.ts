import { beginAttempt, CARD_BUSY_WAIT_MS, pendingAttempt, waitForCardTurn, withdrawAttempt } from '../../backend/src/recovery';
import { chargingCardKeyOf } from '../../backend/src/recovery/caseStore';
import { at, openedCase } from '../support/caseBuilders';

/** The case's card is a Visa with fingerprint fp_1 declined on 1 May (see caseBuilders). */
describe('an attempt taken back before it reached Stripe', () => {
  it('leaves the case as it was before the attempt began, a new card still untried', () => {
    const before = openedCase({ newPaymentMethodId: 'pm_2' });
    const begun = beginAttempt(before, 'new_payment_method', 'pm_2', at(3), { paymentMethodId: 'pm_2', fingerprint: 'fp_2', brand: 'visa' });
    expect(begun.case.triedCards).toHaveLength(2);

    const withdrawn = withdrawAttempt(begun.case, begun.attempt, before.triedCards);
    expect(pendingAttempt(withdrawn)).toBeNull();
    expect(withdrawn.ourAttempts).toEqual([]);
    // Written as an empty list, not left out: a save never removes a field, and the claim stored the two cards.
    expect(before.triedCards).toBeUndefined();
    expect(withdrawn.triedCards).toEqual([]);
    expect(withdrawn.newPaymentMethodId).toBe('pm_2');
  });

  it('keeps the cards tried before the attempt began', () => {
    const before = openedCase({ triedCards: [{ paymentMethodId: 'pm_0', fingerprint: 'fp_0' }] });
    const begun = beginAttempt(before, 'new_payment_method', 'pm_2', at(3), { paymentMethodId: 'pm_2', fingerprint: 'fp_2' });
    const withdrawn = withdrawAttempt(begun.case, begun.attempt, before.triedCards);
    expect(withdrawn.triedCards).toEqual([{ paymentMethodId: 'pm_0', fingerprint: 'fp_0' }]);
  });

  it('changes nothing once Stripe answered the attempt', () => {
    const begun = beginAttempt(openedCase(), 'schedule', null, at(3));
    const answered = { ...begun.case, ourAttempts: [{ ...begun.attempt, outcome: 'declined' as const, finishedAt: at(3) }] };
    expect(withdrawAttempt(answered, begun.attempt, [])).toBe(answered);
  });
});

describe('a case whose card another case is charging', () => {
  it('tries again ten minutes later, keeping what asked for the attempt, and says why', () => {
    const waiting = waitForCardTurn(openedCase({ nextActionTrigger: 'manual' }), new Date('2026-05-02T14:00:00Z'));
    expect(CARD_BUSY_WAIT_MS).toBe(10 * 60 * 1000);
    expect(waiting).toMatchObject({ nextActionAt: new Date('2026-05-02T14:10:00Z'), nextActionTrigger: 'manual', plannedAction: { kind: 'retry' } });
    expect(waiting.timeline.at(-1)).toMatchObject({ kind: 'retry_refused', summary: 'Another payment on this card is under way; trying again at 2026-05-02 14:10 UTC.' });
  });
});

describe('the card a case is charging, as stored beside it', () => {
  it('is the card of the attempt waiting for Stripe, and none once it is answered or taken back', () => {
    const opened = openedCase();
    expect(chargingCardKeyOf(opened)).toBeNull();
    const onOwnCard = beginAttempt(opened, 'schedule', null, at(3));
    expect(chargingCardKeyOf(onOwnCard.case)).toBe('fp:fp_1');
    const onNewCard = beginAttempt(opened, 'new_payment_method', 'pm_2', at(3), { paymentMethodId: 'pm_2', fingerprint: 'fp_2' });
    expect(chargingCardKeyOf(onNewCard.case)).toBe('fp:fp_2');
    expect(chargingCardKeyOf(withdrawAttempt(onNewCard.case, onNewCard.attempt, opened.triedCards))).toBeNull();
  });

  it('is none for a closed case, whose attempt no step will replay: it must not hold the card for other cases for good', () => {
    const begun = beginAttempt(openedCase(), 'schedule', null, at(3));
    expect(chargingCardKeyOf({ ...begun.case, status: 'canceled' })).toBeNull();
  });
});
