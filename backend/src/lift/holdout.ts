import { customerShare } from './customerShare';

/**
 * The holdout: a share of an account's customers whose failed payments we
 * leave to Stripe alone, so what we add can be measured against them.
 */

export type HoldoutGroup = 'treated' | 'control';

/** An account's holdout in one mode: its salt (generated once) and the share of customers held out. */
export interface Holdout {
  salt: string;
  /** 0 to 0.5; 0 turns the holdout off. */
  share: number;
}

/** 10 % of customers held out unless the merchant chooses otherwise. */
export const DEFAULT_HOLDOUT_SHARE = 0.1;
/** More than half held out would leave most failed payments unrecovered for a measurement. */
export const MAX_HOLDOUT_SHARE = 0.5;

/**
 * The group a new case joins: control when its customer falls below the
 * share for the account's holdout salt, treated otherwise. Decided by the
 * customer, so all of one customer's cases land in the same group; a case
 * with no customer cannot be assigned at random and is treated.
 * Example: share 0.1, customerShare('s|holdout', 'cus_7') = 0.04 → control;
 * the same customer's next failure → control again.
 */
export function assignHoldoutGroup(holdout: Holdout | null, stripeCustomerId: string | null): HoldoutGroup {
  if (!holdout || holdout.share <= 0 || !stripeCustomerId) return 'treated';
  return customerShare(`${holdout.salt}|holdout`, stripeCustomerId) < holdout.share ? 'control' : 'treated';
}

/**
 * Whether a new case belongs in the treated-versus-control comparison: only
 * cases opened while the holdout was on, for a known customer, were assigned
 * at random; the others would compare different periods or different payments.
 * Example: share 0 (holdout off) → false; share 0.1, cus_7 → true; no customer → false.
 */
export function countsInLift(holdout: Holdout | null, stripeCustomerId: string | null): boolean {
  return Boolean(holdout && holdout.share > 0 && stripeCustomerId);
}
