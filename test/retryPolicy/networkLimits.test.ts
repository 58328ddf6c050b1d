import { checkNetworkLimits, DEFAULT_NETWORK_LIMITS, earliestAllowedAt, validateNetworkLimits, type CardAttempt } from '../../backend/src/retryPolicy';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = new Date('2026-05-01T00:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);
const declined = (ms: number, fields: Partial<CardAttempt> = {}): CardAttempt => ({ at: at(ms), outcome: 'declined', initiatedBy: 'merchant', declineCode: 'insufficient_funds', ...fields });
const series = (count: number, everyMs: number, fields: Partial<CardAttempt> = {}) => Array.from({ length: count }, (_, i) => declined(i * everyMs, fields));

describe('Visa', () => {
  it('forbids any reattempt after an issuer-will-never-approve decline', () => {
    expect(checkNetworkLimits([declined(0, { declineCode: 'stolen_card' })], 'visa', at(40 * DAY), DEFAULT_NETWORK_LIMITS)).toMatchObject({ allowed: false, rule: 'visa_never_approve', notBefore: null });
  });

  it('allows the 15th reattempt (16 attempts) and refuses the 16th in 30 days', () => {
    expect(checkNetworkLimits(series(15, DAY), 'visa', at(15 * DAY), DEFAULT_NETWORK_LIMITS)).toEqual({ allowed: true });
    const refused = checkNetworkLimits(series(16, DAY), 'visa', at(16 * DAY), DEFAULT_NETWORK_LIMITS);
    expect(refused).toMatchObject({ allowed: false, rule: 'visa_reattempts_30d', notBefore: at(30 * DAY) });
  });

  it('follows a merchant limit of 20', () => {
    expect(checkNetworkLimits(series(20, HOUR * 12), 'visa', at(11 * DAY), { ...DEFAULT_NETWORK_LIMITS, visaMaxReattemptsPer30Days: 20 })).toEqual({ allowed: true });
  });

  it('does not count customer-initiated attempts toward the merchant limit', () => {
    const history = series(16, DAY, { initiatedBy: 'customer' });
    expect(checkNetworkLimits(history, 'visa', at(16 * DAY), DEFAULT_NETWORK_LIMITS)).toEqual({ allowed: true });
  });
});

describe('Mastercard', () => {
  it.each(['03', '21'])('forbids retrying after advice %s', (networkAdviceCode) => {
    expect(checkNetworkLimits([declined(0, { networkAdviceCode })], 'mastercard', at(20 * DAY), DEFAULT_NETWORK_LIMITS)).toMatchObject({ allowed: false, notBefore: null });
  });

  it('allows the 10th decline in 24 hours and refuses an 11th until the oldest leaves the window', () => {
    expect(checkNetworkLimits(series(9, HOUR), 'mastercard', at(9 * HOUR), DEFAULT_NETWORK_LIMITS)).toEqual({ allowed: true });
    expect(checkNetworkLimits(series(10, HOUR), 'mastercard', at(10 * HOUR), DEFAULT_NETWORK_LIMITS)).toMatchObject({ rule: 'mastercard_declines_24h', notBefore: at(DAY) });
  });

  it('refuses a 36th decline in 30 days', () => {
    const history = series(35, 20 * HOUR);
    expect(checkNetworkLimits(history, 'mastercard', at(35 * 20 * HOUR), DEFAULT_NETWORK_LIMITS)).toMatchObject({ rule: 'mastercard_declines_30d', notBefore: at(30 * DAY) });
  });

  it.each([
    ['24', HOUR],
    ['26', 2 * DAY],
    ['30', 10 * DAY],
  ])('waits as advice %s says after the last decline', (networkAdviceCode, waitMs) => {
    const history = [declined(0, { networkAdviceCode })];
    expect(checkNetworkLimits(history, 'mastercard', at(waitMs - 1), DEFAULT_NETWORK_LIMITS)).toMatchObject({ rule: 'mastercard_advice_wait', notBefore: at(waitMs) });
    expect(checkNetworkLimits(history, 'mastercard', at(waitMs), DEFAULT_NETWORK_LIMITS)).toEqual({ allowed: true });
  });
});

describe('any brand', () => {
  it("forbids retrying after Stripe's advice do_not_try_again", () => {
    expect(checkNetworkLimits([declined(0, { adviceCode: 'do_not_try_again' })], 'amex', at(DAY), DEFAULT_NETWORK_LIMITS).allowed).toBe(false);
  });

  it('applies both Visa and Mastercard rules to an unknown brand', () => {
    expect(checkNetworkLimits([declined(0, { declineCode: 'pickup_card' })], null, at(DAY), DEFAULT_NETWORK_LIMITS)).toMatchObject({ rule: 'visa_never_approve' });
    expect(checkNetworkLimits(series(10, HOUR), null, at(10 * HOUR), DEFAULT_NETWORK_LIMITS)).toMatchObject({ rule: 'mastercard_declines_24h' });
  });

  it('ignores attempts that happen after the moment checked', () => {
    expect(checkNetworkLimits([declined(DAY, { declineCode: 'stolen_card' })], 'visa', at(0), DEFAULT_NETWORK_LIMITS)).toEqual({ allowed: true });
  });
});

describe('earliestAllowedAt', () => {
  it('finds the first moment every rule allows', () => {
    const history = [...series(10, HOUR), declined(10 * HOUR, { networkAdviceCode: '25' })];
    expect(earliestAllowedAt(history, 'mastercard', at(10 * HOUR), DEFAULT_NETWORK_LIMITS)).toEqual(at(34 * HOUR));
  });

  it('is null when the card may never be charged again', () => {
    expect(earliestAllowedAt([declined(0, { declineCode: 'lost_card' })], 'visa', at(DAY), DEFAULT_NETWORK_LIMITS)).toBeNull();
  });
});

describe('validateNetworkLimits', () => {
  it('names each limit a merchant setting would break', () => {
    expect(validateNetworkLimits({ visaMaxReattemptsPer30Days: 25, mastercardMaxDeclinesPer24h: 12, mastercardMaxDeclinesPer30Days: 40 })).toEqual([
      expect.stringMatching(/^visaMaxReattemptsPer30Days: .*at most 20/),
      expect.stringMatching(/^mastercardMaxDeclinesPer24h: .*at most 10/),
      expect.stringMatching(/^mastercardMaxDeclinesPer30Days: .*at most 35/),
    ]);
    expect(validateNetworkLimits(DEFAULT_NETWORK_LIMITS)).toEqual([]);
  });
});
