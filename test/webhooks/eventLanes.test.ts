import { lanesOf, type EventLane, type StoredStripeEvent } from '../../backend/src/webhooks';

const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);

/** A pending event as intake stores it; `created` and `received` in seconds after T0. */
function pending(id: string, type: string, object: Record<string, unknown>, created: number, received: number, options: { accountId?: string; livemode?: boolean } = {}): StoredStripeEvent {
  return {
    eventId: id,
    accountId: options.accountId ?? 'acct_a',
    livemode: options.livemode ?? false,
    isAppInstall: true,
    type,
    objectId: typeof object.id === 'string' ? object.id : null,
    eventCreatedAt: new Date(T0 + created * 1000),
    payload: JSON.stringify({ id, type, created: (T0 / 1000) + created, data: { object } }),
    status: 'pending',
    attempts: 1,
    leaseOwner: 'worker#1',
    leaseUntil: new Date(T0 + 60_000),
    outcome: null,
    lastError: null,
    receivedAt: new Date(T0 + received * 1000),
    handledAt: null,
  };
}

const ids = (lanes: EventLane[]) => lanes.map((lane) => lane.events.map((event) => event.eventId));

describe('lanesOf', () => {
  it("puts one customer's events in one lane in Stripe's order, whatever order they arrived in", () => {
    const lanes = lanesOf([
      pending('evt_second_decline', 'invoice.payment_failed', { id: 'in_1', customer: 'cus_a' }, 60, 0),
      pending('evt_new_card_b', 'payment_method.attached', { id: 'pm_b', customer: 'cus_b' }, 0, 1),
      pending('evt_first_decline', 'invoice.payment_failed', { id: 'in_1', customer: 'cus_a' }, 0, 2),
      pending('evt_other_invoice', 'invoice.paid', { id: 'in_2', customer: 'cus_a' }, 30, 3),
    ]);
    expect(ids(lanes)).toEqual([['evt_first_decline', 'evt_other_invoice', 'evt_second_decline'], ['evt_new_card_b']]);
  });

  it('breaks a tie in Stripe’s created second by arrival', () => {
    const lanes = lanesOf([
      pending('evt_late', 'invoice.payment_failed', { id: 'in_1', customer: 'cus_a' }, 5, 9),
      pending('evt_early', 'invoice.paid', { id: 'in_1', customer: 'cus_a' }, 5, 2),
    ]);
    expect(ids(lanes)).toEqual([['evt_early', 'evt_late']]);
  });

  it('reads an expanded customer and a customer event’s own id', () => {
    const lanes = lanesOf([
      pending('evt_expanded', 'invoice.payment_failed', { id: 'in_1', customer: { id: 'cus_a', object: 'customer' } }, 0, 0),
      pending('evt_customer', 'customer.updated', { id: 'cus_a', object: 'customer' }, 1, 1),
    ]);
    expect(ids(lanes)).toEqual([['evt_expanded', 'evt_customer']]);
  });

  it('gives an event without a customer the lane of its object', () => {
    const lanes = lanesOf([
      pending('evt_pi_failed', 'payment_intent.payment_failed', { id: 'pi_1', customer: null }, 0, 0),
      pending('evt_pi_other', 'payment_intent.payment_failed', { id: 'pi_2', customer: null }, 0, 1),
      pending('evt_pi_paid', 'payment_intent.succeeded', { id: 'pi_1', customer: null }, 9, 2),
    ]);
    expect(ids(lanes)).toEqual([['evt_pi_failed', 'evt_pi_paid'], ['evt_pi_other']]);
  });

  it('puts every event of an account and mode in one lane when the batch holds its install or uninstall', () => {
    const lanes = lanesOf([
      pending('evt_decline_a', 'invoice.payment_failed', { id: 'in_1', customer: 'cus_a' }, 10, 0),
      pending('evt_uninstall', 'account.application.deauthorized', { id: 'ca_app', object: 'application' }, 5, 1),
      pending('evt_decline_b', 'invoice.payment_failed', { id: 'in_2', customer: 'cus_b' }, 1, 2),
      pending('evt_live_decline', 'invoice.payment_failed', { id: 'in_3', customer: 'cus_a' }, 0, 3, { livemode: true }),
      pending('evt_other_account', 'invoice.payment_failed', { id: 'in_4', customer: 'cus_a' }, 0, 4, { accountId: 'acct_b' }),
    ]);
    expect(ids(lanes)).toEqual([['evt_decline_b', 'evt_uninstall', 'evt_decline_a'], ['evt_live_decline'], ['evt_other_account']]);
  });

  it('never puts test-mode and live-mode events of one customer in one lane', () => {
    const lanes = lanesOf([
      pending('evt_test', 'invoice.payment_failed', { id: 'in_1', customer: 'cus_a' }, 0, 0),
      pending('evt_live', 'invoice.payment_failed', { id: 'in_1', customer: 'cus_a' }, 0, 1, { livemode: true }),
    ]);
    expect(ids(lanes)).toEqual([['evt_test'], ['evt_live']]);
  });
});
