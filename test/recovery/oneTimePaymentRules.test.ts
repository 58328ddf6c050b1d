import { findPaymentForCase, matchPayment, orderReferenceOf, pickCaseForPayment, type CompletedPayment, type OrderDetails } from '../../backend/src/recovery';
import { decideBeforeConfirm, waitForCustomer, NO_CONSENT_REASON, NEW_CARD_NO_CONSENT_REASON, type ConfirmInputs } from '../../backend/src/recovery/oneTimeConfirmation';
import { at, failure, openedCase } from '../support/caseBuilders';

/** A one-time checkout of $25.00 by cus_1 that failed on 1 May at noon. */
function oneTimeCase(order: OrderDetails, id = 'case_1', openedDay = 1) {
  return openedCase({ id }, failure({ target: { kind: 'one_time_payment', paymentIntentId: 'pi_failed' }, amountMinor: 2500, subscriptionId: null, occurredAt: at(openedDay), order }));
}

function payment(overrides: Partial<CompletedPayment> = {}): CompletedPayment {
  return { paymentIntentId: 'pi_new', stripeCustomerId: 'cus_1', amountMinor: 2500, currency: 'usd', order: { metadata: {}, description: null }, paidAt: at(2), ...overrides };
}

const noOrder: OrderDetails = { metadata: {}, description: null };
const ord42: OrderDetails = { metadata: { order_id: 'ord_42' }, description: null };

describe('which payment paid a failed one-time order', () => {
  it.each<[string, OrderDetails, Partial<CompletedPayment>, ReturnType<typeof matchPayment>]>([
    ['the same order_id', ord42, { order: ord42, amountMinor: 2300 }, { rule: 'same_order', orderReference: 'ord_42' }],
    ['orderId on one side, order_id on the other', { metadata: { orderId: 'ord_42' }, description: null }, { order: ord42 }, { rule: 'same_order', orderReference: 'ord_42' }],
    ['the key "order"', { metadata: { order: 'A-7' }, description: null }, { order: { metadata: { order: 'A-7' }, description: null } }, { rule: 'same_order', orderReference: 'A-7' }],
    ['two different orders, same amount', ord42, { order: { metadata: { order_id: 'ord_43' }, description: null } }, null],
    // A customer who pays again without the order number (a new checkout) still pays the same order: never charge it twice.
    ['an order on the failed payment only, same amount 1 day later', ord42, {}, { rule: 'same_amount' }],
    ['an order on the new payment only, same amount 1 day later', noOrder, { order: ord42 }, { rule: 'same_amount' }],
    ['an order on one side only, same amount 8 days later', ord42, { paidAt: at(9) }, null],
    ['an order on one side only, another amount', ord42, { amountMinor: 2600 }, null],
    ['the same order in another currency', ord42, { order: ord42, currency: 'eur' }, null],
    ['the same description, amount and currency', { metadata: {}, description: 'Blue mug x2' }, { order: { metadata: {}, description: 'Blue mug x2' }, paidAt: at(20) }, { rule: 'same_description', description: 'Blue mug x2' }],
    ['same amount and currency 2 days later', noOrder, {}, { rule: 'same_amount' }],
    ['same amount and currency exactly 7 days later', noOrder, { paidAt: at(8) }, { rule: 'same_amount' }],
    ['same amount and currency 8 days later', noOrder, { paidAt: at(9) }, null],
    ['same amount paid before the failure', noOrder, { paidAt: at(1, 11) }, null],
    ['another amount', noOrder, { amountMinor: 2600 }, null],
    ['another customer', ord42, { order: ord42, stripeCustomerId: 'cus_2' }, null],
    ['the failed payment intent itself', ord42, { order: ord42, paymentIntentId: 'pi_failed' }, null],
  ])('%s', (_name, caseOrder, paid, expected) => {
    expect(matchPayment(oneTimeCase(caseOrder), payment(paid))).toEqual(expected);
  });

  it('never matches an invoice case', () => {
    expect(matchPayment(openedCase(), payment({ amountMinor: 4900 }))).toBeNull();
  });

  it('reads order_id before orderId before order, ignoring blanks', () => {
    expect(orderReferenceOf({ metadata: { order: 'c', orderId: 'b', order_id: ' ' }, description: null })).toBe('b');
    expect(orderReferenceOf(null)).toBeNull();
  });

  it('settles one case per payment: the strongest rule, then the oldest case', () => {
    const byAmountOld = oneTimeCase(noOrder, 'case_old', 1);
    const byAmountNew = oneTimeCase(noOrder, 'case_new', 1);
    byAmountNew.openedAt = at(1, 13);
    expect(pickCaseForPayment([byAmountNew, byAmountOld], payment())?.case.id).toBe('case_old');
    const byOrder = oneTimeCase(ord42, 'case_order');
    expect(pickCaseForPayment([byAmountOld, byOrder], payment({ order: ord42 }))).toMatchObject({ case: { id: 'case_order' }, match: { rule: 'same_order' } });
  });

  it('finds, among the customer’s payments, the one that paid the order', () => {
    const found = findPaymentForCase(oneTimeCase(ord42), [payment({ paymentIntentId: 'pi_other', order: { metadata: { order_id: 'ord_9' }, description: null } }), payment({ paymentIntentId: 'pi_same', order: ord42 })]);
    expect(found).toMatchObject({ payment: { paymentIntentId: 'pi_same' }, match: { rule: 'same_order' } });
  });
});

