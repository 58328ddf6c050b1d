import { DEFAULT_BRANDING } from '../../backend/src/accounts';
import { renderCardUpdatePage, type CardUpdatePage } from '../../backend/src/cardUpdate/cardUpdatePages';
import { SUPPORTED_LOCALES, type Locale } from '../../backend/src/i18n';

const branding = { ...DEFAULT_BRANDING, merchantName: 'Acme <Tools>', productName: 'Acme Pro', supportEmail: 'help@acme.test' };
const due = { customerName: 'Zoë', amount: '1.234,56 €', reason: 'a <b>reason</b>' };
const renewal = { customerName: 'Zoë', card: 'Visa ending 4242', cardExpiry: '03/2027', renewalDate: 'Monday 12 April 2027', amount: '$49.00' };

const pages: CardUpdatePage[] = [
  { kind: 'update_card', branding, due, token: 't' },
  { kind: 'confirm_payment', branding, due: { ...due, customerName: null }, invoiceUrl: 'https://invoice.stripe.com/i/1' },
  { kind: 'already_paid', branding },
  { kind: 'nothing_due', branding },
  { kind: 'card_updated', branding, retryingNow: true },
  { kind: 'card_updated', branding, retryingNow: false },
  { kind: 'card_unchanged', branding, token: 't' },
  { kind: 'expired', branding },
  { kind: 'expired', branding: null },
  { kind: 'invalid' },
  { kind: 'temporarily_unavailable', branding },
  { kind: 'renewal_update_card', branding, renewal, token: 't' },
  { kind: 'renewal_card_updated', branding, confirmed: true },
  { kind: 'renewal_card_unchanged', branding, token: 't', sameCard: false },
  { kind: 'renewal_nothing_due', branding },
];

const headingOf = (html: string) => /<h1>(.*?)<\/h1>/.exec(html)![1];

describe('every card-update page in every language', () => {
  it.each(SUPPORTED_LOCALES.flatMap((locale) => pages.map((page) => [locale, page.kind, page] as [Locale, string, CardUpdatePage])))('%s %s: its own lang, every value filled in and escaped', (locale, _kind, page) => {
    const { html } = renderCardUpdatePage({ ...page, locale });
    expect(html).toContain(`<html lang="${locale}">`);
    // An ICU value left unfilled would show as {name}; a value inserted raw would show its markup.
    expect(html.replace(/<style>.*<\/style>/, '')).not.toMatch(/[{}]/);
    expect(html).not.toContain('<b>reason</b>');
    expect(html).not.toContain('Acme <Tools>');
    if (locale !== 'en') expect(headingOf(html)).not.toBe(headingOf(renderCardUpdatePage({ ...page, locale: 'en' }).html));
  });
});
