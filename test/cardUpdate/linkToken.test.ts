import { SignJWT } from 'jose';
import { issueLinkToken, linkSigningKey, verifyLinkToken } from '../../backend/src/cardUpdate/linkToken';

const key = linkSigningKey('a-test-secret-that-is-long-enough-1234');
const otherKey = linkSigningKey('another-secret-that-is-long-enough-5678');
const issuedAt = new Date('2026-05-01T09:00:00Z');
const claims = { accountId: 'acct_1', livemode: false, stripeCustomerId: 'cus_1', caseId: 'case_1' };

describe('card-update link tokens', () => {
  it('verifies a fresh token and returns its claims and expiry (7 days)', async () => {
    const token = await issueLinkToken(claims, key, issuedAt);
    expect(await verifyLinkToken(token, key, new Date('2026-05-08T08:59:00Z'))).toEqual({ ok: true, claims, expiresAt: new Date('2026-05-08T09:00:00Z') });
  });

  it('says expired once the validity has passed', async () => {
    const token = await issueLinkToken(claims, key, issuedAt);
    expect(await verifyLinkToken(token, key, new Date('2026-05-08T09:01:00Z'))).toEqual({ ok: false, reason: 'expired', claims });
  });

  it('honours a shorter validity', async () => {
    const token = await issueLinkToken(claims, key, issuedAt, 1);
    expect(await verifyLinkToken(token, key, new Date('2026-05-02T09:00:01Z'))).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('refuses an expired token signed with another key as invalid, not expired', async () => {
    const token = await issueLinkToken(claims, otherKey, issuedAt);
    expect(await verifyLinkToken(token, key, new Date('2026-06-01T00:00:00Z'))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a token signed with another key', async () => {
    const token = await issueLinkToken(claims, otherKey, issuedAt);
    expect(await verifyLinkToken(token, key, issuedAt)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([
    ['a changed account', (payload: Record<string, unknown>) => ({ ...payload, acct: 'acct_2' })],
    ['a changed customer', (payload: Record<string, unknown>) => ({ ...payload, cus: 'cus_2' })],
    ['a later expiry', (payload: Record<string, unknown>) => ({ ...payload, exp: (payload.exp as number) + 86400 * 365 })],
  ])('refuses a token with %s', async (_name, alter) => {
    const token = await issueLinkToken(claims, key, issuedAt);
    const [header, body, signature] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify(alter(payload))).toString('base64url')}.${signature}`;
    expect(await verifyLinkToken(tampered, key, issuedAt)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses an unsigned token (alg none) and a token for another audience', async () => {
    const token = await issueLinkToken(claims, key, issuedAt);
    const [, body] = token.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`;
    expect(await verifyLinkToken(unsigned, key, issuedAt)).toEqual({ ok: false, reason: 'invalid' });
    const otherAudience = await new SignJWT({ acct: 'acct_1', live: false, cus: 'cus_1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('case_1')
      .setIssuer('payment-recovery')
      .setAudience('something-else')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    expect(await verifyLinkToken(otherAudience, key, new Date())).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each(['', 'not-a-token', 'a.b.c', 'x'.repeat(3000)])('refuses garbage %#', async (garbage) => {
    expect(await verifyLinkToken(garbage, key, issuedAt)).toEqual({ ok: false, reason: 'invalid' });
  });
});