describe('whether we may confirm a one-time payment off-session', () => {
  const unpaid = { status: 'requires_payment_method' as const, offSessionConsent: 'setup_future_usage' as const };
  const base: ConfirmInputs = { intent: unpaid, paidElsewhere: null, newCard: null };

  it.each<[string, string, Partial<ConfirmInputs>]>([
    ['unpaid, set up for off-session use', 'confirm', {}],
    ['unpaid, with a mandate', 'confirm', { intent: { status: 'requires_payment_method', offSessionConsent: 'mandate' } }],
    ['unpaid, no consent', 'wait_for_customer', { intent: { status: 'requires_payment_method', offSessionConsent: null } }],
    ['already succeeded at Stripe', 'paid', { intent: { status: 'succeeded', offSessionConsent: 'setup_future_usage' } }],
    ['processing at Stripe', 'in_flight', { intent: { status: 'processing', offSessionConsent: 'setup_future_usage' } }],
    ['canceled at Stripe', 'canceled', { intent: { status: 'canceled', offSessionConsent: 'setup_future_usage' } }],
    ['gone from Stripe', 'canceled', { intent: null }],
    ['paid another way', 'paid_elsewhere', { paidElsewhere: { payment: payment(), match: { rule: 'same_amount' } } }],
    ['a new card saved for off-session use, though the intent had no consent', 'confirm', { intent: { status: 'requires_payment_method', offSessionConsent: null }, newCard: { paymentMethodId: 'pm_new', savedForOffSession: true } }],
    ['a new card saved only in passing', 'wait_for_customer', { newCard: { paymentMethodId: 'pm_new', savedForOffSession: false } }],
  ])('%s → %s', (_name, expected, overrides) => {
    expect(decideBeforeConfirm({ ...base, ...overrides }).kind).toBe(expected);
  });

  it('says why it waits, in words the merchant understands', () => {
    expect(decideBeforeConfirm({ ...base, intent: { status: 'requires_payment_method', offSessionConsent: null } })).toEqual({ kind: 'wait_for_customer', reason: NO_CONSENT_REASON });
    expect(decideBeforeConfirm({ ...base, newCard: { paymentMethodId: 'pm_new', savedForOffSession: false } })).toEqual({ kind: 'wait_for_customer', reason: NEW_CARD_NO_CONSENT_REASON });
  });

  it('turns a planned retry into waiting for the customer, rechecked at most daily, and keeps the plan’s end', () => {
    expect(waitForCustomer({ kind: 'retry', at: at(1, 13), reason: 'soft decline' }, 'why', at(1))).toEqual({ kind: 'wait_for_new_payment_method', reason: 'why', recheckAt: at(2) });
    expect(waitForCustomer({ kind: 'retry', at: at(5), reason: 'soft decline' }, 'why', at(1))).toEqual({ kind: 'wait_for_new_payment_method', reason: 'why', recheckAt: at(5) });
    expect(waitForCustomer({ kind: 'exhausted', reason: 'window closed' }, 'why', at(1))).toEqual({ kind: 'exhausted', reason: 'window closed' });
  });
});
