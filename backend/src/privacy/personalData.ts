/**
 * What we hold about a merchant's customer, collection by collection, and
 * what erasing that customer does to it. Personal data is the customer's
 * email address and name and anything copied from them or from Stripe's
 * customer object (address, phone, shipping, card last4, the emails we wrote
 * to them, the merchant's free-text metadata). Ids (Stripe's customer,
 * invoice, subscription and card-fingerprint ids), amounts, outcomes and
 * counters stay: the merchant's figures must not change when a customer goes.
 *
 * This table is the one list a reviewer reads; a test compares it with every
 * collection the backend creates, so a new collection cannot be forgotten.
 */

export type ErasureAction =
  /** Personal fields replaced in place; amounts, outcomes and counters kept. */
  | 'redact'
  /** The customer's documents removed: nothing in them matters once the customer is gone. */
  | 'delete'
  /** Nothing personal in it (ids, counters, merchant's own data). */
  | 'keep';

export interface CollectionPrivacy {
  collection: string;
  /** What personal data of a customer it can hold ('none' when it holds none). */
  holds: string;
  onCustomerErasure: ErasureAction;
  /** How long it is kept. */
  kept: string;
}

export const PERSONAL_DATA_MAP: readonly CollectionPrivacy[] = [
  {
    collection: 'recoveryCases',
    holds: 'email, name, country and time zone, card last4, hosted invoice link, order and metadata, emails we wrote as older records hold them inline, timeline summaries, events waiting in the outbox',
    onCustomerErasure: 'redact',
    kept: 'as long as the account is installed (the merchant’s history and figures)',
  },
  { collection: 'emailContents', holds: 'every email we wrote to the customer, as written (address, subject, body; test-mode recorded ones too)', onCustomerErasure: 'delete', kept: 'as long as the account is installed' },
  { collection: 'customerContacts', holds: 'when the customer was last emailed', onCustomerErasure: 'delete', kept: 'as long as the account is installed' },
  { collection: 'renewals', holds: 'email, name, country, card last4, pre-dunning reminders as written, risk reasons', onCustomerErasure: 'redact', kept: 'as long as the account is installed' },
  { collection: 'emailSuppressions', holds: 'email address (bounced, complained, unsubscribed)', onCustomerErasure: 'delete', kept: 'as long as the account is installed' },
  { collection: 'stripeEvents', holds: 'Stripe’s raw event payloads (customer objects, invoices with email and name)', onCustomerErasure: 'redact', kept: 'RAW_EVENT_RETENTION_DAYS after receipt (default 30), then deleted' },
  { collection: 'stripeEventInbox', holds: 'raw payloads of events not handled yet', onCustomerErasure: 'redact', kept: 'until handled (minutes), then moved to stripeEvents' },
  { collection: 'outboundEvents', holds: 'the events sent to the merchant’s webhooks (masked email, name on renewal alerts)', onCustomerErasure: 'redact', kept: 'as long as the account is installed' },
  { collection: 'idempotencyKeys', holds: 'merchant API answers replayed for 24 h (may show a case or customer)', onCustomerErasure: 'redact', kept: '24 hours' },
  { collection: 'webhookDeliveries', holds: 'none (event id, status codes, timings)', onCustomerErasure: 'keep', kept: 'as long as the account is installed' },
  { collection: 'renewalOutcomes', holds: 'none (numeric risk features and paid/failed, by subscription id)', onCustomerErasure: 'keep', kept: 'as long as the account is installed' },
  { collection: 'cardAttempts', holds: 'none (card fingerprint key, brand, decline codes: what card-network limits need)', onCustomerErasure: 'keep', kept: 'as long as the account is installed' },
  { collection: 'stripeSettlements', holds: 'none (invoice and payment ids)', onCustomerErasure: 'keep', kept: 'as long as the account is installed' },
  { collection: 'recoveryRollups', holds: 'none (counters)', onCustomerErasure: 'keep', kept: 'as long as the account is installed' },
  { collection: 'experiments', holds: 'none (arm counters)', onCustomerErasure: 'keep', kept: 'as long as the account is installed' },
  { collection: 'workerLeases', holds: 'none (which worker relays case outboxes, until when)', onCustomerErasure: 'keep', kept: 'one document, rewritten by every relay batch' },
  { collection: 'rateLimitWindows', holds: 'a client IP address (or its /64) per minute window, not tied to a customer', onCustomerErasure: 'keep', kept: 'until the window ends (a minute), then deleted' },
  { collection: 'erasedCustomers', holds: 'none (the Stripe id of a customer we erased, and when)', onCustomerErasure: 'keep', kept: '4 days: events about the customer that arrive meanwhile are erased too' },
  { collection: 'accounts', holds: 'none (the merchant’s settings and branding)', onCustomerErasure: 'keep', kept: 'until UNINSTALL_GRACE_DAYS after an uninstall' },
  { collection: 'apiKeys', holds: 'none (hashed merchant keys)', onCustomerErasure: 'keep', kept: 'until UNINSTALL_GRACE_DAYS after an uninstall' },
  { collection: 'webhookEndpoints', holds: 'none (the merchant’s endpoints)', onCustomerErasure: 'keep', kept: 'until UNINSTALL_GRACE_DAYS after an uninstall' },
];

/**
 * Keys whose values are a person's data wherever they appear in a Stripe
 * object or in one of our own documents: Stripe's customer, invoice, charge,
 * payment method and checkout fields, and our own names for the same things.
 */
export const PERSONAL_KEYS: ReadonlySet<string> = new Set([
  // Stripe
  'email',
  'name',
  'phone',
  'address',
  'shipping',
  'shipping_details',
  'billing_details',
  'customer_email',
  'customer_name',
  'customer_phone',
  'customer_address',
  'customer_shipping',
  'customer_details',
  'customer_tax_ids',
  'tax_ids',
  'receipt_email',
  'description',
  'metadata',
  'last4',
  'dynamic_last4',
  'account_holder_name',
  'cardholder_name',
  'hosted_invoice_url',
  'invoice_pdf',
  'receipt_url',
  // ours
  'customerEmail',
  'customerName',
  'customerCountry',
  'customerTimeZone',
  'hostedInvoiceUrl',
]);

/** What replaces erased text inside a string we keep (a timeline summary, an email subject). */
export const ERASED = '[erased]';
