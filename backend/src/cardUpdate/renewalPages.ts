import type { Branding } from '../accounts';

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

type Escape = (value: string) => string;

export function renewalPageContent(page: RenewalPage, esc: Escape, support: (branding: Branding) => string): { status: number; title: string; body: string } {
  switch (page.kind) {
    case 'renewal_update_card': {
      const { renewal } = page;
      return {
        status: 200,
        title: 'Update your card before your renewal',
        body:
          `<h1>Update your card before your renewal</h1>` +
          `<p>${renewal.customerName ? `Hi ${esc(renewal.customerName)},` : 'Hello,'} the card on file for ${esc(page.branding.productName)} (${esc(renewal.card)}) expires ${esc(renewal.cardExpiry)}, before your renewal of <strong>${esc(renewal.amount)}</strong> on ${esc(renewal.renewalDate)}.</p>` +
          `<p>Add a new card with Stripe, our payment provider, so the renewal goes through. Nothing is charged today.</p>` +
          form(page.token, 'Update card securely', esc) +
          `<p class="small">You will go to a secure page hosted by Stripe. We never see your card number.</p>`,
      };
    }
    case 'renewal_card_updated':
      return {
        status: 200,
        title: 'Thank you',
        body: page.confirmed
          ? `<h1>Thank you</h1><p>Your new card is saved and will be used for your renewal. Nothing was charged today. ${support(page.branding)}</p>`
          : `<h1>Thank you</h1><p>We will use your new card for your renewal as soon as Stripe, our payment provider, confirms it to us. Nothing was charged today. ${support(page.branding)}</p>`,
      };
    case 'renewal_card_unchanged':
      return {
        status: 200,
        title: 'Please add a different card',
        body:
          `<h1>Please add a different card</h1>` +
          (page.sameCard
            ? `<p>This is the card that expires before your renewal. Please add a different card so the renewal goes through.</p>`
            : `<p>This card also expires before your renewal. Please add a card that is valid on the renewal date.</p>`) +
          form(page.token, 'Add a different card', esc) +
          `<p class="small">${support(page.branding)}</p>`,
      };
    case 'renewal_nothing_due':
      return { status: 200, title: 'Nothing to do', body: `<h1>Nothing to do</h1><p>Your card on file is all set for your next renewal. ${support(page.branding)}</p>` };
  }
}

function form(token: string, label: string, esc: Escape): string {
  return `<form method="post" action="/update"><input type="hidden" name="token" value="${esc(token)}"><button type="submit">${esc(label)}</button></form>`;
}
