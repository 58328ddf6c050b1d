/** Stripe's two modes never mix: a key's prefix says which mode it acts in. */
export interface StripeKeysByMode {
  live: string | null;
  test: string | null;
}

/**
 * Which key serves each mode. STRIPE_SECRET_KEY serves the mode its prefix
 * names (sk_live_/rk_live_ or sk_test_/rk_test_); STRIPE_TEST_SECRET_KEY, when
 * set, serves test mode, so one deployment can serve both.
 * Example: secretKey 'sk_live_…' and testSecretKey 'rk_test_…' → { live: 'sk_live_…', test: 'rk_test_…' };
 * secretKey 'sk_test_…' alone → { live: null, test: 'sk_test_…' }: live cases wait.
 */
export function stripeKeysByMode(secretKey: string | undefined, testSecretKey: string | undefined): StripeKeysByMode {
  const isLive = (key: string) => /^(sk|rk)_live_/.test(key);
  const isTest = (key: string) => /^(sk|rk)_test_/.test(key);
  return {
    live: secretKey && isLive(secretKey) ? secretKey : null,
    test: testSecretKey && isTest(testSecretKey) ? testSecretKey : secretKey && isTest(secretKey) ? secretKey : null,
  };
}
