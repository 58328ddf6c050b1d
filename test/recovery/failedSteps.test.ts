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
    expect(passing(1).timeline).toEqual(openedCase().timeline);
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
