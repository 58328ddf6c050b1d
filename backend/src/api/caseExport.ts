import { stringify } from 'csv-stringify';
import type { Context } from 'koa';
import { Readable } from 'node:stream';
import type { CaseFilter, CaseStore } from '../recovery';
import { paymentRow } from './caseView';

const EXPORT_COLUMNS = ['id', 'invoiceId', 'customerId', 'customerEmail', 'amountMinor', 'currency', 'status', 'declineBucket', 'recoveredBy', 'group', 'attempts', 'emailsSent', 'openedAt', 'closedAt'] as const;

/** The filters of the payments list and the export, as the API takes them, in the case store's words. */
export interface CaseQuery {
  status?: CaseFilter['status'];
  customerId?: string;
  openingDeclineBucket?: CaseFilter['openingDeclineBucket'];
  currency?: string;
  from?: Date;
  to?: Date;
}

export const filterOf = (query: CaseQuery): CaseFilter => ({
  ...(query.status ? { status: query.status } : {}),
  ...(query.customerId ? { stripeCustomerId: query.customerId } : {}),
  ...(query.openingDeclineBucket ? { openingDeclineBucket: query.openingDeclineBucket } : {}),
  ...(query.currency ? { currency: query.currency } : {}),
  ...(query.from ? { openedFrom: query.from } : {}),
  ...(query.to ? { openedBefore: query.to } : {}),
});

/** Spreadsheets run cells that start like a formula; a leading quote keeps a customer's data from doing so. */
function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Answers with every case of the account and mode matching `query` as a CSV download, streamed. */
export function sendCasesCsv(ctx: Context, cases: CaseStore, scope: { accountId: string; livemode: boolean }, query: CaseQuery, now: Date): void {
  const found = cases.streamAll(scope.accountId, scope.livemode, filterOf(query));
  const rows = Readable.from(
    (async function* () {
      for await (const each of found) {
        const row = paymentRow(each);
        yield { ...row, openedAt: row.openedAt.toISOString(), closedAt: row.closedAt?.toISOString() ?? '' };
      }
    })(),
  );
  ctx.set('Content-Type', 'text/csv; charset=utf-8');
  ctx.set('Content-Disposition', `attachment; filename="recovery-${scope.livemode ? 'live' : 'test'}-${now.toISOString().slice(0, 10)}.csv"`);
  ctx.set('Cache-Control', 'no-store');
  // Rows leave as they are read: memory stays flat however many cases the merchant has.
  ctx.body = rows.pipe(stringify({ header: true, columns: [...EXPORT_COLUMNS], cast: { boolean: (value) => String(value), string: neutraliseFormula } }));
}
