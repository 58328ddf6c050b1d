import type { ChargeRecord, Json, RequestRecord } from '../../devservices/stripe-sandbox/sandboxState';
import { offSessionWithoutConsent } from './consentChecks';
import { emailPromisesMatchPlan, noCustomerEmailInTestMode, oneSuccessfulChargePerInvoiceOrOrder, payRequestsExactlyOnce } from './modelInvariants';
import type { EmailSeen } from './modelObservations';
import type { Observation } from './modelRunner';

/**
 * The model's order and consent invariants on hand-written observations: each
 * catches the violation it is there for, so a green model run means something.
 */
const at = '2026-04-16T14:00:00.000Z';
const request = (seq: number, path: string, params: Json | null, key: string | null = `recovery-c1-attempt-${seq}`): RequestRecord => ({
  seq, method: 'POST', path, account: 'platform', idempotencyKey: key, replayed: false, status: 200, at, held: false, params,
});
const charge = (paymentIntent: string, outcome: ChargeRecord['outcome'], key: string | null, paymentMethod = 'pm_old'): ChargeRecord => ({
  account: 'platform', invoice: null, paymentIntent, paymentMethod, fingerprint: `fp_${paymentMethod}`, idempotencyKey: key, outcome, declineCode: null, at,
});
const intent = (id: string, extra: Json = {}): Json => ({ id, customer: 'cus_1', status: 'requires_payment_method', payment_method: 'pm_old', created: 1, setup_future_usage: null, payment_method_options: { card: { setup_future_usage: null, mandate_options: null } }, ...extra });

function observation(parts: Partial<Observation>): Observation {
  return { livemode: false, requests: [], charges: [], cards: new Map(), paidAtSeq: new Map(), stops: [], emails: [], customerAddresses: new Set(), orderOf: new Map(), intents: new Map(), setups: [], reached: { ordersFailed: 0, ordersPaidAgain: 0, cardsSavedOnPortal: 0 }, ...parts };
}

describe('at most one successful charge per order', () => {
  it('counts the failed checkout confirmed by us and the customer’s own payment of the same order as two', () => {
    const seen = observation({
      orderOf: new Map([['pi_failed', 'order:cus_1:ord_1'], ['pi_again', 'order:cus_1:ord_1']]),
      charges: [charge('pi_failed', 'declined', null), charge('pi_again', 'succeeded', null, 'pm_new'), charge('pi_failed', 'succeeded', 'recovery-c1-attempt-1', 'pm_new')],
    });
    expect(oneSuccessfulChargePerInvoiceOrOrder(seen)).toEqual([expect.stringContaining('order:cus_1:ord_1 was charged successfully 2 times')]);
  });

  it('lets two different orders of one customer each be paid once', () => {
    const seen = observation({ orderOf: new Map([['pi_1', 'intent:pi_1'], ['pi_2', 'intent:pi_2']]), charges: [charge('pi_1', 'succeeded', null), charge('pi_2', 'succeeded', null)] });
    expect(oneSuccessfulChargePerInvoiceOrOrder(seen)).toEqual([]);
  });

  it('refuses a confirm of ours after the customer paid the order another way (request log)', () => {
    const seen = observation({ requests: [request(7, '/v1/payment_intents/pi_failed/confirm', { off_session: 'true' })], paidAtSeq: new Map([['pi_failed', 5]]) });
    expect(payRequestsExactlyOnce(seen)).toEqual([expect.stringContaining('pay request #7 for pi_failed')]);
  });
});

describe("no off-session confirm without the customer's consent", () => {
  const confirm = request(3, '/v1/payment_intents/pi_failed/confirm', { off_session: 'true', payment_method: 'pm_new' });

  it('flags a confirm with a card the customer only attached, of a checkout without setup_future_usage', () => {
    expect(offSessionWithoutConsent(observation({ requests: [confirm], intents: new Map([['pi_failed', intent('pi_failed')]]) }))).toEqual([expect.stringContaining('confirmed pi_failed off-session with card pm_new')]);
  });

  it('accepts the checkout’s own setup_future_usage, a card saved on the card-update page, or one saved by a payment set up for later use', () => {
    const withConsent = intent('pi_failed', { setup_future_usage: 'off_session' });
    const setup = { id: 'seti_1', status: 'succeeded', usage: 'off_session', customer: 'cus_1', payment_method: 'pm_new', created: 1 };
    const savedByPayment = intent('pi_again', { status: 'succeeded', payment_method: 'pm_new', setup_future_usage: 'off_session' });
    expect(offSessionWithoutConsent(observation({ requests: [confirm], intents: new Map([['pi_failed', withConsent]]) }))).toEqual([]);
    expect(offSessionWithoutConsent(observation({ requests: [confirm], intents: new Map([['pi_failed', intent('pi_failed')]]), setups: [setup] }))).toEqual([]);
    expect(offSessionWithoutConsent(observation({ requests: [confirm], intents: new Map([['pi_failed', intent('pi_failed')], ['pi_again', savedByPayment]]) }))).toEqual([]);
  });
});

describe('emails recorded in test mode', () => {
  const recorded: EmailSeen = {
    delivery: 'recorded_test_mode', to: 'model-customer-0@example.com', subject: 'Your payment failed', text: 'We will try your card again soon.', caseId: 'c1', sentAt: new Date(at), plan: { kind: 'wait_for_new_payment_method', at: null }, zone: 'UTC',
  };

  it('are held to the plan at the time they were recorded', () => {
    expect(emailPromisesMatchPlan(observation({ emails: [recorded] }))).toEqual([expect.stringContaining('promises a retry, but the plan was wait_for_new_payment_method')]);
  });

  it('are not emails to the customer; one the receiver caught is', () => {
    const customerAddresses = new Set([recorded.to]);
    expect(noCustomerEmailInTestMode(observation({ emails: [recorded], customerAddresses }))).toEqual([]);
    expect(noCustomerEmailInTestMode(observation({ emails: [{ ...recorded, delivery: 'sent' }], customerAddresses }))).toEqual([expect.stringContaining('test mode emailed the customer')]);
  });
});
