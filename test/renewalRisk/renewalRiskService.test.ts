import pino from 'pino';
import { createAccountStore } from '../../backend/src/accounts';
import type { OutboundEvent } from '../../backend/src/outbound';
import { createCaseStore } from '../../backend/src/recovery';
import { createRenewalOutcomeStore, createRenewalRiskService, recordRenewalOutcome, riskAlertEventId } from '../../backend/src/renewalRisk';
import { createRenewalStore, type RenewalStore, type Tenancy } from '../../backend/src/renewals';
import { riskView } from '../../backend/src/api';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const now = new Date('2027-03-20T09:00:00Z');
const clock = { now: () => now };
let serial = 0;

/** One account with one renewal on 12 April whose card expires in March (55 points: below the default 70). */
async function setUp(options: { expiring?: boolean; prepaid?: boolean; threshold?: number; crashMarkOnce?: boolean } = {}) {
  const tenancy: Tenancy = { accountId: `acct_riskservice${(serial += 1)}`, livemode: false };
  const store = createRenewalStore(db.connection);
  const published: OutboundEvent[] = [];
  let crashes = options.crashMarkOnce ? 1 : 0;
  // A worker that dies right after publishing, before marking the renewal, the first time.
  const renewals: RenewalStore = {
    ...store,
    markRiskAlerted: async (id, forRenewalAt) => {
      if (crashes > 0) {
        crashes -= 1;
        throw new Error('worker killed');
      }
      return store.markRiskAlerted(id, forRenewalAt);
    },
  };
  const accounts = createAccountStore(db.connection);
  if (options.threshold) {
    await accounts.ensureRecord(tenancy.accountId, false, now);
    await accounts.updateSettings(tenancy.accountId, false, { renewalRisk: { alertThreshold: options.threshold } } as never);
  }
  await store.applySubscription({ ...tenancy, isAppInstall: true, subscriptionId: 'sub_1', customerId: 'cus_1', status: 'active', cancelAtPeriodEnd: false, renewsAt: new Date('2027-04-12T10:00:00Z'), amountMinor: 2900, currency: 'usd', at: now });
  await store.setCard(tenancy, 'sub_1', { paymentMethodId: 'pm_1', fingerprint: 'fp_1', brand: 'visa', last4: '4242', expMonth: options.expiring ? 3 : 9, expYear: options.expiring ? 2027 : 2030, funding: options.prepaid ? 'prepaid' : 'credit', country: 'US' }, 'customer', now);
  await store.recordPaid(tenancy, 'sub_1', new Date('2027-03-12T10:00:00Z'), 2900);
  const outcomes = createRenewalOutcomeStore(db.connection);
  const service = createRenewalRiskService({ renewals, cases: createCaseStore(db.connection), outcomes, accounts, events: { publish: async (events) => void published.push(...events) }, describeRenewal: riskView, clock, logger: pino({ level: 'silent' }) });
  return { tenancy, store, service, published, outcomes };
}

describe('the score-renewals pass', () => {
  it('scores renewals due in the next 30 days with the rules and saves the score with its reasons', async () => {
    const { tenancy, store, service } = await setUp({ expiring: true });
    await service.scoreUpcoming();
    const saved = await store.get(tenancy, 'sub_1');
    expect(saved!.risk).toEqual({ score: 55, model: 'rules', scoredAt: now, reasons: [{ code: 'card_expires_before_renewal', text: 'The card ending 4242 expires 03/2027, before the renewal on 12 April 2027.', weight: 55 }] });
  });

  it('sends customer.renewal_at_risk once per period when the score reaches the threshold, with the renewal as data.object', async () => {
    const { tenancy, store, service, published } = await setUp({ expiring: true, prepaid: true });
    await service.scoreUpcoming();
    await service.scoreUpcoming();
    const mine = published.filter((event) => event.account === tenancy.accountId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ type: 'customer.renewal_at_risk', livemode: false, sequence: null, data: { object: { object: 'renewal_risk', subscriptionId: 'sub_1', score: 77, level: 'high', model: 'rules' } } });
    expect((await store.get(tenancy, 'sub_1'))!.riskAlertedFor).toEqual(new Date('2027-04-12T10:00:00Z'));
  });

  it('sends nothing below the threshold, and honours a merchant threshold', async () => {
    const below = await setUp({ expiring: true });
    await below.service.scoreUpcoming();
    expect(below.published.filter((event) => event.account === below.tenancy.accountId)).toEqual([]);
    const lowered = await setUp({ expiring: true, threshold: 50 });
    await lowered.service.scoreUpcoming();
    expect(lowered.published.filter((event) => event.account === lowered.tenancy.accountId).map((event) => event.type)).toEqual(['customer.renewal_at_risk']);
  });

  it('after a crash between publishing and marking, publishes the same event id again (a no-op for the publisher) and then marks the period', async () => {
    const { tenancy, store, service, published } = await setUp({ expiring: true, prepaid: true, crashMarkOnce: true });
    await expect(service.scoreUpcoming()).rejects.toThrow('worker killed');
    expect((await store.get(tenancy, 'sub_1'))!.riskAlertedFor).toBeNull();
    await service.scoreUpcoming();
    await service.scoreUpcoming();
    const ids = published.filter((event) => event.account === tenancy.accountId).map((event) => event.id);
    const renewal = (await store.get(tenancy, 'sub_1'))!;
    expect(ids).toEqual([riskAlertEventId(renewal, renewal.renewsAt!), riskAlertEventId(renewal, renewal.renewsAt!)]);
    expect(renewal.riskAlertedFor).toEqual(renewal.renewsAt);
  });
});

describe('renewal outcomes', () => {
  it("keeps the features as scored before the charge and fills in the first outcome of the period's renewal invoice only", async () => {
    const { tenancy, service, outcomes } = await setUp({ expiring: true });
    await service.scoreUpcoming();
    const at = new Date('2027-04-12T11:00:00Z');
    expect(await recordRenewalOutcome(outcomes, { ...tenancy, subscriptionId: 'sub_1', invoiceId: 'in_first', billingReason: 'subscription_create', outcome: 'paid', at })).toBe(false);
    expect(await recordRenewalOutcome(outcomes, { ...tenancy, subscriptionId: 'sub_1', invoiceId: 'in_renewal', billingReason: 'subscription_cycle', outcome: 'failed', at })).toBe(true);
    expect(await recordRenewalOutcome(outcomes, { ...tenancy, subscriptionId: 'sub_1', invoiceId: 'in_renewal', billingReason: 'subscription_cycle', outcome: 'paid', at: new Date('2027-04-15T11:00:00Z') })).toBe(false);
    const known = await outcomes.listKnown(tenancy, 10);
    expect(known).toHaveLength(1);
    expect(known[0]).toMatchObject({ outcome: 'failed', invoiceId: 'in_renewal', features: { cardExpiresBeforeRenewal: true, daysSinceLastPayment: 31 } });
    expect(await outcomes.listKnown({ ...tenancy, livemode: true }, 10)).toEqual([]);
  });
});
