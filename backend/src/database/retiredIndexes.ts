import type { Connection } from 'mongoose';

/**
 * Indexes the schemas no longer declare, by collection. Start-up builds the
 * declared ones first, then drops these: an old unique index could refuse
 * what the new rules allow, and every other one only costs each write.
 */
export const RETIRED_INDEXES: Record<string, { names: string[]; why: string }> = {
  emailSuppressions: { names: ['accountId_1_email_1'], why: 'suppressions became per mode; this unique index would refuse one address in both modes' },
  recoveryCases: {
    names: ['accountId_1_status_1_stripeCustomerId_1', 'accountId_1_stripeCustomerId_1', 'accountId_1_status_1_subscriptionId_1'],
    why: 'a customer’s and a subscription’s cases are read by indexes led by the customer and the subscription',
  },
  renewals: {
    names: ['accountId_1_livemode_1_customerId_1', 'accountId_1_livemode_1_card.paymentMethodId_1', 'accountId_1_livemode_1_card.fingerprint_1'],
    why: 'a customer’s and a card’s renewals are read by indexes led by the customer and the card',
  },
  cardAttempts: { names: ['accountId_1_cardKey_1_at_-1'], why: 'a card’s attempts are read by an index led by the card key' },
};

/** Drops each retired index that is still there; one already gone (or a collection not yet made) is fine. */
export async function dropRetiredIndexes(connection: Connection): Promise<void> {
  const drops = Object.entries(RETIRED_INDEXES).flatMap(([collection, { names }]) =>
    names.map((name) => connection.collection(collection).dropIndex(name).catch(() => undefined)),
  );
  await Promise.all(drops);
}
