import { putOffAfterFailedStep } from '../../backend/src/recovery';
import { at, openedCase } from '../support/caseBuilders';

const now = at(10);
const minutesLater = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

describe('a retry step that could not run', () => {
  it('keeps the case active and tries again a minute later, doubling each time up to an hour', () => {
    const passing = (failures: number) => putOffAfterFailedStep(openedCase(), { failures, refusedByStripe: false, message: 'Stripe answered 503' }, now);
    expect(passing(1)).toMatchObject({ status: 'active', actionFailures: 1, nextActionAt: minutesLater(1) });
    expect(passing(2).nextActionAt).toEqual(minutesLater(2));
    expect(passing(4).nextActionAt).toEqual(minutesLater(8));
    expect(passing(12).nextActionAt).toEqual(minutesLater(60));
  });

  it('says so on the case: the next action and one timeline entry, folded as the failures repeat', () => {
    const once = putOffAfterFailedStep(openedCase(), { failures: 1, refusedByStripe: false, message: 'Stripe answered 503' }, now);
    const reason = 'Stripe unavailable, trying again at 2026-05-10 12:01 UTC.';
    expect(once.plannedAction).toEqual({ kind: 'retry', at: minutesLater(1), reason });
    expect(once.timeline.slice(openedCase().timeline.length)).toEqual([{ at: now, kind: 'stripe_unavailable', summary: reason }]);
    const twice = putOffAfterFailedStep(once, { failures: 2, refusedByStripe: false, message: 'Stripe answered 503' }, minutesLater(1));
    expect(twice.timeline.slice(openedCase().timeline.length)).toEqual([
      { at: now, lastAt: minutesLater(1), count: 2, kind: 'stripe_unavailable', summary: 'Stripe unavailable, trying again at 2026-05-10 12:03 UTC.' },
    ]);
  });

  it('waits a day when Stripe refused the request itself, and says so on the timeline', () => {
    const refused = putOffAfterFailedStep(openedCase(), { failures: 1, refusedByStripe: true, message: 'This invoice can no longer be paid' }, now);
    expect(refused).toMatchObject({ status: 'active', actionFailures: 1, nextActionAt: minutesLater(24 * 60) });
    expect(refused.timeline.at(-1)).toEqual({ at: now, kind: 'retry_refused', summary: 'Stripe refused our request (This invoice can no longer be paid); we will try again in a day.' });
  });

  it('leaves a case that closed meanwhile exactly as it is', () => {
    const recovered = openedCase({ status: 'recovered', actionFailures: 0, nextActionAt: null });
    expect(putOffAfterFailedStep(recovered, { failures: 3, refusedByStripe: false, message: 'timeout' }, now)).toBe(recovered);
  });
});
