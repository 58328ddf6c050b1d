import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { createAccountErasure } from './accountErasure';
import { createCustomerDataStore, type CustomerErasureResult, type CustomerRef } from './customerDataStore';
import { purgeExpiredRawEvents } from './rawEventRetention';
import type { KnownValues } from './redaction';

/** A customer Stripe says was deleted (customer.deleted), with the emails and names its last state carried. */
export interface CustomerDeletion {
  stripeCustomerId: string;
  known: KnownValues;
}

export interface PrivacyService {
  exportCustomer(customer: CustomerRef): Promise<Record<string, unknown[]>>;
  eraseCustomer(customer: CustomerRef, known?: KnownValues): Promise<CustomerErasureResult>;
  /** One pass of the uninstall erasure: accounts past UNINSTALL_GRACE_DAYS since their uninstall; returns how many were erased. */
  eraseUninstalledAccounts(limit: number): Promise<number>;
  /** One pass of the raw event purge (RAW_EVENT_RETENTION_DAYS); returns how many events were deleted. */
  purgeExpiredRawEvents(): Promise<number>;
  /**
   * Erases again the customers erased in the last LATE_EVENT_DAYS: what Stripe sent about them since
   * (an event delivered late or re-delivered, a case it opened) goes too. Returns how many it erased again.
   */
  eraseLateArrivals(limit: number): Promise<number>;
}

/**
 * How long after an erasure events about the customer may still arrive: Stripe retries a delivery for up
 * to 3 days, plus a day of slack. Example: customer erased Monday 10:00; an invoice event Stripe retries
 * until Wednesday is erased within the hour it lands; from Friday 10:00 the erasure is forgotten.
 */
export const LATE_EVENT_DAYS = 4;

export function createPrivacyService(deps: { connection: Connection; clock: Clock; rawEventRetentionDays: number; uninstallGraceDays: number }): PrivacyService {
  const customers = createCustomerDataStore(deps.connection);
  const accounts = createAccountErasure(deps.connection);
  return {
    exportCustomer: (customer) => customers.exportCustomer(customer),
    eraseCustomer: (customer, known = { emails: [], names: [] }) => customers.eraseCustomer(customer, known, deps.clock.now()),
    eraseUninstalledAccounts: (limit) => accounts.eraseDue(deps.clock.now(), deps.uninstallGraceDays, limit),
    purgeExpiredRawEvents: () => purgeExpiredRawEvents(deps.connection, deps.clock.now(), deps.rawEventRetentionDays),
    async eraseLateArrivals(limit) {
      const since = new Date(deps.clock.now().getTime() - LATE_EVENT_DAYS * 86_400_000);
      await customers.forgetErasuresBefore(since);
      const recent = await customers.listErasedSince(since, limit);
      for (const customer of recent) await customers.eraseCustomer(customer, { emails: [], names: [] }, deps.clock.now());
      return recent.length;
    },
  };
}
