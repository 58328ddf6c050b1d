import { createHash } from 'node:crypto';
import { contrastText, isHexColor, type Branding } from '../accounts';
import { renewalPageContent, type RenewalPage } from './renewalPages';

/**
 * Server-rendered pages of the card-update flow: plain HTML, one inline style
 * block allowed by its hash, no scripts. Every value is escaped.
 */

export interface RenderedPage {
  status: number;
  html: string;
  /** The CSP source for the page's style block, e.g. 'sha256-…'. */
  styleSource: string;
}

export interface DueDetails {
  customerName: string | null;
  amount: string;
  reason: string;
}

export type CardUpdatePage =
  | { kind: 'update_card'; branding: Branding; due: DueDetails; token: string }
  | { kind: 'confirm_payment'; branding: Branding; due: DueDetails; invoiceUrl: string }
  | { kind: 'already_paid'; branding: Branding }
  | { kind: 'nothing_due'; branding: Branding }
  /** `retryingNow`: the card is new to this case and is being tried; false when Stripe has not told us the card yet. */
  | { kind: 'card_updated'; branding: Branding; retryingNow: boolean }
  /** The customer came back with a card this case already tried: nothing is charged, they may add another. */
  | { kind: 'card_unchanged'; branding: Branding; token: string }
  | { kind: 'expired'; branding: Branding | null }
  | { kind: 'invalid' }
  | { kind: 'temporarily_unavailable'; branding: Branding | null }
  | RenewalPage;

export function renderCardUpdatePage(page: CardUpdatePage): RenderedPage {
  const branding = 'branding' in page ? page.branding : null;
  const { status, title, body } = content(page);
  return layout(status, title, body, branding);
}

function content(page: CardUpdatePage): { status: number; title: string; body: string } {
  switch (page.kind) {
    case 'update_card':
      return {
        status: 200,
        title: 'Update your payment details',
        body:
          `<h1>Update your payment details</h1>` +
          `<p>${greeting(page.due.customerName)} your payment of <strong>${esc(page.due.amount)}</strong> for ${esc(page.branding.productName)} did not go through: ${esc(page.due.reason)}.</p>` +
          `<p>Add a new card or update your details with Stripe, our payment provider. We will then retry the payment straight away.</p>` +
          `<form method="post" action="/update"><input type="hidden" name="token" value="${esc(page.token)}">` +
          `<button type="submit">Update card securely</button></form>` +
          `<p class="small">You will go to a secure page hosted by Stripe. We never see your card number.</p>`,
      };
    case 'confirm_payment':
      return {
        status: 200,
        title: 'Confirm your payment',
        body:
          `<h1>Confirm your payment</h1>` +
          `<p>${greeting(page.due.customerName)} your bank asks you to confirm the payment of <strong>${esc(page.due.amount)}</strong> for ${esc(page.branding.productName)}.</p>` +
          `<p><a class="button" href="${esc(page.invoiceUrl)}" rel="noreferrer">Confirm payment</a></p>` +
          `<p class="small">This opens your invoice on Stripe, our payment provider, where your bank can verify it is you.</p>`,
      };
    case 'already_paid':
      return { status: 200, title: 'Already paid', body: `<h1>Thank you, it is paid</h1><p>This payment to ${esc(page.branding.merchantName)} has already been made. There is nothing more to do.</p>` };
    case 'nothing_due':
      return { status: 200, title: 'Nothing to pay', body: `<h1>Nothing to pay</h1><p>There is no payment due on this link any more. ${support(page.branding)}</p>` };
    case 'card_updated':
      return {
        status: 200,
        title: 'Thank you',
        body: page.retryingNow
          ? `<h1>Thank you</h1><p>Your payment details are updated. We'll try your new card now and email you a confirmation. ${support(page.branding)}</p>`
          : `<h1>Thank you</h1><p>We'll try your new card as soon as Stripe, our payment provider, confirms it to us, and email you a confirmation. ${support(page.branding)}</p>`,
      };
    case 'card_unchanged':
      return {
        status: 200,
        title: 'Please add a different card',
        body:
          `<h1>Please add a different card</h1>` +
          `<p>This is the card we already tried, so we have not charged it again. Please add a different card and we will try that one straight away.</p>` +
          `<form method="post" action="/update"><input type="hidden" name="token" value="${esc(page.token)}">` +
          `<button type="submit">Add a different card</button></form>` +
          `<p class="small">${support(page.branding)}</p>`,
      };
    case 'expired':
      return {
        status: 410,
        title: 'This link has expired',
        body:
          `<h1>This link has expired</h1><p>For your security, payment links work for a few days only. ` +
          `Open the most recent email we sent you for a fresh link${page.branding?.supportEmail ? `, or write to <a href="mailto:${esc(page.branding.supportEmail)}">${esc(page.branding.supportEmail)}</a> and we will send you a new one` : ''}.</p>`,
      };
    case 'invalid':
      return {
        status: 401,
        title: 'This link does not work',
        body: `<h1>This link does not work</h1><p>The link is incomplete or was changed. Please open it again from the email we sent you, without editing it.</p>`,
      };
    case 'temporarily_unavailable':
      return {
        status: 503,
        title: 'Please try again in a moment',
        body: `<h1>Please try again in a moment</h1><p>We could not reach our payment provider just now. Nothing was charged. Please try again in a few minutes.</p>`,
      };
    default:
      return renewalPageContent(page, esc, support);
  }
}

function layout(status: number, title: string, body: string, branding: Branding | null): RenderedPage {
  const accent = isHexColor(branding?.accentColor) ? branding!.accentColor : '#4f46e5';
  const onAccent = contrastText(accent);
  const style =
    `:root{--accent:${accent};--on-accent:${onAccent}}` +
    `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f5f7fa}` +
    `main{max-width:34rem;margin:0 auto;padding:2rem 1.25rem}header{display:flex;align-items:center;gap:.75rem;margin-bottom:1.5rem}` +
    `header img{max-height:40px;max-width:160px}.card{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}` +
    `h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}button,.button{display:inline-block;width:100%;padding:.9rem 1rem;border:0;border-radius:8px;` +
    `background:var(--accent);color:var(--on-accent);font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}` +
    `button:focus-visible,.button:focus-visible,a:focus-visible{outline:3px solid #1f2933;outline-offset:3px}.small{font-size:.875rem;color:#52606d}` +
    `a{color:#1f2933}`;
  const header = branding
    ? `<header>${branding.logoUrl && /^https:\/\//.test(branding.logoUrl) ? `<img src="${esc(branding.logoUrl)}" alt="${esc(branding.merchantName)}">` : `<strong>${esc(branding.merchantName)}</strong>`}</header>`
    : '';
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${esc(title)}${branding ? ` · ${esc(branding.merchantName)}` : ''}</title><style>${style}</style></head>` +
    `<body><main>${header}<div class="card">${body}</div></main></body></html>`;
  return { status, html, styleSource: `'sha256-${createHash('sha256').update(style).digest('base64')}'` };
}

function greeting(name: string | null): string {
  return name ? `Hi ${esc(name)},` : 'Hello,';
}

function support(branding: Branding): string {
  return branding.supportEmail ? `Questions? Write to <a href="mailto:${esc(branding.supportEmail)}">${esc(branding.supportEmail)}</a>.` : '';
}

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
