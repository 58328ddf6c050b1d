import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * Card-update links carry a signed token (HS256 JWT) bound to one account,
 * customer and case. Each email gets a fresh one; it expires after
 * `validityDays` (default 7). Example: issued 1 May 09:00 → valid until
 * 8 May 09:00; on 8 May 09:01 the page explains how to get a new link.
 */
export interface CardUpdateClaims {
  accountId: string;
  livemode: boolean;
  stripeCustomerId: string;
  caseId: string;
}

/**
 * A link bound to a customer's renewal rather than a case (pre-dunning): the
 * card on file expires before the subscription renews. Same signing key and
 * page; it lasts until the renewal (at most MAX_RENEWAL_LINK_DAYS).
 */
export interface RenewalLinkClaims {
  purpose: 'renewal';
  accountId: string;
  livemode: boolean;
  customerId: string;
  subscriptionId: string;
}

/** Either kind of link, as the page resolves it. */
export type AnyLinkCheck =
  | { ok: true; link: 'case'; claims: CardUpdateClaims; expiresAt: Date }
  | { ok: true; link: 'renewal'; claims: RenewalLinkClaims; expiresAt: Date }
  | { ok: false; reason: 'expired'; accountId: string; livemode: boolean }
  | { ok: false; reason: 'invalid' };

export const MAX_RENEWAL_LINK_DAYS = 60;

export type TokenCheck =
  | { ok: true; claims: CardUpdateClaims; expiresAt: Date }
  /** An expired link still names its merchant (its signature is checked), so the page can say whom to ask. */
  | { ok: false; reason: 'expired'; claims: CardUpdateClaims }
  | { ok: false; reason: 'invalid' };

export const DEFAULT_LINK_VALIDITY_DAYS = 7;
const ISSUER = 'payment-recovery';
const AUDIENCE = 'card-update';

export async function issueLinkToken(claims: CardUpdateClaims, secret: Uint8Array, now: Date, validityDays = DEFAULT_LINK_VALIDITY_DAYS): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ acct: claims.accountId, live: claims.livemode, cus: claims.stripeCustomerId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.caseId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + validityDays * 24 * 60 * 60)
    .sign(secret);
}

/** A renewal link valid until `expiresAt` (the renewal date), never more than MAX_RENEWAL_LINK_DAYS from now nor less than a day. */
export async function issueRenewalLinkToken(claims: Omit<RenewalLinkClaims, 'purpose'>, secret: Uint8Array, now: Date, expiresAt: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const day = 24 * 60 * 60;
  const expiry = Math.min(Math.max(Math.floor(expiresAt.getTime() / 1000), issuedAt + day), issuedAt + MAX_RENEWAL_LINK_DAYS * day);
  return new SignJWT({ acct: claims.accountId, live: claims.livemode, cus: claims.customerId, purpose: 'renewal' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subscriptionId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiry)
    .sign(secret);
}

/** Checks a case link or a renewal link; a renewal link never passes as a case link (verifyLinkToken refuses it). */
export async function verifyAnyLinkToken(token: string, secret: Uint8Array, now: Date): Promise<AnyLinkCheck> {
  const renewal = await verifyRenewal(token, secret, now);
  if (renewal) return renewal;
  const check = await verifyLinkToken(token, secret, now);
  if (check.ok) return { ok: true, link: 'case', claims: check.claims, expiresAt: check.expiresAt };
  return check.reason === 'expired' ? { ok: false, reason: 'expired', accountId: check.claims.accountId, livemode: check.claims.livemode } : { ok: false, reason: 'invalid' };
}

async function verifyRenewal(token: string, secret: Uint8Array, now: Date): Promise<AnyLinkCheck | null> {
  if (token.length === 0 || token.length > 2048) return null;
  const read = async (at: Date) => {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: at });
    const { acct, live, cus, sub, exp, purpose } = payload;
    if (purpose !== 'renewal') return null;
    if (typeof acct !== 'string' || typeof live !== 'boolean' || typeof cus !== 'string' || typeof sub !== 'string' || typeof exp !== 'number') throw new Error('missing claims');
    return { claims: { purpose: 'renewal' as const, accountId: acct, livemode: live, customerId: cus, subscriptionId: sub }, expiresAt: new Date(exp * 1000) };
  };
  try {
    const found = await read(now);
    return found ? { ok: true, link: 'renewal', ...found } : null;
  } catch (error) {
    if (!(error instanceof errors.JWTExpired)) return null;
    try {
      const found = await read(new Date(0));
      return found ? { ok: false, reason: 'expired', accountId: found.claims.accountId, livemode: found.claims.livemode } : null;
    } catch {
      return null;
    }
  }
}

export async function verifyLinkToken(token: string, secret: Uint8Array, now: Date): Promise<TokenCheck> {
  if (token.length === 0 || token.length > 2048) return { ok: false, reason: 'invalid' };
  try {
    const { claims, expiresAt } = await verified(token, secret, now);
    return { ok: true, claims, expiresAt };
  } catch (error) {
    if (!(error instanceof errors.JWTExpired)) return { ok: false, reason: 'invalid' };
    // Only a correctly signed token is "expired": check it again as of its own issue time.
    try {
      const { claims } = await verified(token, secret, new Date(0));
      return { ok: false, reason: 'expired', claims };
    } catch {
      return { ok: false, reason: 'invalid' };
    }
  }
}

async function verified(token: string, secret: Uint8Array, at: Date): Promise<{ claims: CardUpdateClaims; expiresAt: Date }> {
  const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: at });
  const { acct, live, cus, sub, exp, purpose } = payload;
  // A renewal link names a subscription, not a case: it is never a case link.
  if (purpose !== undefined) throw new Error('not a case link');
  if (typeof acct !== 'string' || typeof live !== 'boolean' || typeof cus !== 'string' || typeof sub !== 'string' || typeof exp !== 'number') {
    throw new Error('missing claims');
  }
  return { claims: { accountId: acct, livemode: live, stripeCustomerId: cus, caseId: sub }, expiresAt: new Date(exp * 1000) };
}

/** Derives the signing key from the configured secret (at least 32 characters). */
export function linkSigningKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** The address a customer opens: the link's only secret is its token. */
export function cardUpdateUrl(publicUrl: string, token: string): string {
  return new URL(`/update?token=${encodeURIComponent(token)}`, publicUrl).toString();
}
