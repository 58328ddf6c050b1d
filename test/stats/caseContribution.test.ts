import { finishAttempt, beginAttempt, recordEmailSent, recordEmailEvent, type RecoveryCase } from '../../backend/src/recovery';
import { cancelByMerchant } from '../../backend/src/recovery/caseControls';
import { ALL_TIME, rollupIncrements, type RollupIncrement } from '../../backend/src/stats';
import { at, dashboardUser, failure, openedCase } from '../support/caseBuilders';

const counters = (increments: RollupIncrement[], day: string) => increments.find((increment) => increment.day === day)?.counters ?? {};

function recoveredByRetry(current: RecoveryCase, day: number): RecoveryCase {
  const started = beginAttempt(current, 'schedule', null, at(day)).case;
  return finishAttempt(started, 1, { kind: 'paid' }, at(day));
}

describe('what a case adds to the stats', () => {
  it('counts a new case as failed on the day it opened, by decline bucket, and as active in the totals', () => {
    const increments = rollupIncrements(null, openedCase());
    expect(counters(increments, '2026-05-01')).toEqual({ failed: 1, failedMinor: 4900, 'bucket:soft:failed': 1 });
    expect(counters(increments, ALL_TIME)).toEqual({ failed: 1, failedMinor: 4900, 'bucket:soft:failed': 1, active: 1, activeMinor: 4900 });
  });

  it('moves a recovered case out of the active totals and credits how the money came back, on the day it did', () => {
    const opened = openedCase();
    const recovered = recoveredByRetry(opened, 4);
    expect(recovered.status).toBe('recovered');
    const increments = rollupIncrements(opened, recovered);
    expect(counters(increments, '2026-05-04')).toEqual({
      recovered: 1,
      recoveredMinor: 4900,
      'bucket:soft:recovered': 1,
      'method:our_retry:count': 1,
      'method:our_retry:minor': 4900,
      mrrSavedMinor: 4900,
      churnPrevented: 1,
    });
    expect(counters(increments, ALL_TIME)).toMatchObject({ active: -1, activeMinor: -4900, recovered: 1 });
    expect(counters(increments, '2026-05-01')).toEqual({});
  });

  it("counts a recovered payment's local weekday and day of month, all time only, in the customer's time zone", () => {
    // Paid Sat 2 May 2026 at 02:00 UTC: still Friday 1 May in Los Angeles.
    const paidAt = new Date('2026-05-02T02:00:00Z');
    const opened = openedCase({ customerTimeZone: 'America/Los_Angeles' });
    const recovered = finishAttempt(beginAttempt(opened, 'schedule', null, paidAt).case, 1, { kind: 'paid' }, paidAt);
    const increments = rollupIncrements(opened, recovered);
    expect(counters(increments, ALL_TIME)).toMatchObject({ 'paid:weekday:5': 1, 'paid:dom:01': 1 });
    expect(Object.keys(counters(increments, '2026-05-02')).filter((name) => name.startsWith('paid:'))).toEqual([]);
    // Without a known zone the payment counts in UTC: Saturday the 2nd.
    const inUtc = finishAttempt(beginAttempt(openedCase(), 'schedule', null, paidAt).case, 1, { kind: 'paid' }, paidAt);
    expect(counters(rollupIncrements(openedCase(), inUtc), ALL_TIME)).toMatchObject({ 'paid:weekday:6': 1, 'paid:dom:02': 1 });
  });

  it('counts a one-time payment as saved money but not as churn prevented', () => {
    const opened = openedCase({}, failure({ subscriptionId: null }));
    expect(counters(rollupIncrements(opened, recoveredByRetry(opened, 3)), '2026-05-03')).not.toHaveProperty('churnPrevented');
  });

  it('counts a case the merchant canceled as lost', () => {
    const opened = openedCase();
    const canceled = cancelByMerchant(opened, at(6), dashboardUser);
    if (!canceled.ok) throw new Error('expected the cancel to apply');
    expect(counters(rollupIncrements(opened, canceled.case), '2026-05-06')).toEqual({ lost: 1 });
  });

  it('counts emails sent, and first opens and clicks once however often they happen', () => {
    const opened = openedCase();
    const sent = recordEmailSent(opened, { messageId: 'msg_1', kind: 'dunning', stepIndex: 0, skipped: [], subject: 'Hi' }, at(1, 14));
    const openedOnce = recordEmailEvent(sent, { kind: 'opened', messageId: 'msg_1', at: at(2) })!;
    const openedTwice = recordEmailEvent(openedOnce, { kind: 'opened', messageId: 'msg_1', at: at(3) })!;
    expect(counters(rollupIncrements(opened, sent), '2026-05-01')).toEqual({ emailsSent: 1 });
    expect(counters(rollupIncrements(sent, openedOnce), '2026-05-02')).toEqual({ emailsOpened: 1 });
    expect(rollupIncrements(openedOnce, openedTwice)).toEqual([]);
  });

  it('counts a delivery on the day Postmark delivered, and a bounce on the day the email was sent', () => {
    const opened = openedCase();
    const first = recordEmailSent(opened, { messageId: 'msg_1', kind: 'dunning', stepIndex: 0, skipped: [], subject: 'Hi' }, at(1, 14));
    const delivered = recordEmailEvent(first, { kind: 'delivered', messageId: 'msg_1', at: at(2) })!;
    expect(counters(rollupIncrements(first, delivered), '2026-05-02')).toEqual({ emailsDelivered: 1 });
    const second = recordEmailSent(delivered, { messageId: 'msg_2', kind: 'dunning', stepIndex: 1, skipped: [], subject: 'Hi again' }, at(4, 14));
    const bounced = recordEmailEvent(second, { kind: 'bounced', messageId: 'msg_2', at: at(5), permanent: false, description: 'mailbox full' })!;
    expect(counters(rollupIncrements(second, bounced), '2026-05-04')).toEqual({ emailsBounced: 1 });
    expect(counters(rollupIncrements(second, bounced), '2026-05-05')).toEqual({});
  });

  it('writes nothing for a save that does not change the stats (a lease, a timeline note)', () => {
    const opened = openedCase();
    expect(rollupIncrements(opened, { ...opened, leaseOwner: 'worker-1', timeline: [...opened.timeline, { at: at(2), kind: 'retry_planned', summary: 'x' }] })).toEqual([]);
  });

  it('adds up over a whole history to exactly what the final case contributes', () => {
    const history: RecoveryCase[] = [openedCase()];
    history.push(recordEmailSent(history.at(-1)!, { messageId: 'msg_1', kind: 'dunning', stepIndex: 0, skipped: [], subject: 'Hi' }, at(1, 14)));
    history.push({ ...history.at(-1)!, amountMinor: 3900 });
    history.push(recoveredByRetry(history.at(-1)!, 5));
    const summed = new Map<string, number>();
    let before: RecoveryCase | null = null;
    for (const after of history) {
      for (const increment of rollupIncrements(before, after)) {
        for (const [counter, value] of Object.entries(increment.counters)) {
          const key = `${increment.day} ${counter}`;
          summed.set(key, (summed.get(key) ?? 0) + value);
        }
      }
      before = after;
    }
    const nonZero = Object.fromEntries([...summed].filter(([, value]) => value !== 0));
    const direct = Object.fromEntries(rollupIncrements(null, history.at(-1)!).flatMap((increment) => Object.entries(increment.counters).map(([counter, value]) => [`${increment.day} ${counter}`, value])));
    expect(nonZero).toEqual(direct);
    expect(nonZero).toMatchObject({ 'all recoveredMinor': 3900, '2026-05-01 failedMinor': 3900 });
  });
});
