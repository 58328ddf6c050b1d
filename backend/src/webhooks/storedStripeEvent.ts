import { Schema } from 'mongoose';

/** A Stripe event as we store it, in the inbox while it waits and in the permanent record once handled. */

export type StoredEventStatus = 'pending' | 'handled' | 'ignored' | 'failed';

/** A run of attempts that ended with the event parked as failed, kept when it is handled again. */
export interface EarlierFailure {
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
  /** When it was given a new start: re-delivered by Stripe, or re-queued with `npm run events:retry`. */
  requeuedAt: Date;
}

/** Which failed events to re-queue: received at or after `since`, optionally of these types or accounts only. */
export interface FailedEventFilter {
  since: Date;
  types?: string[];
  accountIds?: string[];
}

export interface StoredStripeEvent {
  eventId: string;
  accountId: string;
  livemode: boolean;
  /** The event came through a Connect (App) install rather than the self-hosted account. */
  isAppInstall: boolean;
  type: string;
  objectId: string | null;
  eventCreatedAt: Date;
  /** The exact body Stripe signed, kept as text so no field name is rewritten by storage. */
  payload: string;
  status: StoredEventStatus;
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: Date;
  outcome: string | null;
  lastError: string | null;
  receivedAt: Date;
  handledAt: Date | null;
  /** Earlier runs that ended as failed, oldest first; absent when the event never failed. */
  earlierFailures?: EarlierFailure[];
}

const eventFields = {
  _id: { type: String, required: true },
  eventId: { type: String, required: true },
  accountId: { type: String, required: true },
  livemode: { type: Boolean, required: true },
  isAppInstall: { type: Boolean, required: true },
  type: { type: String, required: true },
  objectId: { type: String, default: null },
  eventCreatedAt: { type: Date, required: true },
  payload: { type: String, required: true },
  status: { type: String, required: true, enum: ['pending', 'handled', 'ignored', 'failed'] },
  attempts: { type: Number, default: 0 },
  leaseOwner: { type: String, default: null },
  leaseUntil: { type: Date, required: true },
  outcome: { type: String, default: null },
  lastError: { type: String, default: null },
  receivedAt: { type: Date, required: true },
  handledAt: { type: Date, default: null },
  earlierFailures: {
    type: [{ _id: false, attempts: Number, lastError: String, receivedAt: Date, requeuedAt: Date }],
    default: undefined,
  },
};
export const recordSchema = new Schema(eventFields, { collection: 'stripeEvents', versionKey: false });
// The index earlier versions claimed with; kept so finding what they left pending never scans the record.
recordSchema.index({ status: 1, leaseUntil: 1 });
export const inboxSchema = new Schema(eventFields, { collection: 'stripeEventInbox', versionKey: false });
inboxSchema.index({ leaseUntil: 1 });

/** A claimed event whose effects are saved, with the outcome to record. */
export interface FinishedEvent {
  event: StoredStripeEvent;
  status: 'handled' | 'ignored';
  outcome: string;
  at: Date;
}
