import type { CaseEmail, RecoveryCase } from '../recovery/recoveryCase';
import type { OutboundEvent, RecoveryEventType } from './outboundEvent';

/** What the merchant's systems hear about a case: a summary of it as the merchant API shows it. */
export type DescribeCase = (found: RecoveryCase) => Record<string, unknown>;

const ENDED_WITHOUT_MONEY: ReadonlySet<RecoveryCase['status']> = new Set(['exhausted', 'canceled', 'churned']);
const UNDELIVERED: ReadonlySet<CaseEmail['status']> = new Set(['bounced', 'complained']);

/**
 * The events a saved change causes, in the order they happened, from the case
 * before (null: just opened) and after. One per new fact, never one for a save
 * that only re-states what was already true:
 *
 * - opened → `recovery.case_opened`
 * - each attempt of ours newly declined → `recovery.retry_failed`
 * - the plan starts waiting for a new card (network rule, never-retry decline) → `recovery.blocked`
 * - the email turns undeliverable, or the customer must now authenticate → `recovery.needs_attention`
 * - each email newly bounced or marked as spam → `recovery.email_bounced`
 * - recovered → `recovery.succeeded`; exhausted, canceled, churned → `recovery.failed`
 *
 * Example: a retry declined with `stolen_card` saves one change that emits
 * `retry_failed` then `blocked`; the same case saved again unchanged emits nothing.
 */
export function eventTypesCausedBy(before: RecoveryCase | null, after: RecoveryCase): RecoveryEventType[] {
  const types: RecoveryEventType[] = [];
  if (!before) types.push('recovery.case_opened');
  for (const attempt of after.ourAttempts) {
    const earlier = before?.ourAttempts.find((candidate) => candidate.number === attempt.number);
    if (attempt.outcome === 'declined' && earlier?.outcome !== 'declined') types.push('recovery.retry_failed');
  }
  const waitsForCard = (found: RecoveryCase | null) => found?.status === 'active' && found.plannedAction?.kind === 'wait_for_new_payment_method';
  if (waitsForCard(after) && !waitsForCard(before)) types.push('recovery.blocked');
  const newlyUndeliverable = after.emailStatus === 'undeliverable' && before?.emailStatus !== 'undeliverable';
  const newlyNeedsCustomer = after.needsCustomerAction && !before?.needsCustomerAction;
  if (newlyUndeliverable || newlyNeedsCustomer) types.push('recovery.needs_attention');
  after.emails.forEach((email, index) => {
    const earlier = email.messageId ? before?.emails.find((candidate) => candidate.messageId === email.messageId) : before?.emails[index];
    if (UNDELIVERED.has(email.status) && !(earlier && UNDELIVERED.has(earlier.status))) types.push('recovery.email_bounced');
  });
  if (after.status !== before?.status) {
    if (after.status === 'recovered') types.push('recovery.succeeded');
    else if (ENDED_WITHOUT_MONEY.has(after.status)) types.push('recovery.failed');
  }
  return types;
}

/** The event id for the case's nth event: stable, so a re-delivered event keeps its id. */
export function caseEventId(caseId: string, sequence: number): string {
  return `evt_rec_${caseId}_${sequence}`;
}

/**
 * The events of one saved change, numbered after the case's last event, each
 * carrying the case as it stands after the change. `now` dates them (Unix seconds).
 */
export function eventsCausedBy(before: RecoveryCase | null, after: RecoveryCase, context: { now: Date; describeCase: DescribeCase }): OutboundEvent[] {
  const types = eventTypesCausedBy(before, after);
  if (types.length === 0) return [];
  const first = (before?.eventSequence ?? 0) + 1;
  const summary = context.describeCase(after);
  return types.map((type, index) => ({
    id: caseEventId(after.id, first + index),
    object: 'event',
    type,
    created: Math.floor(context.now.getTime() / 1000),
    livemode: after.livemode,
    account: after.accountId,
    sequence: first + index,
    data: { object: summary },
  }));
}
