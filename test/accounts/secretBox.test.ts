import { createSecretBox } from '../../backend/src/accounts';

describe('the secret box for merchant secrets', () => {
  const box = createSecretBox('a-long-key-for-tests-0123456789abcdef');

  it('opens what it sealed, and never stores the plain text', () => {
    const sealed = box.seal('merchant-postmark-token-123');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('merchant-postmark-token-123');
    expect(box.open(sealed)).toBe('merchant-postmark-token-123');
  });

  it('seals the same secret differently each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it.each([
    ['an altered ciphertext', (sealed: string) => `${sealed.slice(0, -2)}AA`],
    ['an altered tag', (sealed: string) => sealed.replace(/^v1\.([^.]+)\.([^.]{4})/, 'v1.$1.AAAA')],
    ['another format', () => 'plain-token'],
  ])('refuses %s', (_name, alter) => {
    expect(box.open(alter(box.seal('secret-value')))).toBeNull();
  });

  it('cannot open what another key sealed', () => {
    expect(createSecretBox('another-long-key-for-tests-0123456789').open(box.seal('secret-value'))).toBeNull();
  });
});
