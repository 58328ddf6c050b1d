import { simulateRecovery } from '../../bench/recovery/simulateRecovery';
import { ourPolicy } from '../../bench/recovery/ourPolicy';
import { bucketOf } from '../../bench/recovery/behaviourModel';
import { DEFAULT_RETRY_POLICY, describeLocalTime, localParts, paydayCalendarFor, paydayNameOf, timeZoneForPlace } from '../../backend/src/retryPolicy';

/**
 * The reason on the timeline describes the time the plan chose (issue 18):
 * 200 simulated cases (bench/recovery, the real planner), every planned retry
 * checked against its stated reason, and every retryable case retried.
 */
const { traces } = simulateRecovery({ customers: 200, seed: 18, policies: [ourPolicy()], traceCases: 200 });

describe('plan reasons over 200 simulated cases', () => {
  it('covers 200 cases with retries to check', () => {
    expect(traces).toHaveLength(200);
    expect(traces.flatMap((trace) => trace.decisions).filter((decision) => decision.kind === 'retry').length).toBeGreaterThan(200);
  });

  it('states the chosen local time, in the customer’s morning, and names a payday only when the day is one', () => {
    const mismatches: string[] = [];
    for (const trace of traces) {
      const place = trace.found.place;
      const zone = timeZoneForPlace({ country: place.country, state: place.region, postalCode: place.postalCode }, DEFAULT_RETRY_POLICY.merchantTimeZone);
      const calendar = paydayCalendarFor(place.country, {});
      for (const decision of trace.decisions) {
        if (decision.kind !== 'retry' || !decision.at) continue;
        const at = decision.at;
        const local = localParts(at, zone);
        const payday = paydayNameOf(local.year, local.month, local.day, calendar);
        const isNow = at.getTime() - decision.decidedAt.getTime() < 60_000;
        const dayBefore = localParts(new Date(at.getTime() - 24 * 3_600_000), zone);
        const paydayBefore = paydayNameOf(dayBefore.year, dayBefore.month, dayBefore.day, calendar);
        const problems = [
          !isNow && !decision.reason.includes(`on ${describeLocalTime(at, zone)} customer time (${zone})`) && 'names another time',
          isNow !== decision.reason.startsWith('Retrying now') && 'says now for a later time, or a later time for now',
          !isNow && (local.hour < 9 || local.hour >= 12) && 'is outside the morning',
          decision.reason.includes('on payday') && !(payday && decision.reason.includes(`on payday (${payday})`)) && `names a payday on a day that is ${payday ?? 'none'}`,
          decision.reason.includes('common payday') && 'uses the old payday wording',
          decision.reason.includes('the morning after payday') &&
            !(paydayBefore && decision.reason.includes(`the morning after payday (${paydayBefore})`)) &&
            `names the morning after a payday after a day that is ${paydayBefore ?? 'none'}`,
          trace.found.bucket === 'insufficient_funds' && !isNow && !payday && !/window ends|no earlier try|Stripe's own retry|the morning after payday/.test(decision.reason) && 'leaves unsaid why a day that is no payday was chosen',
        ].filter(Boolean);
        if (problems.length > 0) mismatches.push(`case ${trace.found.index} at ${at.toISOString()}: ${problems.join(', ')} — "${decision.reason}"`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('retries every retryable case at least once unless it was paid or a new card came first', () => {
    const neverRetried = traces.filter((trace) => {
      const retryable = ['insufficient_funds', 'soft', 'ambiguous'].includes(bucketOf(trace.found.declineCode)) && trace.found.place.country !== 'IN';
      const retried = trace.attempts.some((attempt) => attempt.card === 'renewal_card');
      // The customer's new card, charged before our first planned retry came due, ends the case's own-card plan.
      const newCardFirst = trace.attempts.some((attempt) => attempt.card === 'new_card');
      return retryable && !retried && !newCardFirst;
    });
    expect(neverRetried.map((trace) => `case ${trace.found.index} (${trace.found.declineCode}): ${trace.decisions.map((decision) => decision.reason).join(' | ')}`)).toEqual([]);
  });
});
