/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { issueLinkToken, linkSigningKey } from '../../backend/src/cardUpdate';
import { SELF_HOSTED_ACCOUNT, TEST_LINK_SECRET } from '../support/testApp';
import { createRecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The card-update flow in a real browser: Debian's Chromium driven by
 * playwright-core. Screenshots go to test-artifacts/screenshots (ignored).
 */
const db = useTestDatabase();
const SHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const start = new Date('2026-05-04T14:00:00Z');
let browser: Browser;
let world: Awaited<ReturnType<typeof createRecoveryWorld>>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'cardAttempts'].map((name) => db.connection.collection(name).deleteMany({})));
  world = await createRecoveryWorld(db.connection, { start, livemode: true });
});
afterEach(async () => {
  await world.stop();
});

async function caseWithEmailedLink() {
  const customer = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' }, { amount: 4900 });
  const invoice = world.sandbox.billing.renew('platform', customer.subscriptionId);
  await world.settle();
  await world.container.accounts.setBranding(SELF_HOSTED_ACCOUNT, true, { merchantName: 'Acme Analytics', productName: 'Acme Pro', accentColor: '#0b5fff', supportEmail: 'help@acme.test' });
  await world.runDue();
  const email = world.postmark.state.emails[0]!;
  const link = /(http:\/\/127\.0\.0\.1:\d+\/update\?token=[\w.%-]+)/.exec(email.textBody ?? '')![1]!;
  return { customer, invoice, link };
}

describe('the card-update page in Chromium', () => {
  it('shows the branded page from the emailed link, goes to the portal by keyboard, and the payment goes through', async () => {
    const { invoice, link } = await caseWithEmailedLink();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const cspErrors: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
    });

    await page.goto(link);
    await page.screenshot({ path: path.join(SHOTS, 'card-update-phone.png'), fullPage: true });
    await expectText(page, 'h1', 'Update your payment details');
    expect(await page.textContent('body')).toContain('$49.00');
    expect(await page.textContent('header')).toContain('Acme Analytics');
    // The accent colour reached the button: the inline style block was allowed by its hash.
    expect(await page.$eval('button', (button) => getComputedStyle(button).backgroundColor)).toBe('rgb(11, 95, 255)');

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BUTTON');
    await Promise.all([page.waitForURL(`${world.sandbox.url}/portal/**`), page.keyboard.press('Enter')]);
    await expectText(page, 'h1', 'Update your payment method');

    await Promise.all([page.waitForURL('**/update/done?token=**'), page.click('button[type=submit]')]);
    await expectText(page, 'h1', 'Thank you');
    await page.screenshot({ path: path.join(SHOTS, 'card-update-done.png'), fullPage: true });
    expect(cspErrors).toEqual([]);

    await world.settle();
    await world.runDue();
    expect(world.sandbox.billing.invoice('platform', invoice.id as string).status).toBe('paid');
    await page.close();
  });

  it('explains an expired link and refuses a tampered one, without details', async () => {
    const { link } = await caseWithEmailedLink();
    const found = (await db.connection.collection('recoveryCases').find({}).toArray())[0]!;
    const expired = await issueLinkToken(
      { accountId: SELF_HOSTED_ACCOUNT, livemode: true, stripeCustomerId: found.stripeCustomerId as string, caseId: String(found._id) },
      linkSigningKey(TEST_LINK_SECRET),
      new Date(world.clock.now().getTime() - 8 * 86_400_000),
    );
    const page = await browser.newPage();
    const expiredResponse = await page.goto(link.replace(/token=.*/, `token=${expired}`));
    expect(expiredResponse!.status()).toBe(410);
    await expectText(page, 'h1', 'This link has expired');
    expect(await page.textContent('body')).toContain('help@acme.test');
    await page.screenshot({ path: path.join(SHOTS, 'card-update-expired.png') });

    const tampered = await page.goto(`${link.slice(0, -4)}AAAA`);
    expect(tampered!.status()).toBe(401);
    await expectText(page, 'h1', 'This link does not work');
    expect(await page.textContent('body')).not.toContain('49.00');
    await page.screenshot({ path: path.join(SHOTS, 'card-update-tampered.png') });
    await page.close();
  });
});

describe('the card-update page in the customer’s language, on a phone', () => {
  it('shows German and Japanese customers their page in their language with no sideways scrolling', async () => {
    const expired = { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' as const };
    const german = world.customerWithCard('platform', expired, { country: 'DE', preferredLocales: ['de-DE'], amount: 123456 });
    const japanese = world.customerWithCard('platform', expired, { country: 'JP', preferredLocales: ['ja-JP'], amount: 4900 });
    world.sandbox.billing.renew('platform', german.subscriptionId);
    world.sandbox.billing.renew('platform', japanese.subscriptionId);
    await world.settle();
    await world.container.accounts.setBranding(SELF_HOSTED_ACCOUNT, true, { merchantName: 'Acme Analytics', productName: 'Acme Pro', accentColor: '#0b5fff', supportEmail: 'help@acme.test' });
    // Tokyo's daytime comes a few hours later than Berlin's.
    await world.runUntil(new Date(start.getTime() + 86_400_000));
    const linkTo = (address: string) => {
      const email = world.postmark.state.emails.find((candidate) => candidate.to === address)!;
      return /(http:\/\/127\.0\.0\.1:\d+\/update\?token=[\w.%-]+)/.exec(email.textBody ?? '')![1]!;
    };

    for (const [locale, address, heading, phrase] of [
      ['de', 'customer1@example.com', 'Zahlungsdaten aktualisieren', 'Karte sicher aktualisieren'],
      ['ja', 'customer2@example.com', 'お支払い情報の更新', 'カード情報を安全に更新する'],
    ] as const) {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(linkTo(address));
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      await expectText(page, 'h1', heading);
      expect(await page.isVisible(`button:has-text("${phrase}")`)).toBe(true);
      // Nothing wider than the phone: long German words and Japanese text wrap inside the card.
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SHOTS, `card-update-${locale}.png`), fullPage: true });
      await page.close();
    }
  });
});

async function expectText(page: import('playwright-core').Page, selector: string, text: string): Promise<void> {
  expect((await page.textContent(selector))?.trim()).toBe(text);
}
