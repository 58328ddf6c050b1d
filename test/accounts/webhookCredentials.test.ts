import { basicCredentials, issueWebhookCredentials, webhookCredentialsMatch } from '../../backend/src/accounts';

const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;
const now = new Date('2026-12-01T00:00:00Z');

describe('webhook credentials of a merchant’s own Postmark server', () => {
  it('are a random user name and 32-byte password, stored only as the password’s SHA-256', () => {
    const issued = issueWebhookCredentials(now);
    expect(issued.username).toMatch(/^pm_[0-9a-f]{12}$/);
    expect(Buffer.from(issued.password, 'base64url')).toHaveLength(32);
    expect(issued.stored).toEqual({ username: issued.username, passwordSha256: expect.stringMatching(/^[0-9a-f]{64}$/), createdAt: now });
    expect(JSON.stringify(issued.stored)).not.toContain(issued.password);
    expect(issueWebhookCredentials(now).password).not.toBe(issued.password);
  });

  it('match only with both the user name and the password', () => {
    const { username, password, stored } = issueWebhookCredentials(now);
    expect(webhookCredentialsMatch(stored, username, password)).toBe(true);
    expect(webhookCredentialsMatch(stored, username, `${password}x`)).toBe(false);
    expect(webhookCredentialsMatch(stored, 'pm_other', password)).toBe(false);
    expect(webhookCredentialsMatch(stored, username, '')).toBe(false);
  });

  it('never match without stored credentials, or with a damaged hash', () => {
    const { username, password, stored } = issueWebhookCredentials(now);
    expect(webhookCredentialsMatch(null, username, password)).toBe(false);
    expect(webhookCredentialsMatch(undefined, '', '')).toBe(false);
    expect(webhookCredentialsMatch({ ...stored, passwordSha256: 'abc' }, username, password)).toBe(false);
  });
});

describe('basicCredentials', () => {
  it('splits at the first colon, so a password may hold colons', () => {
    expect(basicCredentials(basic('pm_1:pa:ss'))).toEqual({ username: 'pm_1', password: 'pa:ss' });
  });

  it.each([['no header', ''], ['another scheme', 'Bearer x'], ['no colon', basic('justone')]])('gives empty strings for %s', (_why, header) => {
    expect(basicCredentials(header)).toEqual({ username: '', password: '' });
  });
});
