import type { RoleDefinition } from '@stripe/ui-extension-sdk/context';
import { canChangeSettings, canControlCases, whyCasesAreReadOnly, whySettingsAreReadOnly } from '../src/shared/permissions';

/** Which Dashboard roles may control recovery cases and which may manage settings and keys (docs/decisions.md). */
const builtIn = (id: string, name: string): RoleDefinition => ({ id, name, type: 'builtIn' });

describe('canControlCases and canChangeSettings', () => {
  it.each([
    ['Super Administrator', builtIn('super_admin', 'Super Administrator'), true, true],
    ['Administrator', builtIn('admin', 'Administrator'), true, true],
    ['Developer', builtIn('developer', 'Developer'), true, true],
    ['Support specialist', builtIn('support_specialist', 'Support specialist'), true, false],
    ['Analyst', builtIn('analyst', 'Analyst'), false, false],
    ['View only', builtIn('view_only', 'View only'), false, false],
    ['IAM Administrator', builtIn('iam_admin', 'IAM Administrator'), false, false],
    ['Refund analyst', builtIn('refund_analyst', 'Refund analyst'), false, false],
    ['a custom role, even one named like a built-in role', { id: 'admin', name: 'Administrator', type: 'custom' } as RoleDefinition, false, false],
  ])('%s: controls cases %s, manages settings and keys %s', (_name, role, controls, manages) => {
    expect([canControlCases([role]), canChangeSettings([role])]).toEqual([controls, manages]);
  });

  it('reads roles by name when an older Dashboard sends no id, and by id whatever the name says', () => {
    expect([canControlCases([{ name: 'Support Specialist', type: 'builtIn' }]), canChangeSettings([{ name: 'Support Specialist', type: 'builtIn' }])]).toEqual([true, false]);
    expect(canChangeSettings([{ name: 'Administrator', type: 'builtIn' }])).toBe(true);
    expect(canChangeSettings([{ id: 'analyst', name: 'Administrator', type: 'builtIn' }])).toBe(false);
    expect(canControlCases([{ name: 'Someone we never heard of', type: 'builtIn' }])).toBe(false);
  });

  it('grants what any one of the roles grants', () => {
    expect(canChangeSettings([builtIn('analyst', 'Analyst'), builtIn('developer', 'Developer')])).toBe(true);
  });

  it('grants nothing without roles', () => {
    expect([canControlCases(undefined), canChangeSettings(undefined), canControlCases([]), canChangeSettings([])]).toEqual([false, false, false, false]);
  });
});

describe('why a view is read-only', () => {
  it('names the user’s roles and whom to ask', () => {
    expect(whyCasesAreReadOnly([builtIn('analyst', 'Analyst')])).toBe('Your Dashboard role (Analyst) can view recovery but not change it. Ask an administrator.');
    expect(whySettingsAreReadOnly([builtIn('analyst', 'Analyst'), builtIn('view_only', 'View only')])).toBe(
      'Your Dashboard role (Analyst, View only) can view these settings but not change them, nor manage API keys or webhook endpoints. Ask an administrator or a developer.',
    );
    expect(whyCasesAreReadOnly(undefined)).toBe('Your Dashboard role (no role) can view recovery but not change it. Ask an administrator.');
  });
});
