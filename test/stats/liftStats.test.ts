import { ALL_TIME, buildRecoveryLift, rollupIncrements, type RollupDocument } from '../../backend/src/stats';
import { at, openedCase } from '../support/caseBuilders';

const allTime = (currency: string, counters: Record<string, number>): RollupDocument => ({ accountId: 'acct_a', livemode: false, currency, day: ALL_TIME, counters });
const group = (name: string, failed: number, ended: number, recovered: number, recoveredMinor: number) => ({
  [`group:${name}:failed`]: failed,
  [`group:${name}:ended`]: ended,
  [`group:${name}:recovered`]: recovered,
  [`group:${name}:recoveredMinor`]: recoveredMinor,
});

describe('the lift from the all-time rollups', () => {
  it("gives treated − control with Newcombe's 95 % interval when both groups have 30 ended cases or more", () => {
    const lift = buildRecoveryLift([allTime('usd', { failed: 120, ...group('treated', 70, 60, 40, 196_000), ...group('control', 45, 40, 12, 58_800) })], 0.1);
    expect(lift).toEqual({
      object: 'recovery_lift',
      holdoutShare: 0.1,
      minimumCasesPerGroup: 30,
      currencies: [
        {
          currency: 'usd',
          treated: { cases: 70, ended: 60, recovered: 40, recoveredMinor: 196_000, recoveredShare: 0.6667 },
          control: { cases: 45, ended: 40, recovered: 12, recoveredMinor: 58_800, recoveredShare: 0.3 },
          difference: { estimate: 0.3667, low: 0.1674, high: 0.5262 },
          enoughData: true,
        },
      ],
    });
  });

  it('says not enough data, with no difference, while either group has fewer than 30 ended cases', () => {
    const [usd] = buildRecoveryLift([allTime('usd', { ...group('treated', 300, 290, 200, 1), ...group('control', 32, 29, 5, 1) })], 0.1).currencies;
    expect(usd).toMatchObject({ enoughData: false, difference: null, control: { ended: 29, recoveredShare: 0.1724 } });
  });

  it('keeps currencies apart and leaves out those with no case in the lift, and day documents', () => {
    const lift = buildRecoveryLift(
      [allTime('usd', { failed: 3 }), allTime('eur', group('control', 1, 0, 0, 0)), { ...allTime('gbp', group('treated', 5, 5, 5, 5)), day: '2026-05-01' }],
      0.1,
    );
    expect(lift.currencies.map((entry) => [entry.currency, entry.control.cases, entry.control.recoveredShare])).toEqual([['eur', 1, null]]);
  });
});

/** A case opened before the holdout existed: no group, no lift flag. */
function olderCase() {
  const { group: _group, countsInLift: _counts, ...older } = openedCase();
  return older;
}

describe("a case's contribution to the lift counters", () => {
  it('counts a case in the lift in its group, all time only: opened, then ended and recovered', () => {
    const opened = openedCase({ group: 'control', countsInLift: true });
    const recovered = { ...opened, status: 'recovered' as const, outcome: { status: 'recovered' as const, recoveredBy: 'stripe_retry' as const, at: at(4) }, closedAt: at(4) };
    const counters = (increments: ReturnType<typeof rollupIncrements>) => increments.find((increment) => increment.day === ALL_TIME)!.counters;
    expect(counters(rollupIncrements(null, opened))).toMatchObject({ 'group:control:failed': 1 });
    expect(counters(rollupIncrements(opened, recovered))).toMatchObject({ 'group:control:ended': 1, 'group:control:recovered': 1, 'group:control:recoveredMinor': 4900 });
    const dayCounters = rollupIncrements(opened, recovered).filter((increment) => increment.day !== ALL_TIME).flatMap((increment) => Object.keys(increment.counters));
    expect(dayCounters.filter((name) => name.startsWith('group:'))).toEqual([]);
  });

  it('leaves cases outside the lift (holdout off, no customer, older cases) out of the group counters', () => {
    for (const found of [openedCase({ group: 'treated', countsInLift: false }), olderCase()]) {
      const names = rollupIncrements(null, found).flatMap((increment) => Object.keys(increment.counters));
      expect(names.filter((name) => name.startsWith('group:'))).toEqual([]);
    }
  });
});
