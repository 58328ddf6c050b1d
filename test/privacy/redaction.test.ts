import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translateCustomerDeletion, type StripeEventEnvelope } from '../../backend/src/adapters/stripe';
import { ACCOUNT_WIDE_COLLECTIONS, caseErasure, ERASED, isErasureDue, PER_MODE_COLLECTIONS, PERSONAL_DATA_MAP, maskedEmailOf, outboxErasure, rawEventCutoff, redactJsonText, redactText, redactValue, renewalErasure, searchTermsOf, withKnown } from '../../backend/src/privacy';
import { stripeEvent } from '../support/stripeEventBuilders';

const known = { emails: ['Ann.Lee@example.com'], names: ['Ann Lee'] };
const terms = searchTermsOf(known);
const DAY = 86_400_000;

describe('what counts as the customer in text', () => {
  it('searches for their emails, the masked forms our views show, and their names, longest first and without case', () => {
    expect(terms).toEqual(['ann.lee@example.com', 'a***@example.com', 'ann lee']);
    expect(maskedEmailOf('ann@example.com')).toBe('a***@example.com');
  });

  it('ignores empty and very short values, which would erase ordinary words', () => {
    expect(searchTermsOf({ emails: [], names: ['', 'Al', '  '] })).toEqual([]);
    expect(withKnown({ emails: ['a@b.co'], names: [] }, { emails: ['a@b.co', null, ''], names: ['Bo Li', undefined] })).toEqual({ emails: ['a@b.co'], names: ['Bo Li'] });
  });

  it('replaces each mention inside a sentence, whatever its case', () => {
    expect(redactText('Dunning email 1 sent to ANN.LEE@example.com for Ann Lee (a***@example.com)', terms)).toBe(`Dunning email 1 sent to ${ERASED} for ${ERASED} (${ERASED})`);
    expect(redactText('Retry declined: insufficient funds', terms)).toBe('Retry declined: insufficient funds');
  });
});

describe('redacting stored values', () => {
  it('nulls personal keys at any depth and keeps ids, amounts, dates and statuses', () => {
    const at = new Date('2026-05-01T00:00:00Z');
    const invoice = {
      id: 'in_1',
      customer: 'cus_1',
      customer_email: 'ann.lee@example.com',
      customer_name: 'Ann Lee',
      customer_address: { country: 'FR' },
      amount_due: 4900,
      status: 'open',
      at,
      lines: { data: [{ id: 'il_1', amount: 4900, description: 'Pro plan × 1' }] },
      charge: { billing_details: { name: 'Ann Lee', email: 'ann.lee@example.com' }, payment_method_details: { card: { last4: '4242', brand: 'visa' } } },
      footer: 'Questions? Write back, Ann Lee.',
    };
    expect(redactValue(invoice, terms)).toEqual({
      id: 'in_1',
      customer: 'cus_1',
      customer_email: null,
      customer_name: null,
      customer_address: null,
      amount_due: 4900,
      status: 'open',
      at,
      lines: { data: [{ id: 'il_1', amount: 4900, description: null }] },
      charge: { billing_details: null, payment_method_details: { card: { last4: null, brand: 'visa' } } },
      footer: `Questions? Write back, ${ERASED}.`,
    });
  });

  it('redacts a JSON text as JSON, and plain text by value', () => {
    expect(JSON.parse(redactJsonText(JSON.stringify({ id: 'evt_1', data: { object: { id: 'cus_1', email: 'ann.lee@example.com', name: 'Ann Lee', balance: 0 } } }), terms))).toEqual({
      id: 'evt_1',
      data: { object: { id: 'cus_1', email: null, name: null, balance: 0 } },
    });
    expect(redactJsonText('not json: Ann Lee', terms)).toBe(`not json: ${ERASED}`);
  });
});

