import { isHardDecline } from '../../bench/recovery/behaviourModel';
import { CaseRun } from '../../bench/recovery/caseRun';
import type { RecoveryPolicy } from '../../bench/recovery/simplePolicies';
import { simulateRecovery } from '../../bench/recovery/simulateRecovery';

const HOUR_MS = 3_600_000;
const small = { customers: 300, seed: 7 };

describe('simulateRecovery', () => {
  const result = simulateRecovery({ ...small, traceCases: small.customers });
  const figuresOf = (policy: string) => result.policies.find((entry) => entry.policy === policy)!;

  it('gives the same figures for the same seed, and other figures for another seed', () => {
    expect(simulateRecovery(small).policies).toEqual(result.policies);
    expect(simulateRecovery({ ...small, seed: 8 }).policies).not.toEqual(result.policies);
  });

  it('compares no retries, fixed 3/5/7, daily 14, daily 14 retryable and ours on the same population', () => {
    expect(result.policies.map((entry) => entry.policy)).toEqual(['none', 'fixed_3_5_7', 'daily_14', 'daily_14_retryable', 'ours']);
    expect(new Set(result.policies.map((entry) => entry.failedAmountMinor)).size).toBe(1);
    expect(result.oursVsStrongestSimple).not.toBeNull();
    expect(result.oursVsFixed).not.toBeNull();
  });

  it('recovers nothing without retries except through customers saving a new card', () => {
    const none = figuresOf('none');
    expect(none.retries).toBe(0);
    expect(none.recovered).toBeGreaterThan(0);
    expect(none.recoveredByCardUpdate).toBe(none.recovered);
    const recoveredCases = result.traces.filter((trace) => trace.policy === 'none' && trace.recoveredAt);
    for (const trace of recoveredCases) {
      expect(trace.recoveredBy).toBe('card_update');
      expect(trace.recoveredAt!.getTime()).toBe(trace.found.cardUpdateAt);
    }
  });

  it('never approves a retry of a hard-declined card, under any policy', () => {
    const hardCases = result.traces.filter((trace) => isHardDecline(trace.found.declineCode));
    expect(hardCases.length).toBeGreaterThan(50);
    for (const trace of hardCases) {
      expect(trace.attempts.filter((attempt) => attempt.card === 'renewal_card' && attempt.approved)).toEqual([]);
      if (trace.recoveredAt) expect(trace.recoveredBy).toBe('card_update');
    }
    // The naive schedules do retry them, and the count of broken Visa rules shows it.
    expect(figuresOf('daily_14').violationsByRule.visa_never_approve).toBeGreaterThan(0);
  });

  it("traces ours with the planner's decisions and each retry's stated reason", () => {
    const ours = result.traces.filter((trace) => trace.policy === 'ours');
    const retried = ours.filter((trace) => trace.attempts.some((attempt) => attempt.card === 'renewal_card'));
    expect(retried.length).toBeGreaterThan(20);
    for (const trace of retried) {
      for (const attempt of trace.attempts.filter((entry) => entry.card === 'renewal_card')) {
        const planned = trace.decisions.find((decision) => decision.kind === 'retry' && decision.at?.getTime() === attempt.at.getTime());
        expect(planned?.reason).toBe(attempt.reason);
        expect(attempt.reason).toMatch(/^Retrying /);
      }
    }
  });
});

describe('the card-network violation counter', () => {
  /** Retries every case's card eleven times, one hour apart: whatever the decline, some rule breaks. */
  const reckless: RecoveryPolicy = {
    name: 'reckless',
    label: 'Eleven retries in eleven hours',
    run(found, seed) {
      const run = new CaseRun(found, seed);
      for (let hour = 1; hour <= 11 && !run.isRecovered; hour += 1) run.retry(found.failedAt + hour * HOUR_MS, 'deliberate');
      return run.outcome;
    },
  };

  it('counts retries of a Visa card the issuer will never approve, and the eleventh Mastercard decline in 24 hours', () => {
    const result = simulateRecovery({ customers: 400, seed: 3, policies: [reckless], traceCases: 400 });
    const visaNever = result.traces.filter((trace) => trace.found.brand === 'visa' && ['transaction_not_allowed', 'incorrect_number'].includes(trace.found.declineCode));
    const mastercardHard = result.traces.filter((trace) => trace.found.brand === 'mastercard' && isHardDecline(trace.found.declineCode));
    expect(visaNever.length).toBeGreaterThan(0);
    expect(mastercardHard.length).toBeGreaterThan(0);
    for (const trace of visaNever) expect(trace.attempts.map((attempt) => attempt.violation)).toEqual(Array(11).fill('visa_never_approve'));
    // The renewal and nine retries make ten declines in 24 hours: the tenth retry is the first over the limit.
    for (const trace of mastercardHard) expect(trace.attempts.map((attempt) => attempt.violation)).toEqual([...Array(9).fill(null), 'mastercard_declines_24h', 'mastercard_declines_24h']);
    const counted = result.policies[0]!;
    expect(counted.violationsByRule.visa_never_approve).toBeGreaterThanOrEqual(visaNever.length * 11);
    expect(counted.violationsByRule.mastercard_declines_24h).toBeGreaterThanOrEqual(mastercardHard.length * 2);
  });
});
