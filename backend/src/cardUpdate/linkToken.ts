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
  const { acct, live, cus, sub, exp } = payload;
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
