import type { Renewal } from './renewal';

export type PreDunningStatus = 'none' | 'planned' | 'sent' | 'stopped';

/**
 * Where this period's reminders stand, as the at-risk list shows and filters
 * them: stopped for good wins, then "sent" once any reminder went out (or was
 * recorded in test mode), then "planned" while one is due, else none.
 */
export function preDunningStatusOf(preDunning: Renewal['preDunning']): PreDunningStatus {
  if (preDunning.stoppedBecause !== null) return 'stopped';
  if (preDunning.sent.length > 0) return 'sent';
  if (preDunning.nextReminderAt !== null) return 'planned';
  return 'none';
}
