import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Basic-auth credentials Postmark uses for one merchant's own server's
 * webhooks. The password is 32 random bytes, so a SHA-256 of it is as good as
 * a slow hash; only the hash is stored, and the password is shown once.
 */
export interface StoredWebhookCredentials {
  username: string;
  passwordSha256: string;
  createdAt: Date;
}

export interface IssuedWebhookCredentials {
  username: string;
  password: string;
  stored: StoredWebhookCredentials;
}

export function issueWebhookCredentials(now: Date): IssuedWebhookCredentials {
  const username = `pm_${randomBytes(6).toString('hex')}`;
  const password = randomBytes(32).toString('base64url');
  return { username, password, stored: { username, passwordSha256: sha256(password).toString('hex'), createdAt: now } };
}

/** Compared in constant time: both sides hashed to one length first, user name and password each. */
export function webhookCredentialsMatch(stored: StoredWebhookCredentials | null | undefined, username: string, password: string): boolean {
  if (!stored) {
    // Same work as a real comparison, so an account without credentials answers no faster.
    timingSafeEqual(sha256(password), sha256(''));
    return false;
  }
  const expectedHash = Buffer.from(stored.passwordSha256, 'hex');
  const passwordOk = expectedHash.length === 32 && timingSafeEqual(sha256(password), expectedHash);
  const usernameOk = timingSafeEqual(sha256(username), sha256(stored.username));
  return passwordOk && usernameOk;
}

/** A Basic authorization header's user and password; empty strings when it is missing or malformed. */
export function basicCredentials(header: string): { username: string; password: string } {
  const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  return colon < 0 ? { username: '', password: '' } : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
