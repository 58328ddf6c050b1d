import { customerShare } from '../../backend/src/lift/customerShare';
import { assignHoldoutGroup, countsInLift } from '../../backend/src/lift/holdout';

const holdout = { salt: 'salt_acct_1', share: 0.1 };

describe('assigning a customer to the holdout', () => {
  it('puts the same customer in the same group on every call', () => {
    const groups = Array.from({ length: 5 }, () => assignHoldoutGroup(holdout, 'cus_42'));
    expect(new Set(groups).size).toBe(1);
  });

  it("is control exactly when the customer's share for the account's holdout salt is below the holdout share", () => {
    for (let index = 0; index < 200; index += 1) {
      const customerId = `cus_${index}`;
      const expected = customerShare('salt_acct_1|holdout', customerId) < 0.1 ? 'control' : 'treated';
      expect(assignHoldoutGroup(holdout, customerId)).toBe(expected);
    }
  });

  it('holds out about 10 % of 10,000 customers for a 10 % holdout (chi-square on control/treated below 10.83, the 0.1 % critical value for 1 degree)', () => {
    let control = 0;
    for (let index = 0; index < 10_000; index += 1) if (assignHoldoutGroup(holdout, `cus_${index}`) === 'control') control += 1;
    const treated = 10_000 - control;
    const chiSquare = (control - 1000) ** 2 / 1000 + (treated - 9000) ** 2 / 9000;
    expect(chiSquare).toBeLessThan(10.83);
  });

  it('treats a case without a customer: it cannot be assigned at random', () => {
    expect(assignHoldoutGroup({ salt: 's', share: 0.5 }, null)).toBe('treated');
    expect(countsInLift({ salt: 's', share: 0.5 }, null)).toBe(false);
  });

  it('treats everyone, outside the lift, while the holdout is off', () => {
    const everyone = Array.from({ length: 1000 }, (_, index) => `cus_${index}`);
    expect(everyone.filter((id) => assignHoldoutGroup({ salt: 's', share: 0 }, id) === 'control')).toEqual([]);
    expect(assignHoldoutGroup(null, 'cus_1')).toBe('treated');
    expect(countsInLift({ salt: 's', share: 0 }, 'cus_1')).toBe(false);
    expect(countsInLift({ salt: 's', share: 0.1 }, 'cus_1')).toBe(true);
  });
});
