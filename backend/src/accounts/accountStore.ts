import { Schema, type Connection, type Model } from 'mongoose';

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
  },
  { collection: 'accounts', versionKey: false, timestamps: true },
);
// Test-mode and live-mode installs of one Stripe account are separate merchants' worth of data.
accountSchema.index({ accountId: 1, livemode: 1 }, { unique: true });

export interface AccountStore {
  find(accountId: string, livemode: boolean): Promise<Account | null>;
  /** Creates the account on its first event; an existing account is left as it is. */
  ensure(accountId: string, livemode: boolean, source: Account['source'], at: Date): Promise<Account>;
  markInstalled(accountId: string, livemode: boolean, source: Account['source'], at: Date): Promise<void>;
  markUninstalled(accountId: string, livemode: boolean, at: Date): Promise<void>;
  setBranding(accountId: string, livemode: boolean, branding: Partial<Branding>): Promise<void>;
  /** Remembers the Stripe account's own email as Stripe reported it at `readAt`. */
  noteStripeAccountEmail(accountId: string, livemode: boolean, email: string | null, readAt: Date): Promise<void>;
  /** Replaces the given settings (already validated by the caller); other settings stay. */
  updateSettings(accountId: string, livemode: boolean, patch: AccountSettings): Promise<void>;
}

export function createAccountStore(connection: Connection): AccountStore {
  const accounts: Model<Account> =
    (connection.models.Account as Model<Account> | undefined) ?? connection.model<Account>('Account', accountSchema);
  const project = { _id: 0, accountId: 1, livemode: 1, source: 1, status: 1, installedAt: 1, uninstalledAt: 1, branding: 1, settings: 1, stripeAccountEmail: 1 };

  return {
    async find(accountId, livemode) {
      return accounts.findOne({ accountId, livemode }, project).lean<Account>();
    },
    async ensure(accountId, livemode, source, at) {
      try {
        // No projection here: FerretDB's findAndModify does not take one.
        const found = await accounts.findOneAndUpdate(
          { accountId, livemode },
          { $setOnInsert: { accountId, livemode, source, status: 'installed', installedAt: at, uninstalledAt: null } },
          { upsert: true, new: true },
        ).lean<Account>();
        return toAccount(found!);
      } catch (error) {
        // Two first events racing: the loser reads what the winner inserted.
        if ((error as { code?: number }).code !== 11000) throw error;
        return (await accounts.findOne({ accountId, livemode }, project).lean<Account>())!;
      }
    },
    async markInstalled(accountId, livemode, source, at) {
      await upsertIgnoringRace(() =>
        accounts.updateOne(
          { accountId, livemode },
          { $set: { status: 'installed', uninstalledAt: null, installedAt: at }, $setOnInsert: { accountId, livemode, source } },
          { upsert: true },
        ),
      );
    },
    async updateSettings(accountId, livemode, patch) {
      const entries = Object.entries(patch);
      const set = Object.fromEntries(entries.filter(([, value]) => value !== undefined).map(([key, value]) => [`settings.${key}`, value]));
      const unset = Object.fromEntries(entries.filter(([, value]) => value === undefined).map(([key]) => [`settings.${key}`, '']));
      // A merchant with no settings yet has settings: null, which a dotted $set cannot extend.
      await accounts.updateOne({ accountId, livemode, settings: null }, { $set: { settings: {} } });
      await accounts.updateOne({ accountId, livemode }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
    },
    async noteStripeAccountEmail(accountId, livemode, email, readAt) {
      await accounts.updateOne({ accountId, livemode }, { $set: { stripeAccountEmail: { email, readAt } } });
    },
    async setBranding(accountId, livemode, branding) {
      await accounts.updateOne({ accountId, livemode }, { $set: { branding } });
    },
    async markUninstalled(accountId, livemode, at) {
      await upsertIgnoringRace(() =>
        accounts.updateOne(
          { accountId, livemode },
          { $set: { status: 'uninstalled', uninstalledAt: at }, $setOnInsert: { accountId, livemode, source: 'app', installedAt: at } },
          { upsert: true },
        ),
      );
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
  };
}

async function upsertIgnoringRace(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    await write();
  }
}
