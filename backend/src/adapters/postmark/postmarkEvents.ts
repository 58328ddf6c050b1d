import { z } from 'zod';
import type { EmailEvent } from '../../recovery';

/**
 * Postmark's webhook records (Delivery, Bounce, Open, Click, SpamComplaint,
 * SubscriptionChange) in our words. Metadata is what we attached when sending:
 * the account, case and step, so an event finds its case without a lookup.
 */
const recordSchema = z.object({
  RecordType: z.enum(['Delivery', 'Bounce', 'Open', 'Click', 'SpamComplaint', 'SubscriptionChange']),
  MessageID: z.string().min(1).max(200),
  Metadata: z.record(z.string(), z.string()).optional().nullable(),
  Recipient: z.string().optional(),
  Email: z.string().optional(),
  Type: z.string().optional(),
  Inactive: z.boolean().optional(),
  Description: z.string().optional(),
  SuppressSending: z.boolean().optional(),
  DeliveredAt: z.string().optional(),
  BouncedAt: z.string().optional(),
  ReceivedAt: z.string().optional(),
  ChangedAt: z.string().optional(),
});

export interface PostmarkRecord {
  event: EmailEvent | { kind: 'resubscribed'; messageId: string; at: Date };
  accountId: string | null;
  caseId: string | null;
  /** A pre-dunning reminder's subscription (metadata kind "pre_dunning"); null for every other email. */
  reminderSubscriptionId: string | null;
  recipient: string | null;
}

export type ParsedRecord = { ok: true; record: PostmarkRecord } | { ok: false; message: string };

// Postmark's bounce types after which the address will not receive mail again.
const PERMANENT_BOUNCES = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'SpamNotification', 'Blocked', 'DMARCPolicy']);

export function parsePostmarkRecord(body: unknown, now: Date): ParsedRecord {
  const parsed = recordSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `Not a Postmark webhook record: ${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const record = parsed.data;
  const when = (value: string | undefined) => {
    const at = value ? new Date(value) : now;
    return Number.isNaN(at.getTime()) ? now : at;
  };
  const messageId = record.MessageID;
  let event: PostmarkRecord['event'];
  switch (record.RecordType) {
    case 'Delivery':
      event = { kind: 'delivered', messageId, at: when(record.DeliveredAt) };
      break;
    case 'Open':
      event = { kind: 'opened', messageId, at: when(record.ReceivedAt) };
      break;
    case 'Click':
      event = { kind: 'clicked', messageId, at: when(record.ReceivedAt) };
      break;
    case 'Bounce':
      event = {
        kind: 'bounced',
        messageId,
        at: when(record.BouncedAt),
        permanent: record.Inactive === true || PERMANENT_BOUNCES.has(record.Type ?? ''),
        description: record.Type ?? 'bounce',
      };
      break;
    case 'SpamComplaint':
      event = { kind: 'complained', messageId, at: when(record.BouncedAt) };
      break;
    case 'SubscriptionChange':
      event = record.SuppressSending === false ? { kind: 'resubscribed', messageId, at: when(record.ChangedAt) } : { kind: 'unsubscribed', messageId, at: when(record.ChangedAt) };
      break;
  }
  return {
    ok: true,
    record: {
      event,
      accountId: record.Metadata?.accountId ?? null,
      caseId: record.Metadata?.caseId ?? null,
      reminderSubscriptionId: record.Metadata?.kind === 'pre_dunning' ? (record.Metadata.subscriptionId ?? null) : null,
      recipient: record.Recipient ?? record.Email ?? null,
    },
  };
}
