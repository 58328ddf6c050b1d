import { createHash } from 'node:crypto';
import { contrastText, isHexColor, type Branding } from '../accounts';
import { DEFAULT_LOCALE, translate, type Locale, type MessageKey, type MessageValues } from '../i18n';
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

/** Every page may name its language (the customer's, else the merchant's); English when it does not. */
export type CardUpdatePage = (
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
  | RenewalPage
) & { locale?: Locale };

export function renderCardUpdatePage(page: CardUpdatePage): RenderedPage {
  const branding = 'branding' in page ? page.branding : null;
  const locale = page.locale ?? DEFAULT_LOCALE;
  const { status, title, body } = content(page, pageWords(locale));
  return layout(status, title, body, branding, locale);
}

/** The page's words in one language: `t` takes values already escaped (messages hold no markup), `greeting` and `support` are shared lines. */
export interface PageWords {
  t: (key: MessageKey, values?: MessageValues) => string;
  greeting: (name: string | null) => string;
  support: (branding: Branding) => string;
  esc: (value: string) => string;
}

function pageWords(locale: Locale): PageWords {
  const t = (key: MessageKey, values?: MessageValues) => translate(locale, key, values);
  return {
    t,
    greeting: (name) => (name ? t('page.greeting', { name: esc(name) }) : t('page.greetingNoName')),
    support: (branding) => (branding.supportEmail ? t('page.support', { supportEmail: mailto(branding.supportEmail) }) : ''),
    esc,
  };
}

function content(page: CardUpdatePage, words: PageWords): { status: number; title: string; body: string } {
  const { t, greeting, support } = words;
  const due = (details: DueDetails, branding: Branding) => ({ greeting: greeting(details.customerName), amount: `<strong>${esc(details.amount)}</strong>`, productName: esc(branding.productName) });
  switch (page.kind) {
    case 'update_card':
      return {
        status: 200,
        title: t('page.updateCard.title'),
        body:
          `<h1>${t('page.updateCard.title')}</h1>` +
          `<p>${t('page.updateCard.intro', { ...due(page.due, page.branding), reason: esc(page.due.reason) })}</p>` +
          `<p>${t('page.updateCard.explain')}</p>` +
          `<form method="post" action="/update"><input type="hidden" name="token" value="${esc(page.token)}">` +
          `<button type="submit">${t('page.updateCard.button')}</button></form>` +
          `<p class="small">${t('page.secureNote')}</p>`,
      };
    case 'confirm_payment':
      return {
        status: 200,
        title: t('page.confirmPayment.title'),
        body:
          `<h1>${t('page.confirmPayment.title')}</h1>` +
          `<p>${t('page.confirmPayment.intro', due(page.due, page.branding))}</p>` +
          `<p><a class="button" href="${esc(page.invoiceUrl)}" rel="noreferrer">${t('page.confirmPayment.button')}</a></p>` +
          `<p class="small">${t('page.confirmPayment.note')}</p>`,
      };
    case 'already_paid':
      return { status: 200, title: t('page.alreadyPaid.title'), body: `<h1>${t('page.alreadyPaid.heading')}</h1><p>${t('page.alreadyPaid.body', { merchantName: esc(page.branding.merchantName) })}</p>` };
    case 'nothing_due':
      return { status: 200, title: t('page.nothingDue.title'), body: `<h1>${t('page.nothingDue.title')}</h1><p>${t('page.nothingDue.body')} ${support(page.branding)}</p>` };
    case 'card_updated':
      return {
        status: 200,
        title: t('page.thankYou'),
        body: `<h1>${t('page.thankYou')}</h1><p>${t(page.retryingNow ? 'page.cardUpdated.retrying' : 'page.cardUpdated.waiting')} ${support(page.branding)}</p>`,
      };
    case 'card_unchanged':
      return {
        status: 200,
        title: t('page.differentCard.title'),
        body:
          `<h1>${t('page.differentCard.title')}</h1>` +
          `<p>${t('page.cardUnchanged.body')}</p>` +
          `<form method="post" action="/update"><input type="hidden" name="token" value="${esc(page.token)}">` +
          `<button type="submit">${t('page.differentCard.button')}</button></form>` +
          `<p class="small">${support(page.branding)}</p>`,
      };
    case 'expired':
      return {
        status: 410,
        title: t('page.expired.title'),
        body:
          `<h1>${t('page.expired.title')}</h1><p>` +
          (page.branding?.supportEmail ? t('page.expired.bodyWithSupport', { supportEmail: mailto(page.branding.supportEmail) }) : t('page.expired.body')) +
          `</p>`,
      };
    case 'invalid':
      return { status: 401, title: t('page.invalid.title'), body: `<h1>${t('page.invalid.title')}</h1><p>${t('page.invalid.body')}</p>` };
    case 'temporarily_unavailable':
      return { status: 503, title: t('page.unavailable.title'), body: `<h1>${t('page.unavailable.title')}</h1><p>${t('page.unavailable.body')}</p>` };
    default:
      return renewalPageContent(page, words);
  }
}

function layout(status: number, title: string, body: string, branding: Branding | null, locale: Locale): RenderedPage {
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
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${esc(title)}${branding ? ` · ${esc(branding.merchantName)}` : ''}</title><style>${style}</style></head>` +
    `<body><main>${header}<div class="card">${body}</div></main></body></html>`;
  return { status, html, styleSource: `'sha256-${createHash('sha256').update(style).digest('base64')}'` };
}

function mailto(address: string): string {
  return `<a href="mailto:${esc(address)}">${esc(address)}</a>`;
}

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
