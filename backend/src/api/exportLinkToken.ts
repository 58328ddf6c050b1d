import { createHmac } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * A CSV export the merchant downloads from the Stripe App through a plain
 * link: the App cannot attach its signature to a browser download, so the
 * link itself carries a signed token (HS256, as card-update links) bound to
 * the account, the mode and the filters, valid EXPORT_LINK_VALIDITY_MS
 * (5 minutes). Nothing in the download's own query is read: the token says
 * everything, so another account's data or other filters cannot be asked for.
 * Example: issued 10:00:00 → downloads until 10:05:00, then 403 "expired".
 */

export const EXPORT_LINK_VALIDITY_MS = 5 * 60 * 1000;
const ISSUER = 'payment-recovery';
const AUDIENCE = 'dashboard-export';
const MAX_TOKEN_LENGTH = 4096;

/** The export's filters, as the merchant API takes them (dates as ISO 8601). */
export interface ExportFilters {
  status?: string;
  customerId?: string;
  openingDeclineBucket?: string;
  currency?: string;
  from?: string;
  to?: string;
}

export interface ExportLinkClaims {
  accountId: string;
  livemode: boolean;
  filters: ExportFilters;
}

export type ExportLinkCheck = { ok: true; claims: ExportLinkClaims } | { ok: false; reason: 'expired' | 'invalid' };

/** A key of its own, derived from the link secret: a card-update token never verifies as an export token, nor the reverse. */
export function exportSigningKey(linkSecret: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', linkSecret).update('dashboard-export-link').digest());
}

export async function issueExportToken(claims: ExportLinkClaims, key: Uint8Array, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_VALIDITY_MS);
  const token = await new SignJWT({ acct: claims.accountId, live: claims.livemode, flt: claims.filters })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, expiresAt };
}

export async function verifyExportToken(token: string, key: Uint8Array, now: Date): Promise<ExportLinkCheck> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' };
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: now });
    const { acct, live, flt } = payload;
    if (typeof acct !== 'string' || typeof live !== 'boolean' || typeof flt !== 'object' || flt === null || Array.isArray(flt)) return { ok: false, reason: 'invalid' };
    return { ok: true, claims: { accountId: acct, livemode: live, filters: flt as ExportFilters } };
  } catch (error) {
    // jose checks the signature before the time: only a genuine token is reported as expired.
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** The download address on the backend's public URL; the token's dots stay as they are (base64url has none of its own). */
export function exportUrl(publicUrl: string, token: string): string {
  return new URL(`/exports/${token}.csv`, publicUrl).toString();
}
