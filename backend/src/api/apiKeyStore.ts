import { createHash, randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Merchant API keys: "rk_recovery_" + 32 random bytes, shown once. Only a
 * SHA-256 of the key is stored (a fast hash is right for high-entropy random
 * keys; slow password hashes are for guessable secrets).
 */
export type ApiKeyScope = 'read' | 'read_write';

export interface ApiKey {
  id: string;
  accountId: string;
  livemode: boolean;
  name: string;
  scope: ApiKeyScope;
  /** The first characters, so merchants can tell keys apart. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiKeyDocument extends Omit<ApiKey, 'id'> {
  hash: string;
}

const apiKeySchema = new Schema<ApiKeyDocument>(
  {
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    name: { type: String, required: true },
    scope: { type: String, required: true, enum: ['read', 'read_write'] },
    prefix: { type: String, required: true },
    hash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'apiKeys', versionKey: false },
);
apiKeySchema.index({ hash: 1 }, { unique: true });
apiKeySchema.index({ accountId: 1, livemode: 1, createdAt: -1 });

export const API_KEY_PREFIX = 'rk_recovery_';

export interface ApiKeyStore {
  /** Creates a key; the plain key is returned here and never again. */
  create(input: { accountId: string; livemode: boolean; name: string; scope: ApiKeyScope; now: Date }): Promise<{ key: string; apiKey: ApiKey }>;
  /** The active key a bearer token names, marking it used; null for unknown or revoked keys. */
  authenticate(token: string, now: Date): Promise<ApiKey | null>;
  /** A mode's keys: a test-mode caller never sees or revokes live keys, nor the other way round. */
  list(accountId: string, livemode: boolean): Promise<ApiKey[]>;
  revoke(accountId: string, livemode: boolean, id: string, now: Date): Promise<boolean>;
}

export function createApiKeyStore(connection: Connection): ApiKeyStore {
  const keys: Model<ApiKeyDocument> = (connection.models.ApiKey as Model<ApiKeyDocument> | undefined) ?? connection.model<ApiKeyDocument>('ApiKey', apiKeySchema);
  const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');
  const toKey = (doc: ApiKeyDocument & { _id: unknown }): ApiKey => ({
    id: String(doc._id),
    accountId: doc.accountId,
    livemode: doc.livemode,
    name: doc.name,
    scope: doc.scope,
    prefix: doc.prefix,
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt,
    revokedAt: doc.revokedAt,
  });

  return {
    async create({ accountId, livemode, name, scope, now }) {
      const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      const created = await keys.create({ accountId, livemode, name, scope, prefix: key.slice(0, API_KEY_PREFIX.length + 6), hash: hashOf(key), createdAt: now });
      return { key, apiKey: toKey(created.toObject()) };
    },
    async authenticate(token, now) {
      if (!token.startsWith(API_KEY_PREFIX) || token.length > 200) return null;
      const found = await keys.findOne({ hash: hashOf(token) }).lean();
      if (!found || found.revokedAt) return null;
      await keys.updateOne({ _id: found._id }, { $set: { lastUsedAt: now } });
      return toKey(found);
    },
    async list(accountId, livemode) {
      return (await keys.find({ accountId, livemode }).sort({ createdAt: -1 }).lean()).map(toKey);
    },
    async revoke(accountId, livemode, id, now) {
      if (!/^[a-f0-9]{24}$/i.test(id)) return false;
      const result = await keys.updateOne({ accountId, livemode, _id: id, revokedAt: null }, { $set: { revokedAt: now } });
      return result.matchedCount === 1;
    },
  };
}
