import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The customer's language end to end: Stripe's customer carries
 * preferred_locales, the renewal fails, the signed webhooks open the case,
 * the first retry step reads the customer (place and languages) and the
 * email job writes to them in their language; the emailed link opens the
 * card-update page in it too. A customer with no language of theirs gets the
 * merchant's.
 */
const db = useTestDatabase();
const start = new Date('2026-05-04T12:00:00Z'); // Monday, 14:00 in Berlin and Paris
// Intl puts no-break spaces between amount and currency; the assertions use plain ones.
const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
let world: RecoveryWorld;

beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start, livemode: true });
});
afterEach(async () => {
  await world.stop();
});

describe("the customer's language", () => {
  it('writes to a de-DE customer in German, links to a German page, and falls back to the merchant’s language for a customer without one', async () => {
    expect(await world.container.settings.update(SELF_HOSTED_ACCOUNT, true, { language: 'fr' }, start)).toEqual({ ok: true });
    const expired = { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' as const };
    const german = world.customerWithCard('platform', expired, { country: 'DE', preferredLocales: ['de-DE'], amount: 123456 });
    const french = world.customerWithCard('platform', expired, { country: 'FR', amount: 4900 });
    world.sandbox.billing.renew('platform', german.subscriptionId);
    world.sandbox.billing.renew('platform', french.subscriptionId);
    await world.runUntil(new Date(start.getTime() + 60 * 60_000));

    const cases = await db.connection.collection('recoveryCases').find({}).toArray();
    expect(cases.find((found) => found.stripeCustomerId === german.customerId)).toMatchObject({ customerLocales: ['de-DE'], customerTimeZone: 'Europe/Berlin' });

    const emails = world.postmark.state.emails;
    const toGerman = emails.find((email) => email.to === 'customer1@example.com')!;
    expect(toGerman.subject).toBe('Ihre Zahlung für our service ist nicht durchgegangen');
    expect(toGerman.textBody).toMatch(/^Hallo Alice,/);
    expect(plain(toGerman.textBody)).toContain('Wir wollten Ihre Zahlung von 1.234,56 $ für our service einziehen');
    expect(toGerman.textBody).toContain('(die hinterlegte Karte ist abgelaufen)');
    expect(toGerman.htmlBody).toContain('<html lang="de">');

    const toFrench = emails.find((email) => email.to === 'customer2@example.com')!;
    expect(toFrench.subject).toBe('Votre paiement pour our service n’a pas abouti');
    expect(plain(toFrench.textBody)).toContain('49,00 $US');

    const link = /(http:\/\/127\.0\.0\.1:\d+\/update\?token=[\w.%-]+)/.exec(toGerman.textBody ?? '')![1]!;
    const page = await fetch(link);
    const html = plain(await page.text());
    expect(page.status).toBe(200);
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<h1>Zahlungsdaten aktualisieren</h1>');
    expect(html).toContain('Hallo Alice, Ihre Zahlung von <strong>1.234,56 $</strong> für our service ist nicht durchgegangen: die hinterlegte Karte ist abgelaufen.');
    expect(html).toContain('<button type="submit">Karte sicher aktualisieren</button>');
  });
});
