import { SignJWT } from 'jose';
import { EXPORT_LINK_VALIDITY_MS, exportSigningKey, exportUrl, issueExportToken, verifyExportToken } from '../../backend/src/api/exportLinkToken';
import { issueLinkToken, linkSigningKey } from '../../backend/src/cardUpdate/linkToken';

const SECRET = 'a-link-secret-of-at-least-32-characters';
const key = exportSigningKey(SECRET);
const NOW = new Date('2026-05-10T10:00:00Z');
const claims = { accountId: 'acct_1', livemode: true, filters: { status: 'active', currency: 'usd', from: '2026-05-01T00:00:00.000Z' } };

describe('export link tokens', () => {
  it('carry the account, the mode and the filters for five minutes', async () => {
    const { token, expiresAt } = await issueExportToken(claims, key, NOW);
    expect(expiresAt).toEqual(new Date(NOW.getTime() + EXPORT_LINK_VALIDITY_MS));
    expect(await verifyExportToken(token, key, new Date(NOW.getTime() + EXPORT_LINK_VALIDITY_MS - 1000))).toEqual({ ok: true, claims });
  });

  it('are expired from the fifth minute on', async () => {
    const { token } = await issueExportToken(claims, key, NOW);
    expect(await verifyExportToken(token, key, new Date(NOW.getTime() + EXPORT_LINK_VALIDITY_MS + 1000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('are invalid with a payload changed to another account or other filters, even when expired', async () => {
    const { token } = await issueExportToken(claims, key, NOW);
    const [header, , signature] = token.split('.');
    for (const changed of [{ ...claims, accountId: 'acct_2' }, { ...claims, filters: {} }]) {
      const payload = Buffer.from(JSON.stringify({ acct: changed.accountId, live: changed.livemode, flt: changed.filters, iss: 'payment-recovery', aud: 'dashboard-export', iat: 1, exp: 4_000_000_000 })).toString('base64url');
      expect(await verifyExportToken(`${header}.${payload}.${signature}`, key, NOW)).toEqual({ ok: false, reason: 'invalid' });
    }
    const expiredForged = Buffer.from(JSON.stringify({ acct: 'acct_2', live: true, flt: {}, iss: 'payment-recovery', aud: 'dashboard-export', iat: 1, exp: 2 })).toString('base64url');
    expect(await verifyExportToken(`${header}.${expiredForged}.${signature}`, key, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('are invalid when signed with another secret, cut short, or unsigned', async () => {
    const other = await issueExportToken(claims, exportSigningKey('another-secret-of-at-least-32-characters'), NOW);
    expect(await verifyExportToken(other.token, key, NOW)).toEqual({ ok: false, reason: 'invalid' });
    const { token } = await issueExportToken(claims, key, NOW);
    expect(await verifyExportToken(token.slice(0, -4), key, NOW)).toEqual({ ok: false, reason: 'invalid' });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.`;
    expect(await verifyExportToken(unsigned, key, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyExportToken('', key, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('never accept a card-update link signed with the same secret, nor a token for another audience', async () => {
    const cardLink = await issueLinkToken({ accountId: 'acct_1', livemode: true, stripeCustomerId: 'cus_1', caseId: 'case_1' }, linkSigningKey(SECRET), NOW);
    expect(await verifyExportToken(cardLink, key, NOW)).toEqual({ ok: false, reason: 'invalid' });
    const otherAudience = await new SignJWT({ acct: 'acct_1', live: true, flt: {} }).setProtectedHeader({ alg: 'HS256' }).setIssuer('payment-recovery').setAudience('card-update').setExpirationTime(NOW.getTime() / 1000 + 300).sign(key);
    expect(await verifyExportToken(otherAudience, key, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('make a download address on the public URL', () => {
    expect(exportUrl('https://recovery.example.com', 'aaa.bbb.ccc')).toBe('https://recovery.example.com/exports/aaa.bbb.ccc.csv');
  });
});
