import { newcombeDifference, standardNormalCdf, twoProportionTest, wilsonInterval } from '../../backend/src/lift/proportions';

describe('confidence intervals for recovered shares', () => {
  it("gives Wilson's interval for 81 successes in 263 trials as published (0.2553 to 0.3662)", () => {
    const interval = wilsonInterval(81, 263);
    expect(interval.low).toBeCloseTo(0.2553, 4);
    expect(interval.high).toBeCloseTo(0.3662, 4);
  });

  it('keeps the interval inside 0..1 when nothing or everything succeeded', () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10).high).toBeCloseTo(1, 12);
    expect(wilsonInterval(10, 10).high).toBeLessThanOrEqual(1);
  });

  it("matches Newcombe's worked example for 56/70 against 48/80 (0.0524 to 0.3339)", () => {
    const difference = newcombeDifference(56, 70, 48, 80);
    expect(difference.estimate).toBeCloseTo(0.2, 10);
    expect(difference.low).toBeCloseTo(0.0524, 4);
    expect(difference.high).toBeCloseTo(0.3339, 4);
  });

  it("matches Newcombe's example with an empty group, 0/10 against 0/20 (-0.1611 to 0.2775)", () => {
    const difference = newcombeDifference(0, 10, 0, 20);
    expect(difference.low).toBeCloseTo(-0.1611, 4);
    expect(difference.high).toBeCloseTo(0.2775, 4);
  });

  it('finds 56/70 against 48/80 significant at 1 % with the pooled z-test', () => {
    const test = twoProportionTest(56, 70, 48, 80);
    // pooled share 104/150; standard error √(0.6933·0.3067·(1/70 + 1/80)) = 0.07547
    expect(test.z).toBeCloseTo(2.6502, 3);
    expect(test.pValue).toBeCloseTo(0.00805, 4);
  });

  it('gives the standard normal distribution at its familiar points', () => {
    expect(standardNormalCdf(0)).toBeCloseTo(0.5, 6);
    expect(standardNormalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(standardNormalCdf(-1)).toBeCloseTo(0.158655, 5);
  });
});
