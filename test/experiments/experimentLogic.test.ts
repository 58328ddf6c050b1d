import {
  armFor,
  checkVariant,
  emptyTally,
  enrollmentsFor,
  experimentResult,
  experimentTallyChanges,
  statusOf,
  suggestHorizonCases,
  type ArmTally,
  type Experiment,
} from '../../backend/src/experiments';
import { DEFAULT_DUNNING_POLICY } from '../../backend/src/dunning';
import { DEFAULT_RETRY_POLICY } from '../../backend/src/retryPolicy';
import type { RecoveryCase } from '../../backend/src/recovery';
import { openedCase } from '../support/caseBuilders';

const opened = new Date('2026-05-04T14:00:00Z');
const DAY = 86_400_000;

function experiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    id: 'exp_0123456789abcdef01234567',
    accountId: 'acct_1',
    livemode: false,
    name: 'Shorter sequence',
    kind: 'email_sequence',
    status: 'running',
    horizonCases: 100,
    variant: { dunning: DEFAULT_DUNNING_POLICY },
    createdAt: opened,
    stoppedAt: null,
    finishedAt: null,
    tallies: { A: emptyTally(), B: emptyTally() },
    ...overrides,
  };
}

const arm = (cases: number, ended: number, recovered: number): ArmTally => ({ ...emptyTally(), cases, ended, recovered, recoveryDaysTotal: recovered * 2 });

