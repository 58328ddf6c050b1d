import { cancelByMerchant, pauseCase, requestReminder, resumeCase, type ControlActor, type ControlDecision } from '../../backend/src/recovery';
import { at, dashboardUser, openedCase } from '../support/caseBuilders';

/** Every merchant control names who asked on the timeline entry it writes, in the same change as the control itself. */
const apiKey: ControlActor = { kind: 'api_key', keyId: 'key_1', keyName: 'Support tool' };
const lastEntry = (decision: ControlDecision) => {
  if (!decision.ok) throw new Error(`expected the control to apply, got ${decision.reason}`);
  return decision.case.timeline.at(-1);
};

describe('who asked, on the timeline of a merchant control', () => {
  const opened = openedCase({ customerEmail: 'alice@example.com' });

  it.each([
    ['pause', (by: ControlActor) => pauseCase(opened, at(2), by)],
    ['resume', (by: ControlActor) => resumeCase({ ...opened, pausedAt: at(1) }, at(2), by)],
    ['cancel', (by: ControlActor) => cancelByMerchant(opened, at(2), by)],
    ['remind', (by: ControlActor) => requestReminder(opened, null, at(2), by)],
  ])('%s records the Dashboard user or the API key that asked', (_name, control) => {
    expect(lastEntry(control(dashboardUser))).toMatchObject({ kind: 'merchant_control', at: at(2), by: { kind: 'dashboard_user', userId: 'usr_test' } });
    expect(lastEntry(control(apiKey))).toMatchObject({ kind: 'merchant_control', by: { kind: 'api_key', keyId: 'key_1', keyName: 'Support tool' } });
  });

  it('leaves the entries of the case before the control as they were, without an actor', () => {
    const paused = pauseCase(opened, at(2), dashboardUser);
    if (!paused.ok) throw new Error('expected the pause to apply');
    expect(paused.case.timeline.slice(0, -1)).toEqual(opened.timeline);
    expect(paused.case.timeline.slice(0, -1).every((entry) => entry.by === undefined)).toBe(true);
  });
});
