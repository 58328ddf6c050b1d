import { Schema, type Connection, type Model } from 'mongoose';
import type { OutboundEvent } from './outboundEvent';

/** An event as published: its exact JSON body, so every re-delivery sends the same bytes. */
export interface StoredEvent {
  id: string;
  accountId: string;
  livemode: boolean;
  type: OutboundEvent['type'];
  body: string;
  /** When it was first published: endpoints created later do not receive it. */
  publishedAt: Date;
}

interface EventDocument extends Omit<StoredEvent, 'id'> {
  _id: string;
}

const eventSchema = new Schema<EventDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    type: { type: String, required: true },
    body: { type: String, required: true },
    publishedAt: { type: Date, required: true },
  },
  { collection: 'outboundEvents', versionKey: false, _id: false },
);

export interface OutboundEventStore {
  /** Stores the event once by id; an event already stored is returned as first stored. */
  storeOnce(event: OutboundEvent, now: Date): Promise<StoredEvent>;
  find(accountId: string, livemode: boolean, id: string): Promise<StoredEvent | null>;
}

export function createOutboundEventStore(connection: Connection): OutboundEventStore {
  const events: Model<EventDocument> =
    (connection.models.OutboundEvent as Model<EventDocument> | undefined) ?? connection.model<EventDocument>('OutboundEvent', eventSchema);
  const toStored = ({ _id, ...rest }: EventDocument): StoredEvent => ({ ...rest, id: _id });
  const findOne = async (accountId: string, livemode: boolean, id: string) => {
    const found = await events.findOne({ _id: id, accountId, livemode }).lean<EventDocument>();
    return found ? toStored(found) : null;
  };

  return {
    async storeOnce(event, now) {
      const doc: EventDocument = { _id: event.id, accountId: event.account, livemode: event.livemode, type: event.type, body: JSON.stringify(event), publishedAt: now };
      try {
        await events.create(doc);
        return toStored(doc);
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
      const existing = await findOne(event.account, event.livemode, event.id);
      // Same id under another account or mode: never deliver one merchant's id as another's event.
      if (!existing) throw new Error(`outbound event ${event.id} already exists for another account or mode`);
      return existing;
    },
    find: findOne,
  };
}