describe('assignment of customers to arms', () => {
  it('puts the same customer in the same arm every time', () => {
    for (let index = 0; index < 200; index += 1) expect(armFor('exp_a', `cus_${index}`)).toBe(armFor('exp_a', `cus_${index}`));
  });

  it('splits 10,000 customers about half and half (chi-square, 1 df, below 3.84)', () => {
    const counts = { A: 0, B: 0 };
    for (let index = 0; index < 10_000; index += 1) counts[armFor('exp_0123456789abcdef01234567', `cus_${index.toString(36)}`)] += 1;
    const chiSquare = ((counts.A - 5000) ** 2 + (counts.B - 5000) ** 2) / 5000;
    expect(chiSquare).toBeLessThan(3.841);
  });

  it('splits customers independently in two experiments (each of the four combinations near a quarter)', () => {
    const cells = new Map<string, number>();
    for (let index = 0; index < 10_000; index += 1) {
      const key = `${armFor('exp_one', `cus_${index}`)}${armFor('exp_two', `cus_${index}`)}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    const chiSquare = [...cells.values()].reduce((sum, count) => sum + (count - 2500) ** 2 / 2500, 0);
    expect(cells.size).toBe(4);
    expect(chiSquare).toBeLessThan(7.815); // 3 df, 5 %
  });
});

describe('enrollmentsFor', () => {
  const running = experiment();
  const customerIn = (wanted: 'A' | 'B') => [...Array(100).keys()].map((index) => `cus_${index}`).find((id) => armFor(running.id, id) === wanted)!;

  it("records the customer's arm of each running experiment", () => {
    const retry = experiment({ id: 'exp_fedcba9876543210fedcba98', kind: 'retry_policy', variant: { retryPolicy: { maxAttempts: 4 } } });
    const customer = customerIn('B');
    expect(enrollmentsFor({ stripeCustomerId: customer }, [running, retry])).toEqual([
      { id: running.id, kind: 'email_sequence', arm: 'B' },
      { id: retry.id, kind: 'retry_policy', arm: armFor(retry.id, customer) },
    ]);
  });

  it('leaves out cases without a customer and the holdout’s control cases; a case without a group is treated', () => {
    expect(enrollmentsFor({ stripeCustomerId: null }, [running])).toEqual([]);
    expect(enrollmentsFor({ stripeCustomerId: customerIn('B'), group: 'control' }, [running])).toEqual([]);
    expect(enrollmentsFor({ stripeCustomerId: customerIn('B'), group: 'treated' }, [running])).toHaveLength(1);
  });

  it('closes an arm once it holds horizonCases cases: that customer’s new case runs on the account’s settings', () => {
    const full = experiment({ tallies: { A: arm(40, 0, 0), B: arm(100, 10, 3) } });
    expect(enrollmentsFor({ stripeCustomerId: customerIn('B') }, [full])).toEqual([]);
    expect(enrollmentsFor({ stripeCustomerId: customerIn('A') }, [full])).toEqual([{ id: full.id, kind: 'email_sequence', arm: 'A' }]);
  });

  it('enrolls nothing in a stopped or finished experiment', () => {
    expect(enrollmentsFor({ stripeCustomerId: customerIn('A') }, [experiment({ status: 'stopped' }), experiment({ status: 'finished' })])).toEqual([]);
  });
});

describe('experimentTallyChanges', () => {
  const enrolled = (changes: Partial<RecoveryCase> = {}) => openedCase({ openedAt: opened, experiments: [{ id: 'exp_x', kind: 'email_sequence', arm: 'B' }], ...changes });

  it('counts a case when it opens and once more when it ends recovered, with its days to recovery', () => {
    const open = enrolled();
    expect(experimentTallyChanges(null, open)).toEqual([{ experimentId: 'exp_x', arm: 'B', delta: { cases: 1 } }]);
    const recovered = enrolled({ status: 'recovered', outcome: { status: 'recovered', recoveredBy: 'card_update', at: new Date(opened.getTime() + 3 * DAY) } });
    expect(experimentTallyChanges(open, recovered)).toEqual([{ experimentId: 'exp_x', arm: 'B', delta: { ended: 1, recovered: 1, recoveryDaysTotal: 3 } }]);
  });

  it('takes "ended" back when an exhausted case reopens, and counts nothing for cases outside experiments', () => {
    const exhausted = enrolled({ status: 'exhausted', outcome: { status: 'exhausted', reason: 'plan_ended', at: opened } });
    expect(experimentTallyChanges(exhausted, enrolled())).toEqual([{ experimentId: 'exp_x', arm: 'B', delta: { ended: -1 } }]);
    expect(experimentTallyChanges(null, openedCase({}))).toEqual([]);
    expect(experimentTallyChanges(enrolled(), enrolled({ failureCount: 4 }))).toEqual([]);
  });
});

describe('experimentResult: one look, at the horizon', () => {
  it('shows progress only before the horizon, even when the gap is large', () => {
    const early = experiment({ horizonCases: 100, tallies: { A: arm(100, 100, 10), B: arm(100, 99, 90) } });
    expect(experimentResult(early)).toEqual({ final: false, difference: null, pValue: null, winner: null });
    expect(statusOf(early)).toBe('running');
  });

  it('waits for every case of the cohort to end, not only horizonCases of them', () => {
    const overshot = experiment({ horizonCases: 100, tallies: { A: arm(101, 100, 30), B: arm(100, 100, 45) } });
    expect(experimentResult(overshot).final).toBe(false);
  });

  it('is final at the horizon: B − A with Newcombe’s interval, the test’s p-value, and B the winner below 0.05', () => {
    const done = experiment({ horizonCases: 100, tallies: { A: arm(100, 100, 30), B: arm(100, 100, 45) } });
    const result = experimentResult(done);
    expect(result).toMatchObject({ final: true, winner: 'B' });
    expect(result.difference!.estimate).toBeCloseTo(0.15, 10);
    expect(result.difference!.low).toBeGreaterThan(0);
    expect(result.pValue).toBeCloseTo(0.0285, 3);
    expect(statusOf(done)).toBe('finished');
  });

  it('names no winner when p ≥ 0.05 (no significant difference)', () => {
    const close = experiment({ horizonCases: 100, tallies: { A: arm(100, 100, 30), B: arm(100, 100, 36) } });
    const result = experimentResult(close);
    expect(result.final).toBe(true);
    expect(result.pValue).toBeGreaterThanOrEqual(0.05);
    expect(result.winner).toBeNull();
    expect(result.difference!.low).toBeLessThan(0);
  });

  it('names A when the current settings do significantly better', () => {
    expect(experimentResult(experiment({ horizonCases: 100, tallies: { A: arm(100, 100, 50), B: arm(100, 100, 30) } })).winner).toBe('A');
  });

  it('never becomes final once stopped', () => {
    const stopped = experiment({ status: 'stopped', horizonCases: 100, tallies: { A: arm(100, 100, 30), B: arm(100, 100, 45) } });
    expect(experimentResult(stopped)).toEqual({ final: false, difference: null, pValue: null, winner: null });
    expect(statusOf(stopped)).toBe('stopped');
  });
});

describe('suggestHorizonCases', () => {
  it('sizes a two-proportion test at 5 % two-sided and 80 % power, never below 50', () => {
    expect(suggestHorizonCases(0.3, 0.05)).toBe(1377);
    expect(suggestHorizonCases(0.3, 0.5)).toBe(50);
  });
});

describe('checkVariant', () => {
  it('holds a retry-policy variant, merged over the current policy, to the card-network limits', () => {
    const checked = checkVariant('retry_policy', { retryPolicy: { maxAttempts: 30 } }, DEFAULT_RETRY_POLICY);
    expect(checked).toEqual({ ok: false, problems: [expect.stringMatching(/^variant\.retryPolicy\.maxAttempts: at most 15, the Visa limit/)] });
  });

  it('refuses a variant of the other kind, or none', () => {
    expect(checkVariant('email_sequence', { retryPolicy: { maxAttempts: 4 } }, DEFAULT_RETRY_POLICY)).toMatchObject({ ok: false });
    expect(checkVariant('retry_policy', { retryPolicy: {} }, DEFAULT_RETRY_POLICY)).toMatchObject({ ok: false });
  });

  it('passes an email sequence through the HTML sanitizer', () => {
    const steps = [{ dayOffset: 0, tone: 'soft_reminder' as const, custom: { subject: 'Hi {{customerName}}', html: '<p>Hi</p><script>x()</script>', text: 'Hi' } }];
    const checked = checkVariant('email_sequence', { dunning: { ...DEFAULT_DUNNING_POLICY, steps } }, DEFAULT_RETRY_POLICY);
    expect(checked.ok && 'dunning' in checked.variant && checked.variant.dunning.steps[0]!.custom!.html).not.toContain('script');
  });
});
