import { DEFAULT_DUNNING_POLICY, planNextEmail, validateDunningPolicy, type DunningState } from '../../backend/src/dunning';

const openedAt = new Date('2026-05-04T10:00:00Z'); // a Monday
const day = (n: number, hour = 10) => new Date(Date.UTC(2026, 4, 4 + n, hour));
const anyTime = (at: Date) => at;
const state = (overrides: Partial<DunningState> = {}): DunningState => ({
  isActive: true,
  openedAt,
  doneSteps: [],
  lastEmailToCustomerAt: null,
  hasEmailAddress: true,
  recipientSuppressed: false,
  ...overrides,
});

describe('planNextEmail', () => {
  it.each([
    ['the soft reminder on day 0', [], day(0), 0, day(0)],
    ['the retry notice on day 3', [0], day(1), 1, day(3)],
    ['the urgent reminder on day 7', [0, 1], day(4), 2, day(7)],
    ['the final notice on day 14', [0, 1, 2], day(8), 3, day(14)],
  ])('plans %s', (_name, doneSteps, now, stepIndex, at) => {
    expect(planNextEmail(state({ doneSteps }), DEFAULT_DUNNING_POLICY, now, anyTime)).toEqual({ kind: 'send', stepIndex, at, skipping: [] });
  });

  it('sends only the latest overdue step and skips the older ones', () => {
    expect(planNextEmail(state({ doneSteps: [0] }), DEFAULT_DUNNING_POLICY, day(8), anyTime)).toEqual({ kind: 'send', stepIndex: 2, at: day(7), skipping: [1] });
  });

  it('waits 24 hours after the last dunning email to the same customer', () => {
    const decision = planNextEmail(state({ lastEmailToCustomerAt: day(0, 9) }), DEFAULT_DUNNING_POLICY, day(0), anyTime);
    expect(decision).toMatchObject({ kind: 'send', stepIndex: 0, at: day(1, 9) });
  });

  it("moves the send time into the customer's daytime", () => {
    const toDaytime = (at: Date) => new Date(Math.max(at.getTime(), day(0, 14).getTime()));
    expect(planNextEmail(state(), DEFAULT_DUNNING_POLICY, day(0), toDaytime)).toMatchObject({ at: day(0, 14) });
  });

  it.each<[string, Partial<DunningState>, Partial<typeof DEFAULT_DUNNING_POLICY>]>([
    ['a closed case', { isActive: false }, {}],
    ['a merchant who switched emails off', {}, { enabled: false }],
    ['a customer without an email address', { hasEmailAddress: false }, {}],
    ['an address that bounced or complained', { recipientSuppressed: true }, {}],
    ['a finished sequence', { doneSteps: [0, 1, 2, 3] }, {}],
  ])('sends nothing for %s', (_name, stateFields, policyFields) => {
    expect(planNextEmail(state(stateFields), { ...DEFAULT_DUNNING_POLICY, ...policyFields }, day(20), anyTime).kind).toBe('none');
  });
});

describe('validateDunningPolicy', () => {
  it('accepts the defaults', () => {
    expect(validateDunningPolicy(DEFAULT_DUNNING_POLICY)).toEqual([]);
  });

  it('names each problem by step', () => {
    const problems = validateDunningPolicy({
      ...DEFAULT_DUNNING_POLICY,
      steps: [
        { dayOffset: 2, tone: 'soft_reminder', custom: null },
        { dayOffset: 2, tone: 'retry_notice', custom: null },
        { dayOffset: -1, tone: 'final_notice', custom: null },
      ],
      daytimeHours: [20, 21],
    });
    expect(problems).toEqual([
      'steps[1].dayOffset: each step must come at least a day after the one before',
      'steps[2].dayOffset: a whole number of days from 0 to 90',
      'steps[2].dayOffset: each step must come at least a day after the one before',
      'daytimeHours: two whole hours from 0 to 24, at least two hours apart',
    ]);
  });
});
