import fc from 'fast-check';
import { checkNetworkLimits, classifyDecline, DEFAULT_RETRY_POLICY, planNextRetry, type CardAttempt, type RetryPolicy } from '../../backend/src/retryPolicy';

/**
 * Whatever the history, decline and policy, following the plan never breaks a
 * card-network limit, never lands near Stripe's own retry, and never runs past
 * the window. Each run simulates a whole case: plan, attempt (declined with the
 * same codes), plan again, until the plan stops retrying.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);

const declineCodes = ['insufficient_funds', 'processing_error', 'try_again_later', 'do_not_honor', 'generic_decline', 'stolen_card', 'pickup_card', 'transaction_not_allowed', 'expired_card', 'card_velocity_exceeded', 'brand_new_code'];
const networkAdvice = [null, '01', '03', '21', '24', '25', '26', '27', '28', '29', '30'];

const attempt = fc.record({
  offsetMs: fc.integer({ min: 0, max: 40 * DAY }),
  outcome: fc.constantFrom<'declined' | 'succeeded'>('declined', 'declined', 'declined', 'succeeded'),
  initiatedBy: fc.constantFrom<'merchant' | 'customer'>('merchant', 'merchant', 'customer'),
  declineCode: fc.constantFrom(...declineCodes),
  networkAdviceCode: fc.constantFrom(...networkAdvice),
});

const scenario = fc.record({
  brand: fc.constantFrom('visa', 'mastercard', 'amex', null),
  history: fc.array(attempt, { maxLength: 40 }),
  declineCode: fc.constantFrom(...declineCodes),
  networkAdviceCode: fc.constantFrom(...networkAdvice),
  stripeRetryOffsetMs: fc.option(fc.integer({ min: 0, max: 30 * DAY }), { nil: null }),
  country: fc.constantFrom('US', 'GB', 'JP', 'AU', null),
  windowDays: fc.integer({ min: 1, max: 40 }),
  maxAttempts: fc.integer({ min: 0, max: 15 }),
  visaLimit: fc.integer({ min: 0, max: 20 }),
  clearanceHours: fc.integer({ min: 0, max: 12 }),
});

it('never plans a retry that breaks a network limit, crowds Stripe’s retry or leaves the window', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const policy: RetryPolicy = {
        ...DEFAULT_RETRY_POLICY,
        windowDays: s.windowDays,
        maxAttempts: Math.min(s.maxAttempts, s.visaLimit),
        stripeRetryClearanceHours: s.clearanceHours,
        networkLimits: { ...DEFAULT_RETRY_POLICY.networkLimits, visaMaxReattemptsPer30Days: s.visaLimit },
      };
      const openedAt = new Date(T0 + 40 * DAY);
      const history: CardAttempt[] = s.history.map((a) => ({ ...a, at: new Date(T0 + a.offsetMs) }));
      const decline = { code: 'card_declined', declineCode: s.declineCode, ...(s.networkAdviceCode ? { networkAdviceCode: s.networkAdviceCode } : {}) };
      history.push({ at: openedAt, outcome: 'declined', initiatedBy: 'merchant', declineCode: s.declineCode, networkAdviceCode: s.networkAdviceCode });
      const stripeAt = s.stripeRetryOffsetMs === null ? null : new Date(openedAt.getTime() + s.stripeRetryOffsetMs);

      let now = openedAt;
      let ours = 0;
      for (let step = 0; step < 30; step += 1) {
        const decision = planNextRetry(
          {
            openedAt,
            classification: classifyDecline(decline, { needsCustomerAction: false }),
            ourAttemptCount: ours,
            lastAttemptAt: history.at(-1)!.at,
            nextStripeRetryAt: stripeAt,
            paymentMethodChangedSinceLastFailure: false,
            customerCountry: s.country,
            customerTimeZone: null,
            cardBrand: s.brand,
            cardHistory: history,
          },
          policy,
          now,
        );
        if (decision.kind !== 'retry') return;
        // The attempt the plan asks for must be allowed by every rule, on the full history so far.
        expect(checkNetworkLimits(history, s.brand, decision.at, policy.networkLimits)).toEqual({ allowed: true });
        expect(decision.at.getTime()).toBeGreaterThanOrEqual(now.getTime());
        expect(decision.at.getTime()).toBeLessThan(openedAt.getTime() + policy.windowDays * DAY);
        if (stripeAt) expect(Math.abs(decision.at.getTime() - stripeAt.getTime())).toBeGreaterThanOrEqual(policy.stripeRetryClearanceHours * HOUR);
        expect(ours).toBeLessThan(policy.maxAttempts);
        history.push({ at: decision.at, outcome: 'declined', initiatedBy: 'merchant', declineCode: s.declineCode, networkAdviceCode: s.networkAdviceCode });
        ours += 1;
        now = decision.at;
      }
    }),
    { numRuns: 300, seed: 20261123 },
  );
});
