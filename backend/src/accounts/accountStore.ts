import { Schema, type Connection, type Model } from 'mongoose';
import type { StoredWebhookCredentials } from './webhookCredentials';

/** How the merchant appears to their customers, in emails and on the card-update page. */
export interface Branding {
  merchantName: string;
  productName: string;
  logoUrl: string | null;
  /** #RRGGBB */
  accentColor: string;
  supportEmail: string | null;
}

export const DEFAULT_BRANDING: Branding = {
  merchantName: 'Your provider',
  productName: 'our service',
  logoUrl: null,
  accentColor: '#4f46e5',
  supportEmail: null,
};

/** A merchant: a Stripe account that installed the App, or the one self-hosted account. */
export interface Account {
  accountId: string;
  livemode: boolean;
  source: 'app' | 'self_hosted';
  status: 'installed' | 'uninstalled';
  installedAt: Date;
  uninstalledAt: Date | null;
  branding: Partial<Branding> | null;
  settings: AccountSettings | null;
  /** The Stripe account's own (Stripe-verified) email and when we read it: test mode emails only this address. */
  stripeAccountEmail?: { email: string | null; readAt: Date } | null;
  /** Stripe's creation time and id of the last install or uninstall event applied; older ones change nothing. */
  installEventAt?: Date | null;
  installEventId?: string | null;
  /** Scatters this account's customers for its holdout (lift/holdout.ts); generated once, never changed. */
  holdoutSalt?: string | null;
  /** When its data was erased after an uninstall and the grace period (privacy/accountErasure); cleared by the next uninstall. */
  dataErasedAt?: Date | null;
}

/** An `account.application.authorized` or `.deauthorized` event, as Stripe created it. */
export interface InstallEvent {
  eventId: string;
  /** event.created */
  at: Date;
}

/**
 * A merchant's own choices; each is validated by its domain before it is
 * saved (dunning/dunningSettings, retryPolicy/validateRetryPolicy). Stored as
 * data so the settings API (issue 5) only has to read and write it.
 */
export interface AccountSettings {
  dunning?: unknown;
  retry?: unknown;
  /** The merchant's own Postmark server token, sealed with the secret box. */
  postmarkServerTokenSealed?: string;
  /** The server that token opened when it was saved (Postmark's `GET /server`). */
  postmarkServer?: { id: number; name: string; checkedAt: Date };
  /** Basic auth Postmark uses for the webhooks of the merchant's own server (password hashed, shown once). */
  postmarkWebhook?: StoredWebhookCredentials;
  /** From name, From address and Reply-To; validated by dunning/senderIdentity. */
  sender?: unknown;
  /** Postmark's last refusal of the account's From (cleared when it next takes one): the From, its message, when. */
  senderRefusal?: { from: string; message: string; at: Date };
  /** The share of customers in the holdout's control group (0 to 0.5; 0 turns it off). */
  holdoutShare?: number;
  /** Reminders before a renewal whose card expires first (issue 14); validated by preDunning/. */
  preDunning?: unknown;
  /** When a renewal counts as at risk (issue 14): { alertThreshold }. */
  renewalRisk?: unknown;
  /** The merchant's default language for customers whose own we do not know or support (issue 16): one of i18n's locales. */
  language?: string;
}

export function brandingOf(account: Account | null): Branding {
  return { ...DEFAULT_BRANDING, ...(account?.branding ?? {}) };
}

const accountSchema = new Schema(
  {
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    source: { type: String, required: true, enum: ['app', 'self_hosted'] },
    status: { type: String, required: true, enum: ['installed', 'uninstalled'] },
    installedAt: { type: Date, required: true },
    uninstalledAt: { type: Date, default: null },
    branding: { type: Schema.Types.Mixed, default: null },
    settings: { type: Schema.Types.Mixed, default: null },
    stripeAccountEmail: { type: Schema.Types.Mixed, default: null },
    installEventAt: { type: Date, default: null },
    installEventId: { type: String, default: null },
    holdoutSalt: { type: String, default: null },
    dataErasedAt: { type: Date, default: null },
  },
  { collection: 'accounts', versionKey: false, timestamps: true },
);
// Test-mode and live-mode installs of one Stripe account are separate merchants' worth of data.
accountSchema.index({ accountId: 1, livemode: 1 }, { unique: true });

export interface AccountStore {
  find(accountId: string, livemode: boolean): Promise<Account | null>;
  /**
   * The self-hosted account (events without `account`) exists from its first
   * event; App accounts exist only through an install event (applyInstallEvent).
   */
  ensureSelfHosted(accountId: string, livemode: boolean, at: Date): Promise<Account>;
  /** The account's record, created when missing without installing it (settings saved before the install event). */
  ensureRecord(accountId: string, livemode: boolean, at: Date): Promise<Account>;
  /**
   * Installs or uninstalls, in the order Stripe created the events (time, then
   * event id), since Stripe does not deliver them in order; false when a newer
   * one was already applied. Example: deauthorized at 10:01 applied, then
   * authorized at 10:00 arrives: false, the account stays uninstalled.
   */
  applyInstallEvent(accountId: string, livemode: boolean, change: InstallEvent & { status: Account['status']; source: Account['source'] }): Promise<boolean>;
  setBranding(accountId: string, livemode: boolean, branding: Partial<Branding>): Promise<void>;
  /** Remembers the Stripe account's own email as Stripe reported it at `readAt`. */
  noteStripeAccountEmail(accountId: string, livemode: boolean, email: string | null, readAt: Date): Promise<void>;
  /** Replaces the given settings (already validated by the caller); other settings stay. */
  updateSettings(accountId: string, livemode: boolean, patch: AccountSettings): Promise<void>;
  /** The account's holdout salt: `candidate` is stored if it has none yet, else the stored one wins (two first writers agree). */
  ensureHoldoutSalt(accountId: string, livemode: boolean, candidate: string): Promise<string>;
}

