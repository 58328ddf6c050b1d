import { Schema, type Connection, type Model } from 'mongoose';
import type { WebhookEndpoint } from './webhookEndpoint';

interface EndpointDocument extends Omit<WebhookEndpoint, 'id'> {
  _id: string;
}

const endpointSchema = new Schema<EndpointDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    url: { type: String, required: true },
    description: { type: String, default: '' },
    enabledEvents: { type: [String], required: true },
    status: { type: String, required: true, enum: ['enabled', 'disabled'] },
    disabledReason: { type: String, default: null },
    createdAt: { type: Date, required: true },
    secretSealed: { type: String, required: true },
    previousSecretSealed: { type: String, default: null },
    secretRotationEndsAt: { type: Date, default: null },
  },
  { collection: 'webhookEndpoints', versionKey: false, _id: false },
);
endpointSchema.index({ accountId: 1, livemode: 1, createdAt: 1 });

export type EndpointChange = Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'enabledEvents' | 'status' | 'disabledReason' | 'secretSealed' | 'previousSecretSealed' | 'secretRotationEndsAt'>>;

/** Webhook endpoints; every query names the account and the mode. */
export interface EndpointStore {
  insert(endpoint: WebhookEndpoint): Promise<void>;
  count(accountId: string, livemode: boolean): Promise<number>;
  list(accountId: string, livemode: boolean): Promise<WebhookEndpoint[]>;
  find(accountId: string, livemode: boolean, id: string): Promise<WebhookEndpoint | null>;
  /** The changed endpoint, or null when it does not exist in this account and mode. */
  update(accountId: string, livemode: boolean, id: string, change: EndpointChange): Promise<WebhookEndpoint | null>;
  /** Disables an enabled endpoint; false when it was already disabled or gone (someone else told the merchant). */
  disable(accountId: string, livemode: boolean, id: string, reason: string): Promise<boolean>;
  remove(accountId: string, livemode: boolean, id: string): Promise<boolean>;
}

export function createEndpointStore(connection: Connection): EndpointStore {
  const endpoints: Model<EndpointDocument> =
    (connection.models.WebhookEndpoint as Model<EndpointDocument> | undefined) ?? connection.model<EndpointDocument>('WebhookEndpoint', endpointSchema);
  const toEndpoint = (doc: EndpointDocument | null): WebhookEndpoint | null => {
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { ...rest, id: _id, description: rest.description ?? '', disabledReason: rest.disabledReason ?? null, previousSecretSealed: rest.previousSecretSealed ?? null, secretRotationEndsAt: rest.secretRotationEndsAt ?? null };
  };

  return {
    async insert(endpoint) {
      const { id, ...rest } = endpoint;
      await endpoints.create({ _id: id, ...rest });
    },
    async count(accountId, livemode) {
      return endpoints.countDocuments({ accountId, livemode });
    },
    async list(accountId, livemode) {
      return (await endpoints.find({ accountId, livemode }).sort({ createdAt: 1 }).lean<EndpointDocument[]>()).map((doc) => toEndpoint(doc)!);
    },
    async find(accountId, livemode, id) {
      return toEndpoint(await endpoints.findOne({ _id: id, accountId, livemode }).lean<EndpointDocument>());
    },
    async update(accountId, livemode, id, change) {
      // Mongoose sends nothing for an empty $set, and "nothing matched" would read as "no such endpoint".
      if (Object.keys(change).length === 0) return toEndpoint(await endpoints.findOne({ _id: id, accountId, livemode }).lean<EndpointDocument>());
      const result = await endpoints.updateOne({ _id: id, accountId, livemode }, { $set: change });
      if (result.matchedCount !== 1) return null;
      return toEndpoint(await endpoints.findOne({ _id: id, accountId, livemode }).lean<EndpointDocument>());
    },
    async disable(accountId, livemode, id, reason) {
      const result = await endpoints.updateOne({ _id: id, accountId, livemode, status: 'enabled' }, { $set: { status: 'disabled', disabledReason: reason } });
      return result.modifiedCount === 1;
    },
    async remove(accountId, livemode, id) {
      return (await endpoints.deleteOne({ _id: id, accountId, livemode })).deletedCount === 1;
    },
  };
}
