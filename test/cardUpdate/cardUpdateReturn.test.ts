import request from 'supertest';
import { TEST_LINK_SECRET } from '../support/testSecrets';
import { issueLinkToken, linkSigningKey } from '../../backend/src/cardUpdate';
import type { CardBehaviour } from '../../devservices/stripe-sandbox/sandboxState';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Coming back from the card-update page (GET /update/done) retries the case
 * only with a card we have not tried yet on it: the declined card, however
 * often the page is loaded, is never charged because of it.
 */
const db = useTestDatabase();
const MINUTE = 60_000;
const DAY = 86_400_000;
const start = new Date('2026-05-04T14:00:00Z');
let world: RecoveryWorld;
beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start });
});
afterEach(() => world.stop());

/** A subscription whose renewal Stripe could not charge, with its case open and planned. */
async function failedRenewal(behaviour: CardBehaviour, brand: string) {
  const customer = world.customerWithCard('platform', behaviour, { brand });
  world.sandbox.billing.renew('platform', customer.subscriptionId);
  await world.settle();
  await world.runDue();
  const found = (await db.connection.collection('recoveryCases').find({}).toArray())[0]!;
  return { ...customer, caseId: String(found._id) };
}

/** The customer's browser lands on /update/done, then the worker runs whatever is due. */
async function returnFromCardUpdate(caseId: string, stripeCustomerId: string): Promise<string> {
  const token = await issueLinkToken({ accountId: SELF_HOSTED_ACCOUNT, livemode: false, stripeCustomerId, caseId }, linkSigningKey(TEST_LINK_SECRET), world.clock.now());
  const response = await request(world.backend.server).get(`/update/done?token=${encodeURIComponent(token)}`);
  expect(response.status).toBe(200);
  await world.settle();
  await world.runDue();
  return response.text;
}

/** A working card the customer adds in the portal: attached and made the default, with Stripe's webhooks. */
function addCard(customerId: string, brand: string, behaviour: CardBehaviour) {
  const pm = world.sandbox.billing.createPaymentMethod('platform', { brand, behaviour });
  world.sandbox.billing.attach('platform', pm.id as string, customerId, null);
  world.sandbox.billing.updateCustomer('platform', customerId, { invoice_settings: { default_payment_method: pm.id } }, null);
  return { paymentMethodId: pm.id as string, fingerprint: (pm.card as { fingerprint: string }).fingerprint };
}

describe('GET /update/done with the card that was declined', () => {
  it('charges nothing and asks the customer for a different card', async () => {
    const { caseId, customerId } = await failedRenewal({ declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' }, 'visa');
    const page = await returnFromCardUpdate(caseId, customerId);
    expect(world.ourCharges()).toHaveLength(0);
    expect(page).toContain('the card we already tried');
    expect(page).not.toContain('retrying the payment now');
  });

  it('never charges a Visa card declined as stolen, however often the customer comes back with it', async () => {
    const { caseId, customerId } = await failedRenewal({ declines: [{ code: 'card_declined', decline_code: 'stolen_card' }], then: 'repeat_last' }, 'visa');
    for (let load = 0; load < 4; load += 1) {
      await returnFromCardUpdate(caseId, customerId);
      world.clock.advance(6 * 60 * MINUTE);
    }
    await world.runUntil(new Date(start.getTime() + 30 * DAY));
    expect(world.ourCharges()).toHaveLength(0);
  });
});

describe('GET /update/done on a do_not_honor Mastercard case', () => {
  it('charges nothing for six returns with the unchanged card, then exactly once, at once, for a truly new card', async () => {
    const { caseId, customerId, fingerprint } = await failedRenewal({ declines: [{ code: 'card_declined', decline_code: 'do_not_honor' }], then: 'repeat_last' }, 'mastercard');
    for (let load = 0; load < 6; load += 1) {
      await returnFromCardUpdate(caseId, customerId);
      world.clock.advance(10 * MINUTE);
    }
    expect(world.ourCharges().filter((charge) => charge.fingerprint === fingerprint)).toHaveLength(0);

    // The new card is declined too, so the case stays open and every later return could charge it again.
    const newCard = addCard(customerId, 'mastercard', { declines: [{ code: 'card_declined', decline_code: 'do_not_honor' }], then: 'repeat_last' });
    const returnedAt = world.clock.now();
    const pages = [];
    for (let load = 0; load < 3; load += 1) {
      pages.push(await returnFromCardUpdate(caseId, customerId));
      world.clock.advance(MINUTE);
    }
    const charges = world.ourCharges();
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ fingerprint: newCard.fingerprint, paymentMethod: newCard.paymentMethodId });
    expect(new Date(charges[0]!.at).getTime() - returnedAt.getTime()).toBeLessThan(MINUTE);
    expect(pages[0]).toContain('try your new card');
  });
});