export function createAccountStore(connection: Connection): AccountStore {
  const accounts: Model<Account> =
    (connection.models.Account as Model<Account> | undefined) ?? connection.model<Account>('Account', accountSchema);
  const project = { _id: 0, accountId: 1, livemode: 1, source: 1, status: 1, installedAt: 1, uninstalledAt: 1, branding: 1, settings: 1, installEventAt: 1, installEventId: 1, stripeAccountEmail: 1, holdoutSalt: 1 };

  async function upsert(accountId: string, livemode: boolean, update: Record<string, unknown>): Promise<Account> {
    try {
      // No projection here: FerretDB's findAndModify does not take one.
      const found = await accounts.findOneAndUpdate({ accountId, livemode }, update, { upsert: true, new: true }).lean<Account>();
      return toAccount(found!);
    } catch (error) {
      // Two first writes racing: the loser reads what the winner inserted.
      if ((error as { code?: number }).code !== 11000) throw error;
      return toAccount((await accounts.findOne({ accountId, livemode }, project).lean<Account>())!);
    }
  }

  return {
    async find(accountId, livemode) {
      return accounts.findOne({ accountId, livemode }, project).lean<Account>();
    },
    async ensureSelfHosted(accountId, livemode, at) {
      const found = await accounts.findOne({ accountId, livemode }, project).lean<Account>();
      // The operator's own key has no install event: its account is installed unless an event said otherwise.
      if (found && (found.status === 'installed' || found.installEventAt)) return toAccount(found);
      return upsert(accountId, livemode, { $set: { status: 'installed', source: 'self_hosted', uninstalledAt: null }, $setOnInsert: { installedAt: at } });
    },
    async ensureRecord(accountId, livemode, at) {
      return upsert(accountId, livemode, { $setOnInsert: { source: 'app', status: 'uninstalled', installedAt: at, uninstalledAt: null } });
    },
    async applyInstallEvent(accountId, livemode, change) {
      const fields = change.status === 'installed'
        ? { status: 'installed', installedAt: change.at, uninstalledAt: null }
        : // A new uninstall starts a new grace period: what was installed since is erased when it runs out.
          { status: 'uninstalled', uninstalledAt: change.at, dataErasedAt: null };
      const applied = { ...fields, source: change.source, installEventAt: change.at, installEventId: change.eventId };
      try {
        await accounts.create({ accountId, livemode, installedAt: change.at, ...applied });
        return true;
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
      // Compare and set: only an account whose last applied install event is older takes this one.
      const olderThanThis = [
        { installEventAt: null },
        { installEventAt: { $lt: change.at } },
        { installEventAt: change.at, installEventId: { $lt: change.eventId } },
      ];
      const result = await accounts.updateOne({ accountId, livemode, $or: olderThanThis }, { $set: applied });
      return result.matchedCount === 1;
    },
    async updateSettings(accountId, livemode, patch) {
      const entries = Object.entries(patch);
      const set = Object.fromEntries(entries.filter(([, value]) => value !== undefined).map(([key, value]) => [`settings.${key}`, value]));
      const unset = Object.fromEntries(entries.filter(([, value]) => value === undefined).map(([key]) => [`settings.${key}`, '']));
      // A merchant with no settings yet has settings: null, which a dotted $set cannot extend.
      await accounts.updateOne({ accountId, livemode, settings: null }, { $set: { settings: {} } });
      await accounts.updateOne({ accountId, livemode }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
    },
    async ensureHoldoutSalt(accountId, livemode, candidate) {
      await accounts.updateOne({ accountId, livemode, holdoutSalt: null }, { $set: { holdoutSalt: candidate } });
      const found = await accounts.findOne({ accountId, livemode }, { _id: 0, holdoutSalt: 1 }).lean<Pick<Account, 'holdoutSalt'>>();
      if (!found?.holdoutSalt) throw new Error(`account ${accountId} has no record to hold a holdout salt`);
      return found.holdoutSalt;
    },
    async noteStripeAccountEmail(accountId, livemode, email, readAt) {
      await accounts.updateOne({ accountId, livemode }, { $set: { stripeAccountEmail: { email, readAt } } });
    },
    async setBranding(accountId, livemode, branding) {
      await accounts.updateOne({ accountId, livemode }, { $set: { branding } });
    },
  };
}

function toAccount(doc: Account): Account {
  return {
    accountId: doc.accountId,
    livemode: doc.livemode,
    source: doc.source,
    status: doc.status,
    installedAt: doc.installedAt,
    uninstalledAt: doc.uninstalledAt,
    branding: doc.branding ?? null,
    settings: doc.settings ?? null,
    stripeAccountEmail: doc.stripeAccountEmail ?? null,
    installEventAt: doc.installEventAt ?? null,
    installEventId: doc.installEventId ?? null,
    holdoutSalt: doc.holdoutSalt ?? null,
  };
}
