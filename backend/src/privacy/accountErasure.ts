import type { Connection, mongo } from 'mongoose';

/**
 * What is left of a merchant once they uninstalled the App and did not come
 * back within the grace period: nothing but the account's install record
 * (kept so an older, late install event cannot re-apply: see
 * accounts.applyInstallEvent), with its settings and branding cleared.
 *
 * Example, grace 30 days: uninstalled 1 March, reinstalled 10 March → kept;
 * uninstalled 1 March, still uninstalled 31 March → erased by the next run.
 */

/** Collections whose documents carry accountId and livemode: erased for the uninstalled mode only. */
export const PER_MODE_COLLECTIONS = [
  'recoveryCases',
  'emailContents',
  'renewals',
  'renewalOutcomes',
  'emailSuppressions',
  'stripeEvents',
  'stripeEventInbox',
  'outboundEvents',
  'webhookDeliveries',
  'webhookEndpoints',
  'idempotencyKeys',
  'experiments',
  'recoveryRollups',
  'apiKeys',
  'erasedCustomers',
] as const;

/** Collections keyed by account alone (customer and card ids never repeat across modes): erased once neither mode is installed. */
export const ACCOUNT_WIDE_COLLECTIONS = ['customerContacts', 'cardAttempts', 'stripeSettlements'] as const;

/** When an uninstalled account's data is due for erasure: its uninstall is at least `graceDays` old and it has not been erased since. */
export function isErasureDue(account: { status: string; uninstalledAt: Date | null; dataErasedAt?: Date | null }, now: Date, graceDays: number): boolean {
  if (account.status !== 'uninstalled' || !account.uninstalledAt) return false;
  if (account.dataErasedAt && account.dataErasedAt >= account.uninstalledAt) return false;
  return now.getTime() - account.uninstalledAt.getTime() >= graceDays * 86_400_000;
}

export interface AccountErasure {
  /** Erases the data of accounts whose grace period after an uninstall has run out; returns how many accounts it erased. */
  eraseDue(now: Date, graceDays: number, limit: number): Promise<number>;
}

type Doc = mongo.Document & Record<string, unknown>;

export function createAccountErasure(connection: Connection): AccountErasure {
  const accounts = connection.collection<Doc>('accounts');

  async function erase(account: Doc, now: Date): Promise<void> {
    const tenant = { accountId: account.accountId, livemode: account.livemode } as mongo.Filter<Doc>;
    for (const name of PER_MODE_COLLECTIONS) await connection.collection<Doc>(name).deleteMany(tenant);
    const otherMode = await accounts.findOne({ accountId: account.accountId, livemode: !account.livemode, status: 'installed' });
    if (!otherMode) for (const name of ACCOUNT_WIDE_COLLECTIONS) await connection.collection<Doc>(name).deleteMany({ accountId: account.accountId } as mongo.Filter<Doc>);
    // Only if it is still uninstalled as read: a reinstall meanwhile keeps its settings (its data above was already gone).
    await accounts.updateOne(
      { ...tenant, status: 'uninstalled', uninstalledAt: account.uninstalledAt } as mongo.Filter<Doc>,
      { $set: { settings: null, branding: null, stripeAccountEmail: null, holdoutSalt: null, dataErasedAt: now } },
    );
  }

  return {
    async eraseDue(now, graceDays, limit) {
      const cutoff = new Date(now.getTime() - graceDays * 86_400_000);
      // Across accounts, like every scheduler claim: the job serves every merchant.
      const candidates = await accounts.find({ status: 'uninstalled', uninstalledAt: { $lte: cutoff }, dataErasedAt: null } as mongo.Filter<Doc>).limit(limit).toArray();
      const due = candidates.filter((account) =>
        isErasureDue({ status: String(account.status), uninstalledAt: account.uninstalledAt as Date | null, dataErasedAt: (account.dataErasedAt as Date | null | undefined) ?? null }, now, graceDays),
      );
      for (const account of due) {
        // Read again just before: a reinstall since the candidates were read keeps everything.
        const still = await accounts.findOne({ _id: account._id, status: 'uninstalled', uninstalledAt: account.uninstalledAt } as mongo.Filter<Doc>);
        if (still) await erase(still, now);
      }
      return due.length;
    },
  };
}
