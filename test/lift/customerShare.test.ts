import { customerShare } from '../../backend/src/lift/customerShare';

describe('where a customer falls for a holdout or an experiment', () => {
  it('is the same point for the same customer and salt, on every call', () => {
    expect(customerShare('acct_1|holdout', 'cus_42')).toBe(customerShare('acct_1|holdout', 'cus_42'));
  });

  it('differs between salts, so two accounts (or two experiments) split customers independently', () => {
    const customers = Array.from({ length: 1000 }, (_, index) => `cus_${index}`);
    const bothUnderHalf = customers.filter((id) => customerShare('acct_1', id) < 0.5 && customerShare('acct_2', id) < 0.5).length;
    expect(bothUnderHalf).toBeGreaterThan(200);
    expect(bothUnderHalf).toBeLessThan(300);
  });

  it('spreads 10,000 customers evenly over ten slices (chi-square below the 0.1 % critical value, 27.88 for 9 degrees)', () => {
    const counts = new Array<number>(10).fill(0);
    for (let index = 0; index < 10_000; index += 1) counts[Math.floor(customerShare('acct_1|holdout', `cus_${index}`) * 10)]! += 1;
    const chiSquare = counts.reduce((sum, count) => sum + (count - 1000) ** 2 / 1000, 0);
    expect(chiSquare).toBeLessThan(27.88);
  });
});
