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

export type TokenCheck =
  | { ok: true; claims: CardUpdateClaims; expiresAt: Date }
  | { ok: false; reason: 'expired' | 'invalid' };

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

export async function verifyLinkToken(token: string, secret: Uint8Array, now: Date): Promise<TokenCheck> {
  if (token.length === 0 || token.length > 2048) return { ok: false, reason: 'invalid' };
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: now });
    const { acct, live, cus, sub, exp } = payload;
    if (typeof acct !== 'string' || typeof live !== 'boolean' || typeof cus !== 'string' || typeof sub !== 'string' || typeof exp !== 'number') {
      return { ok: false, reason: 'invalid' };
    }
    return { ok: true, claims: { accountId: acct, livemode: live, stripeCustomerId: cus, caseId: sub }, expiresAt: new Date(exp * 1000) };
  } catch (error) {
    // Only a correctly signed token can be "expired"; anything else says nothing about why.
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'invalid' };
  }
}

/** Derives the signing key from the configured secret (at least 32 characters). */
export function linkSigningKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}
