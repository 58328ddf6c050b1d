import { reminderStopForCardChange, type RenewalCard } from '../../backend/src/renewals';

const renewsAt = new Date('2027-04-12T00:00:00Z');
const card = (paymentMethodId: string, expMonth: number, expYear: number): RenewalCard => ({ paymentMethodId, fingerprint: null, brand: 'visa', last4: '4242', expMonth, expYear, funding: 'credit', country: null });
const expiring = card('pm_old', 3, 2027);

it.each([
  ['the account updater, whatever the dates', expiring, card('pm_old', 3, 2027), 'network', 'card_updated_by_network'],
  ["the customer's new card that outlives the renewal", expiring, card('pm_new', 8, 2030), 'customer', 'card_updated_by_customer'],
  ["the merchant's new card that outlives the renewal", expiring, card('pm_new', 8, 2030), 'merchant', 'card_valid_through_renewal'],
  ['a new card that also expires before the renewal (valid through March only)', expiring, card('pm_new', 3, 2027), 'customer', null],
  ['a card good through April: the renewal on 12 April still charges it', card('pm_old', 4, 2027), card('pm_new', 8, 2030), 'customer', null],
  ['the same payment method from the customer', expiring, card('pm_old', 8, 2030), 'customer', null],
  ['no card before', null, card('pm_new', 8, 2030), 'customer', null],
  ['the card removed', expiring, null, 'customer', null],
] as const)('stops reminders for %s', (_name, before, after, origin, expected) => {
  expect(reminderStopForCardChange({ renewsAt }, before, after, origin)).toBe(expected);
});

it('stops nothing for a renewal without a date, unless the network changed the card', () => {
  expect(reminderStopForCardChange({ renewsAt: null }, expiring, card('pm_new', 8, 2030), 'customer')).toBeNull();
  expect(reminderStopForCardChange({ renewsAt: null }, expiring, expiring, 'network')).toBe('card_updated_by_network');
});