describe('a recovery case, erased', () => {
  const found = {
    _id: 'c1',
    accountId: 'acct_1',
    livemode: true,
    stripeCustomerId: 'cus_1',
    customerEmail: 'ann.lee@example.com',
    customerName: 'Ann Lee',
    customerCountry: 'FR',
    customerTimeZone: 'Europe/Paris',
    hostedInvoiceUrl: 'https://invoice.stripe.com/i/1',
    metadata: { crmContact: 'Ann Lee' },
    order: { description: 'Order for Ann Lee', metadata: {} },
    amountMinor: 4900,
    currency: 'eur',
    status: 'recovered',
    outcome: { status: 'recovered', recoveredBy: 'card_update' },
    card: { paymentMethodId: 'pm_1', brand: 'visa', last4: '4242', fingerprint: 'fp_1' },
    triedCards: [{ brand: 'visa', last4: '0341', fingerprint: 'fp_0' }],
    ourAttempts: [{ number: 1, outcome: 'declined', card: { last4: '0341', brand: 'visa' }, decline: { declineCode: 'expired_card', message: 'Your card has expired.' } }],
    emails: [
      // An older record holds what it said inline; a newer one names where it is kept.
      { messageId: 'm1', status: 'delivered', opens: 2, clicks: 1, content: { to: 'ann.lee@example.com', subject: 'Hi Ann', html: '<p>Hi Ann</p>', text: 'Hi Ann' } },
      { messageId: 'm2', status: 'sent', opens: 0, clicks: 0, contentId: '65f000000000000000000001' },
    ],
    timeline: [{ at: new Date(0), kind: 'email_sent', summary: 'Dunning email 1 sent to a***@example.com' }],
    decline: { declineCode: 'expired_card', message: 'Card of Ann Lee expired' },
    plannedAction: { kind: 'none', at: null, reason: 'Recovered' },
  };

  it('loses contact details, card digits, what the emails said and mentions in text; keeps amounts, outcomes and email counters', () => {
    const set = caseErasure(found, terms);
    expect(set).toMatchObject({
      customerEmail: null,
      customerName: null,
      customerCountry: null,
      customerTimeZone: null,
      hostedInvoiceUrl: null,
      metadata: null,
      order: null,
      card: { paymentMethodId: 'pm_1', brand: 'visa', fingerprint: 'fp_1' },
      triedCards: [{ brand: 'visa', fingerprint: 'fp_0' }],
      emails: [
        { messageId: 'm1', status: 'delivered', opens: 2, clicks: 1, content: null, contentId: null },
        { messageId: 'm2', status: 'sent', opens: 0, clicks: 0, content: null, contentId: null },
      ],
      timeline: [{ kind: 'email_sent', summary: `Dunning email 1 sent to ${ERASED}` }],
      decline: { declineCode: 'expired_card', message: `Card of ${ERASED} expired` },
    });
    expect((set.card as Record<string, unknown>).last4).toBeUndefined();
    expect(JSON.stringify(set)).not.toMatch(/ann\.lee|ann lee|hi ann/i);
    for (const kept of ['amountMinor', 'currency', 'status', 'outcome', 'stripeCustomerId', 'accountId', 'livemode']) expect(set).not.toHaveProperty(kept);
  });

  it('redacts events waiting in the outbox and leaves counter entries as they are', () => {
    const outbox = [
      { id: 'evt_rec_c1_1', kind: 'event', event: { id: 'evt_rec_c1_1', data: { object: { customerId: 'cus_1', customerEmail: 'a***@example.com', amountMinor: 4900 } } } },
      { id: 'rollup_c1_3', kind: 'rollup', increments: [{ key: 'recovered', amount: 1 }] },
    ];
    expect(outboxErasure(outbox, terms)).toEqual([
      { id: 'evt_rec_c1_1', kind: 'event', event: { id: 'evt_rec_c1_1', data: { object: { customerId: 'cus_1', customerEmail: null, amountMinor: 4900 } } } },
      outbox[1],
    ]);
  });
});

