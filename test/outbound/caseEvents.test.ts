import { caseView } from '../../backend/src/api';
import { consequencesOfSave, eventTypesCausedBy, eventsCausedBy } from '../../backend/src/outbound';
import type { CaseEmail, OurAttempt, RecoveryCase } from '../../backend/src/recovery';
import { at, openedCase } from '../support/caseBuilders';

const NOW = at(3);
const active = openedCase({ id: 'case_1', eventSequence: 4 });
const attempt = (overrides: Partial<OurAttempt>): OurAttempt => ({
  number: 1,
  idempotencyKey: 'recovery-case_1-1',
  trigger: 'schedule',
  paymentMethodId: 'pm_1',
  startedAt: at(2),
  finishedAt: at(2),
  outcome: 'declined',
  decline: { code: 'card_declined', declineCode: 'insufficient_funds' },
  ...overrides,
});
const email = (overrides: Partial<CaseEmail>): CaseEmail => ({
  messageId: 'msg_1',
  kind: 'dunning',
  stepIndex: 0,
  sentAt: at(2),
  status: 'sent',
  deliveredAt: null,
  firstOpenedAt: null,
  firstClickedAt: null,
  opens: 0,
  clicks: 0,
  ...overrides,
});
const waitingForCard = { kind: 'wait_for_new_payment_method' as const, at: null, reason: 'stolen_card: the card may never be charged again' };
const pendingAttempt = attempt({ outcome: 'pending', finishedAt: null, decline: null });

describe('the events a case change causes', () => {
  it.each<[string, RecoveryCase | null, RecoveryCase, string[]]>([
    ['a new case: case_opened', null, active, ['recovery.case_opened']],
    ['one of our retries declined: retry_failed', { ...active, ourAttempts: [pendingAttempt] }, { ...active, ourAttempts: [attempt({})] }, ['recovery.retry_failed']],
    ['a declined attempt recorded at once: retry_failed', active, { ...active, ourAttempts: [attempt({})] }, ['recovery.retry_failed']],
    ['the plan starts waiting for a new card: blocked', active, { ...active, plannedAction: waitingForCard }, ['recovery.blocked']],
    ['a never-retry decline in one save: retry_failed then blocked', active, { ...active, ourAttempts: [attempt({ decline: { declineCode: 'stolen_card' } })], plannedAction: waitingForCard }, ['recovery.retry_failed', 'recovery.blocked']],
    ['the email turns undeliverable: needs_attention', active, { ...active, emailStatus: 'undeliverable' }, ['recovery.needs_attention']],
    ['the customer must authenticate: needs_attention', active, { ...active, needsCustomerAction: true }, ['recovery.needs_attention']],
    ['recovered: succeeded', active, { ...active, status: 'recovered', outcome: { status: 'recovered', recoveredBy: 'card_update', at: NOW }, closedAt: NOW }, ['recovery.succeeded']],
    ['exhausted: failed', active, { ...active, status: 'exhausted', outcome: { status: 'exhausted', reason: 'plan_ended', at: NOW }, closedAt: NOW }, ['recovery.failed']],
    ['canceled: failed', active, { ...active, status: 'canceled', outcome: { status: 'canceled', reason: 'merchant_canceled', at: NOW }, closedAt: NOW }, ['recovery.failed']],
    ['churned: failed', active, { ...active, status: 'churned', outcome: { status: 'churned', reason: 'subscription_canceled', at: NOW }, closedAt: NOW }, ['recovery.failed']],
    ['an email bounces: email_bounced', { ...active, emails: [email({})] }, { ...active, emails: [email({ status: 'bounced' })] }, ['recovery.email_bounced']],
    ['an email is marked as spam: email_bounced', { ...active, emails: [email({})] }, { ...active, emails: [email({ status: 'complained' })] }, ['recovery.email_bounced']],
    ['the case saved unchanged: nothing', active, { ...active }, []],
    ['only the timeline and next action time change: nothing', active, { ...active, nextActionAt: at(9), timeline: [...active.timeline, { at: NOW, kind: 'retry_planned', summary: 'later' }] }, []],
    ['a case already waiting for a card, saved again: nothing', { ...active, plannedAction: waitingForCard }, { ...active, plannedAction: { ...waitingForCard, reason: 'still' } }, []],
    ['a bounced email opened later: nothing', { ...active, emails: [email({ status: 'bounced' })] }, { ...active, emails: [email({ status: 'bounced', opens: 1 })] }, []],
    ['an already declined attempt: nothing', { ...active, ourAttempts: [attempt({})] }, { ...active, ourAttempts: [attempt({})] }, []],
  ])('%s', (_name, before, after, expected) => {
    expect(eventTypesCausedBy(before, after)).toEqual(expected);
  });
});

describe('events of one save', () => {
  it("numbers them after the case's last event and carries the case summary the API shows", () => {
    const after: RecoveryCase = { ...active, ourAttempts: [attempt({ decline: { declineCode: 'stolen_card' } })], plannedAction: waitingForCard };
    const events = eventsCausedBy(active, after, { now: NOW, describeCase: caseView });
    expect(events.map((event) => [event.id, event.type, event.sequence])).toEqual([
      ['evt_rec_case_1_5', 'recovery.retry_failed', 5],
      ['evt_rec_case_1_6', 'recovery.blocked', 6],
    ]);
    expect(events[0]).toMatchObject({ object: 'event', created: NOW.getTime() / 1000, livemode: false, account: 'acct_a', data: { object: { id: 'case_1', object: 'recovery_case' } } });
  });

  it('puts the events and the stats delta in the outbox, and nothing for an unchanged case', () => {
    const opened = openedCase({ id: 'case_2' });
    const { entries, eventSequence } = consequencesOfSave(null, opened, { now: NOW, revision: 0, describeCase: caseView });
    expect(entries.map((entry) => [entry.id, entry.kind])).toEqual([['evt_rec_case_2_1', 'event'], ['rollup_case_2_0', 'rollup']]);
    expect(eventSequence).toBe(1);
    expect(consequencesOfSave(active, { ...active }, { now: NOW, revision: 3, describeCase: caseView })).toEqual({ entries: [], eventSequence: 4 });
  });
});
