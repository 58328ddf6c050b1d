import type { RecoveryCase } from '../recovery';
import { ARMS, emptyTally, type Arm, type ArmTally } from './experiment';

const DAY_MS = 86_400_000;

/** What to add to one arm of one experiment. */
export interface TallyChange {
  experimentId: string;
  arm: Arm;
  delta: Partial<ArmTally>;
}

function contribution(found: RecoveryCase | null): ArmTally {
  const tally = emptyTally();
  if (!found) return tally;
  tally.cases = 1;
  if (found.status !== 'active') tally.ended = 1;
  if (found.status === 'recovered' && found.outcome?.status === 'recovered') {
    tally.recovered = 1;
    tally.recoveryDaysTotal = Math.max(0, found.outcome.at.getTime() - found.openedAt.getTime()) / DAY_MS;
  }
  // The sequence's own emails: a thank-you note says nothing about which sequence worked.
  const dunning = found.emails.filter((email) => email.kind === 'dunning');
  tally.emailsOpened = dunning.filter((email) => email.firstOpenedAt).length;
  tally.emailsClicked = dunning.filter((email) => email.firstClickedAt).length;
  return tally;
}

/**
 * What a saved change to a case adds to its experiments' arms: the
 * difference between what the case counts for after and before (null
 * before: the case just opened). Pure, so it can ride the case's own write.
 * Counts go both ways: an exhausted case that reopens takes its "ended" back.
 * Example: an enrolled case (arm B) goes active → recovered 3 days after it
 * opened → [{ experimentId, arm: 'B', delta: { ended: 1, recovered: 1, recoveryDaysTotal: 3 } }].
 */
export function experimentTallyChanges(before: RecoveryCase | null, after: RecoveryCase): TallyChange[] {
  const enrollments = after.experiments ?? [];
  if (enrollments.length === 0) return [];
  const was = contribution(before);
  const now = contribution(after);
  const delta: Partial<ArmTally> = {};
  for (const counter of Object.keys(now) as (keyof ArmTally)[]) {
    const change = now[counter] - was[counter];
    if (change !== 0) delta[counter] = change;
  }
  if (Object.keys(delta).length === 0) return [];
  return enrollments.filter((enrollment) => ARMS.includes(enrollment.arm)).map((enrollment) => ({ experimentId: enrollment.id, arm: enrollment.arm, delta }));
}