it('an upcoming renewal, erased, keeps its amount, dates and scores and loses contact details, digits, reminders as written and reasons quoting the card', () => {
  const renewal = {
    customerEmail: 'ann.lee@example.com',
    customerName: 'Ann Lee',
    customerCountry: 'FR',
    amountMinor: 2500,
    card: { paymentMethodId: 'pm_1', last4: '4242', expMonth: 3, expYear: 2027 },
    preDunning: { sent: [{ stepIndex: 0, subject: 'Ann, your card expires', htmlBody: '<p>Hi Ann</p>', textBody: 'Hi Ann', messageId: 'm1' }] },
    risk: { score: 72, reasons: [{ code: 'card_expires_before_renewal', text: 'The card ending 4242 expires 03/2027', weight: 40 }] },
  };
  expect(renewalErasure(renewal)).toEqual({
    customerEmail: null,
    customerName: null,
    customerCountry: null,
    card: { paymentMethodId: 'pm_1', last4: null, expMonth: 3, expYear: 2027 },
    'preDunning.sent': [{ stepIndex: 0, subject: ERASED, htmlBody: ERASED, textBody: ERASED, messageId: 'm1' }],
    risk: { score: 72, reasons: [{ code: 'card_expires_before_renewal', text: ERASED, weight: 40 }] },
  });
});

describe('customer.deleted in our words', () => {
  it('names the customer and what to look for: their email, name and shipping name', () => {
    const event = stripeEvent('customer.deleted', { id: 'cus_9', object: 'customer', email: 'ann.lee@example.com', name: 'Ann Lee', shipping: { name: 'A. Lee' } }) as unknown as StripeEventEnvelope;
    expect(translateCustomerDeletion(event)).toEqual({ stripeCustomerId: 'cus_9', known: { emails: ['ann.lee@example.com'], names: ['Ann Lee', 'A. Lee'] } });
  });

  it('is nothing for another event or a customer without an id', () => {
    expect(translateCustomerDeletion(stripeEvent('customer.updated', { id: 'cus_9', object: 'customer' }) as unknown as StripeEventEnvelope)).toBeNull();
    expect(translateCustomerDeletion(stripeEvent('customer.deleted', { object: 'customer' }) as unknown as StripeEventEnvelope)).toBeNull();
  });
});

describe('when an uninstalled account is erased', () => {
  const uninstalledAt = new Date('2026-03-01T00:00:00Z');
  it.each([
    ['installed', { status: 'installed', uninstalledAt: null }, 40, false],
    ['uninstalled 29 days ago, grace 30', { status: 'uninstalled', uninstalledAt }, 29, false],
    ['uninstalled 30 days ago, grace 30', { status: 'uninstalled', uninstalledAt }, 30, true],
    ['reinstalled, then uninstalled again: the new uninstall counts', { status: 'uninstalled', uninstalledAt, dataErasedAt: new Date('2026-02-01T00:00:00Z') }, 30, true],
    ['already erased after this uninstall', { status: 'uninstalled', uninstalledAt, dataErasedAt: new Date('2026-03-31T00:00:00Z') }, 60, false],
  ])('%s', (_name, account, daysLater, due) => {
    expect(isErasureDue(account, new Date(uninstalledAt.getTime() + daysLater * DAY), 30)).toBe(due);
  });

  it('raw events are past retention once received more than the retention ago', () => {
    expect(rawEventCutoff(new Date('2026-05-31T00:00:00Z'), 30)).toEqual(new Date('2026-05-01T00:00:00Z'));
  });
});

it('the privacy page names every collection of the privacy map, so what merchants read follows the code', () => {
  const page = readFileSync(join(__dirname, '../../docs/privacy.md'), 'utf8');
  expect(PERSONAL_DATA_MAP.map((entry) => entry.collection).filter((name) => !page.includes(`\`${name}\``))).toEqual([]);
});

it('an uninstalled account’s erasure reaches every collection of the privacy map but its install record, the per-minute rate-limit windows and the relay’s lease', () => {
  const erased = new Set<string>([...PER_MODE_COLLECTIONS, ...ACCOUNT_WIDE_COLLECTIONS]);
  expect(PERSONAL_DATA_MAP.map((entry) => entry.collection).filter((name) => !erased.has(name))).toEqual(['workerLeases', 'rateLimitWindows', 'accounts']);
});
