import type { ExportLink, ListPage, PaymentRow } from '../src/api/contract';

/** More answers of the dashboard routes (see fixtures.ts: each is a promise about the backend, checked by test/stripeApp/appContract.test.ts). */

/** GET /api/dashboard/payments?starting_after=case_2: the last page. */
export const lastPaymentsPage: ListPage<PaymentRow> = {
  object: 'list',
  has_more: false,
  next_cursor: null,
  data: [
    { id: 'case_3', group: 'control', invoiceId: 'in_3', customerId: 'cus_3', customerEmail: null, amountMinor: 1500, currency: 'eur', status: 'active', declineBucket: 'never_retry', openingDeclineBucket: 'never_retry', recoveredBy: null, attempts: 0, emailsSent: 0, openedAt: '2026-11-17T09:00:00.000Z', closedAt: null },
  ],
};

/** POST /api/dashboard/export-link. */
export const exportLink: ExportLink = { object: 'export_link', url: 'https://recovery.test/exports/header.payload.signature.csv', expiresAt: '2026-11-23T10:05:00.000Z' };
