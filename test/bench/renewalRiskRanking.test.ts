import { areaUnderCurve, failureRate, topShareFailureRate } from '../../bench/renewalRisk/ranking';
import { RISK_MODEL } from '../../bench/renewalRisk/riskModel';

describe('areaUnderCurve', () => {
  it('is 1 when every failed renewal scores above every paid one', () => {
    expect(areaUnderCurve([0.9, 0.4, 0.6, 0.2], [true, false, true, false])).toBe(1);
  });

  it('is 0 when the ranking is exactly backwards', () => {
    expect(areaUnderCurve([0.1, 0.8, 0.2, 0.9], [true, false, true, false])).toBe(0);
  });

  it('counts the pairs a failure wins: scores 1,2,3,4 with failures at 2 and 4 win 3 of 4 pairs', () => {
    // Pairs (failed, paid): (2,1) win, (2,3) lose, (4,1) win, (4,3) win → 3 / 4.
    expect(areaUnderCurve([1, 2, 3, 4], [false, true, false, true])).toBe(0.75);
  });

  it('counts a tie between a failed and a paid renewal as half a win', () => {
    // Pairs: (5 vs 5) tie = 0.5, (5 vs 1) win → 1.5 / 2.
    expect(areaUnderCurve([5, 5, 1], [true, false, false])).toBe(0.75);
  });

  it('has no value without both outcomes', () => {
    expect(areaUnderCurve([1, 2], [true, true])).toBeNull();
  });
});

describe('topShareFailureRate', () => {
  it('shares a tie at the cut in proportion', () => {
    expect(topShareFailureRate([3, 2, 2, 1], [true, true, false, false], 0.5)).toBe(0.75);
  });

  it('takes the highest scores', () => {
    expect(topShareFailureRate([9, 1, 8, 2, 3, 4, 5, 6, 7, 0], [true, false, false, false, false, false, false, false, false, false], 0.1)).toBe(1);
    expect(failureRate([true, false, false, false])).toBe(0.25);
  });
});

describe('the renewal-risk population model', () => {
  it.each(Object.entries(RISK_MODEL))('gives %s a source or says it is an assumption', (_name, parameter) => {
    expect(/^assumption/.test(parameter.source) || /REFERENCE\.md|Stripe docs/.test(parameter.source)).toBe(true);
  });
});
