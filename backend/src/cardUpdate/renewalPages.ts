import type { Branding } from '../accounts';
import type { PageWords } from './cardUpdatePages';

/** What the renewal page says about the card on file and the renewal it will not survive. */
export interface RenewalDetails {
  customerName: string | null;
  /** "Visa ending 4242" */
  card: string;
  /** "03/2027" */
  cardExpiry: string;
  /** "Monday 12 April 2027" */
  renewalDate: string;
  amount: string;
}

/** Pages of a pre-dunning link: the card on file expires before the renewal. */
export type RenewalPage =
  | { kind: 'renewal_update_card'; branding: Branding; renewal: RenewalDetails; token: string }
  /** `confirmed`: we read the new card at Stripe; false when Stripe has not told us yet. */
  | { kind: 'renewal_card_updated'; branding: Branding; confirmed: boolean }
  /** Back from the portal with the same expiring card, or another that also expires first. */
  | { kind: 'renewal_card_unchanged'; branding: Branding; token: string; sameCard: boolean }
  /** Nothing to do: the renewal is past or ended, or its card already lasts. */
  | { kind: 'renewal_nothing_due'; branding: Branding };

export function renewalPageContent(page: RenewalPage, words: PageWords): { status: number; title: string; body: string } {
  const { t, greeting, support, esc } = words;
  switch (page.kind) {
    case 'renewal_update_card': {
      const { renewal } = page;
      const values = {
        greeting: greeting(renewal.customerName),
        productName: esc(page.branding.productName),
        card: esc(renewal.card),
        cardExpiry: esc(renewal.cardExpiry),
        amount: `<strong>${esc(renewal.amount)}</strong>`,
        renewalDate: esc(renewal.renewalDate),
      };
      return {
        status: 200,
        title: t('page.renewal.title'),
        body:
          `<h1>${t('page.renewal.title')}</h1>` +
          `<p>${t('page.renewal.intro', values)}</p>` +
          `<p>${t('page.renewal.explain')}</p>` +
          form(page.token, t('page.updateCard.button'), esc) +
          `<p class="small">${t('page.secureNote')}</p>`,
      };
    }
    case 'renewal_card_updated':
      return { status: 200, title: t('page.thankYou'), body: `<h1>${t('page.thankYou')}</h1><p>${t(page.confirmed ? 'page.renewal.saved' : 'page.renewal.waiting')} ${support(page.branding)}</p>` };
    case 'renewal_card_unchanged':
      return {
        status: 200,
        title: t('page.differentCard.title'),
        body:
          `<h1>${t('page.differentCard.title')}</h1>` +
          `<p>${t(page.sameCard ? 'page.renewal.sameCard' : 'page.renewal.alsoExpires')}</p>` +
          form(page.token, t('page.differentCard.button'), esc) +
          `<p class="small">${support(page.branding)}</p>`,
      };
    case 'renewal_nothing_due':
      return { status: 200, title: t('page.renewal.nothingDue.title'), body: `<h1>${t('page.renewal.nothingDue.title')}</h1><p>${t('page.renewal.nothingDue.body')} ${support(page.branding)}</p>` };
  }
}

/** `label` is a message of ours (no markup). */
function form(token: string, label: string, esc: (value: string) => string): string {
  return `<form method="post" action="/update"><input type="hidden" name="token" value="${esc(token)}"><button type="submit">${label}</button></form>`;
}
