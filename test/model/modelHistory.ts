import fc from 'fast-check';
import { DECLINE_MIX } from '../../devservices/declineMix';

/**
 * A history: one or two customers (a subscription renewal or a one-time order
 * that fails), then a short random interleaving of what Stripe, the customer,
 * the merchant, the worker and the clock do.
 * Histories are plain data (fast-check prints and shrinks them); modelRunner
 * plays them against the real backend and the Stripe sandbox.
 */

/** The published mix (REFERENCE.md §1), plus the never-retry codes the networks name. */
export const DECLINE_CODES = [...DECLINE_MIX.map((entry) => entry.declineCode), 'stolen_card', 'lost_card', 'pickup_card', 'processing_error'] as const;
export const BRANDS = ['visa', 'mastercard'] as const;
export const COUNTRIES = ['US', 'GB', 'JP', 'AU'] as const;

export interface CustomerSpec {
  /** A subscription whose renewal invoice fails, or a one-time checkout (a payment intent, no invoice) for an order. */
  pays: 'subscription' | 'order';
  /** An order's checkout asked for off-session use (setup_future_usage off_session): the customer's consent to be charged later. */
  offSessionConsent: boolean;
  /** An order's checkout wrote its order number in metadata (order_id). */
  orderReference: boolean;
  brand: (typeof BRANDS)[number];
  declineCode: string;
  /** Mastercard's network advice on the decline (03 = never, 24 = wait a day, …), or none. */
  networkAdvice: string | null;
  /** After the first decline the card keeps declining (true) or goes through. */
  keepsDeclining: boolean;
  country: (typeof COUNTRIES)[number];
  /** Stripe's own next automatic attempt in hours after a failure, or none scheduled. */
  stripeRetryHours: number | null;
}

export type Step =
  /** The customer's next renewal fails (subscription), or a checkout for a new order fails (order). */
  | { kind: 'payment_fails'; customer: number }
  | { kind: 'time_passes'; hours: number }
  | { kind: 'stripe_retries'; customer: number }
  | { kind: 'customer_pays_hosted_page'; customer: number }
  | { kind: 'paid_out_of_band'; customer: number }
  | { kind: 'new_card'; customer: number; sameFingerprint: boolean; works: boolean }
  | { kind: 'returns_from_card_update'; customer: number }
  /** Through the card-update page and Stripe's Billing Portal: a working card saved for off-session use, then back. */
  | { kind: 'saves_card_on_card_update_page'; customer: number }
  /** The customer pays their last failed order with a new payment intent: the same order reference, or only the same amount; saving the card (setup_future_usage) or not. */
  | { kind: 'customer_pays_order'; customer: number; sameReference: boolean; savesCard: boolean }
  | { kind: 'merchant'; customer: number; action: 'retry' | 'pause' | 'resume' | 'cancel' }
  | { kind: 'subscription_canceled'; customer: number }
  | { kind: 'worker_killed' }
  | { kind: 'stripe_fault'; mode: 'error_500' | 'rate_limit' | 'lost_response' | 'timeout'; count: number };

export interface History {
  livemode: boolean;
  customers: CustomerSpec[];
  steps: Step[];
}

const customerSpec: fc.Arbitrary<CustomerSpec> = fc.record({
  pays: fc.constantFrom('subscription' as const, 'subscription' as const, 'order' as const),
  offSessionConsent: fc.boolean(),
  orderReference: fc.boolean(),
  brand: fc.constantFrom(...BRANDS),
  declineCode: fc.constantFrom(...DECLINE_CODES),
  networkAdvice: fc.constantFrom<string | null>(null, null, null, '03', '24', '26'),
  keepsDeclining: fc.boolean(),
  country: fc.constantFrom(...COUNTRIES),
  stripeRetryHours: fc.constantFrom<number | null>(null, 72, 120),
});

function stepFor(customers: number): fc.Arbitrary<Step> {
  const customer = fc.nat({ max: customers - 1 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('payment_fails' as const), customer }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('time_passes' as const), hours: fc.constantFrom(1, 6, 24, 72, 168) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('stripe_retries' as const), customer }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('customer_pays_hosted_page' as const), customer }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('paid_out_of_band' as const), customer }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('new_card' as const), customer, sameFingerprint: fc.boolean(), works: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('returns_from_card_update' as const), customer }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('saves_card_on_card_update_page' as const), customer }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('customer_pays_order' as const), customer, sameReference: fc.boolean(), savesCard: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('merchant' as const), customer, action: fc.constantFrom('retry' as const, 'pause' as const, 'resume' as const, 'cancel' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('subscription_canceled' as const), customer }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'worker_killed' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('stripe_fault' as const), mode: fc.constantFrom('error_500' as const, 'rate_limit' as const, 'lost_response' as const, 'timeout' as const), count: fc.integer({ min: 1, max: 2 }) }) },
  );
}

/** One to two customers and up to `maxSteps` steps; each history opens with a failed payment so there is a case to work on. */
export function historyArbitrary(maxSteps: number): fc.Arbitrary<History> {
  return fc
    .record({ livemode: fc.boolean(), customers: fc.array(customerSpec, { minLength: 1, maxLength: 2 }) })
    .chain(({ livemode, customers }) =>
      fc.array(stepFor(customers.length), { minLength: 1, maxLength: maxSteps }).map((steps): History => ({ livemode, customers, steps: [{ kind: 'payment_fails', customer: 0 }, ...steps] })),
    );
}
