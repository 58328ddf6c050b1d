import { stripeKeysByMode } from '../../../backend/src/adapters/stripe';

describe('stripeKeysByMode', () => {
  it.each([
    ['a live key alone serves live mode only', 'sk_live_a', undefined, { live: 'sk_live_a', test: null }],
    ['a test key alone serves test mode only', 'sk_test_a', undefined, { live: null, test: 'sk_test_a' }],
    ['a live key and a test key serve one mode each', 'rk_live_a', 'rk_test_b', { live: 'rk_live_a', test: 'rk_test_b' }],
    ['STRIPE_TEST_SECRET_KEY wins test mode over a test STRIPE_SECRET_KEY', 'sk_test_a', 'sk_test_b', { live: null, test: 'sk_test_b' }],
    ['no key serves nothing', undefined, undefined, { live: null, test: null }],
  ])('%s', (_name, secretKey, testSecretKey, expected) => {
    expect(stripeKeysByMode(secretKey, testSecretKey)).toEqual(expected);
  });
});
