import type { OutboxEntry, RecoveryCase } from '../recovery/recoveryCase';
import { rollupIncrements } from '../stats/caseContribution';
import { eventsCausedBy, type DescribeCase } from './caseEvents';

/** What one save of a case appends to its outbox, and the case's event count after it. */
export interface SaveConsequences {
  entries: OutboxEntry[];
  eventSequence: number;
}

/** The id of the stats delta of the save that brings a case to `revision`: one per save, unique across cases. */
export function rollupEntryId(caseId: string, revision: number): string {
  return `rollup_${caseId}_${revision}`;
}

/**
 * Everything a save of `after` (over `before`, null when it opens the case)
 * must write with it: its events, then its stats delta when the stats moved.
 * `revision` is the revision the save writes (0 for an insert).
 *
 * Example: opening a $49 case appends `recovery.case_opened` (sequence 1) and
 * a delta of failed +1, failedMinor +4900, active +1; a save that changes
 * only the timeline appends nothing.
 */
export function consequencesOfSave(
  before: RecoveryCase | null,
  after: RecoveryCase,
  context: { now: Date; revision: number; describeCase: DescribeCase },
): SaveConsequences {
  const events = eventsCausedBy(before, after, context);
  const increments = rollupIncrements(before, after);
  const entries: OutboxEntry[] = events.map((event) => ({ id: event.id, kind: 'event', event }));
  if (increments.length > 0) entries.push({ id: rollupEntryId(after.id, context.revision), kind: 'rollup', increments });
  return { entries, eventSequence: (before?.eventSequence ?? 0) + events.length };
}
