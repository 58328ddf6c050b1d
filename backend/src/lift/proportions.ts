/**
 * Confidence intervals and tests for recovered shares: the arithmetic behind
 * "how much more do we recover than without us" and A/B results. Pure and
 * small enough to check against published values (see the tests).
 */

/** 1.959964…: the two-sided 95 % quantile of the standard normal. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson's score interval for a share of `successes` in `trials`; it stays
 * inside [0, 1] and behaves at 0 and n, unlike the textbook ±z·√(p(1−p)/n).
 * Example: wilsonInterval(81, 263) ≈ { low: 0.2553, high: 0.3662 }.
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  if (trials <= 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const halfWidth = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - halfWidth), high: Math.min(1, centre + halfWidth) };
}

export interface Difference extends Interval {
  /** p1 − p2. */
  estimate: number;
}

/**
 * Newcombe's hybrid score interval (his method 10) for p1 − p2 from two
 * independent groups, built from each group's Wilson interval.
 * Example: newcombeDifference(56, 70, 48, 80) ≈ { estimate: 0.2, low: 0.0524, high: 0.3339 }.
 */
export function newcombeDifference(successes1: number, trials1: number, successes2: number, trials2: number, z = Z_95): Difference {
  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const first = wilsonInterval(successes1, trials1, z);
  const second = wilsonInterval(successes2, trials2, z);
  const estimate = p1 - p2;
  return {
    estimate,
    low: estimate - Math.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2),
    high: estimate + Math.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2),
  };
}

/**
 * The pooled two-proportion z-test of p1 = p2, two-sided.
 * Example: twoProportionTest(56, 70, 48, 80) ≈ { z: 2.65, pValue: 0.0080 }.
 */
export function twoProportionTest(successes1: number, trials1: number, successes2: number, trials2: number): { z: number; pValue: number } {
  const pooled = (successes1 + successes2) / (trials1 + trials2);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / trials1 + 1 / trials2));
  if (standardError === 0) return { z: 0, pValue: 1 };
  const z = (successes1 / trials1 - successes2 / trials2) / standardError;
  return { z, pValue: 2 * (1 - standardNormalCdf(Math.abs(z))) };
}

/** Φ(x) through the complementary error function (Numerical Recipes' erfc, |error| < 1.2e-7). */
export function standardNormalCdf(x: number): number {
  return 1 - 0.5 * erfc(x / Math.SQRT2);
}

function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}
