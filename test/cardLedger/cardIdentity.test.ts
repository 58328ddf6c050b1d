import { isSameCard, isUntriedCard, withTriedCards } from '../../backend/src/cardLedger';

describe('isSameCard', () => {
  it.each([
    ['one card saved twice (same fingerprint, two payment methods)', { paymentMethodId: 'pm_A', fingerprint: 'X' }, { paymentMethodId: 'pm_B', fingerprint: 'X' }, true],
    ['two cards under one payment method id cannot happen, fingerprints decide', { paymentMethodId: 'pm_A', fingerprint: 'X' }, { paymentMethodId: 'pm_A', fingerprint: 'Y' }, false],
    ['the same payment method without fingerprints', { paymentMethodId: 'pm_A' }, { paymentMethodId: 'pm_A', fingerprint: 'X' }, true],
    ['another payment method with no fingerprint to compare', { paymentMethodId: 'pm_A', fingerprint: 'X' }, { paymentMethodId: 'pm_B' }, false],
    ['nothing to compare', {}, {}, false],
  ])('%s', (_name, a, b, same) => {
    expect(isSameCard(a, b)).toBe(same);
    expect(isSameCard(b, a)).toBe(same);
  });
});

describe('isUntriedCard and withTriedCards', () => {
  it('counts a card as new only when it is none of the declined or tried cards', () => {
    const tried = withTriedCards([], [{ paymentMethodId: 'pm_A', fingerprint: 'X' }, null, { paymentMethodId: 'pm_B', fingerprint: 'Y' }, { paymentMethodId: 'pm_A', fingerprint: 'X' }]);
    expect(tried).toHaveLength(2);
    expect(isUntriedCard({ paymentMethodId: 'pm_C', fingerprint: 'X' }, tried)).toBe(false);
    expect(isUntriedCard({ paymentMethodId: 'pm_B' }, tried)).toBe(false);
    expect(isUntriedCard({ paymentMethodId: 'pm_C', fingerprint: 'Z' }, tried)).toBe(true);
  });

  it('replaces a tried card known only by its payment method once its fingerprint is known', () => {
    expect(withTriedCards([{ paymentMethodId: 'pm_A' }], [{ paymentMethodId: 'pm_A', fingerprint: 'X' }])).toEqual([{ paymentMethodId: 'pm_A', fingerprint: 'X' }]);
  });
});
