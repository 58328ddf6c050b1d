import { createHash } from 'node:crypto';

/**
 * Where a customer falls on [0, 1) for one salt: the same customer always
 * lands on the same point, and different salts scatter customers
 * independently. A holdout of 10 % is "share < 0.1"; an experiment's two arms
 * are "share < 0.5" and the rest.
 *
 * Example: customerShare('acct_1|holdout', 'cus_42') is the same number on
 * every call, on every machine.
 */
export function customerShare(salt: string, customerId: string): number {
  const digest = createHash('sha256').update(`${salt}\u0000${customerId}`).digest();
  // 48 bits: plenty of resolution, and exact in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
